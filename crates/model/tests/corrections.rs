//! Regression tests of corrected defects (MODEL.md, "Corrections"): each failed before its fix.
mod common;
use common::*;
use poolsim_model::{Arch, Dist, MemoryConfig, Model, Params, PoolMode, Summary};

const MIB: f64 = 1024.0 * 1024.0;

/// work_mem one executing statement holds on average (0.5 × work_mem by default).
fn work_mem_per_statement(p: &Params) -> f64 {
    MemoryConfig::default().work_mem_nodes_per_statement * p.work_mem_mb * MIB
}

/// Largest `memory().work_mem` seen at 20 instants (every 50 ms) after a 0.5 s warm-up.
fn peak_work_mem(p: &Params) -> f64 {
    let mut m = Model::new(p.clone(), 3);
    let mut peak: f64 = 0.0;
    for i in 0..20u64 {
        m.advance_to(500_000_000 + i * 50_000_000);
        peak = peak.max(m.memory().work_mem);
    }
    m.check_invariants().unwrap();
    peak.max(m.summary().memory_bytes.work_mem)
}

#[test]
fn thread_pool_charges_work_mem_only_to_statements_on_a_worker() {
    // 10,000 connections that never think, served by 8 workers: before the fix every queued
    // statement was charged (≈ 19.5 GiB); at most one per worker can be executing.
    let p = Params {
        arch: Arch::ThreadPool,
        pool_mode: PoolMode::None,
        clients: 10_000,
        max_connections: 20_000,
        cores: 8,
        think_ms: 0.0,
        ..Params::default()
    };
    let peak = peak_work_mem(&p);
    let bound = 8.0 * work_mem_per_statement(&p);
    eprintln!("thread pool work_mem peak {:.1} MiB", peak / MIB);
    assert!(peak > 0.0, "running statements hold some work_mem");
    assert!(peak <= bound + 1.0, "{peak} > {bound}");
}

#[test]
fn statements_waiting_for_a_core_hold_no_work_mem() {
    // 400 direct backends on 8 cores, 0.1 ms statements (far shorter than a 3 ms slice, so never
    // preempted): hundreds wait in the run queue, but at most one per core has started.
    let p = Params {
        max_connections: 500,
        ..busy_direct(400)
    };
    let peak = peak_work_mem(&p);
    let bound = 8.0 * work_mem_per_statement(&p);
    eprintln!("direct 400 work_mem peak {:.1} MiB", peak / MIB);
    assert!(peak > 0.0 && peak <= bound + 1.0, "{peak} > {bound}");

    // Statements longer than a slice are preempted mid-way and keep their memory while they wait
    // for the core again: then more statements than cores hold work_mem.
    let long = Params {
        clients: 64,
        stmt_cpu_ms: 20.0,
        stmt_cpu_dist: Dist::Const,
        ..p
    };
    let peak = peak_work_mem(&long);
    eprintln!(
        "direct 64 long statements work_mem peak {:.1} MiB",
        peak / MIB
    );
    assert!(peak > 16.0 * work_mem_per_statement(&long), "{peak}");
    assert!(peak <= 64.0 * work_mem_per_statement(&long) + 1.0, "{peak}");
}

fn session_mode_stuck() -> Params {
    // `poolsim run --set pool_mode=session --set clients=2000 --set pool_size=24`: 24 clients
    // keep the 24 servers for good; the other 1,976 wait for a server that never comes.
    Params {
        pool_mode: PoolMode::Session,
        clients: 2000,
        pool_size: 24,
        ..Params::default()
    }
}

#[test]
fn latency_percentiles_count_clients_still_waiting() {
    let mut m = Model::new(session_mode_stuck(), 1);
    m.advance_to(5 * S);
    m.reset_stats();
    m.advance_to(25 * S);
    m.check_invariants().unwrap();
    let s = m.summary();
    let l = s.latency_s;
    eprintln!(
        "session stuck: p50 {} p99 {} max {} mean {} maxwait {} pool p99 {}",
        l.p50, l.p99, l.max, l.mean, s.show_pools.maxwait_s, s.pool_wait_s.p99
    );
    // Before: p99 2.6 ms from the 24 lucky clients, while 1,976 had waited ~24 s.
    assert!(s.show_pools.cl_waiting > 1900);
    assert!(l.p99 >= 10.0, "p99 {}", l.p99);
    assert!(l.p50 >= 10.0, "p50 {}", l.p50);
    assert!(l.max >= s.show_pools.maxwait_s, "max {}", l.max);
    assert!(l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max);
    assert!(
        s.pool_wait_s.p99 >= 10.0,
        "pool wait p99 {}",
        s.pool_wait_s.p99
    );
    // Completed transactions are still counted as such (PgBouncer's SHOW STATS).
    assert!(s.show_stats.avg_xact_time_us < 10_000.0);

    let w = m.window(2.0);
    assert!(w.latency_s.p99 >= 10.0, "window p99 {}", w.latency_s.p99);
    assert!(w.latency_s.max >= 10.0, "window max {}", w.latency_s.max);
    let last = *m.series().last().unwrap();
    assert!(
        last.latency_p99_s >= 10.0,
        "series p99 {}",
        last.latency_p99_s
    );
}

