//! Readouts of the current state: the animated view's snapshot, memory, `SHOW POOLS`.

use super::backends::ConnState;
use super::clients::ClientState;
use super::ids::{ConnId, CoreId};
use super::scheduler::{ProcKind, ProcState};
use super::Sim;
use crate::hist::Hist;
use crate::memory::{MemoryBreakdown, MemoryLoad};
use crate::metrics::{InFlight, ShowPools};
use hdrhistogram::Counter;
use serde::Serialize;

/// How many clients and backends the snapshot lists individually.
pub const SNAPSHOT_INDIVIDUALS: usize = 64;

/// A client's state, as drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientStateName {
    /// Between transactions.
    Thinking,
    /// Opening a connection (fork, auth, or pooler login).
    Connecting,
    /// Waiting in the pooler for a server (`cl_waiting`).
    WaitingForServer,
    /// A statement is on its way or executing.
    InStatement,
    /// A result is on its way back; the server is idle in transaction.
    InRoundTrip,
    /// Refused or timed out; waiting before retrying.
    Backoff,
}

/// A server connection's state, as drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendState {
    /// Being forked / initialised / authenticated.
    Forking,
    /// Connected, no transaction.
    Idle,
    /// Executing on a core.
    Running,
    /// Has work, waiting for a core.
    Runnable,
    /// Inside a transaction, waiting for its client.
    IdleInTransaction,
}

/// What a core is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoreUse {
    /// Nothing to run.
    Idle,
    /// A backend (or connection thread, or thread-pool worker).
    Backend,
    /// PgBouncer.
    Pooler,
    /// The postmaster (forking).
    Postmaster,
}

/// One client in the snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ClientView {
    /// Client id.
    pub id: u32,
    /// State.
    pub state: ClientStateName,
    /// Server connection bound to it, if any.
    pub backend: Option<u32>,
}

/// One server connection in the snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BackendView {
    /// Connection id.
    pub id: u32,
    /// State.
    pub state: BackendState,
    /// Client bound to it, if any.
    pub client: Option<u32>,
    /// Core it is running on, if any.
    pub core: Option<u32>,
}

/// Counts of clients by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ClientCounts {
    /// Thinking.
    pub thinking: u32,
    /// Connecting.
    pub connecting: u32,
    /// Waiting for a server in the pool.
    pub waiting_for_server: u32,
    /// In a statement.
    pub in_statement: u32,
    /// Idle in transaction (round trip).
    pub in_round_trip: u32,
    /// Backing off after a refusal or timeout.
    pub backoff: u32,
    /// All clients.
    pub total: u32,
}

/// Counts of server connections by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct BackendCounts {
    /// Being forked / started.
    pub forking: u32,
    /// Idle.
    pub idle: u32,
    /// On a core.
    pub running: u32,
    /// Waiting for a core.
    pub runnable: u32,
    /// Idle in transaction.
    pub idle_in_transaction: u32,
    /// All.
    pub total: u32,
}

/// The pooler's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct PoolerCounts {
    /// Whether a pooler exists.
    pub present: bool,
    /// On a core (with several processes: at least one is).
    pub running: bool,
    /// Waiting for a core (none on a core, at least one waiting).
    pub runnable: bool,
    /// Nothing to do (every process).
    pub idle: bool,
    /// Messages waiting to be handled (all processes).
    pub queue_len: u32,
    /// Client connections it holds (all processes).
    pub clients: u32,
    /// PgBouncer processes (`pooler_processes`; 0 without a pooler).
    pub processes: u32,
    /// Of these, on a core.
    pub running_processes: u32,
    /// Of these, waiting for a core.
    pub runnable_processes: u32,
}

