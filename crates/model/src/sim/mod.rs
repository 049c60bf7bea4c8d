//! The discrete-event simulation: entities, their states, and the glue between the mechanisms.
//!
//! Entities live in `Vec`s indexed by `u32` ids, recycled through LIFO free lists, so memory is
//! O(clients + backends) and iteration order is deterministic. Mechanisms are split by domain
//! concept: `engine` (event queue and clock), `clients` (client loops), `pooler` (PgBouncer),
//! `postmaster` (connection start-up), `scheduler` (cores, run queue, switches), `snapshot`
//! (GetSnapshotData cost), `view` (readouts).

mod clients;
mod engine;
mod pooler;
mod postmaster;
mod scheduler;
pub(crate) mod snapshot;
mod view;

use crate::architecture::{self, ArchCosts};
use crate::calibration as cal;
use crate::memory::MemoryConfig;
use crate::metrics::Metrics;
use crate::params::{Arch, Params, Workload};
use crate::rng::Rng;
use engine::EventQueue;
use std::collections::VecDeque;

pub use view::{
    BackendCounts, BackendState, BackendView, ClientCounts, ClientStateName, ClientView, CoreUse,
    PoolerCounts, Snapshot,
};

/// "No entity".
pub(crate) const NONE: u32 = u32::MAX;

/// What a client is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum CState {
    Thinking = 0,
    Connecting,
    WaitingServer,
    InStatement,
    InRoundTrip,
    Backoff,
    Gone,
}
pub(crate) const N_CSTATES: usize = 7;

pub(crate) struct Client {
    pub state: CState,
    pub gen: u32,
    pub wait_gen: u32,
    /// Server connection bound to this client (direct: its own backend).
    pub conn: u32,
    /// Connected (to Postgres directly, or to the pooler).
    pub connected: bool,
    /// Counted as a pooler client.
    pub pooler_client: bool,
    pub leaving: bool,
    pub open: bool,
    /// Inside a transaction attempt (for the whole-system Little's law).
    pub in_txn: bool,
    /// Its index in `Sim::in_flight` while `in_txn` (NONE otherwise).
    pub flight_pos: u32,
    /// Uniform draw deciding whether this client relies on session state.
    pub session_u: f64,
    pub stmt_i: u32,
    pub n_stmts: u32,
    pub txn_start: u64,
    pub stmt_start: u64,
    pub wait_start: u64,
    /// Its process on the server's cores (`clients_on_server`; NONE until first needed). It
    /// belongs to the client slot and is reused with it, never freed.
    pub proc: u32,
    /// The PgBouncer process its connection landed on (index into `Sim::pgbs`; NONE while not
    /// a pooler client).
    pub pgb: u32,
}

/// What a server connection is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum SState {
    /// Waiting for the postmaster to fork it.
    ForkQueued = 0,
    /// Forked, initialising and authenticating.
    Forking,
    Idle,
    /// A statement is executing or waiting for a core.
    Busy,
    IdleInTxn,
    Free,
}
pub(crate) const N_SSTATES: usize = 6;

pub(crate) struct Conn {
    pub state: SState,
    pub client: u32,
    /// Its own process/thread (NONE in a thread pool).
    pub proc: u32,
    /// The process executing its statement right now (NONE when queued for a worker).
    pub exec: u32,
    /// Its statement has started executing (has been given a core) and not finished: only such
    /// a statement holds `work_mem` (one queued for a core or a worker holds none yet).
    pub executing: bool,
    pub pooled: bool,
    /// Owned by the application's pool of persistent direct connections (open workload).
    pub app: bool,
    /// Serves a long-lived connection and has run a statement: it has mapped its share of
    /// shared_buffers (memory model).
    pub warm: bool,
    /// The PgBouncer process whose pool owns it (index into `Sim::pgbs`; NONE when direct).
    pub pgb: u32,
}

/// A CPU burst: `remaining` ns, of which the first `snap` are GetSnapshotData.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Job {
    pub what: JobWhat,
    pub remaining: u64,
    pub snap: u64,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum JobWhat {
    /// Postmaster: fork (or create a thread / set up a session) for a connection.
    Accept(u32),
    /// New backend: initialise and authenticate.
    Init(u32),
    /// Execute a statement for a connection.
    Stmt(u32),
    /// Pooler: handle one message.
    Pooler(PMsg),
    /// A client's own CPU around one statement (`clients_on_server`).
    Client(u32, ClientPhase),
}

