//! The OS scheduler: `cores` cores, one FIFO run queue, CFS-like time slices, and the cost of
//! switching and migrating.
//!
//! * A process that becomes runnable goes to an idle core (its last core if idle, for cache
//!   affinity), else to the back of the run queue.
//! * Slice = max(min_granularity, target_latency / runnable-per-core) (CFS's rule). When a slice
//!   ends and others wait, the process is preempted (involuntary switch) to the back of the queue;
//!   when it blocks (waiting for its client, or nothing to do) that is a voluntary switch.
//! * Switching to a different process than the core ran last costs CPU on that core: the direct
//!   cost (1.6 µs process, 1.1 µs thread) + TLB refill + the refill of what the process touches
//!   per transaction (its hot set), from the L3 once the runnable hot sets outgrow the cores'
//!   private caches and from DRAM once they outgrow the L3, + the refill of its footprint once
//!   the runnable footprints outgrow the L3; the host's `switch_refill_factor` scales both
//!   refills (`Scheduler::switch_cost`).
//!   Resuming on another core than last time is a migration and costs `MIGRATION_PENALTY`.
//! * With overheads off there is always a free core (cores are added on demand) and nothing costs.
//!
//! [`Scheduler`] holds the process table, the cores, the run queue and the working-set
//! accounting; the steps that also charge metrics or schedule events are on `Sim`.

use super::config::{Config, IdleExit};
use super::engine::Event;
use super::ids::{ClientId, ConnId, CoreId, IdVec, PoolerId, Position, ProcId};
use super::run_queue::RunQueue;
use super::Sim;
use crate::calibration as cal;
use crate::metrics::CpuCat;

/// A CPU burst of a process.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Job {
    /// What the burst does (and whom it is for).
    pub kind: JobKind,
    /// CPU still to run, ns.
    pub remaining_ns: u64,
    /// Of `remaining_ns`, the first part that is GetSnapshotData, ns.
    pub snapshot_ns: u64,
}

/// What a CPU burst does.
#[derive(Clone, Copy, Debug)]
pub(crate) enum JobKind {
    /// Postmaster: fork (or create a thread / set up a session) for a connection.
    Accept(ConnId),
    /// New backend: initialise and authenticate.
    Init(ConnId),
    /// Execute a statement for a connection.
    Statement(ConnId),
    /// Pooler: handle one message.
    Pooler(PoolerMessage),
    /// A client's own CPU around one statement (`clients_on_server`).
    Client(ClientId, ClientPhase),
}

/// Which side of a statement a client's CPU burst is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientPhase {
    /// Building and sending the request.
    Send,
    /// Reading and processing the reply.
    Receive,
}

/// A message a PgBouncer process handles, for a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PoolerMessage {
    /// A client logs in.
    Login(ClientId),
    /// A client's query, to forward to a server.
    Query(ClientId),
    /// A server's response, to forward to the client.
    Response(ClientId),
}

impl PoolerMessage {
    /// The client the message is for: it names the PgBouncer process (`Client::pooler`).
    #[inline]
    pub fn client(self) -> ClientId {
        match self {
            PoolerMessage::Login(c) | PoolerMessage::Query(c) | PoolerMessage::Response(c) => c,
        }
    }
}

/// What a process or thread is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProcKind {
    /// The backend or connection thread of a server connection.
    Conn(ConnId),
    /// One of the client program's threads (`clients_on_server`), by thread index.
    ClientThread(u32),
    /// A PgBouncer process.
    Pooler(PoolerId),
    /// The postmaster (or the thread pool's listener).
    Postmaster,
    /// A thread-pool worker.
    Worker,
    /// A free slot of the process table.
    Free,
}

/// A process's scheduling state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProcState {
    /// Waiting for something to do.
    Blocked,
    /// Has a job, waiting in the run queue for a core.
    Runnable,
    /// On a core.
    Running,
}