/// Cheap counts of entity states for the animated view.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// Simulated time, s.
    pub t_s: f64,
    /// Clients by state.
    pub clients: ClientCounts,
    /// Server connections by state.
    pub backends: BackendCounts,
    /// The pooler.
    pub pooler: PoolerCounts,
    /// Processes waiting in the CPU run queue.
    pub run_queue: u32,
    /// Per core, what runs.
    pub cores: Vec<CoreUse>,
    /// The first clients (by id), individually.
    pub first_clients: Vec<ClientView>,
    /// The first server connections (by id), individually.
    pub first_backends: Vec<BackendView>,
}

/// How client state `s` is drawn (`None`: a gone slot, not drawn).
fn client_name(s: ClientState) -> Option<ClientStateName> {
    Some(match s {
        ClientState::Thinking => ClientStateName::Thinking,
        ClientState::Connecting => ClientStateName::Connecting,
        ClientState::WaitingForServer => ClientStateName::WaitingForServer,
        ClientState::InStatement => ClientStateName::InStatement,
        ClientState::InRoundTrip => ClientStateName::InRoundTrip,
        ClientState::Backoff => ClientStateName::Backoff,
        ClientState::Gone => return None,
    })
}

impl Sim {
    /// How connection `conn` is drawn (`None`: a free slot).
    fn backend_state(&self, conn: ConnId) -> Option<BackendState> {
        let c = &self.backends.conns[conn];
        Some(match c.state {
            ConnState::ForkQueued | ConnState::Forking => BackendState::Forking,
            ConnState::Idle => BackendState::Idle,
            ConnState::IdleInTransaction => BackendState::IdleInTransaction,
            ConnState::Busy => {
                if c.executor
                    .is_some_and(|p| self.scheduler.procs[p].state == ProcState::Running)
                {
                    BackendState::Running
                } else {
                    BackendState::Runnable
                }
            }
            ConnState::Free => return None,
        })
    }

    /// The core connection `conn`'s statement is running on, if it is.
    fn core_of(&self, conn: ConnId) -> Option<CoreId> {
        let c = &self.backends.conns[conn];
        if c.state != ConnState::Busy {
            return None;
        }
        let p = &self.scheduler.procs[c.executor?];
        if p.state == ProcState::Running {
            p.last_core
        } else {
            None
        }
    }

    /// Records every attempt in progress as a censored observation (see `metrics::Censored`):
    /// each transaction attempt in flight into `lat` with its elapsed time so far, and each wait
    /// for a server in progress into `wait`. O(attempts in flight), never a scan of all clients.
    pub(crate) fn censor<A: Counter, B: Counter>(
        &self,
        lat: &mut Hist<A>,
        wait: &mut Hist<B>,
    ) -> InFlight {
        let mut fl = InFlight::default();
        let waiting = self.poolers.waiting > 0;
        for f in &self.clients.flights {
            fl.txn.record(lat, self.now - f.start);
            let cl = &self.clients.slots[f.client];
            if waiting && cl.state == ClientState::WaitingForServer {
                fl.wait.record(wait, self.now - cl.wait_start);
            }
        }
        fl
    }

    /// Memory now.
    pub fn memory(&self) -> MemoryBreakdown {
        let pooled = self.config.params.pooled();
        let busy = if pooled {
            self.clients.count(ClientState::InStatement)
                + self.clients.count(ClientState::WaitingForServer)
                + self.clients.count(ClientState::InRoundTrip)
        } else {
            0
        };
        let load = MemoryLoad {
            server_connections: self.backends.live(),
            warm_server_connections: self.backends.warm(),
            // Only statements that have started executing hold work_mem: not those waiting for
            // a core or for a thread-pool worker, nor idle (in transaction) connections.
            running_statements: self.backends.executing(),
            pooler_clients: self.poolers.clients,
            pooler_busy_clients: busy.min(self.poolers.clients),
            pooler_processes: self.poolers.processes.len() as u32,
        };
        MemoryBreakdown::compute(&self.config.memory, &load)
    }

