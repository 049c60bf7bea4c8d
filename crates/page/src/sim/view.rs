//! View models: plain structs, numbers in base units (bytes, seconds, per second), that the
//! components draw. Nothing here knows the model's types.

use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Latency {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
}

// Where the cores' time went, as fractions of all core time (they add up to 1): the model's own
// plain struct, shown as is.
use poolsim_model::CpuShare;

/// The parts of a CPU-time bar: (css class, label, share) in drawing order.
pub fn cpu_parts(c: &CpuShare) -> [(&'static str, &'static str, f64); 7] {
    [
        ("work", "work", c.work),
        ("client-cpu", "clients", c.clients),
        ("switching", "context switches", c.switching),
        ("snapshots", "snapshots", c.snapshots),
        ("fork", "fork + auth", c.fork_auth),
        ("pooler", "pooler", c.pooler),
        ("idle", "idle", c.idle),
    ]
}

/// What runs on one core right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CoreUse {
    #[default]
    Idle,
    Backend,
    Pooler,
    /// Switching, forking or scanning snapshots: core time that does no client work.
    Overhead,
}

/// How many clients and server connections are in each state (aggregates: there may be
/// thousands).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Occupancy {
    pub clients_thinking: u32,
    pub clients_connecting: u32,
    pub clients_waiting: u32,
    pub clients_in_statement: u32,
    pub clients_in_round_trip: u32,
    pub backends_forking: u32,
    pub backends_idle: u32,
    pub backends_running: u32,
    pub backends_runnable: u32,
    pub backends_idle_in_txn: u32,
    pub cores: Vec<CoreUse>,
}

impl Occupancy {
    pub fn clients(&self) -> u32 {
        self.clients_thinking
            + self.clients_connecting
            + self.clients_waiting
            + self.clients_in_statement
            + self.clients_in_round_trip
    }
    pub fn backends(&self) -> u32 {
        self.backends_forking
            + self.backends_idle
            + self.backends_running
            + self.backends_runnable
            + self.backends_idle_in_txn
    }
}

/// One row of PgBouncer's `SHOW POOLS`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ShowPools {
    pub cl_active: u32,
    pub cl_waiting: u32,
    pub sv_active: u32,
    pub sv_idle: u32,
    pub sv_used: u32,
    pub sv_login: u32,
    pub maxwait_s: f64,
}

/// One row of PgBouncer's `SHOW STATS` (times in seconds, as the page shows them).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ShowStats {
    pub total_xact_count: u64,
    pub total_query_count: u64,
    pub total_wait_time_s: f64,
    pub avg_xact_count: f64,
    pub avg_xact_time_s: f64,
    pub avg_query_time_s: f64,
    pub avg_wait_time_s: f64,
}

/// Live figures of one model (direct or pooled) over the last few simulated seconds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SideView {
    pub pooled: bool,
    pub memory_private: f64,
    pub memory_rss: f64,
    pub memory_pooler: f64,
    /// Private memory once every client is connected and idle (answers a control at once; the
    /// live figure follows as the model connects clients).
    pub memory_private_steady: f64,
    pub context_switches_per_s: f64,
    pub cpu_migrations_per_s: f64,
    /// Time-average number of processes waiting in the kernel's run queue for a core.
    pub run_queue: f64,
    /// Time-average number of clients waiting in the pooler's queue for a server connection.
    pub pool_queue: f64,
    /// Time-average number of clients inside a transaction (Little's L for the whole system).
    pub in_transaction: f64,
    pub throughput_tps: f64,
    pub latency: Latency,
    pub pool_wait_s: f64,
    /// (reason, errors per second).
    pub errors: Vec<(String, f64)>,
    pub cpu: CpuShare,
    pub occupancy: Occupancy,
    pub pools: Option<ShowPools>,
    pub stats: Option<ShowStats>,
    /// Whether this side's model stopped (its livelock guard: `Model::stall`): shown as a
    /// notice, since its numbers no longer move.
    pub stalled: bool,
}

/// The notice when the direct side's model stopped.
pub const STALL_NOTICE_DIRECT: &str =
    "The direct side's simulation stopped: too many events at one \
     simulated instant without time passing (a livelock in the model). Please report this link.";
/// The notice when the pooled side's model stopped.
pub const STALL_NOTICE_POOLED: &str =
    "The pooled side's simulation stopped: too many events at one \
     simulated instant without time passing (a livelock in the model). Please report this link.";

impl LiveView {
    /// The notice to show if a side's model stopped (its livelock guard). Fixed text: no number
    /// formatting in the figure's module for a case that should never happen.
    pub fn stall_notice(&self) -> Option<&'static str> {
        if self.direct.stalled {
            Some(STALL_NOTICE_DIRECT)
        } else if self.pooled.as_ref().is_some_and(|p| p.stalled) {
            Some(STALL_NOTICE_POOLED)
        } else {
            None
        }
    }
}

impl SideView {
    pub fn errors_per_s(&self) -> f64 {
        self.errors.iter().fold(0.0, |sum, (_, r)| sum + r)
    }
}

/// One point of the live charts; `pooled` values are NaN when there is no pooled model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub t_s: f64,
    pub memory: [f64; 2],
    pub context_switches: [f64; 2],
    pub p99: [f64; 2],
}

/// How fast the simulation runs compared with the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pace {
    /// Simulated seconds per real second over the last frames.
    pub ratio: f64,
    /// The requested speed could not be kept within the frame budget.
    pub behind: bool,
    /// Model stepping time of the last frame, ms.
    pub frame_ms: f64,
}

/// Everything the live figure shows, published by the frame loop.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveView {
    pub now_s: f64,
    pub direct: SideView,
    pub pooled: Option<SideView>,
    pub history: Rc<[Sample]>,
    pub pace: Pace,
}

/// One client count of the explanation's sweep: throughput, p99 latency and private memory,
/// direct (`[0]`) and pooled (`[1]`).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct SweepPoint {
    pub clients: u32,
    pub tps: [f64; 2],
    pub p99: [f64; 2],
    pub memory: [f64; 2],
}