/// A schedulable process or thread.
pub(crate) struct Proc {
    /// What it is.
    pub kind: ProcKind,
    /// Blocked, runnable or running.
    pub state: ProcState,
    /// Its current CPU burst (`None`: nothing to do).
    pub job: Option<Job>,
    /// The core it last ran on (`None`: it never ran).
    pub last_core: Option<CoreId>,
    /// A thread rather than a process (cheaper switches: no address-space change).
    pub thread: bool,
    /// Its hot working set in the caches, bytes.
    pub working_set: f64,
    /// When it last entered the run queue.
    pub run_queue_since: u64,
    /// Woken while every core was busy: it waits in a run queue, and the wake-up that put it
    /// there crossed cores (an inter-processor interrupt), paid when it is dispatched.
    pub queued_wake: bool,
    /// Its virtual runtime: the CPU time it has had, as CFS counts it (`RunQueue`), ns.
    pub vruntime: u64,
    /// When it was last put on a core (its virtual runtime grows by the time since, when it
    /// leaves).
    pub on_core_since: u64,
}

/// A core.
pub(crate) struct Core {
    /// The process running on it (`None`: idle).
    pub running: Option<ProcId>,
    /// The process that ran on it last, whose working set its caches hold: switching back to it
    /// costs nothing.
    pub last_ran: Option<ProcId>,
    /// Bumped whenever its pending core event is superseded; an `Event::Core` carrying an older
    /// generation is stale.
    pub generation: u32,
    /// The CPU time before this instant has been charged (`Sim::account`).
    pub accounted_from: u64,
    /// Until this instant the core pays the running process's switch-in overhead (switching
    /// CPU); the process's job runs after it.
    pub overhead_until: u64,
    /// The end of the running process's time slice.
    pub slice_end: u64,
    /// Its position in `Scheduler::idle_cores` (`None`: not idle).
    pub idle_position: Option<Position>,
    /// When it last became idle (meaningful while `idle_position` is set).
    pub idle_since: u64,
}

/// The OS scheduler's state: processes, cores, run queue, working sets.
pub(crate) struct Scheduler {
    /// The process table, live entries and free slots.
    pub procs: IdVec<ProcId, Proc>,
    /// Free slots of the process table, reused LIFO.
    pub free_procs: Vec<ProcId>,
    /// The cores (grown on demand with overheads off).
    pub cores: IdVec<CoreId, Core>,
    /// The idle cores, a stack pushed in the order they became idle (each core keeps its
    /// position, `Core::idle_position`).
    pub idle_cores: Vec<CoreId>,
    /// The run queue, by virtual runtime.
    pub run_queue: RunQueue,
    /// Sum of the hot working sets of runnable and running processes, bytes.
    pub working_set_active: f64,
    /// Runnable and running connection processes/threads (`ProcKind::Conn`).
    pub conns_active: u32,
}

impl Scheduler {
    /// No process, no core.
    pub fn new() -> Scheduler {
        Scheduler {
            procs: IdVec::new(),
            free_procs: Vec::new(),
            cores: IdVec::new(),
            idle_cores: Vec::new(),
            run_queue: RunQueue::new(),
            working_set_active: 0.0,
            conns_active: 0,
        }
    }

    /// A new blocked process of `kind` with working set `working_set` (a free slot if any).
    pub fn new_proc(&mut self, kind: ProcKind, thread: bool, working_set: f64) -> ProcId {
        let proc = Proc {
            kind,
            state: ProcState::Blocked,
            job: None,
            last_core: None,
            thread,
            working_set,
            run_queue_since: 0,
            queued_wake: false,
            // A new task starts at the queue's minimum (CFS's `place_entity` for a new task).
            vruntime: self.run_queue.min_vruntime,
            on_core_since: 0,
        };
        if let Some(id) = self.free_procs.pop() {
            self.procs[id] = proc;
            id
        } else {
            self.procs.push(proc)
        }
    }