#[test]
fn censoring_leaves_a_healthy_system_alone() {
    // Default scenario: nobody is stuck, so the few transactions in flight at the end cannot move
    // the percentiles (they are shorter than the completed ones' tail).
    let s = run(Params::default(), 1, 2.0, 5.0);
    eprintln!("default: {:?}", s.latency_s);
    assert!(s.latency_s.p99 < 0.02 && s.latency_s.p99 <= s.latency_s.max);
    assert!(s.latency_s.mean > 0.001 && s.latency_s.mean < 0.005);
}

/// Throughput and migrations per second at each client count.
fn curve(base: &Params, clients: &[u32]) -> Vec<(u32, f64, f64)> {
    clients
        .iter()
        .map(|&n| {
            let s: Summary = run(
                Params {
                    clients: n,
                    ..base.clone()
                },
                1,
                1.0,
                3.0,
            );
            (n, s.throughput_tps, s.cpu_migrations_per_s)
        })
        .collect()
}

/// For each inner point: how far throughput and migrations stand from the mean of their two
/// neighbours, relative to the throughput there (a spike or a notch in a curve that should be
/// smooth).
fn notches(c: &[(u32, f64, f64)]) -> (f64, f64) {
    let mut worst = (0.0f64, 0.0f64);
    for w in c.windows(3) {
        let tps_mid = (w[0].1 + w[2].1) / 2.0;
        let mig_mid = (w[0].2 + w[2].2) / 2.0;
        worst.0 = worst.0.max((w[1].1 - tps_mid).abs() / tps_mid);
        worst.1 = worst.1.max((w[1].2 - mig_mid).abs() / tps_mid);
    }
    worst
}

#[test]
fn constant_statements_do_not_phase_lock_the_scheduler() {
    // Direct, 8 cores, no think time, 0.1 ms constant statements. Before, the scheduler locked
    // into a perfectly periodic schedule whenever the clients were a multiple of the cores:
    // 24 clients ran 78.0k TPS with zero migrations between two neighbours at 74.3k TPS and
    // 74.3k migrations/s.
    let direct = Params {
        pool_mode: PoolMode::None,
        max_connections: 2000,
        cores: 8,
        think_ms: 0.0,
        stmt_cpu_ms: 0.1,
        stmt_cpu_dist: Dist::Const,
        stmts_per_txn: 1,
        rtt_ms: 0.2,
        ..Params::default()
    };
    for clients in [[15, 16, 17], [23, 24, 25], [31, 32, 33]] {
        let c = curve(&direct, &clients);
        let (tps_notch, mig_notch) = notches(&c);
        eprintln!("direct {c:?}: notches tps {tps_notch:.3} migrations {mig_notch:.3}");
        assert!(tps_notch < 0.03, "throughput notch {tps_notch} in {c:?}");
        assert!(mig_notch < 0.3, "migration notch {mig_notch} in {c:?}");
    }
    // 900 vs 950 clients: no jump either.
    let c = curve(&direct, &[900, 950]);
    eprintln!("direct {c:?}");
    assert!(c[0].1 / c[1].1 < 1.05 && c[1].1 / c[0].1 < 1.05, "{c:?}");
    assert!((c[0].2 - c[1].2).abs() < 0.2 * c[0].1, "{c:?}");

    // The default scenario without think time (through the pool): 9, 10, 12 clients. Before,
    // migrations went 1.3k → 0.6k → 7.2k per second.
    let pooled = Params {
        think_ms: 0.0,
        stmt_cpu_dist: Dist::Const,
        ..Params::default()
    };
    let c = curve(&pooled, &[9, 10, 12]);
    eprintln!("pooled {c:?}");
    for w in c.windows(2) {
        let (a, b) = (w[0], w[1]);
        let ratio = b.1 / a.1;
        let clients = f64::from(b.0) / f64::from(a.0);
        // Light load: throughput grows with the clients, no faster and not much slower.
        assert!(ratio <= clients * 1.02 && ratio >= 1.0, "{c:?}");
        // Migrations grow with load; they do not fall when a client is added.
        assert!(b.2 >= a.2, "migrations fall from {a:?} to {b:?}");
    }
}