    /// `SHOW POOLS` now.
    pub fn show_pools(&self) -> ShowPools {
        if !self.config.params.pooled() {
            return ShowPools::default();
        }
        // Summed over the PgBouncer processes, as a fleet's dashboards add up each process's
        // `SHOW POOLS` rows.
        let (mut sv_login, mut sv_idle, mut servers) = (0u64, 0u64, 0u64);
        for pg in &self.poolers.processes {
            sv_login += u64::from(pg.servers_logging_in);
            sv_idle += pg.idle_servers.len() as u64;
            servers += u64::from(pg.servers);
        }
        let sv_active = servers.saturating_sub(sv_login + sv_idle);
        let waiting = self.poolers.waiting;
        ShowPools {
            cl_active: u64::from(self.poolers.clients.saturating_sub(waiting)),
            cl_waiting: u64::from(waiting),
            sv_active,
            sv_idle,
            sv_used: 0,
            sv_login,
            maxwait_s: self.poolers.max_wait_ns(&self.clients, self.now) as f64 / 1e9,
        }
    }

    /// Snapshot for the animated view.
    pub fn snapshot(&self) -> Snapshot {
        let cl = &self.clients;
        let clients = ClientCounts {
            thinking: cl.count(ClientState::Thinking),
            connecting: cl.count(ClientState::Connecting),
            waiting_for_server: cl.count(ClientState::WaitingForServer),
            in_statement: cl.count(ClientState::InStatement),
            in_round_trip: cl.count(ClientState::InRoundTrip),
            backoff: cl.count(ClientState::Backoff),
            total: cl.live(),
        };
        let mut b = BackendCounts::default();
        let mut first_backends = Vec::new();
        for id in self.backends.conns.ids() {
            let Some(st) = self.backend_state(id) else {
                continue;
            };
            match st {
                BackendState::Forking => b.forking += 1,
                BackendState::Idle => b.idle += 1,
                BackendState::Running => b.running += 1,
                BackendState::Runnable => b.runnable += 1,
                BackendState::IdleInTransaction => b.idle_in_transaction += 1,
            }
            b.total += 1;
            if first_backends.len() < SNAPSHOT_INDIVIDUALS {
                first_backends.push(BackendView {
                    id: id.get(),
                    state: st,
                    client: self.backends.conns[id].client.map(|c| c.get()),
                    core: self.core_of(id).map(|c| c.get()),
                });
            }
        }
        let first_clients = self
            .clients
            .slots
            .iter_with_ids()
            .filter_map(|(id, c)| {
                client_name(c.state).map(|state| ClientView {
                    id: id.get(),
                    state,
                    backend: c.conn.map(|conn| conn.get()),
                })
            })
            .take(SNAPSHOT_INDIVIDUALS)
            .collect();
        let pooler = if self.poolers.processes.is_empty() {
            PoolerCounts::default()
        } else {
            let mut c = PoolerCounts {
                present: true,
                processes: self.poolers.processes.len() as u32,
                clients: self.poolers.clients,
                ..PoolerCounts::default()
            };
            for pg in &self.poolers.processes {
                let pr = &self.scheduler.procs[pg.proc];
                match pr.state {
                    ProcState::Running => c.running_processes += 1,
                    ProcState::Runnable => c.runnable_processes += 1,
                    ProcState::Blocked => {}
                }
                c.queue_len += pg.queue.len() as u32 + u32::from(pr.job.is_some());
            }
            c.running = c.running_processes > 0;
            c.runnable = !c.running && c.runnable_processes > 0;
            c.idle = c.running_processes == 0 && c.runnable_processes == 0;
            c
        };
        let cores = self
            .scheduler
            .cores
            .iter()
            .map(|c| match c.running {
                None => CoreUse::Idle,
                Some(p) => match self.scheduler.procs[p].kind {
                    ProcKind::Pooler(_) => CoreUse::Pooler,
                    ProcKind::Postmaster => CoreUse::Postmaster,
                    _ => CoreUse::Backend,
                },
            })
            .collect();
        Snapshot {
            t_s: self.now as f64 / 1e9,
            clients,
            backends: b,
            pooler,
            run_queue: self.scheduler.run_queue.len() as u32,
            cores,
            first_clients,
            first_backends,
        }
    }
}