    /// Frees blocked process `id`.
    pub fn free_proc(&mut self, id: ProcId) {
        let pr = &mut self.procs[id];
        debug_assert_eq!(pr.state, ProcState::Blocked);
        pr.kind = ProcKind::Free;
        pr.job = None;
        // Forget it on the core it last ran on, so a recycled id pays its switch.
        if let Some(core) = pr.last_core.and_then(|c| self.cores.get_mut(c)) {
            if core.last_ran == Some(id) {
                core.last_ran = None;
            }
        }
        self.free_procs.push(id);
    }

    /// Frees blocked process `id` (a retiring thread-pool worker) without forgetting it on the
    /// core it last ran on, unlike [`Scheduler::free_proc`]: a process that reuses its slot
    /// there finds that core's caches warm for it.
    pub fn retire_proc(&mut self, id: ProcId) {
        self.procs[id].kind = ProcKind::Free;
        self.free_procs.push(id);
    }

    /// Whether process `p` is blocked with nothing to do (a job handed to it wakes it at once).
    #[inline]
    pub fn is_waiting_for_work(&self, p: ProcId) -> bool {
        let pr = &self.procs[p];
        pr.state == ProcState::Blocked && pr.job.is_none()
    }

    /// Adds an idle core.
    fn add_core(&mut self, now: u64) {
        let id = self.cores.push(Core {
            running: None,
            last_ran: None,
            generation: 0,
            accounted_from: now,
            overhead_until: now,
            slice_end: now,
            idle_position: None,
            idle_since: now,
        });
        self.push_idle_core(id, now);
    }

    fn push_idle_core(&mut self, c: CoreId, now: u64) {
        let core = &mut self.cores[c];
        core.idle_since = now;
        core.idle_position = Some(Position::new(self.idle_cores.len() as u32));
        self.idle_cores.push(c);
    }

    fn remove_idle_core(&mut self, c: CoreId) {
        let Some(pos) = self.cores[c].idle_position else {
            return;
        };
        let last = *self.idle_cores.last().expect("non-empty");
        self.idle_cores.swap_remove(pos.get() as usize);
        if last != c {
            self.cores[last].idle_position = Some(pos);
        }
        self.cores[c].idle_position = None;
    }

    /// Whether core `c` exists and is idle.
    #[inline]
    fn is_idle(&self, c: CoreId) -> bool {
        self.cores
            .get(c)
            .is_some_and(|core| core.idle_position.is_some())
    }

    /// Takes an idle core: `preferred` if it is idle, else the most recently idled one.
    fn take_idle_core(&mut self, preferred: Option<CoreId>) -> Option<CoreId> {
        if let Some(c) = preferred.filter(|&c| self.is_idle(c)) {
            self.remove_idle_core(c);
            return Some(c);
        }
        let c = self.idle_cores.pop()?;
        self.cores[c].idle_position = None;
        Some(c)
    }

    /// Where a woken process goes, as Linux's `select_idle_sibling` places a wake-up: a core
    /// freed less than `IDLE_WAKE_MIN_IDLE_NS` ago still runs the waker (it wakes its peer and
    /// only then sleeps), so it counts as busy while a core that is truly idle exists: the
    /// process's last core if it is, else another. Only when no core is truly idle does the
    /// process take a just-freed core, with no idle-state exit to pay. With overheads off (or
    /// no cost to leaving idle) it is the plain choice: the last core if idle, else any.
    fn take_core_for_wake(
        &mut self,
        p: ProcId,
        preferred: Option<CoreId>,
        now: u64,
        config: &Config,
    ) -> Option<CoreId> {
        if !config.overheads || config.params.idle_wake_us <= 0.0 {
            return self.take_idle_core(preferred);
        }
        let awake =
            |s: &Scheduler, c: CoreId| now < s.cores[c].idle_since + cal::IDLE_WAKE_MIN_IDLE_NS;
        // Its last core, if idle: at once if it has been idle a while; if it was freed just now,
        // only when `p` itself was the last to run there (it blocked and is woken again at the
        // same instant, e.g. by a timer: it never really left).
        if let Some(c) = preferred
            .filter(|&c| self.is_idle(c) && (!awake(self, c) || self.cores[c].last_ran == Some(p)))
        {
            self.remove_idle_core(c);
            return Some(c);
        }
        // The idle stack is pushed in time order, so its bottom is (nearly always) the core
        // idle the longest.
        if let Some(&c) = self.idle_cores.first() {
            if !awake(self, c) {
                self.remove_idle_core(c);
                return Some(c);
            }
        }
        self.take_idle_core(preferred)
    }