/// `poolsim run --set workload=open --set arrival_rate=1000 --set pool_mode=none
/// --set connect=<connect> --set max_connections=2000`, measured after a warm-up.
fn open_direct(connect: &str) -> Summary {
    let mut p = Params::default();
    for (k, v) in [
        ("workload", "open"),
        ("arrival_rate", "1000"),
        ("pool_mode", "none"),
        ("connect", connect),
        ("max_connections", "2000"),
    ] {
        p.set(k, v).unwrap();
    }
    run(p, 1, 2.0, 3.0)
}

#[test]
fn open_arrivals_with_persistent_connections_reuse_the_applications_connections() {
    // Before, every arrival forked, initialised and authenticated a backend of its own and closed
    // it afterwards, exactly like connect = per_txn: 35.6 % of the 8 cores in fork/auth.
    let persistent = open_direct("persistent");
    let per_txn = open_direct("per_txn");
    eprintln!(
        "open direct 1000/s: persistent fork/auth {:.4} ({} server conns, {:.0} tps, p99 {:.2} ms); \
         per_txn fork/auth {:.4} ({:.0} tps, p99 {:.2} ms)",
        persistent.cpu_time.fork_auth,
        persistent.server_connections,
        persistent.throughput_tps,
        persistent.latency_s.p99 * 1e3,
        per_txn.cpu_time.fork_auth,
        per_txn.throughput_tps,
        per_txn.latency_s.p99 * 1e3
    );
    assert!(
        persistent.cpu_time.fork_auth < 0.01,
        "fork/auth {}",
        persistent.cpu_time.fork_auth
    );
    assert!(
        per_txn.cpu_time.fork_auth > 0.2,
        "fork/auth {}",
        per_txn.cpu_time.fork_auth
    );
    // The application keeps a handful of connections (about arrival rate × transaction time),
    // not one per arrival, and serves the whole load without errors.
    assert!(persistent.server_connections >= 1 && persistent.server_connections < 40);
    assert_eq!(persistent.errors.refused, 0);
    assert!(rel(persistent.throughput_tps, 1000.0) < 0.1);
    // No connect in the latency: a transaction is 3 × (rtt + statement).
    assert!(persistent.latency_s.mean < 0.6 * per_txn.latency_s.mean);
}

#[test]
fn the_applications_pool_waits_at_max_connections_and_follows_parameter_changes() {
    // 20 connections at most, for a load that needs about 30: arrivals wait for a connection to
    // be returned instead of being refused, and the pool never exceeds max_connections.
    let mut p = Params {
        workload: poolsim_model::Workload::Open,
        arrival_rate: 20_000.0,
        pool_mode: PoolMode::None,
        connect: poolsim_model::Connect::Persistent,
        max_connections: 20,
        stmts_per_txn: 1,
        stmt_cpu_ms: 0.2,
        rtt_ms: 1.0,
        ..Params::default()
    };
    let mut m = Model::new(p.clone(), 4);
    m.advance_to(S);
    m.reset_stats();
    m.advance_to(2 * S);
    m.check_invariants().unwrap();
    let s = m.summary();
    eprintln!(
        "capped: {} server conns, {:.0} tps, refused {}, fork/auth {:.4}",
        s.server_connections, s.throughput_tps, s.errors.refused, s.cpu_time.fork_auth
    );
    assert_eq!(s.server_connections, 20);
    assert_eq!(s.errors.refused, 0);
    assert!(s.cpu_time.fork_auth < 0.001);
    assert!(s.throughput_tps > 10_000.0);
    // More room: the waiting arrivals open more connections.
    p.max_connections = 60;
    m.set_params(p.clone());
    m.advance_to(3 * S);
    m.check_invariants().unwrap();
    let more = m.snapshot().backends.total;
    assert!(more > 20 && more <= 60, "{more}");
    // Per transaction: idle connections close, each arrival opens its own again.
    p.connect = poolsim_model::Connect::PerTxn;
    m.set_params(p);
    m.reset_stats();
    m.advance_to(4 * S);
    m.check_invariants().unwrap();
    assert!(m.summary().cpu_time.fork_auth > 0.1);
}

