//! Several PgBouncer processes on one port (`pooler_processes`, `so_reuseport = 1`): each is a
//! single-threaded PgBouncer of its own, so one saturates near 1 / (its CPU per transaction) and
//! k of them reach about k times that until the cores or the backends run out; each keeps its
//! own pool (`pool_size` per process) and its own `max_client_conn`, and costs its own memory.
mod common;

use common::{run, S};
use poolsim_model::calibration as cal;
use poolsim_model::{Model, Params, PoolMode};

/// One-statement transactions that cost the backends almost nothing, so PgBouncer's CPU per
/// transaction (`pooler_cpu_us`, the lab's 20 µs) is what limits throughput; plenty of clients
/// that never think, and enough cores for several pooler processes.
fn pooler_bound(processes: u32, cores: u32) -> Params {
    Params {
        clients: 400,
        think_ms: 0.0,
        stmt_cpu_ms: 0.001,
        stmts_per_txn: 1,
        rtt_ms: 0.05,
        cores,
        pool_size: 16,
        max_connections: 1_000,
        pool_mode: PoolMode::Transaction,
        auth: poolsim_model::Auth::Trust,
        pooler_cpu_us: cal::LAB_POOLER_CPU_US,
        pooler_processes: processes,
        ..Params::default()
    }
}

/// 1 / (PgBouncer CPU per transaction), transactions per second.
fn one_process_ceiling() -> f64 {
    1e6 / cal::LAB_POOLER_CPU_US
}

#[test]
fn one_process_saturates_one_core_near_its_cpu_per_transaction() {
    let s = run(pooler_bound(1, 16), 1, 0.3, 1.0);
    let cap = one_process_ceiling();
    assert!(
        s.throughput_tps > 0.9 * cap && s.throughput_tps < 1.02 * cap,
        "{} tps against a ceiling of {cap}",
        s.throughput_tps
    );
    // The pooler uses one of the 16 cores, and no more.
    let pooler_cores = s.cpu_time.pooler * 16.0;
    assert!(
        pooler_cores > 0.95 && pooler_cores <= 1.0 + 1e-6,
        "{pooler_cores}"
    );
    // Clients queue in the pooler while 15 cores idle.
    assert!(s.cpu_time.idle > 0.8, "{}", s.cpu_time.idle);
}

#[test]
fn k_processes_on_enough_cores_reach_about_k_times_one() {
    let one = run(pooler_bound(1, 16), 1, 0.3, 1.0).throughput_tps;
    for k in [2u32, 4] {
        let s = run(pooler_bound(k, 16), 1, 0.3, 1.0);
        let ratio = s.throughput_tps / one;
        assert!(
            ratio > 0.9 * f64::from(k) && ratio < 1.05 * f64::from(k),
            "{k} processes: {ratio:.2}× one"
        );
        let pooler_cores = s.cpu_time.pooler * 16.0;
        assert!(pooler_cores > 0.9 * f64::from(k), "{k}: {pooler_cores}");
        // Each process keeps its own pool of pool_size server connections.
        assert_eq!(s.server_connections, u64::from(k * 16));
        assert_eq!(
            s.show_pools.sv_active + s.show_pools.sv_idle,
            u64::from(k * 16)
        );
    }
}

#[test]
fn more_processes_than_cores_do_not_help() {
    // On 2 cores the pooler processes and the backends share two cores: 4 processes cannot give
    // 4× one, the cores cap them (2 cores / 20 µs = 100,000 tps with nothing else to run).
    let one = run(pooler_bound(1, 2), 1, 0.3, 1.0).throughput_tps;
    let four = run(pooler_bound(4, 2), 1, 0.3, 1.0);
    let cores_cap = 2.0 * one_process_ceiling();
    assert!(four.throughput_tps < cores_cap, "{}", four.throughput_tps);
    assert!(
        four.throughput_tps < 2.0 * one,
        "{} vs {one}",
        four.throughput_tps
    );
    assert!(four.cpu_time.idle < 0.05, "{}", four.cpu_time.idle);
}

#[test]
fn backends_limit_what_more_processes_can_add() {
    // Statements of 0.5 ms on 8 cores cap the server at 16,000 tps, below one process's 50,000:
    // a second process adds nothing.
    let heavy = |k| Params {
        stmt_cpu_ms: 0.5,
        cores: 8,
        ..pooler_bound(k, 8)
    };
    let one = run(heavy(1), 1, 0.3, 1.0).throughput_tps;
    let two = run(heavy(2), 1, 0.3, 1.0).throughput_tps;
    assert!(one < 16_000.0 && one > 12_000.0, "{one}");
    assert!((two - one).abs() / one < 0.1, "{one} → {two}");
}