    /// What core `c`, taken from the idle set, pays to leave its idle state: nothing if it has
    /// been idle less than `IDLE_WAKE_MIN_IDLE_NS` (it is still awake), else `idle_wake_us`, of
    /// which `IDLE_WAKE_CPU_SHARE` is CPU on the core and the rest a delay with the core idle.
    fn idle_exit(&self, c: CoreId, now: u64, config: &Config) -> IdleExit {
        if !config.overheads || now < self.cores[c].idle_since + cal::IDLE_WAKE_MIN_IDLE_NS {
            return IdleExit::NONE;
        }
        config.idle_wake
    }

    /// CPU a core pays to switch to process `p`: the direct cost, the TLB refill, the refill of
    /// its hot set and, once the footprints outgrow the L3, of its footprint
    /// (`switch_refill_factor` scales both refills).
    ///
    /// * Hot set: while the hot sets of the runnable processes fit in the cores' private caches
    ///   (`PRIVATE_CACHE_BYTES_PER_CORE` each) nothing; the share that does not fit,
    ///   `m₂ = 1 − private / Σ hot`, is refilled from the L3, or from DRAM for the share
    ///   `m₃ = 1 − L3 / Σ hot` that the L3 cannot hold either. The cores and the L3 are split
    ///   evenly between the `sockets` and so are the runnable processes, so each socket's ratio
    ///   is the machine's.
    /// * Footprint: `fp × FOOTPRINT_REFILL_NS_PER_MIB × (1 − L3 / Σ fp)` of the runnable.
    fn switch_cost(&self, p: ProcId, config: &Config) -> u64 {
        let pr = &self.procs[p];
        let (direct, tlb) = if pr.thread {
            (cal::SWITCH_DIRECT_THREAD_NS, cal::TLB_REFILL_THREAD_NS)
        } else {
            (cal::SWITCH_DIRECT_PROCESS_NS, cal::TLB_REFILL_PROCESS_NS)
        };
        let active = self.working_set_active;
        let private = self.cores.len() as f64 * cal::PRIVATE_CACHE_BYTES_PER_CORE;
        let l3 = config.l3_bytes(self.cores.len());
        let hot = if active > private {
            let beyond_private = 1.0 - private / active;
            let beyond_l3 = if active > l3 { 1.0 - l3 / active } else { 0.0 };
            pr.working_set
                * beyond_private
                * (config.refill_l3_ns_per_byte * (1.0 - beyond_l3)
                    + config.refill_dram_ns_per_byte * beyond_l3)
        } else {
            0.0
        };
        direct + tlb + crate::rng::ns(hot + self.footprint_refill(pr, l3, config))
    }

    /// The footprint tier of the refill: once the footprints of the runnable processes outgrow
    /// the L3, a process's own footprint (its translations and lines) comes back from DRAM.
    fn footprint_refill(&self, pr: &Proc, l3: f64, config: &Config) -> f64 {
        let total = self.working_set_active
            + f64::from(self.conns_active)
                * (config.conn_footprint - cal::TXN_HOT_SET_BYTES).max(0.0);
        if total <= l3 {
            return 0.0;
        }
        let full = if matches!(pr.kind, ProcKind::Conn(_)) {
            config.conn_footprint_refill_ns
        } else {
            config.refill_footprint_ns_per_byte * pr.working_set
        };
        full * (1.0 - l3 / total)
    }

