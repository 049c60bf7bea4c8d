//! The real engine: one `poolsim_model::Model` for one side (direct or pooled) of the page's
//! parameters, and its figures translated into view models.

use super::view::{Latency, ShowPools, ShowStats, SideView};
use super::Engine;
use poolsim_model::{idle_memory, Errors, Model, Params, PoolMode, Summary};

/// Live figures are taken over this many simulated seconds.
pub const WINDOW_S: f64 = 2.0;

/// The model's parameters for one side. The direct side has no pooler and, as a DBA would do to
/// let every client in, a `max_connections` above the number of clients; the pooled side only
/// needs room for its pool. A larger `max_connections` in the parameters is kept.
pub fn side_params(p: &Params, pooled: bool) -> Params {
    let mut side = p.clone();
    if pooled {
        if side.pool_mode == PoolMode::None {
            side.pool_mode = PoolMode::Transaction;
        }
        side.max_connections = side
            .max_connections
            .max(side.pool_size.max(90) + side.reserve_pool_size + 10);
    } else {
        side.pool_mode = PoolMode::None;
        side.max_connections = side
            .max_connections
            .max((side.clients + side.idle_connections + 10).max(100));
    }
    side.clamped().0
}

/// (reason as PgBouncer or Postgres says it, count) for every error kind that occurred.
fn error_reasons(e: &Errors) -> Vec<(&'static str, u64)> {
    [
        ("sorry, too many clients already", e.refused),
        (
            "no more connections allowed (max_client_conn)",
            e.max_client_conn,
        ),
        ("query_wait_timeout", e.query_wait_timeout),
        ("session state lost (pool mode)", e.mode_incompatible),
        (
            "transaction blocks not allowed in statement pooling mode",
            e.statement_mode_multi_stmt,
        ),
        ("server refused connection", e.server_refused),
        ("dropped", e.dropped),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect()
}

pub struct ModelEngine {
    model: Model,
    pooled: bool,
}

impl ModelEngine {
    pub fn new(p: &Params, pooled: bool, seed: u64) -> ModelEngine {
        ModelEngine::exact(side_params(p, pooled), pooled, seed)
    }

    /// A model of exactly `p` (no [`side_params`]: the reader's own `max_connections` holds, so
    /// a direct run can be refused), shown as the `pooled` side or not.
    pub fn exact(p: Params, pooled: bool, seed: u64) -> ModelEngine {
        ModelEngine {
            model: Model::new(p, seed),
            pooled,
        }
    }
}

fn side_from_summary(s: &Summary, pooled: bool) -> SideView {
    let per_s = |n: u64| {
        if s.elapsed_s > 0.0 {
            n as f64 / s.elapsed_s
        } else {
            0.0
        }
    };
    let t = &s.show_stats;
    let p = &s.show_pools;
    SideView {
        pooled,
        memory_private: s.memory_bytes.private_total,
        memory_rss: s.memory_bytes.rss_total,
        memory_pooler: s.memory_bytes.pooler,
        memory_private_steady: 0.0,
        context_switches_per_s: s.context_switches_per_s.total,
        cpu_migrations_per_s: s.cpu_migrations_per_s,
        run_queue: s.little.cpu_run_queue.l,
        pool_queue: s.little.pool_queue.l,
        in_transaction: s.little.system.l,
        throughput_tps: s.throughput_tps,
        latency: Latency {
            p50: s.latency_s.p50,
            p95: s.latency_s.p95,
            p99: s.latency_s.p99,
            mean: s.latency_s.mean,
        },
        pool_wait_s: s.pool_wait_s.mean,
        errors: error_reasons(&s.errors)
            .into_iter()
            .map(|(r, n)| (r.to_string(), per_s(n)))
            .collect(),
        cpu: s.cpu_time,
        occupancy: Default::default(),
        pools: pooled.then_some(ShowPools {
            cl_active: p.cl_active as u32,
            cl_waiting: p.cl_waiting as u32,
            sv_active: p.sv_active as u32,
            sv_idle: p.sv_idle as u32,
            sv_used: p.sv_used as u32,
            sv_login: p.sv_login as u32,
            maxwait_s: p.maxwait_s,
        }),
        stats: pooled.then(|| ShowStats {
            total_xact_count: t.total_xact_count,
            total_query_count: t.total_query_count,
            total_wait_time_s: t.total_wait_time_us / 1e6,
            avg_xact_count: s.throughput_tps,
            avg_xact_time_s: t.avg_xact_time_us / 1e6,
            avg_query_time_s: t.avg_query_time_us / 1e6,
            avg_wait_time_s: t.avg_wait_time_us / 1e6,
        }),
        stalled: false,
    }
}

impl Engine for ModelEngine {
    fn set_params(&mut self, p: &Params) {
        self.model.set_params(side_params(p, self.pooled));
    }
    fn advance(&mut self, max_events: u64, until_ns: u64) -> u64 {
        self.model.advance(max_events, until_ns).events
    }
    fn now_ns(&self) -> u64 {
        self.model.now()
    }
    fn view(&self) -> SideView {
        let summary = self.model.window(WINDOW_S);
        let mut side = side_from_summary(&summary, self.pooled);
        side.occupancy = super::snapshot::occupancy(&self.model.snapshot());
        side.stalled = self.model.stall().is_some();
        let p = self.model.params();
        let config = poolsim_model::architecture::memory_config(p);
        side.memory_private_steady =
            idle_memory(&config, p.clients, self.pooled.then_some(p.pool_size)).private_total;
        side
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_share_the_parameters_but_not_the_pooler() {
        let p = crate::state::page_default();
        let pooled = side_params(&p, true);
        assert_eq!(pooled.pool_mode, p.pool_mode);
        assert_eq!((pooled.clients, pooled.pool_size), (p.clients, p.pool_size));
        let direct = side_params(&p, false);
        assert_eq!(direct.pool_mode, PoolMode::None);
        assert!(direct.max_connections > p.clients);
        assert_eq!(direct.think_ms, p.think_ms);
    }
}
