//! The page's small UI state: the parameters the reader controls and the transport (play, speed,
//! seed). Changed only through [`Action`]s; the running models are not here (see `sim.rs`).

use std::rc::Rc;
use yew::prelude::*;

/// Ranges of the controls. Clients span what a fleet of application pods opens; pool sizes what a
/// PgBouncer is usually given.
pub const CLIENTS_MIN: u32 = 1;
pub const CLIENTS_MAX: u32 = 20_000;
pub const POOL_MIN: u32 = 1;
pub const POOL_MAX: u32 = 1_000;
pub const CORES_MIN: u32 = 1;
pub const CORES_MAX: u32 = 128;
pub const THINK_MS_MIN: u32 = 0;
pub const THINK_MS_MAX: u32 = 10_000;
pub const STMT_CPU_US_MIN: u32 = 10;
pub const STMT_CPU_US_MAX: u32 = 100_000;
pub const STMTS_MIN: u32 = 1;
pub const STMTS_MAX: u32 = 50;
pub const SESSION_STATE_PCT_MAX: u32 = 100;
pub const IDLE_CONNECTIONS_MAX: u32 = 20_000;

/// How the pooler hands server connections to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolMode {
    Session,
    Transaction,
    Statement,
}

impl PoolMode {
    pub const ALL: [PoolMode; 3] = [
        PoolMode::Session,
        PoolMode::Transaction,
        PoolMode::Statement,
    ];
    /// The model's (and PgBouncer's) name for the mode.
    pub fn key(self) -> &'static str {
        match self {
            PoolMode::Session => "session",
            PoolMode::Transaction => "transaction",
            PoolMode::Statement => "statement",
        }
    }
    pub fn label(self) -> &'static str {
        self.key()
    }
}

/// Postgres before and after the snapshot-scalability work of version 14.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgVersion {
    Pg13,
    Pg14,
}

impl PgVersion {
    pub const ALL: [PgVersion; 2] = [PgVersion::Pg13, PgVersion::Pg14];
    pub fn key(self) -> &'static str {
        match self {
            PgVersion::Pg13 => "13",
            PgVersion::Pg14 => "16",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PgVersion::Pg13 => "≤ 13",
            PgVersion::Pg14 => "14+",
        }
    }
}

/// How the database serves a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    Process,
    Thread,
    ThreadPool,
}

impl Arch {
    pub const ALL: [Arch; 3] = [Arch::Process, Arch::Thread, Arch::ThreadPool];
    pub fn key(self) -> &'static str {
        match self {
            Arch::Process => "process",
            Arch::Thread => "thread",
            Arch::ThreadPool => "thread_pool",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Arch::Process => "process per connection",
            Arch::Thread => "thread per connection",
            Arch::ThreadPool => "thread pool",
        }
    }
}

/// Everything the reader sets that the models depend on. Both models (direct and pooled) get the
/// same workload; only the pooled one has a pooler.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub clients: u32,
    pub pool_size: u32,
    pub pooler: bool,
    pub pool_mode: PoolMode,
    pub cores: u32,
    pub pg_version: PgVersion,
    pub arch: Arch,
    pub think_ms: u32,
    pub stmt_cpu_us: u32,
    pub stmts_per_txn: u32,
    pub connect_per_txn: bool,
    /// Percent of clients relying on session state (SET, LISTEN, advisory locks, SQL PREPARE),
    /// which breaks in transaction and statement mode.
    pub session_state_pct: u32,
    /// Extra connections opened once and left idle (application pools sized for peaks).
    pub idle_connections: u32,
}

impl Default for Workload {
    /// The first, untouched view: a fleet's worth of clients over a pool of 3× the cores, busy
    /// enough that the server is saturated: the pooled side wins on memory by ~70× and on p99
    /// latency and throughput too (the model's defaults, with a shorter think time).
    fn default() -> Self {
        Workload {
            clients: 2_000,
            pool_size: 24,
            pooler: true,
            pool_mode: PoolMode::Transaction,
            cores: 8,
            pg_version: PgVersion::Pg14,
            arch: Arch::Process,
            think_ms: 150,
            stmt_cpu_us: 200,
            stmts_per_txn: 3,
            connect_per_txn: false,
            session_state_pct: 0,
            idle_connections: 0,
        }
    }
}

impl Workload {
    /// Every number clamped to its control's range.
    pub fn clamped(mut self) -> Workload {
        self.clients = self.clients.clamp(CLIENTS_MIN, CLIENTS_MAX);
        self.pool_size = self.pool_size.clamp(POOL_MIN, POOL_MAX);
        self.cores = self.cores.clamp(CORES_MIN, CORES_MAX);
        self.think_ms = self.think_ms.clamp(THINK_MS_MIN, THINK_MS_MAX);
        self.stmt_cpu_us = self.stmt_cpu_us.clamp(STMT_CPU_US_MIN, STMT_CPU_US_MAX);
        self.stmts_per_txn = self.stmts_per_txn.clamp(STMTS_MIN, STMTS_MAX);
        self.session_state_pct = self.session_state_pct.min(SESSION_STATE_PCT_MAX);
        self.idle_connections = self.idle_connections.min(IDLE_CONNECTIONS_MAX);
        self
    }
}