    /// The time slice: CFS's target latency shared by the runnable processes per core, at least
    /// its minimum granularity, both scaled with the cores as the kernel scales them
    /// (`cal::sched_tunable_factor`).
    fn slice(&self) -> u64 {
        let n = self.cores.len().max(1) as u64;
        let nr = (self.run_queue.len() as u64 + n).div_ceil(n).max(1);
        let factor = cal::sched_tunable_factor(n.min(u64::from(u32::MAX)) as u32);
        (cal::SCHED_TARGET_LATENCY_BASE_NS * factor / nr)
            .max(cal::SCHED_MIN_GRANULARITY_BASE_NS * factor)
    }

    /// Process `p` becomes runnable: its working set counts as active.
    #[inline]
    fn activate(&mut self, p: ProcId) {
        let pr = &mut self.procs[p];
        debug_assert_eq!(pr.state, ProcState::Blocked);
        debug_assert!(pr.job.is_some());
        pr.state = ProcState::Runnable;
        self.working_set_active += pr.working_set;
        if matches!(pr.kind, ProcKind::Conn(_)) {
            self.conns_active += 1;
        }
    }

    /// Process `p` blocks: its working set no longer counts as active.
    #[inline]
    fn deactivate(&mut self, p: ProcId) {
        let pr = &mut self.procs[p];
        pr.state = ProcState::Blocked;
        self.working_set_active -= pr.working_set;
        if self.working_set_active < 1.0 {
            self.working_set_active = 0.0;
        }
        if matches!(pr.kind, ProcKind::Conn(_)) {
            self.conns_active = self.conns_active.saturating_sub(1);
        }
    }

    /// Puts process `p` in the run queue at `now`, by its virtual runtime.
    #[inline]
    fn enqueue(&mut self, p: ProcId, now: u64) {
        let pr = &mut self.procs[p];
        pr.state = ProcState::Runnable;
        pr.run_queue_since = now;
        self.run_queue.push(p, pr.vruntime);
    }

    /// Process `p` wakes: CFS places it no further back than half a latency period behind the
    /// queue's minimum (`GENTLE_FAIR_SLEEPERS`).
    #[inline]
    fn place_woken(&mut self, p: ProcId) {
        let factor = cal::sched_tunable_factor(self.cores.len().max(1) as u32);
        let credit = cal::SCHED_TARGET_LATENCY_BASE_NS * factor / 2;
        let pr = &mut self.procs[p];
        pr.vruntime = self.run_queue.placement(pr.vruntime, credit);
    }

    /// Process `p` leaves its core at `now`: its virtual runtime grows by its time there.
    #[inline]
    fn charge_vruntime(&mut self, p: ProcId, now: u64) {
        let pr = &mut self.procs[p];
        pr.vruntime += now.saturating_sub(pr.on_core_since);
    }

    /// Processes that are runnable or running with overheads on while a core idles, and the
    /// bookkeeping of cores, idle stack and run queue.
    pub fn check_invariants(&self, overheads: bool) -> Result<(), String> {
        let running = self.cores.iter().filter(|c| c.running.is_some()).count();
        if running + self.idle_cores.len() != self.cores.len() {
            return Err("cores neither running nor idle".into());
        }
        if !self.run_queue.is_empty() && !self.idle_cores.is_empty() && overheads {
            return Err("runnable process while a core idles".into());
        }
        for (i, &c) in self.idle_cores.iter().enumerate() {
            if self.cores[c].idle_position.map(Position::get) != Some(i as u32) {
                return Err(format!("idle core {} misplaced in the idle stack", c.get()));
            }
        }
        for (c, core) in self.cores.iter_with_ids() {
            if let Some(p) = core.running {
                let pr = &self.procs[p];
                if pr.state != ProcState::Running || pr.last_core != Some(c) {
                    return Err(format!(
                        "core {} runs process {} elsewhere",
                        c.get(),
                        p.get()
                    ));
                }
            }
        }
        let runnable = self
            .procs
            .iter()
            .filter(|p| p.state == ProcState::Runnable)
            .count();
        if runnable != self.run_queue.len()
            || self
                .run_queue
                .iter()
                .any(|p| self.procs[p].state != ProcState::Runnable)
        {
            return Err(format!(
                "{runnable} runnable processes, {} in the run queue",
                self.run_queue.len()
            ));
        }
        let conns_active = self
            .procs
            .iter()
            .filter(|p| p.state != ProcState::Blocked && matches!(p.kind, ProcKind::Conn(_)))
            .count() as u32;
        if conns_active != self.conns_active {
            return Err(format!(
                "active connection processes {} != {conns_active}",
                self.conns_active
            ));
        }
        Ok(())
    }
}