/// Which side of a statement a client's CPU burst is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientPhase {
    /// Building and sending the request.
    Send,
    /// Reading and processing the reply.
    Receive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PMsg {
    Login(u32),
    Query(u32),
    Response(u32),
}

impl PMsg {
    /// The client the message is for: it names the PgBouncer process (`Client::pgb`).
    #[inline]
    pub fn client(self) -> u32 {
        match self {
            PMsg::Login(c) | PMsg::Query(c) | PMsg::Response(c) => c,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProcKind {
    Conn(u32),
    /// One of the client program's threads (`clients_on_server`), by thread index.
    ClientThread(u32),
    /// A PgBouncer process, by index into `Sim::pgbs`.
    Pooler(u32),
    Postmaster,
    Worker,
    Free,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PState {
    Blocked,
    Runnable,
    Running,
}

pub(crate) struct Proc {
    pub kind: ProcKind,
    pub state: PState,
    pub job: Option<Job>,
    pub last_core: u32,
    pub thread: bool,
    pub ws: f64,
    pub runq_since: u64,
    /// Woken while every core was busy: it waits in a run queue, and the wake-up that put it
    /// there crossed cores (an inter-processor interrupt), paid when it is dispatched.
    pub queued_wake: bool,
}

/// One PgBouncer process. Processes sharing a port with `so_reuseport` know nothing of each
/// other: each has its own clients, its own queue of messages to handle, its own wait queue and
/// its own pool of server connections, so `pool_size` and `max_client_conn` apply per process.
pub(crate) struct Pgb {
    /// Its OS process in the scheduler.
    pub proc: u32,
    /// Messages waiting for its event loop.
    pub q: VecDeque<Job>,
    /// Client connections it holds.
    pub clients: u32,
    /// Clients waiting for a server, FIFO, with the `wait_gen` they queued under (stale entries
    /// are skipped at the head).
    pub waitq: VecDeque<(u32, u32)>,
    pub cl_waiting: u32,
    pub idle_servers: Vec<u32>,
    /// Its server connections: opening, in use or idle.
    pub servers_total: u32,
    pub servers_login: u32,
    pub login_retry_until: u64,
    pub wait_timer_pending: bool,
    pub reserve_timer_pending: bool,
}

impl Pgb {
    fn new(proc: u32) -> Pgb {
        Pgb {
            proc,
            q: VecDeque::new(),
            clients: 0,
            waitq: VecDeque::new(),
            cl_waiting: 0,
            idle_servers: Vec::new(),
            servers_total: 0,
            servers_login: 0,
            login_retry_until: 0,
            wait_timer_pending: false,
            reserve_timer_pending: false,
        }
    }
}

pub(crate) struct Core {
    pub running: u32,
    pub last: u32,
    pub gen: u32,
    pub acct_from: u64,
    pub ovh_until: u64,
    pub slice_end: u64,
    pub idle_pos: u32,
    /// When the core last became idle (meaningful while `idle_pos != NONE`).
    pub idle_since: u64,
}

/// One network leg, precomputed from the parameters: `rtt/2` in ns and the half-width of its
/// jitter (`cal::NETWORK_JITTER` of it with overheads on, else 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Legs {
    pub half_rtt_ns: u64,
    pub jitter_ns: u64,
}

impl Legs {
    fn of(p: &Params) -> Legs {
        let half_rtt_ns = crate::rng::ns(p.rtt_ms * 0.5e6);
        let jitter_ns = if p.overheads_on() {
            crate::rng::ns(half_rtt_ns as f64 * cal::NETWORK_JITTER).min(half_rtt_ns)
        } else {
            0
        };
        Legs {
            half_rtt_ns,
            jitter_ns,
        }
    }
}

/// A transaction attempt in progress: its start and its client.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Flight {
    pub start: u64,
    pub client: u32,
}

/// The whole simulation state.
pub(crate) struct Sim {
    pub p: Params,
    pub arch: ArchCosts,
    pub mem_cfg: MemoryConfig,
    /// One network leg (rtt/2) and its jitter, ns (see `Sim::leg`).
    pub legs: Legs,
    pub now: u64,
    pub events: EventQueue,
    pub rng_think: Rng,
    pub rng_work: Rng,
    pub rng_misc: Rng,
    /// Jitter of network legs and of "constant" statements (its own stream, so the other
    /// streams draw the same sequences with or without it).
    pub rng_jitter: Rng,
    /// Which PgBouncer process a new client connection lands on (the kernel's `SO_REUSEPORT`
    /// hash of the connection's 4-tuple, whose source port changes with every connection).
    /// Drawn only with more than one process, so one process leaves every stream as it was.
    pub rng_pgb: Rng,
    pub metrics: Metrics,

    pub clients: Vec<Client>,
    pub client_free: Vec<u32>,
    /// Ids of closed-loop clients that stay (not leaving), in join order.
    pub closed_ids: Vec<u32>,
    /// Idle connections (`idle_connections`): clients that never send anything.
    pub idle_ids: Vec<u32>,
    pub open_in_flight: u32,
    pub cstate_counts: [u32; N_CSTATES],
    pub in_system: u32,
    /// Clients inside a transaction attempt with the attempt's start (unordered;
    /// `Client::flight_pos` indexes it), so readouts can count attempts still in progress
    /// without scanning every client.
    pub in_flight: Vec<Flight>,
    /// Reusable buffer for the elapsed times of attempts in flight when a bucket closes.
    pub censored_scratch: Vec<u64>,
    pub client_connections: u32,

    pub conns: Vec<Conn>,
    pub conn_free: Vec<u32>,
    pub sstate_counts: [u32; N_SSTATES],
    /// Statements that have started executing and not finished (`Conn::executing`).
    pub stmts_executing: u32,
    /// Server connections with `Conn::warm` set.
    pub warm_backends: u32,

    // The application's pool of persistent direct connections (open workload, no pooler).
    /// Its idle connections, reused LIFO.
    pub app_idle: Vec<u32>,
    /// Arrivals waiting for one of its connections to be returned (FIFO).
    pub app_waiters: VecDeque<u32>,
    /// Its connections: opening, in use or idle.
    pub app_conns: u32,

    pub procs: Vec<Proc>,
    pub proc_free: Vec<u32>,
    pub postmaster_proc: u32,
    pub workers: Vec<u32>,
    pub idle_workers: Vec<u32>,
    pub workers_excess: u32,
    pub tp_queue: VecDeque<u32>,

    pub cores: Vec<Core>,
    pub idle_cores: Vec<u32>,
    pub runq: VecDeque<u32>,
    /// Sum of hot working sets of runnable and running processes.
    pub ws_active: f64,
    /// Runnable and running connection processes/threads (`ProcKind::Conn`).
    pub conns_active: u32,
    /// Footprint of one connection process or thread in the shared L3 (its private memory,
    /// catalog caches and page tables; `scheduler::switch_cost`), from the memory model.
    pub conn_footprint: f64,

    pub fork_q: VecDeque<u32>,

    /// `clients_on_server`: the client program's threads and the jobs each has queued.
    pub client_threads: Vec<u32>,
    pub client_q: Vec<VecDeque<Job>>,
    /// The PgBouncer processes (empty without a pooler).
    pub pgbs: Vec<Pgb>,
    /// Client connections held by all PgBouncer processes (the sum of `Pgb::clients`).
    pub pooler_clients: u32,
    /// Clients waiting for a server in all processes (the sum of `Pgb::cl_waiting`).
    pub cl_waiting: u32,
}

impl Sim {
    pub fn new(params: Params, seed: u64) -> Sim {
        let (p, _) = params.clamped();
        let mut s = Sim::empty(p, seed, 0, Metrics::new(0));
        s.populate();
        s
    }

    fn empty(p: Params, seed: u64, now: u64, metrics: Metrics) -> Sim {
        let arch = architecture::costs(p.arch);
        let mem_cfg = architecture::memory_config(&p);
        let conn_fp = conn_footprint(&mem_cfg);
        Sim {
            arch,
            mem_cfg,
            legs: Legs::of(&p),
            now,
            events: EventQueue::new(),
            rng_think: Rng::new(seed, 1),
            rng_work: Rng::new(seed, 2),
            rng_misc: Rng::new(seed, 3),
            rng_jitter: Rng::new(seed, 4),
            rng_pgb: Rng::new(seed, 5),
            metrics,
            clients: Vec::new(),
            client_free: Vec::new(),
            closed_ids: Vec::new(),
            idle_ids: Vec::new(),
            open_in_flight: 0,
            cstate_counts: [0; N_CSTATES],
            in_system: 0,
            in_flight: Vec::new(),
            censored_scratch: Vec::new(),
            client_connections: 0,
            conns: Vec::new(),
            conn_free: Vec::new(),
            sstate_counts: [0; N_SSTATES],
            stmts_executing: 0,
            warm_backends: 0,
            app_idle: Vec::new(),
            app_waiters: VecDeque::new(),
            app_conns: 0,
            procs: Vec::new(),
            proc_free: Vec::new(),
            postmaster_proc: NONE,
            workers: Vec::new(),
            idle_workers: Vec::new(),
            workers_excess: 0,
            tp_queue: VecDeque::new(),
            cores: Vec::new(),
            idle_cores: Vec::new(),
            runq: VecDeque::new(),
            ws_active: 0.0,
            conns_active: 0,
            conn_footprint: conn_fp,
            fork_q: VecDeque::new(),
            client_threads: Vec::new(),
            client_q: Vec::new(),
            pgbs: Vec::new(),
            pooler_clients: 0,
            cl_waiting: 0,
            p,
        }
    }

    /// Creates processes, cores and the initial population.
    fn populate(&mut self) {
        self.postmaster_proc =
            self.new_proc(ProcKind::Postmaster, false, cal::POOLER_WORKING_SET_BYTES);
        if self.p.pooled() {
            for g in 0..self.p.pooler_processes.max(1) {
                let proc = self.new_proc(ProcKind::Pooler(g), false, cal::POOLER_WORKING_SET_BYTES);
                self.pgbs.push(Pgb::new(proc));
            }
        }
        self.set_cores(self.p.cores);
        if self.p.arch == Arch::ThreadPool {
            self.set_workers(self.p.cores);
        }
        match self.p.workload {
            Workload::Closed => self.set_closed_clients(self.p.clients),
            Workload::Open => self.schedule_arrival(),
        }
        self.set_idle_connections(self.p.idle_connections);
    }

    /// Rebuilds entity state for parameters that change the system's structure (pooler on/off,
    /// architecture, workload kind, overheads): time, random streams and metrics carry over.
    fn rebuild(&mut self, p: Params) {
        let metrics = std::mem::replace(&mut self.metrics, Metrics::new(self.now));
        let mut s = Sim::empty(p, 0, self.now, metrics);
        s.rng_think = self.rng_think.clone();
        s.rng_work = self.rng_work.clone();
        s.rng_misc = self.rng_misc.clone();
        s.rng_jitter = self.rng_jitter.clone();
        s.rng_pgb = self.rng_pgb.clone();
        s.events.seq = self.events.seq;
        *self = s;
        self.populate();
    }

    /// Applies new (already clamped) parameters while running.
    pub fn set_params(&mut self, p: Params) {
        let old = std::mem::replace(&mut self.p, p.clone());
        let structural = old.pooled() != p.pooled()
            || old.arch != p.arch
            || old.workload != p.workload
            || old.overheads != p.overheads
            || old.clients_on_server != p.clients_on_server
            || (p.pooled() && old.pooler_processes != p.pooler_processes);
        if structural {
            self.rebuild(p);
            return;
        }
        self.arch = architecture::costs(p.arch);
        self.mem_cfg = architecture::memory_config(&p);
        self.conn_footprint = conn_footprint(&self.mem_cfg);
        self.legs = Legs::of(&p);
        if old.cores != p.cores {
            self.set_cores(p.cores);
            if p.arch == Arch::ThreadPool {
                self.set_workers(p.cores);
            }
        }
        if p.workload == Workload::Closed && old.clients != p.clients {
            self.set_closed_clients(p.clients);
        }
        if old.idle_connections != p.idle_connections {
            self.set_idle_connections(p.idle_connections);
        }
        if old.connect != p.connect || old.max_connections != p.max_connections {
            self.app_pool_params_changed();
        }
        if p.pooled() {
            if old.pool_mode != p.pool_mode {
                self.pool_mode_changed();
            }
            self.pool_limits_changed();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Entity bookkeeping
    // ------------------------------------------------------------------------------------------

    pub fn new_proc(&mut self, kind: ProcKind, thread: bool, ws: f64) -> u32 {
        let proc = Proc {
            kind,
            state: PState::Blocked,
            job: None,
            last_core: NONE,
            thread,
            ws,
            runq_since: 0,
            queued_wake: false,
        };
        if let Some(id) = self.proc_free.pop() {
            self.procs[id as usize] = proc;
            id
        } else {
            self.procs.push(proc);
            (self.procs.len() - 1) as u32
        }
    }

    pub fn free_proc(&mut self, id: u32) {
        let pr = &mut self.procs[id as usize];
        debug_assert_eq!(pr.state, PState::Blocked);
        pr.kind = ProcKind::Free;
        pr.job = None;
        // Forget it on the core it last ran on, so a recycled id pays its switch.
        if pr.last_core != NONE {
            if let Some(c) = self.cores.get_mut(pr.last_core as usize) {
                if c.last == id {
                    c.last = NONE;
                }
            }
        }
        self.proc_free.push(id);
    }

    pub fn new_conn(&mut self, client: u32, pooled: bool) -> u32 {
        let conn = Conn {
            state: SState::ForkQueued,
            client,
            proc: NONE,
            exec: NONE,
            executing: false,
            pooled,
            app: false,
            warm: false,
            pgb: NONE,
        };
        self.sstate_counts[SState::ForkQueued as usize] += 1;
        if let Some(id) = self.conn_free.pop() {
            self.sstate_counts[SState::Free as usize] -= 1;
            self.conns[id as usize] = conn;
            id
        } else {
            self.conns.push(conn);
            (self.conns.len() - 1) as u32
        }
    }

    #[inline]
    pub fn set_sstate(&mut self, conn: u32, st: SState) {
        let c = &mut self.conns[conn as usize];
        self.sstate_counts[c.state as usize] -= 1;
        self.sstate_counts[st as usize] += 1;
        c.state = st;
    }

    /// Closes an idle server connection: its process exits.
    pub fn close_conn(&mut self, conn: u32) {
        self.forget_conn(conn);
        self.set_sstate(conn, SState::Free);
        let pr = self.conns[conn as usize].proc;
        if pr != NONE {
            self.free_proc(pr);
        }
        let c = &mut self.conns[conn as usize];
        c.proc = NONE;
        c.client = NONE;
        c.pgb = NONE;
        self.conn_free.push(conn);
    }

    /// Drops `conn` from the counts it belongs to (warm, application pool) before it is freed.
    pub fn forget_conn(&mut self, conn: u32) {
        let c = &mut self.conns[conn as usize];
        if c.warm {
            c.warm = false;
            self.warm_backends -= 1;
        }
        if c.app {
            c.app = false;
            self.app_conns -= 1;
        }
    }

    /// Server connections that exist as processes/threads/sessions (fork done).
    pub fn live_backends(&self) -> u32 {
        let c = &self.sstate_counts;
        c[SState::Forking as usize]
            + c[SState::Idle as usize]
            + c[SState::Busy as usize]
            + c[SState::IdleInTxn as usize]
    }

    pub fn overheads(&self) -> bool {
        self.p.overheads_on()
    }
}

impl Sim {
    /// Internal consistency checks (used by tests).
    pub fn check_invariants(&self) -> Result<(), String> {
        // Clients conserved: every live slot is in exactly one state.
        let live = self
            .clients
            .iter()
            .filter(|c| c.state != CState::Gone)
            .count() as u32;
        let counted: u32 =
            self.cstate_counts.iter().sum::<u32>() - self.cstate_counts[CState::Gone as usize];
        if live != counted {
            return Err(format!("client states {counted} != live clients {live}"));
        }
        let expected = self.closed_ids.len() as u32
            + self.idle_ids.len() as u32
            + self.open_in_flight
            + self.clients.iter().filter(|c| c.leaving).count() as u32;
        if live != expected {
            return Err(format!("live clients {live} != expected {expected}"));
        }
        for (i, n) in self.sstate_counts.iter().enumerate() {
            let actual = self.conns.iter().filter(|c| c.state as usize == i).count() as u32;
            if actual != *n {
                return Err(format!("conn state {i}: count {n} != {actual}"));
            }
        }
        if self.in_flight.len() != self.in_system as usize {
            return Err(format!(
                "in flight {} != in system {}",
                self.in_flight.len(),
                self.in_system
            ));
        }
        for (i, f) in self.in_flight.iter().enumerate() {
            let c = f.client;
            let cl = &self.clients[c as usize];
            if !cl.in_txn || cl.flight_pos as usize != i || cl.txn_start != f.start {
                return Err(format!("client {c} misplaced in the in-flight list"));
            }
        }
        let warm = self.conns.iter().filter(|c| c.warm).count() as u32;
        if warm != self.warm_backends {
            return Err(format!("warm backends {} != {warm}", self.warm_backends));
        }
        if self
            .conns
            .iter()
            .any(|c| (c.warm || c.app) && c.state == SState::Free)
        {
            return Err(
                "a closed connection still counted as warm or in the application pool".into(),
            );
        }
        let app = self.conns.iter().filter(|c| c.app).count() as u32;
        if app != self.app_conns {
            return Err(format!("application pool {} != {app}", self.app_conns));
        }
        for &a in &self.app_idle {
            let c = &self.conns[a as usize];
            if !c.app || c.state != SState::Idle || c.client != NONE {
                return Err(format!(
                    "application pool's idle connection {a} is not idle"
                ));
            }
        }
        for &w in &self.app_waiters {
            let cl = &self.clients[w as usize];
            if !cl.open || cl.state != CState::Connecting || cl.conn != NONE {
                return Err(format!(
                    "client {w} waits for the application pool but is not connecting"
                ));
            }
        }
        if self.app_conns > 0 && self.p.pooled() {
            return Err("application pool of direct connections behind a pooler".into());
        }
        let executing = self.conns.iter().filter(|c| c.executing).count() as u32;
        if executing != self.stmts_executing {
            return Err(format!(
                "executing statements {} != {executing}",
                self.stmts_executing
            ));
        }
        if self
            .conns
            .iter()
            .any(|c| c.executing && c.state != SState::Busy)
        {
            return Err("an executing statement on a connection that is not busy".into());
        }
        if self.p.arch == Arch::ThreadPool && executing > self.workers.len() as u32 {
            return Err(format!(
                "{executing} statements executing on {} workers",
                self.workers.len()
            ));
        }
        let waiting = self
            .clients
            .iter()
            .filter(|c| c.state == CState::WaitingServer)
            .count() as u32;
        if waiting != self.cl_waiting {
            return Err(format!("cl_waiting {} != {waiting}", self.cl_waiting));
        }
        let running = self.cores.iter().filter(|c| c.running != NONE).count();
        if running + self.idle_cores.len() != self.cores.len() {
            return Err("cores neither running nor idle".into());
        }
        if !self.runq.is_empty() && !self.idle_cores.is_empty() && self.overheads() {
            return Err("runnable process while a core idles".into());
        }
        if self.p.pooled() {
            if self.pgbs.len() as u32 != self.p.pooler_processes.max(1) {
                return Err(format!(
                    "{} PgBouncer processes, {} configured",
                    self.pgbs.len(),
                    self.p.pooler_processes
                ));
            }
            for (g, pg) in self.pgbs.iter().enumerate() {
                let g = g as u32;
                let servers = self
                    .conns
                    .iter()
                    .filter(|c| c.pooled && c.state != SState::Free && c.pgb == g)
                    .count() as u32;
                if servers != pg.servers_total {
                    return Err(format!(
                        "process {g}: servers {servers} != {}",
                        pg.servers_total
                    ));
                }
                let clients = self
                    .clients
                    .iter()
                    .filter(|c| c.pooler_client && c.pgb == g)
                    .count() as u32;
                if clients != pg.clients {
                    return Err(format!("process {g}: clients {clients} != {}", pg.clients));
                }
                let waiting = self
                    .clients
                    .iter()
                    .filter(|c| c.state == CState::WaitingServer && c.pgb == g)
                    .count() as u32;
                if waiting != pg.cl_waiting {
                    return Err(format!(
                        "process {g}: cl_waiting {waiting} != {}",
                        pg.cl_waiting
                    ));
                }
                for &s in &pg.idle_servers {
                    if self.conns[s as usize].pgb != g {
                        return Err(format!("process {g} holds idle server {s} of another"));
                    }
                }
            }
            let clients: u32 = self.pgbs.iter().map(|pg| pg.clients).sum();
            if clients != self.pooler_clients {
                return Err(format!(
                    "pooler clients {} != sum over processes {clients}",
                    self.pooler_clients
                ));
            }
        } else if !self.pgbs.is_empty() {
            return Err("PgBouncer processes without a pooler".into());
        }
        let (c, _, _) = self.metrics.totals();
        let busy: u64 = c.cpu_ns.iter().sum();
        if u128::from(busy) > c.core_time_ns + (self.cores.len() as u128) * 1_000 {
            return Err(format!("busy {busy} > core time {}", c.core_time_ns));
        }
        Ok(())
    }
}

/// What one warm connection process or thread keeps in memory that is its own: private memory,
/// catalog caches and page tables (the memory model's per-connection figures).
fn conn_footprint(cfg: &MemoryConfig) -> f64 {
    let one = crate::memory::MemoryBreakdown::compute(
        cfg,
        &crate::memory::MemoryLoad {
            server_connections: 1,
            warm_server_connections: 1,
            ..Default::default()
        },
    );
    one.connections_private + one.relcache + one.page_tables
}