/// Simulated seconds per real second; `None` means "as fast as the frame budget allows".
pub const SPEEDS: [Option<f64>; 8] = [
    Some(0.1),
    Some(0.25),
    Some(0.5),
    Some(1.0),
    Some(2.0),
    Some(5.0),
    Some(10.0),
    None,
];
pub const DEFAULT_SPEED: usize = 3;
pub const DEFAULT_SEED: u64 = 1;

#[derive(Debug, Clone, PartialEq)]
pub struct PageState {
    pub workload: Workload,
    pub seed: u64,
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Bumped on every reset (and seed change): the models are re-created.
    pub generation: u32,
    /// Bumped on every "step" press while paused.
    pub steps: u32,
}

impl PageState {
    pub fn new(playing: bool) -> PageState {
        PageState {
            workload: Workload::default(),
            seed: DEFAULT_SEED,
            playing,
            speed: DEFAULT_SPEED,
            generation: 0,
            steps: 0,
        }
    }
    pub fn speed(&self) -> Option<f64> {
        SPEEDS[self.speed.min(SPEEDS.len() - 1)]
    }
}

impl Default for PageState {
    fn default() -> Self {
        PageState::new(true)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Clients(u32),
    IdleConnections(u32),
    PoolSize(u32),
    Pooler(bool),
    PoolMode(PoolMode),
    Cores(u32),
    PgVersion(PgVersion),
    Arch(Arch),
    ThinkMs(u32),
    StmtCpuUs(u32),
    StmtsPerTxn(u32),
    ConnectPerTxn(bool),
    SessionStatePct(u32),
    /// Replace the whole workload (a preset).
    Workload(Workload),
    Play(bool),
    Step,
    Speed(usize),
    Seed(u64),
    Reset,
}

impl PageState {
    /// The pure transition; clamps every number to its control's range.
    pub fn apply(mut self, action: Action) -> PageState {
        let w = &mut self.workload;
        match action {
            Action::Clients(v) => w.clients = v.clamp(CLIENTS_MIN, CLIENTS_MAX),
            Action::IdleConnections(v) => w.idle_connections = v.min(IDLE_CONNECTIONS_MAX),
            Action::PoolSize(v) => w.pool_size = v.clamp(POOL_MIN, POOL_MAX),
            Action::Pooler(on) => w.pooler = on,
            Action::PoolMode(m) => w.pool_mode = m,
            Action::Cores(v) => w.cores = v.clamp(CORES_MIN, CORES_MAX),
            Action::PgVersion(v) => w.pg_version = v,
            Action::Arch(a) => w.arch = a,
            Action::ThinkMs(v) => w.think_ms = v.clamp(THINK_MS_MIN, THINK_MS_MAX),
            Action::StmtCpuUs(v) => w.stmt_cpu_us = v.clamp(STMT_CPU_US_MIN, STMT_CPU_US_MAX),
            Action::StmtsPerTxn(v) => w.stmts_per_txn = v.clamp(STMTS_MIN, STMTS_MAX),
            Action::ConnectPerTxn(on) => w.connect_per_txn = on,
            Action::SessionStatePct(v) => w.session_state_pct = v.min(SESSION_STATE_PCT_MAX),
            Action::Workload(new) => *w = new.clamped(),
            Action::Play(on) => self.playing = on,
            Action::Step => {
                self.playing = false;
                self.steps = self.steps.wrapping_add(1);
            }
            Action::Speed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Action::Seed(s) => {
                self.seed = s;
                self.generation = self.generation.wrapping_add(1);
            }
            Action::Reset => self.generation = self.generation.wrapping_add(1),
        }
        self
    }
}

impl Reducible for PageState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_clamp_to_the_control_ranges() {
        let s = PageState::default().apply(Action::Clients(1_000_000));
        assert_eq!(s.workload.clients, CLIENTS_MAX);
        let s = s.apply(Action::PoolSize(0));
        assert_eq!(s.workload.pool_size, POOL_MIN);
        let s = s.apply(Action::Speed(99));
        assert_eq!(s.speed(), None);
    }

    #[test]
    fn step_pauses_and_seed_recreates() {
        let s = PageState::default();
        let g = s.generation;
        let s = s.apply(Action::Step);
        assert!(!s.playing);
        assert_eq!(s.steps, 1);
        let s = s.apply(Action::Seed(7));
        assert_eq!((s.seed, s.generation), (7, g + 1));
    }
}