impl Sim {
    /// Sets the number of cores; removed cores hand their process back to the run queue's front.
    pub fn set_cores(&mut self, n: u32) {
        let n = n.max(1) as usize;
        while self.scheduler.cores.len() < n {
            self.scheduler.add_core(self.now);
        }
        if !self.config.overheads {
            // Ideal mode never takes cores away (they are "unlimited").
            self.drain_run_queue();
            return;
        }
        while self.scheduler.cores.len() > n {
            let id = CoreId::new((self.scheduler.cores.len() - 1) as u32);
            if let Some(running) = self.scheduler.cores[id].running {
                self.account(id);
                self.scheduler.charge_vruntime(running, self.now);
                self.scheduler.enqueue(running, self.now);
                self.metrics.runq_enter();
            } else {
                self.scheduler.remove_idle_core(id);
            }
            self.scheduler.cores.pop();
        }
        self.drain_run_queue();
    }

    /// Gives process `p` (Blocked, with a job set) to the scheduler.
    pub fn make_runnable(&mut self, p: ProcId) {
        self.scheduler.activate(p);
        if self.config.overheads {
            self.scheduler.place_woken(p);
        }
        let preferred = self.scheduler.procs[p].last_core;
        if let Some(c) = self
            .scheduler
            .take_core_for_wake(p, preferred, self.now, &self.config)
        {
            let exit = self.idle_exit(c);
            self.dispatch(c, p, exit);
        } else if !self.config.overheads {
            self.set_cores(self.scheduler.cores.len() as u32 + 1);
            let c = self.scheduler.take_idle_core(None).expect("just added");
            self.dispatch(c, p, IdleExit::NONE);
        } else {
            self.scheduler.procs[p].queued_wake = true;
            self.scheduler.enqueue(p, self.now);
            self.metrics.runq_enter();
        }
    }

    /// Hands a job to a process; wakes it if it was blocked.
    pub fn give_job(&mut self, p: ProcId, job: Job) {
        let pr = &mut self.scheduler.procs[p];
        debug_assert!(pr.job.is_none());
        pr.job = Some(job);
        if pr.state == ProcState::Blocked {
            self.make_runnable(p);
        }
    }

    /// Dispatches queued processes to idle cores while both exist.
    fn drain_run_queue(&mut self) {
        while !self.scheduler.run_queue.is_empty() {
            let Some(c) = self.scheduler.take_idle_core(None) else {
                break;
            };
            let p = self.scheduler.run_queue.pop().expect("non-empty");
            self.metrics
                .runq_leave(self.now - self.scheduler.procs[p].run_queue_since);
            let exit = self.idle_exit(c);
            self.dispatch(c, p, exit);
        }
    }

    /// What core `c`, taken from the idle set, pays to leave its idle state
    /// ([`Scheduler::idle_exit`]), varied from wake-up to wake-up: both parts scaled by one
    /// lognormal factor of mean 1 and shape `cal::IDLE_WAKE_SIGMA` (the jitter stream).
    fn idle_exit(&mut self, c: CoreId) -> IdleExit {
        let exit = self.scheduler.idle_exit(c, self.now, &self.config);
        if exit.delay_ns == 0 && exit.cpu_ns == 0 {
            return exit;
        }
        let factor = self.random.jitter.lognormal(1.0, cal::IDLE_WAKE_SIGMA);
        IdleExit {
            delay_ns: crate::rng::ns(exit.delay_ns as f64 * factor),
            cpu_ns: crate::rng::ns(exit.cpu_ns as f64 * factor),
        }
    }