/// Page tables of `clients` direct persistent backends that have run statements.
fn page_tables_of_busy_backends(shared_buffers_mb: f64, huge_pages: bool) -> Summary {
    let p = Params {
        clients: 1_000,
        pool_mode: PoolMode::None,
        max_connections: 1_100,
        cores: 16,
        think_ms: 100.0,
        shared_buffers_mb,
        huge_pages: if huge_pages {
            poolsim_model::OnOff::On
        } else {
            poolsim_model::OnOff::Off
        },
        ..Params::default()
    };
    run(p, 2, 1.5, 0.5)
}

#[test]
fn huge_pages_cut_the_page_tables_of_backends_that_read_a_large_shared_buffers() {
    // Before, every backend was charged 6 MiB of touched shared memory whatever shared_buffers
    // was, so 16 GiB of shared_buffers and huge pages changed page tables by ≈ 6 %.
    const GIB_MB: f64 = 1024.0;
    let small = page_tables_of_busy_backends(128.0, false);
    let big = page_tables_of_busy_backends(16.0 * GIB_MB, false);
    let big_huge = page_tables_of_busy_backends(16.0 * GIB_MB, true);
    let per = |s: &Summary| s.memory_bytes.page_tables / s.server_connections as f64 / MIB;
    eprintln!(
        "page tables, 1,000 busy backends: 128 MiB {:.0} MiB ({:.2} MiB each); 16 GiB {:.0} MiB \
         ({:.2} each); 16 GiB + huge pages {:.0} MiB ({:.3} each); private total {:.1} / {:.1} / \
         {:.1} GiB",
        small.memory_bytes.page_tables / MIB,
        per(&small),
        big.memory_bytes.page_tables / MIB,
        per(&big),
        big_huge.memory_bytes.page_tables / MIB,
        per(&big_huge),
        small.memory_bytes.private_total / MIB / 1024.0,
        big.memory_bytes.private_total / MIB / 1024.0,
        big_huge.memory_bytes.private_total / MIB / 1024.0,
    );
    assert_eq!(big.server_connections, 1_000);
    // Half of 16 GiB mapped per backend: ≈ 16 MiB of page tables each, ≈ 16 GiB for 1,000.
    assert!(per(&big) > 15.0 && per(&big) < 17.0, "{}", per(&big));
    assert!(big.memory_bytes.page_tables > 20.0 * small.memory_bytes.page_tables);
    // Huge pages: 512 × fewer entries for shared memory; what remains is private page tables.
    assert!(big_huge.memory_bytes.page_tables * 50.0 < big.memory_bytes.page_tables);
    assert!(big_huge.memory_bytes.private_total * 5.0 < big.memory_bytes.private_total);
    // `top` counts the mapped buffers again in every backend: 8 GiB each.
    assert!(big.memory_bytes.rss_total > 1_000.0 * 8.0 * 1024.0 * MIB);
}

#[test]
fn idle_and_per_transaction_backends_keep_the_idle_mapping() {
    // Measured: idle backends map ≈ 6 MiB of shared memory whatever shared_buffers is, so idle
    // connections and backends that live for one transaction do not grow with shared_buffers.
    let base = Params {
        pool_mode: PoolMode::None,
        max_connections: 1_100,
        cores: 16,
        shared_buffers_mb: 16.0 * 1024.0,
        ..Params::default()
    };
    let idle = run(
        Params {
            clients: 1,
            think_ms: 1e6,
            idle_connections: 1_000,
            ..base.clone()
        },
        2,
        1.0,
        0.5,
    );
    let per_txn = run(
        Params {
            clients: 400,
            connect: poolsim_model::Connect::PerTxn,
            think_ms: 10.0,
            ..base
        },
        2,
        1.0,
        0.5,
    );
    for (name, s) in [("idle", &idle), ("per_txn", &per_txn)] {
        let each = s.memory_bytes.page_tables / s.server_connections.max(1) as f64;
        eprintln!(
            "{name}: {} backends, {:.0} kB page tables each",
            s.server_connections,
            each / 1e3
        );
        // Enough backends at the end for a per-backend average (the per-transaction run's count
        // at one instant is 10-110 depending on the scheduler's order of exits and forks).
        assert!(
            s.server_connections >= 5,
            "{name}: {}",
            s.server_connections
        );
        assert!(each < 0.25 * MIB, "{name}: {each}");
    }
}

