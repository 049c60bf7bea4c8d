//! The OS scheduler: `cores` cores, one FIFO run queue, CFS-like time slices, and the cost of
//! switching and migrating.
//!
//! * A process that becomes runnable goes to an idle core (its last core if idle, for cache
//!   affinity), else to the back of the run queue.
//! * Slice = max(min_granularity, target_latency / runnable-per-core) (CFS's rule). When a slice
//!   ends and others wait, the process is preempted (involuntary switch) to the back of the queue;
//!   when it blocks (waiting for its client, or nothing to do) that is a voluntary switch.
//! * Switching to a different process than the core ran last costs CPU on that core: the direct
//!   cost (1.6 µs process, 1.1 µs thread) + TLB refill + a cache refill that grows once the
//!   combined hot working set of the runnable processes outgrows the last-level cache:
//!   `refill = CACHE_REFILL_FULL × (ws / HOT_WS) × max(0, 1 − LLC / Σ ws_runnable)`.
//!   Resuming on another core than last time is a migration and costs `MIGRATION_PENALTY`.
//! * With overheads off there is always a free core (cores are added on demand) and nothing costs.

use super::engine::Ev;
use super::Core;
use super::{Job, JobWhat, PState, ProcKind, Sim, NONE};
use crate::calibration as cal;
use crate::metrics::CpuCat;

/// What a core pays to leave its idle state before it runs a woken process (`Sim::idle_exit`).
#[derive(Clone, Copy)]
struct IdleExit {
    /// Delay with the core idle, ns.
    delay: u64,
    /// CPU on the core, ns, counted with the switch.
    cpu: u64,
}

impl IdleExit {
    const NONE: IdleExit = IdleExit { delay: 0, cpu: 0 };
}

impl Sim {
    /// Sets the number of cores; removed cores hand their process back to the run queue's front.
    pub fn set_cores(&mut self, n: u32) {
        let n = n.max(1) as usize;
        while self.cores.len() < n {
            let id = self.cores.len() as u32;
            self.cores.push(Core {
                running: NONE,
                last: NONE,
                gen: 0,
                acct_from: self.now,
                ovh_until: self.now,
                slice_end: self.now,
                idle_pos: NONE,
                idle_since: self.now,
            });
            self.push_idle_core(id);
        }
        if !self.overheads() {
            // Ideal mode never takes cores away (they are "unlimited").
            self.drain_runq();
            return;
        }
        while self.cores.len() > n {
            let id = (self.cores.len() - 1) as u32;
            let running = self.cores[id as usize].running;
            if running != NONE {
                self.account(id);
                let pr = &mut self.procs[running as usize];
                pr.state = PState::Runnable;
                pr.runq_since = self.now;
                self.runq.push_front(running);
                self.metrics.runq_enter();
            } else {
                self.remove_idle_core(id);
            }
            self.cores.pop();
        }
        self.drain_runq();
    }

    fn push_idle_core(&mut self, c: u32) {
        self.cores[c as usize].idle_since = self.now;
        self.cores[c as usize].idle_pos = self.idle_cores.len() as u32;
        self.idle_cores.push(c);
    }

    fn remove_idle_core(&mut self, c: u32) {
        let pos = self.cores[c as usize].idle_pos;
        if pos == NONE {
            return;
        }
        let last = *self.idle_cores.last().expect("non-empty");
        self.idle_cores.swap_remove(pos as usize);
        if last != c {
            self.cores[last as usize].idle_pos = pos;
        }
        self.cores[c as usize].idle_pos = NONE;
    }

    fn take_idle_core(&mut self, pref: u32) -> Option<u32> {
        if pref != NONE
            && (pref as usize) < self.cores.len()
            && self.cores[pref as usize].idle_pos != NONE
        {
            self.remove_idle_core(pref);
            return Some(pref);
        }
        let c = self.idle_cores.pop()?;
        self.cores[c as usize].idle_pos = NONE;
        Some(c)
    }

