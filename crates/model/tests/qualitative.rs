//! The shapes the explainer relies on.
mod common;
use common::*;
use poolsim_model::{idle_memory, MemoryConfig, Model, Params, PoolMode, PresetId};

#[test]
fn direct_throughput_peaks_near_a_few_times_cores_then_declines_pool_stays_near_peak() {
    let mut curve = Vec::new();
    for n in [4u32, 8, 16, 24, 32, 64, 128, 256, 512] {
        let x = run(busy_direct(n), 5, 0.2, 0.6).throughput_tps;
        curve.push((n, x));
    }
    eprintln!("direct: {curve:?}");
    let (n_peak, x_peak) = curve
        .iter()
        .cloned()
        .fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
    assert!((8..=64).contains(&n_peak), "peak at {n_peak}");
    let x_512 = curve.last().unwrap().1;
    assert!(
        x_512 < 0.85 * x_peak,
        "no decline: {x_512} vs peak {x_peak}"
    );
    assert!(curve[0].1 < 0.8 * x_peak, "no rise");
    // Through a pool of about the peak size the many-client throughput stays near the peak.
    let pooled = Params {
        pool_mode: PoolMode::Transaction,
        pool_size: n_peak,
        ..busy_direct(512)
    };
    let xp = run(pooled, 5, 0.2, 0.6).throughput_tps;
    eprintln!("pooled 512 clients through {n_peak}: {xp}");
    assert!(xp > 0.8 * x_peak && xp > 1.1 * x_512, "pooled {xp}");
}

#[test]
fn pg13_throughput_falls_with_idle_connections_pg14_stays_flat() {
    // 64 clients that never think keep 8 cores saturated; `idle` more connections think 600 s
    // (a handful wake up during the run, which cannot matter on a saturated CPU).
    let case = |idle: u32, version: u32| {
        let base = Params {
            pool_mode: PoolMode::None,
            max_connections: 20_100,
            cores: 8,
            stmt_cpu_ms: 0.02,
            stmts_per_txn: 1,
            rtt_ms: 0.0,
            pg_version: version,
            ..Params::default()
        };
        let mut m = Model::new(
            Params {
                clients: idle,
                think_ms: 600_000.0,
                ..base
            },
            3,
        );
        let mut q = m.params().clone();
        q.clients = idle + 64;
        q.think_ms = 0.0; // only the 64 newcomers' next think times are drawn with this
        m.set_params(q);
        m.advance_to(100_000_000);
        m.reset_stats();
        m.advance_to(400_000_000);
        m.summary().throughput_tps
    };
    let (a13, b13) = (case(100, 13), case(10_000, 13));
    let (a14, b14) = (case(100, 14), case(10_000, 14));
    eprintln!("pg13 {a13:.0} -> {b13:.0}; pg14 {a14:.0} -> {b14:.0}");
    // 9,900 more idle backends add ≈ 3 µs (0.3 ns each) to every 20 µs statement's snapshot;
    // with 64 backends runnable on 8 cores each switch also refills caches (tens of µs), so the
    // fall is a few per cent.
    assert!(b13 < 0.97 * a13, "pg13 did not fall");
    assert!(1.0 - b13 / a13 > 3.0 * (1.0 - b14 / a14));
    assert!(rel(b14, a14) < 0.05, "pg14 not flat");
}

#[test]
fn memory_linear_when_direct_bounded_when_pooled() {
    let cfg = MemoryConfig::default();
    let d1 = idle_memory(&cfg, 1_000, None).private_total;
    let d2 = idle_memory(&cfg, 2_000, None).private_total;
    assert!(rel(d2, 2.0 * d1) < 1e-9);
    // And in the running simulation.
    let mem = |clients: u32, pooled: bool| {
        let p = Params {
            clients,
            pool_mode: if pooled {
                PoolMode::Transaction
            } else {
                PoolMode::None
            },
            max_connections: 20_100,
            pool_size: 20,
            think_ms: 1_000.0,
            ..Params::default()
        };
        run(p, 1, 0.3, 0.2).memory_bytes.private_total
    };
    let (a, b) = (mem(1_000, false), mem(4_000, false));
    assert!(rel(b, 4.0 * a) < 0.02, "direct {a} {b}");
    let (pa, pb) = (mem(1_000, true), mem(4_000, true));
    eprintln!("direct {a:.3e} -> {b:.3e}; pooled {pa:.3e} -> {pb:.3e}");
    // Bounded by a full pool of 20 (plus work_mem of 20 running statements) and 2 kB per client.
    let bound = idle_memory(&cfg, 4_000, Some(20)).private_total + 20.0 * 0.5 * 4.0 * 1048576.0;
    assert!(pa <= pb && pb <= bound && pb < b / 20.0);
}