    /// Puts process `p` on core `c`, which first pays the switch and `exit`.
    fn dispatch(&mut self, c: CoreId, p: ProcId, exit: IdleExit) {
        let mut overhead = 0;
        if self.config.overheads {
            if self.scheduler.cores[c].last_ran != Some(p) {
                overhead += self.scheduler.switch_cost(p, &self.config);
            }
            if matches!(self.scheduler.procs[p].last_core, Some(last) if last != c) {
                self.metrics.migration();
                overhead += cal::MIGRATION_PENALTY_NS;
            }
        }
        // Leaving the idle state: a delay, then CPU counted with the switch.
        overhead += exit.cpu_ns;
        if std::mem::take(&mut self.scheduler.procs[p].queued_wake) && self.config.overheads {
            overhead += self.config.wake_ipi_ns;
        }
        let start = self.now + exit.delay_ns;
        let slice = self.scheduler.slice();
        let pr = &mut self.scheduler.procs[p];
        pr.state = ProcState::Running;
        pr.last_core = Some(c);
        pr.on_core_since = start;
        let core = &mut self.scheduler.cores[c];
        core.running = Some(p);
        core.last_ran = Some(p);
        core.accounted_from = start;
        core.overhead_until = start + overhead;
        core.slice_end = start + overhead + slice;
        self.job_begins(p);
        self.schedule_core(c);
    }

    /// Process `p` holds a core with its job: a statement's first time on a core is when it
    /// starts executing (and may allocate `work_mem`).
    #[inline]
    fn job_begins(&mut self, p: ProcId) {
        if let Some(Job {
            kind: JobKind::Statement(conn),
            ..
        }) = self.scheduler.procs[p].job
        {
            self.backends.start_executing(conn);
        }
    }

    /// Schedules core `c`'s next event: the end of its process's job or of its slice.
    fn schedule_core(&mut self, c: CoreId) {
        let core = &mut self.scheduler.cores[c];
        core.generation = core.generation.wrapping_add(1);
        let p = core.running.expect("a running core");
        let remaining = self.scheduler.procs[p].job.map_or(0, |j| j.remaining_ns);
        let job_end = core.overhead_until.max(self.now) + remaining;
        let t = job_end.min(core.slice_end.max(self.now));
        let generation = core.generation;
        self.events.push(t, self.now, Event::Core(c, generation));
    }

    /// Charges the CPU time used on core `c` since it was last accounted.
    pub fn account(&mut self, c: CoreId) {
        let now = self.now;
        let core = &mut self.scheduler.cores[c];
        let Some(p) = core.running else {
            return;
        };
        if now <= core.accounted_from {
            return;
        }
        let from = core.accounted_from;
        let overhead = core.overhead_until.min(now).saturating_sub(from);
        let work = now - from.max(core.overhead_until).min(now);
        core.accounted_from = now;
        if overhead > 0 {
            self.metrics.cpu(CpuCat::Switching, overhead);
        }
        if work > 0 {
            if let Some(job) = self.scheduler.procs[p].job.as_mut() {
                let w = work.min(job.remaining_ns);
                let s = w.min(job.snapshot_ns);
                job.snapshot_ns -= s;
                job.remaining_ns -= w;
                let category = match job.kind {
                    JobKind::Accept(_) | JobKind::Init(_) => CpuCat::ForkAuth,
                    JobKind::Statement(_) => CpuCat::Work,
                    JobKind::Pooler(_) => CpuCat::Pooler,
                    JobKind::Client(..) => CpuCat::Clients,
                };
                if s > 0 {
                    self.metrics.cpu(CpuCat::Snapshots, s);
                }
                if w > s {
                    self.metrics.cpu(category, w - s);
                }
            }
        }
    }

    /// Accounts every running core up to now (before a reset or a read).
    pub fn flush_accounting(&mut self) {
        for c in self.scheduler.cores.ids() {
            self.account(c);
        }
    }