    /// Where a woken process goes, as Linux's `select_idle_sibling` places a wake-up: a core
    /// freed less than `IDLE_WAKE_MIN_IDLE_NS` ago still runs the waker (it wakes its peer and
    /// only then sleeps), so it counts as busy while a core that is truly idle exists: the
    /// process's last core if it is, else another. Only when no core is truly idle does the
    /// process take a just-freed core, with no idle-state exit to pay. With overheads off (or
    /// no cost to leaving idle) it is the plain choice: the last core if idle, else any.
    fn take_core_for_wake(&mut self, p: u32, pref: u32) -> Option<u32> {
        if !self.overheads() || self.p.idle_wake_us <= 0.0 {
            return self.take_idle_core(pref);
        }
        let awake =
            |s: &Sim, c: u32| s.now < s.cores[c as usize].idle_since + cal::IDLE_WAKE_MIN_IDLE_NS;
        // Its last core, if idle: at once if it has been idle a while; if it was freed just now,
        // only when `p` itself was the last to run there (it blocked and is woken again at the
        // same instant, e.g. by a timer: it never really left).
        if pref != NONE
            && (pref as usize) < self.cores.len()
            && self.cores[pref as usize].idle_pos != NONE
            && (!awake(self, pref) || self.cores[pref as usize].last == p)
        {
            self.remove_idle_core(pref);
            return Some(pref);
        }
        // The idle stack is pushed in time order, so its bottom is (nearly always) the core
        // idle the longest.
        if let Some(&c) = self.idle_cores.first() {
            if !awake(self, c) {
                self.remove_idle_core(c);
                return Some(c);
            }
        }
        self.take_idle_core(pref)
    }

    /// Gives process `p` (Blocked, with a job set) to the scheduler.
    pub fn make_runnable(&mut self, p: u32) {
        let pr = &mut self.procs[p as usize];
        debug_assert_eq!(pr.state, PState::Blocked);
        debug_assert!(pr.job.is_some());
        pr.state = PState::Runnable;
        self.ws_active += pr.ws;
        if matches!(pr.kind, ProcKind::Conn(_)) {
            self.conns_active += 1;
        }
        let pref = pr.last_core;
        if let Some(c) = self.take_core_for_wake(p, pref) {
            let exit = self.idle_exit(c);
            self.dispatch(c, p, exit);
        } else if !self.overheads() {
            self.set_cores(self.cores.len() as u32 + 1);
            let c = self.take_idle_core(NONE).expect("just added");
            self.dispatch(c, p, IdleExit::NONE);
        } else {
            let pr = &mut self.procs[p as usize];
            pr.runq_since = self.now;
            pr.queued_wake = true;
            self.runq.push_back(p);
            self.metrics.runq_enter();
        }
    }

    /// Hands a job to a process; wakes it if it was blocked.
    pub fn give_job(&mut self, p: u32, job: Job) {
        let pr = &mut self.procs[p as usize];
        debug_assert!(pr.job.is_none());
        pr.job = Some(job);
        if pr.state == PState::Blocked {
            self.make_runnable(p);
        }
    }

    fn drain_runq(&mut self) {
        while !self.runq.is_empty() {
            let Some(c) = self.take_idle_core(NONE) else {
                break;
            };
            let p = self.runq.pop_front().expect("non-empty");
            self.metrics
                .runq_leave(self.now - self.procs[p as usize].runq_since);
            let exit = self.idle_exit(c);
            self.dispatch(c, p, exit);
        }
    }

    /// What core `c`, taken from the idle set, pays to leave its idle state: nothing if it has
    /// been idle less than `IDLE_WAKE_MIN_IDLE_NS` (it is still awake), else `idle_wake_us`, of
    /// which `IDLE_WAKE_CPU_SHARE` is CPU on the core and the rest a delay with the core idle.
    fn idle_exit(&self, c: u32) -> IdleExit {
        if !self.overheads()
            || self.now < self.cores[c as usize].idle_since + cal::IDLE_WAKE_MIN_IDLE_NS
        {
            return IdleExit::NONE;
        }
        let total = self.p.idle_wake_us * 1e3;
        let cpu = crate::rng::ns(total * cal::IDLE_WAKE_CPU_SHARE);
        IdleExit {
            delay: crate::rng::ns(total).saturating_sub(cpu),
            cpu,
        }
    }

