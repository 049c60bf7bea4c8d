//! The discrete-event simulation: one state per mechanism, composed by [`Sim`] with the event
//! dispatch.
//!
//! Each mechanism owns its state, its methods and its invariants check, in its own module:
//!
//! | module | state | what it models |
//! | --- | --- | --- |
//! | `config` | [`config::Config`] | the parameters and the costs derived from them |
//! | `random` | [`random::RandomStreams`] | one seeded stream per kind of draw |
//! | `engine` | [`engine::EventQueue`] | the event queue and the clock |
//! | `clients` | [`clients::Clients`] | the client population, states and attempts in flight |
//! | `backends` | [`backends::Backends`] | server connections and their states |
//! | `postmaster` | [`postmaster::Postmaster`] | connection start-up: fork, init, auth |
//! | `thread_pool` | [`thread_pool::ThreadPool`] | the thread pool's workers and queue |
//! | `app_pool` | [`app_pool::ApplicationPool`] | the application's own direct connections |
//! | `pooler` | [`pooler::Poolers`] | the PgBouncer processes |
//! | `scheduler` | [`scheduler::Scheduler`] | processes, cores, run queue, working sets |
//! | `run_queue` | [`run_queue::RunQueue`] | the run queue, by virtual runtime (CFS) |
//! | `client_host` | [`client_host::ClientHost`] | the client program's threads on the cores |
//! | `snapshot` | — | the GetSnapshotData cost of a statement |
//! | `view` | — | readouts: snapshot, memory, `SHOW POOLS` |
//!
//! The steps that cross mechanisms (a client's statement goes through the pooler to a backend
//! on a core) are `Sim` methods in the module of the mechanism that drives them, and go through
//! the other mechanisms' methods. Entities live in `Vec`s indexed by typed ids (`ids`), recycled
//! through LIFO free lists, so memory is O(clients + backends) and iteration order is
//! deterministic. Metrics live in `crate::metrics`.

mod app_pool;
mod backends;
mod client_host;
mod clients;
mod config;
mod engine;
mod ids;
mod pooler;
mod postmaster;
mod random;
mod run_queue;
mod scheduler;
pub(crate) mod snapshot;
mod thread_pool;
mod view;

use crate::calibration as cal;
use crate::metrics::Metrics;
use crate::params::{Arch, Params, Workload};
use app_pool::ApplicationPool;
use backends::{Backends, ConnState};
use client_host::ClientHost;
use clients::{ClientState, Clients};
use config::Config;
use engine::{EventQueue, Guard};
use ids::{ConnId, PoolerId};
use pooler::Poolers;
use postmaster::Postmaster;
use random::RandomStreams;
use scheduler::{ProcKind, Scheduler};
use thread_pool::ThreadPool;

pub use engine::Stall;
pub use view::{
    BackendCounts, BackendState, BackendView, ClientCounts, ClientStateName, ClientView, CoreUse,
    PoolerCounts, Snapshot,
};

/// The whole simulation state: the mechanisms, the clock and the metrics.
pub(crate) struct Sim {
    /// The parameters in force and their derived costs.
    config: Config,
    /// Simulated time, ns.
    now: u64,
    /// The pending events.
    events: EventQueue,
    /// The random streams.
    random: RandomStreams,
    /// What is measured.
    metrics: Metrics,
    /// The client population.
    clients: Clients,
    /// The server connections.
    backends: Backends,
    /// The postmaster and its queue of connections to fork.
    postmaster: Postmaster,
    /// The thread pool's workers (`arch = thread_pool`; empty otherwise).
    thread_pool: ThreadPool,
    /// The application's pool of persistent direct connections (open workload).
    app_pool: ApplicationPool,
    /// The OS scheduler: processes, cores, run queue.
    scheduler: Scheduler,
    /// The client program's threads on the server's cores (`clients_on_server`).
    client_host: ClientHost,
    /// The PgBouncer processes (none without a pooler).
    poolers: Poolers,
    /// Set when the engine's guard stopped the model (see `Sim::advance`).
    stall: Option<Stall>,
    /// The engine's livelock guard.
    guard: Guard,
    /// A statement's snapshot CPU, computed once per proc array and writers.
    snapshot_costs: snapshot::SnapshotCosts,
}