    /// Core `c`'s event: its process's job is done (it takes the next one or blocks), or its
    /// slice is over (it carries on, or is preempted when others wait).
    pub fn on_core_event(&mut self, c: CoreId, generation: u32) {
        let Some(core) = self.scheduler.cores.get(c) else {
            return;
        };
        if core.generation != generation {
            return;
        }
        let Some(p) = core.running else {
            return;
        };
        self.account(c);
        let overhead_until = self.scheduler.cores[c].overhead_until;
        let done = self.scheduler.procs[p]
            .job
            .is_none_or(|j| j.remaining_ns == 0 && overhead_until <= self.now);
        if done {
            let job = self.scheduler.procs[p].job.take();
            if let Some(job) = job {
                self.job_done(job);
            }
            if self.scheduler.procs[p].job.is_none() {
                let next = self.next_shared_job(p);
                self.scheduler.procs[p].job = next;
            }
            if self.scheduler.procs[p].job.is_some() {
                if self.now >= self.scheduler.cores[c].slice_end
                    && !self.scheduler.run_queue.is_empty()
                {
                    self.preempt(c, p);
                } else {
                    self.scheduler.cores[c].accounted_from = self.now;
                    self.job_begins(p);
                    self.schedule_core(c);
                }
            } else {
                self.block(c, p);
            }
        } else if self.scheduler.run_queue.is_empty() {
            // Slice over but nobody waits: carry on with a fresh slice.
            let s = self.scheduler.slice();
            self.scheduler.cores[c].slice_end = self.now + s;
            self.schedule_core(c);
        } else {
            self.preempt(c, p);
        }
    }

    /// Process `p`'s slice on core `c` is over and others wait: back of the run queue.
    fn preempt(&mut self, c: CoreId, p: ProcId) {
        self.metrics.switch(false);
        self.scheduler.charge_vruntime(p, self.now);
        self.scheduler.enqueue(p, self.now);
        self.metrics.runq_enter();
        self.core_free(c);
    }

    /// Process `p` on core `c` has nothing left to do: it blocks.
    fn block(&mut self, c: CoreId, p: ProcId) {
        self.metrics.switch(true);
        self.scheduler.charge_vruntime(p, self.now);
        self.scheduler.deactivate(p);
        if self.scheduler.procs[p].kind == ProcKind::Worker {
            self.worker_idle(p);
        }
        self.core_free(c);
    }

    /// Core `c` is free: it takes the head of the run queue, or idles.
    fn core_free(&mut self, c: CoreId) {
        let core = &mut self.scheduler.cores[c];
        core.running = None;
        core.generation = core.generation.wrapping_add(1);
        if let Some(p) = self.scheduler.run_queue.pop() {
            self.metrics
                .runq_leave(self.now - self.scheduler.procs[p].run_queue_since);
            self.dispatch(c, p, IdleExit::NONE);
        } else {
            self.scheduler.push_idle_core(c, self.now);
        }
    }

    /// Next job for a process that takes work from a shared queue.
    fn next_shared_job(&mut self, p: ProcId) -> Option<Job> {
        match self.scheduler.procs[p].kind {
            ProcKind::Pooler(g) => self.poolers.processes[g].queue.pop_front(),
            ProcKind::Postmaster => self.next_accept_job(),
            ProcKind::Worker => self.next_worker_job(p),
            ProcKind::ClientThread(t) => self.client_host.next_job(t),
            _ => None,
        }
    }

    /// Routes a finished job to its mechanism.
    fn job_done(&mut self, job: Job) {
        match job.kind {
            JobKind::Accept(conn) => self.accept_done(conn),
            JobKind::Init(conn) => self.init_done(conn),
            JobKind::Statement(conn) => self.statement_done(conn),
            JobKind::Pooler(message) => self.handle_pooler_message(message),
            JobKind::Client(c, phase) => self.client_work_done(c, phase),
        }
    }
}