    fn switch_cost(&self, p: u32) -> u64 {
        let pr = &self.procs[p as usize];
        let (direct, tlb) = if pr.thread {
            (cal::SWITCH_DIRECT_THREAD_NS, cal::TLB_REFILL_THREAD_NS)
        } else {
            (cal::SWITCH_DIRECT_PROCESS_NS, cal::TLB_REFILL_PROCESS_NS)
        };
        let llc = self.cores.len() as f64 * cal::LLC_BYTES_PER_CORE;
        let evicted = if self.ws_active > llc {
            1.0 - llc / self.ws_active
        } else {
            0.0
        };
        let refill = cal::CACHE_REFILL_FULL_NS * (pr.ws / cal::HOT_WORKING_SET_BYTES) * evicted;
        direct + tlb + crate::rng::ns(refill + self.dram_refill(pr))
    }

    /// The second tier of the refill (`cal::DRAM_REFILL_NS_PER_MIB`): once the footprints of the
    /// runnable processes outgrow the shared L3, a process's own footprint comes from DRAM.
    fn dram_refill(&self, pr: &super::Proc) -> f64 {
        let fp = if matches!(pr.kind, ProcKind::Conn(_)) {
            self.conn_footprint
        } else {
            pr.ws
        };
        let total = self.ws_active
            + f64::from(self.conns_active)
                * (self.conn_footprint - cal::HOT_WORKING_SET_BYTES).max(0.0);
        let l3 = if self.p.l3_cache_mb > 0.0 {
            self.p.l3_cache_mb * cal::MIB
        } else {
            self.cores.len() as f64 * cal::L3_BYTES_PER_CORE
        };
        if total <= l3 {
            return 0.0;
        }
        cal::DRAM_REFILL_NS_PER_MIB * (fp / cal::MIB) * (1.0 - l3 / total)
    }

    fn slice(&self) -> u64 {
        let n = self.cores.len().max(1) as u64;
        let nr = (self.runq.len() as u64 + n).div_ceil(n).max(1);
        (cal::SCHED_TARGET_LATENCY_NS / nr).max(cal::SCHED_MIN_GRANULARITY_NS)
    }

    fn dispatch(&mut self, c: u32, p: u32, exit: IdleExit) {
        let mut ovh = 0;
        if self.overheads() {
            if self.cores[c as usize].last != p {
                ovh += self.switch_cost(p);
            }
            let last = self.procs[p as usize].last_core;
            if last != NONE && last != c {
                self.metrics.migration();
                ovh += cal::MIGRATION_PENALTY_NS;
            }
        }
        // Leaving the idle state: a delay, then CPU counted with the switch.
        ovh += exit.cpu;
        if std::mem::take(&mut self.procs[p as usize].queued_wake) && self.overheads() {
            ovh += crate::rng::ns(self.p.wake_ipi_us * 1e3);
        }
        let start = self.now + exit.delay;
        let slice = self.slice();
        let pr = &mut self.procs[p as usize];
        pr.state = PState::Running;
        pr.last_core = c;
        let core = &mut self.cores[c as usize];
        core.running = p;
        core.last = p;
        core.acct_from = start;
        core.ovh_until = start + ovh;
        core.slice_end = start + ovh + slice;
        self.job_begins(p);
        self.schedule_core(c);
    }

    /// Process `p` holds a core with its job: a statement's first time on a core is when it
    /// starts executing (and may allocate `work_mem`).
    #[inline]
    fn job_begins(&mut self, p: u32) {
        if let Some(Job {
            what: JobWhat::Stmt(conn),
            ..
        }) = self.procs[p as usize].job
        {
            let c = &mut self.conns[conn as usize];
            if !c.executing {
                c.executing = true;
                self.stmts_executing += 1;
            }
        }
    }