impl Sim {
    /// A simulation of `params` (clamped) seeded with `seed`, at time 0.
    pub fn new(params: Params, seed: u64) -> Sim {
        let (p, _) = params.clamped();
        let mut s = Sim::empty(Config::new(p), RandomStreams::new(seed), 0, Metrics::new(0));
        s.populate();
        s
    }

    /// A system with only its postmaster, at `now`.
    fn empty(config: Config, random: RandomStreams, now: u64, metrics: Metrics) -> Sim {
        let mut scheduler = Scheduler::new();
        let postmaster =
            scheduler.new_proc(ProcKind::Postmaster, false, cal::POOLER_WORKING_SET_BYTES);
        Sim {
            config,
            now,
            events: EventQueue::new(),
            random,
            metrics,
            clients: Clients::new(),
            backends: Backends::new(),
            postmaster: Postmaster::new(postmaster),
            thread_pool: ThreadPool::new(),
            app_pool: ApplicationPool::new(),
            scheduler,
            client_host: ClientHost::new(),
            poolers: Poolers::new(),
            stall: None,
            guard: Guard::new(),
            snapshot_costs: snapshot::SnapshotCosts::new(),
        }
    }

    /// Creates the PgBouncer processes, the cores, the workers and the initial population.
    fn populate(&mut self) {
        let params = &self.config.params;
        if params.pooled() {
            for g in 0..params.pooler_processes.max(1) {
                let proc = self.scheduler.new_proc(
                    ProcKind::Pooler(PoolerId::new(g)),
                    false,
                    cal::POOLER_WORKING_SET_BYTES,
                );
                self.poolers.add(proc);
            }
        }
        let params = &self.config.params;
        let (cores, arch, workload, clients, idle_connections) = (
            params.cores,
            params.arch,
            params.workload,
            params.clients,
            params.idle_connections,
        );
        self.set_cores(cores);
        if arch == Arch::ThreadPool {
            self.set_workers(cores);
        }
        match workload {
            Workload::Closed => self.set_closed_clients(clients),
            Workload::Open => self.schedule_arrival(),
        }
        self.set_idle_connections(idle_connections);
    }

    /// Rebuilds entity state for parameters that change the system's structure (pooler on/off,
    /// architecture, workload kind, overheads): time, random streams, the events' sequence and
    /// metrics carry over.
    fn rebuild(&mut self, p: Params) {
        let metrics = std::mem::replace(&mut self.metrics, Metrics::new(self.now));
        let random = self.random.clone();
        let mut s = Sim::empty(Config::new(p), random, self.now, metrics);
        s.events.seq = self.events.seq;
        s.stall = self.stall;
        s.guard = self.guard;
        *self = s;
        self.populate();
    }