#[test]
fn max_client_conn_is_per_process_and_clients_spread_over_processes() {
    let p = |k| Params {
        clients: 1_000,
        think_ms: 100.0,
        max_client_conn: 300,
        pooler_processes: k,
        ..Params::default()
    };
    // One process takes 300 clients; the others are refused and retry.
    let one = run(p(1), 1, 1.0, 1.0);
    assert_eq!(one.client_connections, 300);
    assert!(one.errors.max_client_conn > 0);
    // Four processes each take up to 300: the kernel's hash spreads the 1,000 clients about
    // evenly (≈ 250 each), so nearly all connect.
    let four = run(p(4), 1, 1.0, 1.0);
    assert!(four.client_connections > 950, "{}", four.client_connections);
}

#[test]
fn each_process_has_its_own_fixed_memory() {
    // Idle connections and one client that thinks for minutes: nothing is in flight, so the
    // pooler's memory is its processes' fixed part plus 2 kB per client, whatever the hash did.
    let p = |k| Params {
        clients: 1,
        think_ms: 600_000.0,
        idle_connections: 2_000,
        pooler_processes: k,
        ..Params::default()
    };
    let mem = |k| {
        let mut m = Model::new(p(k), 1);
        m.advance_to(S / 10);
        m.check_invariants().unwrap();
        m.memory().pooler
    };
    let (one, eight) = (mem(1), mem(8));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b;
    assert!(close(
        one,
        cal::POOLER_PROCESS_PRIVATE_BYTES + 2_001.0 * cal::POOLER_BYTES_PER_CLIENT
    ));
    assert!(close(eight - one, 7.0 * cal::POOLER_PROCESS_PRIVATE_BYTES));
    // Without a pooler there is no pooler process.
    let direct = Params {
        pool_mode: PoolMode::None,
        max_connections: 3_000,
        ..p(8)
    };
    assert_eq!(Model::new(direct, 1).memory().pooler, 0.0);
}

#[test]
fn the_snapshot_counts_every_process() {
    let mut m = Model::new(pooler_bound(4, 16), 1);
    m.advance_to(S / 5);
    let snap = m.snapshot();
    assert_eq!(snap.pooler.processes, 4);
    assert!(snap.pooler.running_processes >= 1);
    assert!(snap.pooler.running_processes + snap.pooler.runnable_processes <= 4);
    assert_eq!(snap.pooler.clients, 400);
    let mut direct = Model::new(
        Params {
            pool_mode: PoolMode::None,
            ..pooler_bound(4, 16)
        },
        1,
    );
    direct.advance_to(S / 50);
    assert_eq!(direct.snapshot().pooler.processes, 0);
}

#[test]
fn out_of_range_counts_are_clamped_and_reported() {
    for (asked, applied) in [("0", 1u32), ("1000", 64), ("3", 3)] {
        let mut p = Params::default();
        let adj = p.set("pooler_processes", asked).unwrap();
        assert_eq!(p.pooler_processes, applied);
        assert_eq!(adj.is_some(), asked != "3", "{asked}");
    }
    let (p, adj) = Params {
        pooler_processes: 0,
        ..Params::default()
    }
    .clamped();
    assert_eq!(p.pooler_processes, 1);
    assert!(adj.iter().any(|a| a.key == "pooler_processes"));
}

#[test]
fn changing_the_count_while_running_rebuilds_the_pooler() {
    let mut m = Model::new(pooler_bound(1, 16), 3);
    m.advance_to(S / 5);
    for k in [4u32, 2, 1] {
        m.set_params(pooler_bound(k, 16));
        let t = m.now() + S / 5;
        m.advance_to(t);
        m.check_invariants().unwrap();
        assert_eq!(m.snapshot().pooler.processes, k);
    }
}

#[test]
fn several_processes_are_deterministic() {
    let a = run(pooler_bound(4, 16), 9, 0.2, 0.3);
    let b = run(pooler_bound(4, 16), 9, 0.2, 0.3);
    assert_eq!(a.digest(), b.digest());
    let c = run(pooler_bound(4, 16), 10, 0.2, 0.3);
    assert_ne!(a.digest(), c.digest());
}