#[test]
fn fleet_pooled_p99_beats_direct_p99() {
    let pooled = run(PresetId::Fleet.params(), 2, 1.0, 1.5);
    let direct = run(PresetId::FleetDirect.params(), 2, 1.0, 1.5);
    eprintln!(
        "fleet p99 pooled {:.4}s ({:.0} tps) direct {:.4}s ({:.0} tps); memory {:.2e} vs {:.2e}",
        pooled.latency_s.p99,
        pooled.throughput_tps,
        direct.latency_s.p99,
        direct.throughput_tps,
        pooled.memory_bytes.private_total,
        direct.memory_bytes.private_total
    );
    assert!(pooled.latency_s.p99 < direct.latency_s.p99);
    assert!(pooled.memory_bytes.private_total * 20.0 < direct.memory_bytes.private_total);
}

#[test]
fn idle_connections_cost_memory_everywhere_and_throughput_only_before_pg14() {
    let run = |id: PresetId, idle: Option<u32>| {
        let mut p = id.params();
        if let Some(n) = idle {
            p.idle_connections = n;
        }
        let mut m = Model::new(p, 5);
        m.advance_to(300_000_000);
        m.reset_stats();
        m.advance_to(1_000_000_000);
        m.check_invariants().unwrap();
        m.summary()
    };
    let (pg13, pg14) = (
        run(PresetId::IdleHeavyPg13, None),
        run(PresetId::IdleHeavyPg14, None),
    );
    let (pg13_none, pg14_none) = (
        run(PresetId::IdleHeavyPg13, Some(0)),
        run(PresetId::IdleHeavyPg14, Some(0)),
    );
    eprintln!(
        "tps pg13 {:.0} (no idle {:.0}), pg14 {:.0} (no idle {:.0})",
        pg13.throughput_tps,
        pg13_none.throughput_tps,
        pg14.throughput_tps,
        pg14_none.throughput_tps
    );
    // On 16 saturated cores PG13 loses several per cent: ≈ 1.5 µs per snapshot for the 5,200
    // backends and ≈ 1.5 µs for the busy ones running on the other 15 cores, on 50 µs statements.
    assert!(pg13.throughput_tps < 0.985 * pg14.throughput_tps);
    assert!(pg13.throughput_tps < pg13_none.throughput_tps);
    assert!(rel(pg14.throughput_tps, pg14_none.throughput_tps) < 0.03);
    assert!(pg13.cpu_time.snapshots > 0.03);
    assert!(pg13.cpu_time.snapshots > 5.0 * pg14.cpu_time.snapshots);
    // 5,000 idle backends hold gigabytes either way.
    let extra = pg14.memory_bytes.private_total - pg14_none.memory_bytes.private_total;
    assert!(extra > 5_000.0 * 2.0 * 1024.0 * 1024.0, "extra {extra}");
}

#[test]
fn idle_connections_join_and_leave_while_running() {
    let mut p = PresetId::IdleHeavyPg13.params();
    p.idle_connections = 100;
    let mut m = Model::new(p.clone(), 9);
    m.advance_to(100_000_000);
    let before = m.memory().private_total;
    p.idle_connections = 2_000;
    m.set_params(p.clone());
    m.advance_to(200_000_000);
    m.check_invariants().unwrap();
    let grown = m.memory().private_total;
    p.idle_connections = 0;
    m.set_params(p);
    m.advance_to(300_000_000);
    m.check_invariants().unwrap();
    assert!(grown > before && m.memory().private_total < before);
}

#[test]
fn clients_on_the_server_take_cpu_from_the_backends_and_add_switches() {
    use poolsim_model::{calibration as cal, OnOff};
    let on = Params {
        clients: 8,
        ..PresetId::Lab.params()
    };
    let off = Params {
        clients_on_server: OnOff::Off,
        ..on.clone()
    };
    let (s_on, s_off) = (run(on, 3, 0.3, 1.0), run(off, 3, 0.3, 1.0));
    eprintln!(
        "on: {:.0} TPS, {:.0} switches/s, clients {:.3}; off: {:.0} TPS, {:.0} switches/s",
        s_on.throughput_tps,
        s_on.context_switches_per_s.total,
        s_on.cpu_time.clients,
        s_off.throughput_tps,
        s_off.context_switches_per_s.total
    );
    assert_eq!(s_off.cpu_time.clients, 0.0);
    // The clients' share of the 2 cores is their CPU per transaction times the throughput.
    // Each of the default two threads polls its half of the 8 connections.
    let per_stmt_ns = cal::CLIENT_CPU_PER_STMT_NS as f64
        + cal::CLIENT_CPU_PER_THREAD_CONNECTION_NS * 8.0 / f64::from(cal::CLIENT_THREADS);
    let expected = s_on.throughput_tps * per_stmt_ns * 1e-9 / 2.0;
    assert!(rel(s_on.cpu_time.clients, expected) < 0.02, "{expected}");
    assert!(s_on.throughput_tps < 0.9 * s_off.throughput_tps);
    let per_txn = |s: &poolsim_model::Summary| s.context_switches_per_s.total / s.throughput_tps;
    // pgbench's two threads each serve several connections, so they switch less than once per
    // transaction (the lab: 1.2–1.4 switches per transaction at 8–1,000 clients, direct).
    assert!(per_txn(&s_on) > per_txn(&s_off) + 0.2);
}