    /// Applies new (already clamped) parameters while running.
    pub fn set_params(&mut self, p: Params) {
        let old = std::mem::replace(&mut self.config, Config::new(p.clone())).params;
        let structural = old.pooled() != p.pooled()
            || old.arch != p.arch
            || old.workload != p.workload
            || old.overheads != p.overheads
            || old.clients_on_server != p.clients_on_server
            || (p.pooled() && old.pooler_processes != p.pooler_processes)
            || (p.pooled() && old.pooler_host != p.pooler_host)
            || (p.clients_on_cores() && old.client_threads != p.client_threads);
        if structural {
            self.rebuild(p);
            return;
        }
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

    /// Closes server connection `conn` (or frees a refused one): its process exits. Returns
    /// whether it belonged to the application's pool.
    pub fn close_conn(&mut self, conn: ConnId) -> bool {
        let (proc, application_pool) = self.backends.release(conn);
        if application_pool {
            self.app_pool.conns -= 1;
        }
        if let Some(proc) = proc {
            self.scheduler.free_proc(proc);
        }
        application_pool
    }

    // ------------------------------------------------------------------------------------------
    // What `Model` reads
    // ------------------------------------------------------------------------------------------

    /// The parameters in force (clamped).
    pub fn params(&self) -> &Params {
        &self.config.params
    }

    /// Simulated time, ns.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// What has been measured.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Starts measuring afresh at the current time (CPU accounted up to now first).
    pub fn reset_stats(&mut self) {
        self.flush_accounting();
        self.metrics.reset(self.now);
    }

    /// Server connections that exist (fork done).
    pub fn server_connections(&self) -> u32 {
        self.backends.live()
    }

    /// Clients connected (to Postgres directly, or to the pooler).
    pub fn client_connections(&self) -> u32 {
        self.clients.connections
    }

    /// Whether any transaction attempt is in progress.
    pub fn has_attempts_in_flight(&self) -> bool {
        !self.clients.flights.is_empty()
    }

    /// Why the model stopped, if its engine's guard stopped it.
    pub fn stall(&self) -> Option<Stall> {
        self.stall
    }
}

impl Sim {
    /// Internal consistency checks (used by tests): each mechanism's own, then those that
    /// relate mechanisms.
    pub fn check_invariants(&self) -> Result<(), String> {
        let params = &self.config.params;
        self.clients.check_invariants()?;
        self.backends.check_invariants()?;
        self.app_pool.check_invariants()?;
        self.scheduler.check_invariants(self.config.overheads)?;
        self.client_host.check_invariants()?;
        self.poolers.check_invariants(if params.pooled() {
            params.pooler_processes.max(1)
        } else {
            0
        })?;
        self.check_app_pool()?;
        self.check_pools()?;
        if params.arch == Arch::ThreadPool
            && self.backends.executing() > self.thread_pool.workers.len() as u32
        {
            return Err(format!(
                "{} statements executing on {} workers",
                self.backends.executing(),
                self.thread_pool.workers.len()
            ));
        }
        let (c, _, _) = self.metrics.totals();
        let busy: u64 = c.cpu_ns.iter().sum();
        if u128::from(busy) > c.core_time_ns + (self.scheduler.cores.len() as u128) * 1_000 {
            return Err(format!("busy {busy} > core time {}", c.core_time_ns));
        }
        Ok(())
    }

    /// The application pool's connections and waiters, against the connections and clients.
    fn check_app_pool(&self) -> Result<(), String> {
        let pool = &self.app_pool;
        let app = self
            .backends
            .conns
            .iter()
            .filter(|c| c.application_pool)
            .count() as u32;
        if app != pool.conns {
            return Err(format!("application pool {} != {app}", pool.conns));
        }
        for &a in &pool.idle {
            let c = &self.backends.conns[a];
            if !c.application_pool || c.state != ConnState::Idle || c.client.is_some() {
                return Err(format!(
                    "application pool's idle connection {} is not idle",
                    a.get()
                ));
            }
        }
        for &w in &pool.waiters {
            let cl = &self.clients.slots[w];
            if !cl.open || cl.state != ClientState::Connecting || cl.conn.is_some() {
                return Err(format!(
                    "client {} waits for the application pool but is not connecting",
                    w.get()
                ));
            }
        }
        if pool.conns > 0 && self.config.params.pooled() {
            return Err("application pool of direct connections behind a pooler".into());
        }
        Ok(())
    }

    /// Each PgBouncer process's counts, against the clients and server connections.
    fn check_pools(&self) -> Result<(), String> {
        let waiting = self.clients.count(ClientState::WaitingForServer);
        if waiting != self.poolers.waiting {
            return Err(format!("cl_waiting {} != {waiting}", self.poolers.waiting));
        }
        for (g, pg) in self.poolers.processes.iter_with_ids() {
            let servers = self
                .backends
                .conns
                .iter()
                .filter(|c| c.pooled && c.state != ConnState::Free && c.pooler == Some(g))
                .count() as u32;
            let n = g.get();
            if servers != pg.servers {
                return Err(format!("process {n}: servers {servers} != {}", pg.servers));
            }
            let clients = self
                .clients
                .slots
                .iter()
                .filter(|c| c.pooler_client && c.pooler == Some(g))
                .count() as u32;
            if clients != pg.clients {
                return Err(format!("process {n}: clients {clients} != {}", pg.clients));
            }
            let waiting = self
                .clients
                .slots
                .iter()
                .filter(|c| c.state == ClientState::WaitingForServer && c.pooler == Some(g))
                .count() as u32;
            if waiting != pg.waiting {
                return Err(format!(
                    "process {n}: cl_waiting {waiting} != {}",
                    pg.waiting
                ));
            }
            for &s in &pg.idle_servers {
                if self.backends.conns[s].pooler != Some(g) {
                    return Err(format!(
                        "process {n} holds idle server {} of another",
                        s.get()
                    ));
                }
            }
        }
        Ok(())
    }
}