    fn schedule_core(&mut self, c: u32) {
        let core = &mut self.cores[c as usize];
        core.gen = core.gen.wrapping_add(1);
        let p = core.running;
        let rem = self.procs[p as usize].job.map_or(0, |j| j.remaining);
        let job_end = core.ovh_until.max(self.now) + rem;
        let t = job_end.min(core.slice_end.max(self.now));
        let gen = core.gen;
        self.events.push(t, self.now, Ev::Core(c, gen));
    }

    /// Charges the CPU time used on core `c` since it was last accounted.
    pub fn account(&mut self, c: u32) {
        let now = self.now;
        let core = &mut self.cores[c as usize];
        if core.running == NONE || now <= core.acct_from {
            return;
        }
        let from = core.acct_from;
        let ovh = core.ovh_until.min(now).saturating_sub(from);
        let work = now - from.max(core.ovh_until).min(now);
        core.acct_from = now;
        let p = core.running;
        if ovh > 0 {
            self.metrics.cpu(CpuCat::Switching, ovh);
        }
        if work > 0 {
            let pr = &mut self.procs[p as usize];
            if let Some(job) = pr.job.as_mut() {
                let w = work.min(job.remaining);
                let s = w.min(job.snap);
                job.snap -= s;
                job.remaining -= w;
                let cat = match job.what {
                    JobWhat::Accept(_) | JobWhat::Init(_) => CpuCat::ForkAuth,
                    JobWhat::Stmt(_) => CpuCat::Work,
                    JobWhat::Pooler(_) => CpuCat::Pooler,
                    JobWhat::Client(..) => CpuCat::Clients,
                };
                if s > 0 {
                    self.metrics.cpu(CpuCat::Snapshots, s);
                }
                if w > s {
                    self.metrics.cpu(cat, w - s);
                }
            }
        }
    }

    /// Accounts every running core up to now (before a reset or a read).
    pub fn flush_accounting(&mut self) {
        for c in 0..self.cores.len() as u32 {
            self.account(c);
        }
    }

    pub fn on_core_event(&mut self, c: u32, gen: u32) {
        if (c as usize) >= self.cores.len() || self.cores[c as usize].gen != gen {
            return;
        }
        let p = self.cores[c as usize].running;
        if p == NONE {
            return;
        }
        self.account(c);
        let done = self.procs[p as usize]
            .job
            .is_none_or(|j| j.remaining == 0 && self.cores[c as usize].ovh_until <= self.now);
        if done {
            let job = self.procs[p as usize].job.take();
            if let Some(job) = job {
                self.job_done(p, job);
            }
            if self.procs[p as usize].job.is_none() {
                let next = self.next_shared_job(p);
                self.procs[p as usize].job = next;
            }
            if self.procs[p as usize].job.is_some() {
                if self.now >= self.cores[c as usize].slice_end && !self.runq.is_empty() {
                    self.preempt(c, p);
                } else {
                    self.cores[c as usize].acct_from = self.now;
                    self.job_begins(p);
                    self.schedule_core(c);
                }
            } else {
                self.block(c, p);
            }
        } else if self.runq.is_empty() {
            // Slice over but nobody waits: carry on with a fresh slice.
            let s = self.slice();
            self.cores[c as usize].slice_end = self.now + s;
            self.schedule_core(c);
        } else {
            self.preempt(c, p);
        }
    }

    fn preempt(&mut self, c: u32, p: u32) {
        self.metrics.switch(false);
        let pr = &mut self.procs[p as usize];
        pr.state = PState::Runnable;
        pr.runq_since = self.now;
        self.runq.push_back(p);
        self.metrics.runq_enter();
        self.core_free(c);
    }

