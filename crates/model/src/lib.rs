//! poolsim's model: a deterministic, calibrated simulation of clients, PgBouncer, Postgres's
//! postmaster and backends, and the OS scheduler.
//!
//! The crate is pure: no I/O, no clock, no OS randomness, no web dependency. It is handed
//! parameters, a seed and a simulated time to reach, and returns numbers. The same parameters and
//! seed give bit-identical results natively and in WebAssembly.
//!
//! # API in brief
//!
//! ```
//! use poolsim_model::{Model, Params};
//! let mut params = Params::default();
//! params.set("clients", "500").unwrap();           // keys: see `params::PARAMS`
//! let mut m = Model::new(params, 42);              // seed
//! m.advance_to(2_000_000_000);                      // simulated ns (warm-up)
//! m.reset_stats();                                  // measure from here
//! let step = m.advance(100_000, 3_000_000_000);     // bounded work: ≤ 100k events, ≤ t
//! assert!(step.now <= 3_000_000_000);
//! m.advance_to(3_000_000_000);
//! let s = m.summary();                              // since reset: throughput_tps, latency_s.p99, ...
//! assert!(s.throughput_tps > 0.0);
//! let _live = m.window(2.0);                        // same figures over the last 2 s
//! let _chart = m.series();                          // 100 ms points, last 60 s
//! let _view = m.snapshot();                         // entity counts for the animation
//! let mut p2 = m.params().clone();
//! p2.pool_size = 40;
//! let _adjusted = m.set_params(p2);                 // while running; clamped, reported
//! ```
//!
//! * [`Params`] (+ [`params::PARAMS`] registry, [`Params::set`], [`Params::clamped`]).
//! * [`Model`]: `new`, `advance_to`, `advance`, `set_params`, `now`, `reset_stats`, `summary`,
//!   `window`, `series`, `snapshot`, `memory`, `stall` (the livelock guard's error, if any).
//! * [`Summary`] (serde, base units, [`Summary::digest`]), [`SeriesPoint`], [`Snapshot`].
//! * [`theory`]: Erlang C and the finite-source M/M/c//N queue. [`presets`]: named scenarios.
//! * [`decimal`]: decimal text to `f64`, as std reads it, without std's table of powers.
//! * [`golden_case`]: the fixed case whose digest is pinned natively and in the browser.

pub mod architecture;
pub mod calibration;
pub mod decimal;
mod hist;
mod keyed;
pub mod memory;
pub mod metrics;
pub mod params;
pub mod presets;
pub mod rng;
mod sim;
pub mod theory;

pub use memory::{idle_memory, ConnectionFootprint, MemoryBreakdown, MemoryConfig, MemoryLoad};
pub use metrics::{
    CpuShare, Errors, Little, LittleTerm, Percentiles, PoolWait, SeriesPoint, ShowPools, ShowStats,
    Summary, Switches,
};
pub use params::{
    Adjustment, Arch, Auth, Connect, Dist, OnOff, ParamError, ParamKind, ParamSpec, Params,
    PoolMode, PoolerHost, Workload, PARAMS,
};
pub use presets::{preset, preset_params, Preset, PresetId, PRESET_NAMES};
pub use sim::{
    BackendCounts, BackendState, BackendView, ClientCounts, ClientStateName, ClientView, CoreUse,
    PoolerCounts, Snapshot, Stall,
};

/// CPU cost in ns of one GetSnapshotData call (see `MODEL.md`): `old_version` is PG ≤ 13; the
/// machine and backends it is taken among.
pub use sim::snapshot::{snapshot_cost_ns, SnapshotLoad};

use metrics::{build_summary, InFlight, StateView, BUCKET_NS};

/// Nanoseconds per second.
pub const NS_PER_S: u64 = 1_000_000_000;

/// Result of [`Model::advance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    /// Events processed.
    pub events: u64,
    /// Simulated time now, ns.
    pub now: u64,
}

/// The simulation. Cheap to create; all state is owned; no I/O.
pub struct Model {
    sim: sim::Sim,
    seed: u64,
}

impl Model {
    /// A model of `params` (clamped) with random seed `seed`, at time 0.
    pub fn new(params: Params, seed: u64) -> Model {
        Model {
            sim: sim::Sim::new(params, seed),
            seed,
        }
    }

    /// The seed this model was created with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The parameters in force (clamped).
    pub fn params(&self) -> &Params {
        self.sim.params()
    }

    /// Simulated time, ns.
    pub fn now(&self) -> u64 {
        self.sim.now()
    }

    /// Runs until simulated time `t_ns`.
    pub fn advance_to(&mut self, t_ns: u64) -> Advance {
        self.advance(u64::MAX, t_ns)
    }

