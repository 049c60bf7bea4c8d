//! The presenter's steps (`poolsim_page::outline`): each step's scenario loaded into the live
//! figure, as it shows it once settled.

use crate::claim::{claims, core_us_per_switch, measured, settled, Place, MIB};
use poolsim_model::{Arch, Connect, Params, PoolMode};
use poolsim_page::outline::STEPS;
use poolsim_page::state::step_scenario;

fn step(n: usize) -> Params {
    step_scenario(n - 1).0
}

#[test]
fn the_talk_has_the_steps_these_tests_expect() {
    let titles: Vec<_> = STEPS.iter().map(|s| s.title).collect();
    assert_eq!(titles[0], "One process per connection");
    assert_eq!(titles[2], "Context switches and caches");
    assert_eq!(titles[3], "CPU migrations");
    assert_eq!(titles[7], "Why poolers exist");
    assert_eq!(titles[10], "Thread per connection");
}

claims! {
    place: Place::Steps;

    /// Step 1.
    says "200 clients straight to Postgres: 200 backends on 8 cores, most of them asleep until \
        their client sends the next request."
    fn step_1_200_backends_on_8_cores_most_of_them_asleep() {
        let w = step(1);
        let d = settled(&w).direct;
        measured(
            "step 1",
            format!(
                "{} backends, {:.1} running, {:.2} waiting for a core, {:.0} % idle",
                d.occupancy.backends(),
                d.occupancy.backends_running,
                d.run_queue,
                d.cpu.idle * 100.0
            ),
        );
        assert_eq!((w.clients, w.cores, w.pool_mode), (200, 8, PoolMode::None));
        assert_eq!(d.occupancy.backends(), 200);
        assert!(d.run_queue < 1.0 && d.cpu.idle > 0.5);
    }

    /// Step 2.
    says "top's RSS column counts shared buffers again in every process, so it overstates the \
        cost; the private part is what really grows with connections."
    fn step_2_top_overstates_and_the_private_part_grows_with_connections() {
        let w = step(2);
        let d = settled(&w).direct;
        let half = settled(&Params {
            clients: w.clients / 2,
            ..w.clone()
        })
        .direct;
        measured(
            "step 2",
            format!(
                "RSS {:.1} GiB, private {:.1} GiB (half the clients: {:.1} GiB)",
                d.memory_rss / MIB / 1024.0,
                d.memory_private / MIB / 1024.0,
                half.memory_private / MIB / 1024.0
            ),
        );
        assert!(d.memory_rss > 3.0 * d.memory_private);
        assert!((d.memory_private / half.memory_private - 2.0).abs() < 0.1);
    }

    /// Step 3.
    says "2,000 clients want more CPU than 8 cores have. Direct, hundreds of backends wait in \
        the kernel's run queue, and each switch refills caches and TLBs. The pooled side \
        runs the same clients over 24 backends: its extra hops mean more switches, but each \
        is cheap, and the clients wait in PgBouncer instead."
    fn step_3_direct_queues_in_the_kernel_pooled_switches_more_but_cheaply() {
        let w = step(3);
        let f = settled(&w);
        let (d, p) = (&f.direct, f.pooled());
        let (cd, cp) = (
            core_us_per_switch(d, f.cores),
            core_us_per_switch(p, f.cores),
        );
        measured("step 3", format!("direct: run queue {:.0}, {:.0} switches/s at {cd:.1} µs; pooled: {} backends, {:.0}/s at {cp:.1} µs, pool queue {:.0}",
                                   d.run_queue, d.context_switches_per_s, p.occupancy.backends(), p.context_switches_per_s, p.pool_queue));
        assert_eq!((w.clients, w.cores, w.pool_size), (2_000, 8, 24));
        assert!(d.cpu.idle < 0.02);
        assert!(d.run_queue > 100.0);
        assert!(p.occupancy.backends() <= 24);
        assert!(p.context_switches_per_s > d.context_switches_per_s);
        assert!(cp < 0.3 * cd);
        assert!(p.pool_queue > 10.0 * p.run_queue.max(0.1));
    }

    /// Step 4.
    says "With cores to spare, a backend that wakes up can often go back to the core it last \
        ran on. The pool's few backends mostly do; the direct side's 2,000 land on another \
        core far more often"
    fn step_4_with_cores_to_spare_the_pools_backends_stay_put() {
        use poolsim_explain::sections::switching::migrated_share;
        let w = step(4);
        let f = settled(&w);
        let (d, p) = (&f.direct, f.pooled());
        measured("step 4", format!("{} cores: direct {:.0} migrations/s ({:.0} % of switches), pooled {:.0}/s ({:.1} %)",
                                   w.cores, d.cpu_migrations_per_s, migrated_share(d) * 100.0,
                                   p.cpu_migrations_per_s, migrated_share(p) * 100.0));
        assert!(d.cpu.idle > 0.3 && p.cpu.idle > 0.3);
        assert!(migrated_share(p) < 0.1);
        assert!(migrated_share(d) > 3.0 * migrated_share(p));
        assert!(d.cpu_migrations_per_s > 2.0 * p.cpu_migrations_per_s);
    }

    /// Step 5.
    says "Clients that connect for every transaction (serverless functions, some ORMs) pay for \
        fork, backend start-up and SCRAM authentication each time."
    fn step_5_connecting_per_transaction_pays_for_fork_start_up_and_auth() {
        let w = step(5);
        let d = settled(&w).direct;
        let keep = settled(&Params {
            connect: Connect::Persistent,
            ..w.clone()
        })
        .direct;
        measured("step 5", format!("fork+auth {:.0} % of the cores; {:.0} tps (keeping connections {:.0}), p99 {:.0} ms ({:.1})",
                                   d.cpu.fork_auth * 100.0, d.throughput_tps, keep.throughput_tps, d.latency.p99 * 1e3, keep.latency.p99 * 1e3));
        assert_eq!(w.connect, Connect::PerTxn);
        assert!(d.cpu.fork_auth > 0.5);
        assert!(d.throughput_tps < 0.8 * keep.throughput_tps);
        assert!(d.latency.p99 > 10.0 * keep.latency.p99);
    }

    /// Step 6.
    says "Up to PG13, every snapshot scans all connections, idle ones included, and reads the \
        busy ones' entries from other cores: 200 busy connections on 32 cores spend more of \
        their CPU on snapshots beside 10,000 idle ones, and complete fewer transactions."
    fn step_6_before_14_idle_connections_slow_down_the_busy_ones() {
        let w = step(6);
        let with = settled(&w).direct;
        let without = settled(&Params {
            idle_connections: 0,
            ..w.clone()
        })
        .direct;
        measured(
            "step 6",
            format!(
                "{:.0} tps with {} idle, {:.0} without; snapshots {:.1} % vs {:.1} %",
                with.throughput_tps,
                w.idle_connections,
                without.throughput_tps,
                with.cpu.snapshots * 100.0,
                without.cpu.snapshots * 100.0
            ),
        );
        assert_eq!(
            (w.clients, w.idle_connections, w.pg_version, w.cores),
            (200, 10_000, 13, 32)
        );
        assert!(with.throughput_tps < 0.99 * without.throughput_tps);
        assert!(with.cpu.snapshots > 1.4 * without.cpu.snapshots);
    }

    /// Step 7.
    says "PG14 made snapshots independent of the number of connections. Idle connections still \
        cost memory, but no longer CPU on every snapshot."
    fn step_7_since_14_idle_connections_cost_memory_but_not_snapshot_cpu() {
        let w = step(7);
        let with = settled(&w).direct;
        let without = settled(&Params {
            idle_connections: 0,
            ..w.clone()
        })
        .direct;
        measured("step 7", format!("{:.0} tps with idle, {:.0} without; snapshots {:.2} %; memory {:.1} GiB vs {:.2} GiB",
                                   with.throughput_tps, without.throughput_tps, with.cpu.snapshots * 100.0,
                                   with.memory_private / MIB / 1024.0, without.memory_private / MIB / 1024.0));
        assert!(w.pg_version >= 14);
        assert!((with.throughput_tps / without.throughput_tps - 1.0).abs() < 0.02);
        assert!((with.cpu.snapshots - without.cpu.snapshots).abs() < 0.002);
        assert!(with.memory_private > 10.0 * without.memory_private);
    }

    /// Step 8.
    says "A fleet's 10,000 application connections go to PgBouncer, which multiplexes them \
        over 48 server connections, three per core. Compare memory and p99 with the direct \
        side. Then set the pool to 400, a size fleets run on much larger servers: on 16 \
        cores its backends queue for the cores and the pooled p99 climbs several-fold, \
        though it stays far below the direct one."
    fn step_8_the_fleet_wins_with_48_and_at_400_climbs_several_fold() {
        let w = step(8);
        let f = settled(&w);
        let large = settled(&Params {
            pool_size: 400,
            ..w.clone()
        });
        let (d, p) = (&f.direct, f.pooled());
        measured("step 8", format!("p99 {:.0} ms direct, {:.0} ms pooled (pool 400: {:.0} ms); memory {:.1} GiB vs {:.0} MiB",
                                   d.latency.p99 * 1e3, p.latency.p99 * 1e3, large.pooled().latency.p99 * 1e3,
                                   d.memory_private / MIB / 1024.0, p.memory_private / MIB));
        assert_eq!((w.clients, w.pool_size, w.cores), (10_000, 48, 16));
        assert!(p.latency.p99 < 0.75 * d.latency.p99);
        assert!(p.memory_private < 0.05 * d.memory_private);
        // "Far below the direct one", and several times the pool of 48's.
        let ratio = large.pooled().latency.p99 / large.direct.latency.p99;
        assert!(ratio < 0.35, "{ratio}");
        assert!(large.pooled().latency.p99 > 3.0 * p.latency.p99);
        assert!(large.pooled().run_queue > 10.0 * p.run_queue);
    }

    /// Step 9.
    says "Transaction mode hands a backend back after every transaction, so session state \
        (SET, LISTEN, advisory locks, SQL PREPARE) breaks: watch the errors. Session mode \
        keeps it, but pins a backend per client."
    fn step_9_transaction_mode_breaks_session_state_session_mode_pins_backends() {
        let w = step(9);
        let t = settled(&w).pooled().clone();
        let s = settled(&Params {
            pool_mode: PoolMode::Session,
            ..w.clone()
        })
        .pooled()
        .clone();
        measured("step 9", format!("transaction: {:.0} errors/s; session: {:.0} errors/s, {:.0} clients queued behind the pinned backends",
                                   t.errors_per_s(), s.errors_per_s(), s.pool_queue));
        assert_eq!(w.pool_mode, PoolMode::Transaction);
        assert!(t.errors_per_s() > 10.0);
        assert_eq!(s.errors_per_s(), 0.0);
        assert!(s.pool_queue > f64::from(w.clients - w.pool_size) * 0.9);
    }

    /// Step 10.
    says "A transaction that waits on the application between statements keeps its backend: \
        the pool runs dry and clients queue in PgBouncer."
    fn step_10_long_transactions_run_the_pool_dry() {
        let w = step(10);
        let f = settled(&w);
        let p = f.pooled();
        measured("step 10", format!("{} backends of {}, pool queue {:.1}, mean wait {:.1} ms, p99 {:.0} ms (direct {:.0})",
                                    p.occupancy.backends(), w.pool_size, p.pool_queue, p.pool_wait_s * 1e3,
                                    p.latency.p99 * 1e3, f.direct.latency.p99 * 1e3));
        assert_eq!(p.occupancy.backends(), w.pool_size);
        assert!(p.pool_queue > 0.5);
        assert!(p.pool_wait_s > 0.001);
        assert!(p.latency.p99 > f.direct.latency.p99);
    }

    /// Step 11.
    says "MySQL-style threads are cheaper to start, lighter in memory and cheaper to switch, \
        so the fleet's 10,000 threads get further than its processes did. But they still \
        queue for 16 cores, and their p99 stays far above what a thread pool gives, and \
        tens of times what a pooler in front gives: that is what moves the wall."
    fn step_11_threads_get_further_a_thread_pool_or_a_pooler_moves_the_wall() {
        let w = step(11);
        let t = settled(&w).direct;
        let processes = settled(&Params {
            arch: Arch::Process,
            ..w.clone()
        })
        .direct;
        let pool = settled(&Params {
            arch: Arch::ThreadPool,
            ..w.clone()
        })
        .direct;
        let pooler = settled(&Params {
            pool_mode: PoolMode::Transaction,
            pool_size: 48,
            ..w.clone()
        });
        measured("step 11", format!("threads {:.0} tps p99 {:.0} ms, {:.1} GiB; processes {:.0} tps p99 {:.0} ms, {:.1} GiB; thread pool p99 {:.0} ms; pooler p99 {:.0} ms",
                                    t.throughput_tps, t.latency.p99 * 1e3, t.memory_private / MIB / 1024.0,
                                    processes.throughput_tps, processes.latency.p99 * 1e3, processes.memory_private / MIB / 1024.0,
                                    pool.latency.p99 * 1e3, pooler.pooled().latency.p99 * 1e3));
        assert_eq!(
            (w.arch, w.clients, w.cores, w.pool_mode),
            (Arch::Thread, 10_000, 16, PoolMode::None)
        );
        assert!(t.memory_private < 0.2 * processes.memory_private);
        assert!(t.throughput_tps > 1.05 * processes.throughput_tps);
        assert!(t.latency.p99 < processes.latency.p99);
        assert!(pool.latency.p99 < 0.33 * t.latency.p99);
        // "Tens of times", even with PgBouncer paying for the 10,000 clients' state out of cache:
        // the threads' slowest wait behind the run queue's wake-ups (CFS order).
        let times = t.latency.p99 / pooler.pooled().latency.p99;
        assert!((10.0..100.0).contains(&times), "{times}");
    }
}