    fn block(&mut self, c: u32, p: u32) {
        self.metrics.switch(true);
        let pr = &mut self.procs[p as usize];
        pr.state = PState::Blocked;
        self.ws_active -= pr.ws;
        if self.ws_active < 1.0 {
            self.ws_active = 0.0;
        }
        if matches!(pr.kind, ProcKind::Conn(_)) {
            self.conns_active = self.conns_active.saturating_sub(1);
        }
        if pr.kind == ProcKind::Worker {
            self.worker_idle(p);
        }
        self.core_free(c);
    }

    fn core_free(&mut self, c: u32) {
        self.cores[c as usize].running = NONE;
        self.cores[c as usize].gen = self.cores[c as usize].gen.wrapping_add(1);
        if let Some(p) = self.runq.pop_front() {
            self.metrics
                .runq_leave(self.now - self.procs[p as usize].runq_since);
            self.dispatch(c, p, IdleExit::NONE);
        } else {
            self.push_idle_core(c);
        }
    }

    /// Next job for a process that takes work from a shared queue.
    fn next_shared_job(&mut self, p: u32) -> Option<Job> {
        match self.procs[p as usize].kind {
            ProcKind::Pooler(g) => self.pgbs[g as usize].q.pop_front(),
            ProcKind::Postmaster => self.next_accept_job(),
            ProcKind::Worker => self.next_worker_job(p),
            ProcKind::ClientThread(t) => self.client_q[t as usize].pop_front(),
            _ => None,
        }
    }

    /// Routes a finished job to its mechanism.
    fn job_done(&mut self, p: u32, job: Job) {
        match job.what {
            JobWhat::Accept(conn) => self.accept_done(conn),
            JobWhat::Init(conn) => self.init_done(conn),
            JobWhat::Stmt(conn) => self.stmt_done(conn, p),
            JobWhat::Pooler(msg) => self.handle_pmsg(msg),
            JobWhat::Client(c, phase) => self.client_work_done(c, phase),
        }
    }

    // --------------------------------------------------------------------------------------
    // Thread-pool workers
    // --------------------------------------------------------------------------------------

    /// Sets the number of thread-pool workers (grows at once; surplus workers retire when idle).
    pub fn set_workers(&mut self, n: u32) {
        let n = n.max(1);
        let live = self.workers.len() as u32 - self.workers_excess.min(self.workers.len() as u32);
        if n > live {
            let mut add = n - live;
            let cancel = add.min(self.workers_excess);
            self.workers_excess -= cancel;
            add -= cancel;
            for _ in 0..add {
                let w = self.new_proc(ProcKind::Worker, true, cal::HOT_WORKING_SET_BYTES);
                self.workers.push(w);
                if let Some(job) = self.next_worker_job(w) {
                    self.give_job(w, job);
                } else {
                    self.idle_workers.push(w);
                }
            }
        } else {
            let mut remove = live - n;
            while remove > 0 {
                if let Some(w) = self.idle_workers.pop() {
                    self.workers.retain(|&x| x != w);
                    self.free_proc(w);
                } else {
                    self.workers_excess += 1;
                }
                remove -= 1;
            }
        }
    }

    fn worker_idle(&mut self, w: u32) {
        if self.workers_excess > 0 {
            self.workers_excess -= 1;
            self.workers.retain(|&x| x != w);
            self.procs[w as usize].kind = ProcKind::Free;
            self.proc_free.push(w);
        } else {
            self.idle_workers.push(w);
        }
    }

    fn next_worker_job(&mut self, w: u32) -> Option<Job> {
        let conn = self.tp_queue.pop_front()?;
        self.conns[conn as usize].exec = w;
        Some(self.stmt_job(conn))
    }

    /// Queues a statement of `conn` for the thread pool.
    pub fn tp_submit(&mut self, conn: u32) {
        self.tp_queue.push_back(conn);
        if let Some(w) = self.idle_workers.pop() {
            let job = self.next_worker_job(w).expect("just queued");
            self.give_job(w, job);
        }
    }
}