/// One busy `pgbench -S`-like client (think 0, one short statement per transaction, Unix-socket
/// round trip) beside `idle` idle connections, direct, on `cores` cores.
fn select_only(cores: u32, idle: u32, pg_version: u32) -> Params {
    Params {
        clients: 1,
        idle_connections: idle,
        pool_mode: PoolMode::None,
        max_connections: idle + 100,
        cores,
        think_ms: 0.0,
        stmts_per_txn: 1,
        stmt_cpu_ms: 0.008,
        stmt_cpu_dist: Dist::Const,
        rtt_ms: 0.009,
        auth: poolsim_model::Auth::Trust,
        pg_version,
        ..Params::default()
    }
}

#[test]
fn pg13_one_busy_client_barely_notices_1000_idle_connections_on_2_cores() {
    // [LOCAL] PG13.23, 2 vCPU, pgbench -S, 1 client: 58.9k TPS with 0 idle connections, 58.0k with
    // 1,000 (inside ±2 % noise). Before, the model charged 2 ns per backend per snapshot and lost
    // ≈ 10 %.
    let none = run(select_only(2, 0, 13), 1, 0.2, 1.0).throughput_tps;
    let idle = run(select_only(2, 1_000, 13), 1, 0.2, 1.0).throughput_tps;
    let loss = 1.0 - idle / none;
    eprintln!("2 cores, 1 busy client: {none:.0} tps, with 1,000 idle {idle:.0} (loss {loss:.4})");
    assert!(none > 45_000.0 && none < 75_000.0, "{none}");
    assert!(loss < 0.02, "loss {loss}");
}

/// `clients` busy clients (think 0) and 1,000 idle connections, direct, on `cores` cores.
fn many_active(cores: u32, clients: u32, pg_version: u32) -> Params {
    Params {
        clients,
        idle_connections: 1_000,
        pool_mode: PoolMode::None,
        max_connections: clients + 1_100,
        cores,
        think_ms: 0.0,
        stmts_per_txn: 1,
        stmt_cpu_ms: 0.05,
        rtt_ms: 0.02,
        pg_version,
        ..Params::default()
    }
}

#[test]
fn pg13_loses_much_more_with_many_active_backends_on_many_cores_pg14_nothing() {
    // The expensive part of a pre-14 snapshot is reading the entries that backends running on
    // other cores keep writing: on 2 cores at most one other backend runs, on 64 cores 63 do.
    // 128 clients that never think keep either machine's cores busy. Before, PG13 lost 8.3 % on
    // 2 cores and 11.8 % on 64 (every busy backend was charged, running or queued).
    let loss = |cores: u32| {
        let x13 = run(many_active(cores, 128, 13), 1, 0.2, 0.5);
        let x14 = run(many_active(cores, 128, 14), 1, 0.2, 0.5);
        let x14_no_idle = run(
            Params {
                idle_connections: 0,
                ..many_active(cores, 128, 14)
            },
            1,
            0.2,
            0.5,
        );
        eprintln!(
            "{cores} cores, 128 busy + 1,000 idle: PG13 {:.0} tps (snapshots {:.3} of CPU), PG14 \
             {:.0} (snapshots {:.4}), PG14 without idle {:.0}",
            x13.throughput_tps,
            x13.cpu_time.snapshots,
            x14.throughput_tps,
            x14.cpu_time.snapshots,
            x14_no_idle.throughput_tps
        );
        (
            1.0 - x13.throughput_tps / x14.throughput_tps,
            rel(x14.throughput_tps, x14_no_idle.throughput_tps),
        )
    };
    let (l2, pg14_2) = loss(2);
    let (l64, pg14_64) = loss(64);
    eprintln!("PG13 loses {l2:.4} on 2 cores, {l64:.4} on 64; PG14 {pg14_2:.4} / {pg14_64:.4}");
    assert!(l2 < 0.02, "2 cores: {l2}");
    assert!(l64 > 0.05, "64 cores: {l64}");
    assert!(l64 > 5.0 * l2);
    assert!(pg14_2 < 0.01 && pg14_64 < 0.01);
}
