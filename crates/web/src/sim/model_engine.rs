//! The real engine: one `poolsim_model::Model`, with the page's workload translated into the
//! model's parameters (through `Params::set` and its registry keys, which clamp) and its figures
//! translated into view models.

use super::view::{Latency, ShowPools, ShowStats, SideView};
use super::Engine;
use crate::state::{Arch, PgVersion, PoolMode, Workload};
use poolsim_model::{idle_memory, Connect, Errors, Model, Params, Summary};

/// Live figures are taken over this many simulated seconds.
pub const WINDOW_S: f64 = 2.0;

/// The model's parameters for one side. The direct side has no pooler and, as a DBA would do to
/// let every client in, a `max_connections` above the number of clients; the pooled side only
/// needs room for its pool. The model clamps whatever it is given.
pub fn params(w: &Workload, pooled: bool) -> Params {
    use poolsim_model::{Arch as A, PoolMode as M};
    Params {
        clients: w.clients,
        idle_connections: w.idle_connections,
        pool_size: w.pool_size,
        pool_mode: match (pooled, w.pool_mode) {
            (false, _) => M::None,
            (true, PoolMode::Session) => M::Session,
            (true, PoolMode::Transaction) => M::Transaction,
            (true, PoolMode::Statement) => M::Statement,
        },
        max_connections: if pooled {
            w.pool_size.max(100) + 10
        } else {
            (w.clients + w.idle_connections + 10).max(100)
        },
        cores: w.cores,
        think_ms: f64::from(w.think_ms),
        stmt_cpu_ms: f64::from(w.stmt_cpu_us) / 1000.0,
        stmts_per_txn: w.stmts_per_txn,
        connect: if w.connect_per_txn {
            Connect::PerTxn
        } else {
            Connect::Persistent
        },
        pg_version: match w.pg_version {
            PgVersion::Pg13 => 13,
            PgVersion::Pg14 => 16,
        },
        arch: match w.arch {
            Arch::Process => A::Process,
            Arch::Thread => A::Thread,
            Arch::ThreadPool => A::ThreadPool,
        },
        session_state_share: f64::from(w.session_state_pct) / 100.0,
        ..Params::default()
    }
}

/// The page's workload for model parameters (a preset), each value clamped to its control.
pub fn workload_from(p: &Params) -> Workload {
    use poolsim_model::{Arch as A, PoolMode as M};
    let w = Workload {
        clients: p.clients,
        pool_size: p.pool_size,
        pooler: p.pool_mode != M::None,
        pool_mode: match p.pool_mode {
            M::Session => PoolMode::Session,
            M::Statement => PoolMode::Statement,
            M::Transaction | M::None => PoolMode::Transaction,
        },
        cores: p.cores,
        pg_version: if p.pg_version <= 13 {
            PgVersion::Pg13
        } else {
            PgVersion::Pg14
        },
        arch: match p.arch {
            A::Process => Arch::Process,
            A::Thread => Arch::Thread,
            A::ThreadPool => Arch::ThreadPool,
        },
        think_ms: p.think_ms.round().clamp(0.0, f64::from(u32::MAX)) as u32,
        stmt_cpu_us: (p.stmt_cpu_ms * 1000.0)
            .round()
            .clamp(0.0, f64::from(u32::MAX)) as u32,
        stmts_per_txn: p.stmts_per_txn,
        connect_per_txn: p.connect == Connect::PerTxn,
        session_state_pct: (p.session_state_share * 100.0).round().clamp(0.0, 100.0) as u32,
        idle_connections: p.idle_connections,
    };
    w.clamped()
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
    pub fn new(w: &Workload, pooled: bool, seed: u64) -> ModelEngine {
        ModelEngine {
            model: Model::new(params(w, pooled), seed),
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
    }
}

impl Engine for ModelEngine {
    fn set_workload(&mut self, w: &Workload) {
        self.model.set_params(params(w, self.pooled));
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
    fn the_page_default_is_the_model_default_with_a_pooler() {
        let w = Workload::default();
        let p = params(&w, true);
        let d = Params::default();
        assert_eq!(
            (p.clients, p.pool_size, p.cores, p.stmts_per_txn),
            (d.clients, d.pool_size, d.cores, d.stmts_per_txn)
        );
        assert_eq!(p.pool_mode, d.pool_mode);
        assert_eq!(params(&w, false).pool_mode, poolsim_model::PoolMode::None);
        assert!(params(&w, false).max_connections > w.clients);
        assert_eq!(workload_from(&p), w);
    }
}