    /// Runs at most `max_events` events, not beyond `until_ns`. When the budget runs out first,
    /// `now` is the time of the last event processed (call again to continue). If the engine's
    /// livelock guard stops the model ([`Model::stall`]), no event runs any more and only the
    /// clock moves, so a caller stepping to a time always gets there.
    pub fn advance(&mut self, max_events: u64, until_ns: u64) -> Advance {
        let events = self.sim.advance(max_events, until_ns);
        Advance {
            events,
            now: self.sim.now(),
        }
    }

    /// Changes parameters while running (clients join/leave, pool grows/shrinks, cores change,
    /// ...). Returns what had to be clamped. Changing the pooler on/off, the architecture, the
    /// workload kind or the overheads switch rebuilds the system's entities at the current time
    /// (metrics and series carry on).
    pub fn set_params(&mut self, params: Params) -> Vec<Adjustment> {
        let (p, adj) = params.clamped();
        if p != *self.sim.params() {
            self.sim.set_params(p);
        }
        adj
    }

    /// Starts measuring afresh (steady state after a warm-up). Series are kept.
    pub fn reset_stats(&mut self) {
        self.sim.reset_stats();
    }

    fn state_view(&self) -> StateView {
        StateView {
            memory: self.sim.memory(),
            pools: self.sim.show_pools(),
            server_connections: u64::from(self.sim.server_connections()),
            client_connections: u64::from(self.sim.client_connections()),
        }
    }

    /// Figures since the last reset. Latency and pool-wait figures also count the attempts
    /// still in progress now, with their elapsed time so far (see [`Summary::latency_s`]).
    pub fn summary(&self) -> Summary {
        let (c, lat, wait) = self.sim.metrics().totals();
        if !self.sim.has_attempts_in_flight() {
            return build_summary(&c, lat, wait, &InFlight::default(), &self.state_view());
        }
        let (mut lat, mut wait) = (lat.clone(), wait.clone());
        let fl = self.sim.censor(&mut lat, &mut wait);
        build_summary(&c, &lat, &wait, &fl, &self.state_view())
    }

    /// The same figures over (about) the last `seconds` of simulated time, for live readouts
    /// (100 ms granularity; at most [`metrics::WINDOW_BUCKETS`] buckets = 5 s). Attempts in
    /// progress now count as in [`Model::summary`].
    pub fn window(&self, seconds: f64) -> Summary {
        let secs = if seconds.is_finite() {
            seconds.max(0.0)
        } else {
            0.0
        };
        let buckets = libm::ceil(secs * 1e9 / BUCKET_NS as f64) as usize;
        let (c, mut lat, mut wait) = self.sim.metrics().window(buckets);
        let fl = self.sim.censor(&mut lat, &mut wait);
        build_summary(&c, &lat, &wait, &fl, &self.state_view())
    }

    /// The live chart series: one point per 100 ms, oldest first, at most 600.
    pub fn series(&self) -> Vec<SeriesPoint> {
        self.sim.metrics().series()
    }

    /// Entity states now, for the animated view.
    pub fn snapshot(&self) -> Snapshot {
        self.sim.snapshot()
    }

    /// Memory now.
    pub fn memory(&self) -> MemoryBreakdown {
        self.sim.memory()
    }

    /// Why the model stopped, if it did: too many events at one simulated instant (a livelock of
    /// the model). Its numbers after [`Stall::at_ns`] mean nothing; show the error instead.
    pub fn stall(&self) -> Option<Stall> {
        self.sim.stall()
    }

    /// Pending events in the queue (for tests: bounded by entities, not time).
    pub fn pending_events(&self) -> usize {
        self.sim.pending_events()
    }

    /// Internal invariants, checked by tests: returns a description of the first violation.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.sim.check_invariants()
    }
}

/// [`Summary::digest`] of [`golden_case`]: the native test and the browser (wasm32) test both
/// check the model reproduces it. Change it only for an intended change of the model's numbers,
/// and say why in the commit.
pub const GOLDEN_DIGEST: u64 = 0x2422_51e7_5d5e_4f71;

/// The fixed case whose [`Summary::digest`] is pinned by the native golden test and by the
/// browser (wasm) test: parameters, seed and the simulated time to run to (no reset).
pub fn golden_case() -> (Params, u64, u64) {
    let p = Params {
        clients: 300,
        pool_size: 16,
        cores: 4,
        think_ms: 50.0,
        stmts_per_txn: 3,
        stmt_cpu_dist: Dist::Lognormal,
        session_state_share: 0.02,
        reserve_pool_size: 2,
        ..Params::default()
    };
    (p, 20_240_601, 2 * NS_PER_S)
}
