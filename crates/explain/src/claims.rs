//! The page's prose, checked on the model. Every qualitative claim the explanation, the presenter
//! steps and the masthead make — "more", "less", "beats", "grows with" — is run here at exactly
//! the state the page shows it in: the section's own parameters, the page's own [`SimPair`], the
//! same seed and the same simulated length as the small runs in the browser. Each test is named
//! after the sentence it checks and quotes it. When a test fails, either the model changed (and
//! the sentence must change with it) or the sentence was wrong.

use poolsim_model::Params;
use poolsim_page::live::{RUN_NS, SEED};
use poolsim_page::sim::{SideView, SimPair};
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// What a small run shows: both sides' figures at the end of the run.
#[derive(Clone, Debug)]
pub struct Figures {
    pub direct: SideView,
    pub pooled: Option<SideView>,
    pub cores: u32,
}

impl Figures {
    fn pooled(&self) -> &SideView {
        self.pooled.as_ref().expect("a pooled side")
    }
}

/// The figures a section's small run shows for `w` (seed [`SEED`], [`RUN_NS`] simulated).
pub fn figures(w: &Params) -> Figures {
    figures_at(w, SEED, RUN_NS)
}

/// The figures of `w` run with `seed` for `ns` simulated nanoseconds, as the page runs it: one
/// [`SimPair`] stepped to the target. Runs are shared between the tests that read them.
pub fn figures_at(w: &Params, seed: u64, ns: u64) -> Figures {
    type Cache = Mutex<HashMap<String, Arc<OnceLock<Figures>>>>;
    static RUNS: OnceLock<Cache> = OnceLock::new();
    let key = format!("{w:?}/{seed}/{ns}");
    let cell = RUNS
        .get_or_init(Default::default)
        .lock()
        .expect("no test panicked while holding the lock")
        .entry(key)
        .or_default()
        .clone();
    cell.get_or_init(|| {
        let mut pair = SimPair::new(w, seed);
        // A clock that never reaches the deadline: the frames do not matter (same seed, same run).
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 1e-3);
            t.get()
        };
        let reached = pair.run_until(ns, f64::MAX, &clock);
        assert_eq!(reached, ns);
        let v = pair.view();
        Figures {
            direct: v.direct,
            pooled: v.pooled,
            cores: w.cores,
        }
    })
    .clone()
}

/// Core time lost per context switch, µs (as section 3 shows it).
pub fn core_us_per_switch(s: &SideView, cores: u32) -> f64 {
    crate::sections::switching::core_time_per_switch(s, cores) * 1e6
}

/// A run of `w` as the live figure shows it once settled: the page's first seed, [`SETTLE_S`]
/// simulated seconds (what the challenges wait for).
///
/// [`SETTLE_S`]: poolsim_page::challenges::SETTLE_S
fn live(w: &Params) -> Figures {
    figures_at(
        w,
        poolsim_page::state::DEFAULT_SEED,
        (poolsim_page::challenges::SETTLE_S * 1e9) as u64,
    )
}

/// Prints what a test measured, so `cargo test -- --nocapture` lists the figures behind each claim.
fn measured(test: &str, figures: String) {
    println!("{test}: {figures}");
}

const MIB: f64 = 1024.0 * 1024.0;

/// The masthead (`outline::LEDE`, drawn by app.rs and prerendered) and the live figure's default (`state::page_default`).
mod masthead {
    use super::*;
    use poolsim_page::state::page_default;

    /// "Below, the same clients run the same workload twice, with the same random seed: straight to
    /// Postgres, one backend each, and through PgBouncer, which shares a small pool of backends
    /// among them."
    #[test]
    fn direct_one_backend_each_pooled_a_small_pool_of_backends() {
        let w = page_default();
        let f = live(&w);
        let (d, p) = (
            f.direct.occupancy.backends(),
            f.pooled().occupancy.backends(),
        );
        measured(
            "masthead",
            format!("direct {d} backends, pooled {p}, pool {}", w.pool_size),
        );
        assert_eq!(d, w.clients);
        assert!(p <= w.pool_size && p * 50 < w.clients);
    }

    /// `page_default`: "the server is saturated and the pooled side wins on memory by ~60× and on
    /// p99 latency and throughput too".
    #[test]
    fn the_pooled_side_wins_on_memory_p99_and_throughput() {
        let f = live(&page_default());
        let (d, p) = (&f.direct, f.pooled());
        let memory = d.memory_private / p.memory_private;
        measured(
            "page_default",
            format!(
                "memory {memory:.0}×, p99 {:.1} vs {:.1} ms, tps {:.0} vs {:.0}, idle {:.3}",
                d.latency.p99 * 1e3,
                p.latency.p99 * 1e3,
                d.throughput_tps,
                p.throughput_tps,
                d.cpu.idle
            ),
        );
        assert!(d.cpu.idle < 0.02, "saturated");
        assert!((40.0..100.0).contains(&memory), "memory ×{memory}");
        assert!(p.latency.p99 < 0.8 * d.latency.p99);
        assert!(p.throughput_tps > 1.03 * d.throughput_tps);
    }
}

/// Section 1, process.rs.
mod process {
    use super::*;
    use crate::sections::process::PROCESS_CLIENTS;
    use poolsim_model::{idle_memory, MemoryConfig, PoolMode};

    /// "So 40 connections mean 40 backend processes, 5 for each of the 8 cores, holding … of
    /// private memory even while idle."
    #[test]
    fn n_connections_mean_n_backend_processes_holding_private_memory_while_idle() {
        let n = PROCESS_CLIENTS;
        let w = Params {
            clients: n,
            pool_mode: PoolMode::None,
            ..poolsim_page::state::page_default()
        };
        let backends = figures(&w).direct.occupancy.backends();
        let one = idle_memory(&MemoryConfig::default(), 1, None).private_total;
        let all = idle_memory(&MemoryConfig::default(), n, None).private_total;
        measured(
            "s1",
            format!("{backends} backends, {:.1} MiB idle", all / MIB),
        );
        assert_eq!(backends, n);
        assert!(one > 0.5 * MIB && (all - f64::from(n) * one).abs() < 1.0);
    }
}

/// Section 2, memory.rs (closed-form memory model), at its default: 2,000 idle connections that
/// touched a few MiB of shared buffers, no huge pages.
mod memory {
    use super::*;
    use crate::sections::memory::{config, page_tables_for_16_gib, MEMORY_CLIENTS};
    use poolsim_model::calibration::FOLKLORE_BYTES_PER_CONNECTION;
    use poolsim_model::{idle_memory, MemoryConfig};

    /// The folk rule's lower end ("5–10 MB per connection").
    const FOLK_LOW: f64 = 5e6;

    /// "…with 2,000 idle connections you get …, about … per backend. That is where the folk rule
    /// of “5–10 MB per connection” comes from"
    #[test]
    fn top_shows_at_least_the_folk_rule_per_backend() {
        let one = idle_memory(&config("idle", false), 1, None);
        measured("s2 rss each", format!("{:.1} MiB", one.rss_total / MIB));
        assert!(one.rss_total >= FOLK_LOW);
        assert!(one.rss_total <= 2.0 * FOLKLORE_BYTES_PER_CONNECTION);
    }

    /// "But RSS counts pages that are shared … the 2,000 connections really hold …: …× less than top
    /// suggests."
    #[test]
    fn private_memory_is_several_times_less_than_top_suggests() {
        let m = idle_memory(&config("idle", false), MEMORY_CLIENTS, None);
        let over = m.rss_total / m.private_total;
        measured("s2 overstatement", format!("{over:.1}×"));
        assert!(over > 3.0);
    }

    /// "A brand-new backend is only …, in line with Andres Freund’s measurement of under 2 MiB."
    #[test]
    fn a_brand_new_backend_is_under_2_mib() {
        let fresh = idle_memory(
            &MemoryConfig {
                relations_touched: 0.0,
                ..MemoryConfig::default()
            },
            1,
            None,
        );
        measured("s2 fresh", format!("{:.2} MiB", fresh.private_total / MIB));
        assert!(fresh.private_total < 2.0 * MIB);
    }

    /// "Catalog caches: each table or index a session touches leaves cached metadata behind that is
    /// never freed while the session lives; after 2,000 relations one backend holds … of it."
    #[test]
    fn catalog_caches_grow_with_the_relations_a_session_touches() {
        let cache = |relations: f64| {
            idle_memory(
                &MemoryConfig {
                    relations_touched: relations,
                    ..MemoryConfig::default()
                },
                1,
                None,
            )
            .relcache
        };
        measured(
            "s2 relcache 2000",
            format!("{:.1} MiB", cache(2_000.0) / MIB),
        );
        assert!(cache(0.0) < cache(50.0) && cache(50.0) < cache(2_000.0));
        assert!(cache(2_000.0) > 20.0 * MIB);
    }

    /// "…a backend that has touched all of a 16 GiB shared_buffers with ordinary 4 KiB pages needs
    /// … of page tables just to map it — per backend. With 2 MiB huge pages that mapping all but
    /// disappears and the backend’s page tables stay at …"
    ///
    /// Generous margins: the page-table model is being reworked.
    #[test]
    fn huge_pages_make_the_mapping_of_shared_buffers_all_but_disappear() {
        let (small, huge) = page_tables_for_16_gib();
        measured(
            "s2 page tables 16 GiB",
            format!("{:.1} MiB, huge pages {:.2} MiB", small / MIB, huge / MIB),
        );
        assert!(small > 8.0 * MIB);
        assert!(huge < small / 20.0);
    }

    /// "work_mem (4.00 MiB by default) is a budget per sort or hash node … a hundred backends each
    /// running a query with two sorts may hold … at once."
    #[test]
    fn work_mem_is_4_mb_by_default() {
        let cfg = config("idle", false);
        assert_eq!(cfg.work_mem_bytes, 4.0 * MIB);
        assert_eq!(Params::default().work_mem_mb, 4.0);
    }

    /// "Idle connections are cheaper than their reputation … Memory does become serious with many
    /// busy, long-lived backends on a large shared_buffers without huge pages."
    #[test]
    fn idle_connections_are_cheap_but_backends_mapping_large_shared_buffers_are_not() {
        let each = |key: &str, huge: bool| idle_memory(&config(key, huge), 1, None).private_total;
        measured(
            "s2 per backend",
            format!(
                "idle {:.2} MiB, 16 GiB touched {:.1} MiB, with huge pages {:.2} MiB",
                each("idle", false) / MIB,
                each("16g", false) / MIB,
                each("16g", true) / MIB
            ),
        );
        assert!(each("idle", false) < FOLK_LOW);
        assert!(each("16g", false) > 5.0 * each("idle", false));
        assert!(each("16g", true) < 2.0 * each("idle", false));
    }
}

/// Sections 3 and 4, switching.rs: the live figure's default (2,000 clients thinking 150 ms,
/// 8 cores, a pool of 24 in transaction mode), direct and pooled.
mod switching {
    use super::*;
    use crate::sections::switching::{
        migrated_share, migration_workload, switch_workload, MIGRATION_CORES, SWITCH_CLIENTS,
    };
    use poolsim_model::calibration as cal;

    fn section3() -> Figures {
        figures(&switch_workload(SWITCH_CLIENTS))
    }

    fn per_switch(f: &Figures) -> (f64, f64) {
        (
            core_us_per_switch(&f.direct, f.cores),
            core_us_per_switch(f.pooled(), f.cores),
        )
    }

    /// "The switch itself is short — saving registers, changing page tables, about a microsecond
    /// and a half on our test machine. The larger cost comes afterwards: the next process finds the
    /// caches and the TLB full of someone else’s data and has to refill them"
    #[test]
    fn the_switch_itself_is_short_the_refill_afterwards_costs_more() {
        let f = section3();
        let (direct, _) = per_switch(&f);
        measured(
            "s3 direct per switch",
            format!(
                "{direct:.1} µs, of which the switch itself {} ns",
                cal::SWITCH_DIRECT_PROCESS_NS
            ),
        );
        assert!((1_000..2_000).contains(&cal::SWITCH_DIRECT_PROCESS_NS));
        assert!(direct > 10.0 * cal::SWITCH_DIRECT_PROCESS_NS as f64 / 1e3);
    }

    /// "When more backends are runnable than there are cores, they queue for one, and a backend
    /// that runs longer than its time slice is preempted so that another can run"
    #[test]
    fn runnable_backends_queue_for_a_core_and_long_runners_are_preempted() {
        let f = section3();
        assert!(
            f.direct.run_queue > f64::from(f.cores) * 10.0,
            "run queue {}",
            f.direct.run_queue
        );
        // Statements longer than the time slice, more of them runnable than cores: preemptions.
        let long = Params {
            stmt_cpu_ms: 20.0,
            clients: 200,
            ..switch_workload(SWITCH_CLIENTS)
        };
        let mut model =
            poolsim_model::Model::new(poolsim_page::sim::side_params(&long, false), SEED);
        model.advance_to(RUN_NS);
        let s = model.window(2.0).context_switches_per_s;
        measured(
            "s3 preemptions",
            format!(
                "run queue {:.0}; 20 ms statements: {:.0} involuntary switches/s",
                f.direct.run_queue, s.involuntary
            ),
        );
        assert!(s.involuntary > 10.0);
    }

    /// "With 2,000 clients connected directly, the 8 cores make … context switches per second and
    /// lose … of their time to switching and refilling caches: … of core time per switch, because
    /// the backend that gets a core finds it full of other backends’ data. On average … backends
    /// wait in the kernel’s run queue for a core."
    #[test]
    fn direct_loses_a_large_share_to_switching_because_each_switch_refills_caches() {
        let f = section3();
        let (direct, pooled) = per_switch(&f);
        measured(
            "s3 direct",
            format!(
                "{:.0} cs/s, {:.1} % switching, {direct:.1} µs per switch (pooled {pooled:.1}), run queue {:.0}",
                f.direct.context_switches_per_s,
                f.direct.cpu.switching * 100.0,
                f.direct.run_queue
            ),
        );
        assert!(f.direct.cpu.switching > 0.08);
        assert!(direct > 20.0);
        assert!(f.direct.run_queue > 100.0);
    }

    /// "Through PgBouncer only 24 backends exist. Every request now makes two extra hops through
    /// the pooler, so the count is … per second, more than direct."
    #[test]
    fn through_pgbouncer_24_backends_switch_more_often_than_direct() {
        let f = section3();
        let (d, p) = (&f.direct, f.pooled());
        measured(
            "s3 switches",
            format!(
                "direct {:.0}/s, pooled {:.0}/s, pooled backends {}",
                d.context_switches_per_s,
                p.context_switches_per_s,
                p.occupancy.backends()
            ),
        );
        assert!(p.occupancy.backends() <= switch_workload(SWITCH_CLIENTS).pool_size);
        assert!(p.context_switches_per_s > 1.05 * d.context_switches_per_s);
    }

    /// "But with few processes per core each switch finds its caches warm: … per switch, and the
    /// cores lose only … of their time."
    #[test]
    fn pooled_each_switch_finds_its_caches_warm() {
        let f = section3();
        let (direct, pooled) = per_switch(&f);
        measured(
            "s3 pooled",
            format!("{pooled:.1} µs per switch (direct {direct:.1}), {:.1} % switching (direct {:.1} %)",
                    f.pooled().cpu.switching * 100.0, f.direct.cpu.switching * 100.0),
        );
        assert!(pooled < 0.3 * direct);
        assert!(f.pooled().cpu.switching < 0.3 * f.direct.cpu.switching);
    }

    /// "The waiting moves out of the kernel into PgBouncer’s queue (… clients on average), where a
    /// waiting client costs the cores nothing."
    #[test]
    fn the_waiting_moves_out_of_the_kernel_into_pgbouncers_queue() {
        let f = section3();
        let p = f.pooled();
        measured(
            "s3 queues",
            format!(
                "direct run queue {:.0}; pooled run queue {:.1}, pool queue {:.0}",
                f.direct.run_queue, p.run_queue, p.pool_queue
            ),
        );
        assert!(p.pool_queue > 10.0 * p.run_queue.max(0.1));
        assert!(f.direct.run_queue > 10.0 * p.run_queue.max(0.1));
    }

    /// "The slowest 1 % of transactions take … direct and … pooled." (the pooled side is faster)
    #[test]
    fn the_slowest_transactions_are_faster_pooled() {
        let f = section3();
        measured(
            "s3 p99",
            format!(
                "direct {:.1} ms, pooled {:.1} ms",
                f.direct.latency.p99 * 1e3,
                f.pooled().latency.p99 * 1e3
            ),
        );
        assert!(f.pooled().latency.p99 < 0.8 * f.direct.latency.p99);
    }

    /// "So the direct side does not lose on the number of switches; it loses on what each one
    /// costs, and on queueing for the cores instead of in the pooler. That only happens once the
    /// clients ask for more CPU than the cores have. Slide down to a few hundred clients: the cores
    /// have time to spare, hardly anyone waits for one, switches are cheap on both sides, and the
    /// pooler’s extra hops make it a little slower than going direct."
    #[test]
    fn with_a_few_hundred_clients_switches_are_cheap_and_the_pooler_costs_a_little() {
        let busy = section3();
        let f = figures(&switch_workload(500));
        let (d, p) = (&f.direct, f.pooled());
        let (direct, pooled) = per_switch(&f);
        measured(
            "s3 at 500 clients",
            format!(
                "idle {:.0} %, run queue {:.2}, per switch {direct:.1} / {pooled:.1} µs, mean latency {:.3} / {:.3} ms",
                d.cpu.idle * 100.0, d.run_queue, d.latency.mean * 1e3, p.latency.mean * 1e3
            ),
        );
        assert!(busy.direct.cpu.idle < 0.02 && d.cpu.idle > 0.5);
        assert!(d.run_queue < 1.0);
        let busy_direct = per_switch(&busy).0;
        assert!(direct < 0.25 * busy_direct && pooled < 0.25 * busy_direct);
        assert!(p.latency.mean > d.latency.mean && p.latency.mean < 1.2 * d.latency.mean);
    }

    /// "When every core is busy, a process that wakes up takes whichever core frees up first, so
    /// both sides migrate on most switches, and the pooled side, which switches more often,
    /// migrates more."
    #[test]
    fn on_busy_cores_both_sides_migrate_on_most_switches_pooled_more() {
        let f = figures(&migration_workload(MIGRATION_CORES));
        let (d, p) = (&f.direct, f.pooled());
        measured(
            "s4 8 cores",
            format!(
                "direct {:.0}/s ({:.0} % of switches), pooled {:.0}/s ({:.0} %)",
                d.cpu_migrations_per_s,
                migrated_share(d) * 100.0,
                p.cpu_migrations_per_s,
                migrated_share(p) * 100.0
            ),
        );
        assert!(d.cpu.idle < 0.02 && p.cpu.idle < 0.05);
        assert!(migrated_share(d) > 0.5 && migrated_share(p) > 0.5);
        assert!(p.cpu_migrations_per_s > d.cpu_migrations_per_s);
    }

    /// "Give the server cores to spare — try 32 — and the difference shows: the pool’s few
    /// backends mostly find their last core idle and stay where their caches are warm, while the
    /// direct side’s thousands of backends keep landing on other cores."
    #[test]
    fn with_cores_to_spare_the_pools_backends_stay_on_their_core() {
        let f = figures(&migration_workload(32));
        let (d, p) = (&f.direct, f.pooled());
        measured(
            "s4 32 cores",
            format!(
                "direct {:.0}/s ({:.0} % of switches), pooled {:.0}/s ({:.1} %)",
                d.cpu_migrations_per_s,
                migrated_share(d) * 100.0,
                p.cpu_migrations_per_s,
                migrated_share(p) * 100.0
            ),
        );
        assert!(migrated_share(p) < 0.1);
        assert!(migrated_share(p) < 0.25 * migrated_share(d));
        assert!(p.cpu_migrations_per_s < 0.5 * d.cpu_migrations_per_s);
    }

    /// "With a single core there is nowhere to migrate to."
    #[test]
    fn with_a_single_core_there_is_nowhere_to_migrate_to() {
        let f = figures(&migration_workload(1));
        assert_eq!(f.direct.cpu_migrations_per_s, 0.0);
        assert_eq!(f.pooled().cpu_migrations_per_s, 0.0);
    }
}

/// Section 5, connect.rs: one client running a trivial one-statement transaction with no pause.
mod connect {
    use super::*;
    use crate::sections::connect::{workload, CONNECT_CLIENTS};
    use poolsim_model::{calibration as cal, Auth};

    fn keep() -> Figures {
        figures(&workload(CONNECT_CLIENTS, false))
    }
    fn reconnect() -> Figures {
        figures(&workload(CONNECT_CLIENTS, true))
    }

    /// "The fork() itself is quick — about 0.13 ms on our test machine … In our measurements a new
    /// connection took about 4 ms over a Unix socket with no password and about 10 ms over TCP with
    /// SCRAM."
    #[test]
    fn fork_is_quick_and_a_new_connection_takes_about_4_ms_or_10_ms_with_scram() {
        assert_eq!(cal::FORK_CPU_NS, 130_000);
        // What a new connection adds to a transaction, in the model.
        let connect_ms = |auth: Auth| {
            let per_txn = figures(&Params {
                auth,
                ..workload(CONNECT_CLIENTS, true)
            });
            (per_txn.direct.latency.mean - keep().direct.latency.mean) * 1e3
        };
        let (trust, scram) = (connect_ms(Auth::Trust), connect_ms(Auth::Scram));
        measured(
            "s5 connect",
            format!("trust {trust:.1} ms, SCRAM {scram:.1} ms"),
        );
        assert!((2.5..6.0).contains(&trust));
        assert!((6.0..14.0).contains(&scram));
    }

    /// "With 1 client(s) keeping their connection open, the server completes … transactions per
    /// second. Reconnecting for each one, it completes … — …× fewer — and spends … of its CPU on
    /// forking and authenticating; each transaction now takes …"
    #[test]
    fn reconnecting_for_each_transaction_completes_several_times_fewer() {
        let (k, r) = (keep(), reconnect());
        measured(
            "s5 direct",
            format!(
                "keep {:.0} tps, reconnect {:.0} tps ({:.0}×), fork+auth {:.1} %, latency {:.2} → {:.2} ms",
                k.direct.throughput_tps, r.direct.throughput_tps, k.direct.throughput_tps / r.direct.throughput_tps,
                r.direct.cpu.fork_auth * 100.0, k.direct.latency.mean * 1e3, r.direct.latency.mean * 1e3
            ),
        );
        assert!(k.direct.throughput_tps > 5.0 * r.direct.throughput_tps);
        assert!(r.direct.cpu.fork_auth > 0.01 && k.direct.cpu.fork_auth == 0.0);
        assert!(r.direct.latency.mean > 5.0 * k.direct.latency.mean);
    }

    /// "We measured a drop of about 300× for SELECT 1 on a real server over a Unix socket; the
    /// simulated client also pays a network round trip per statement, which narrows the gap."
    #[test]
    fn the_simulated_round_trip_narrows_the_300x_gap() {
        let (k, r) = (keep(), reconnect());
        let drop = k.direct.throughput_tps / r.direct.throughput_tps;
        let w = workload(CONNECT_CLIENTS, false);
        assert!(drop < 300.0 / 3.0, "drop {drop}");
        // The persistent transaction is mostly the round trip.
        assert!(k.direct.latency.mean > 0.8 * w.rtt_ms / 1e3);
        // Without it, the gap widens.
        let no_rtt = |per_txn| {
            figures(&Params {
                rtt_ms: 0.0,
                ..workload(CONNECT_CLIENTS, per_txn)
            })
            .direct
            .throughput_tps
        };
        let wider = no_rtt(false) / no_rtt(true);
        measured(
            "s5 gap",
            format!("{drop:.0}× with the round trip, {wider:.0}× without"),
        );
        assert!(wider > 2.0 * drop);
    }

    /// "A pooler keeps its server connections open, so a client that reconnects no longer makes
    /// Postgres fork: it still pays for its own connection to PgBouncer, and the server completes …
    /// transactions per second."
    #[test]
    fn through_a_pooler_reconnecting_no_longer_forks_but_still_costs() {
        let (k, r) = (keep(), reconnect());
        let p = r.pooled();
        measured(
            "s5 pooled",
            format!(
                "reconnecting through PgBouncer {:.0} tps (direct {:.0}, keeping {:.0}), fork+auth {:.2} %",
                p.throughput_tps, r.direct.throughput_tps, k.direct.throughput_tps, p.cpu.fork_auth * 100.0
            ),
        );
        assert!(p.cpu.fork_auth < 0.1 * r.direct.cpu.fork_auth);
        assert!(p.throughput_tps > 1.2 * r.direct.throughput_tps);
        assert!(p.throughput_tps < 0.5 * k.direct.throughput_tps);
    }
}

/// Section 6, snapshot.rs: 3,000 connections thinking 100 ms, PostgreSQL 13 and 14+.
///
/// The model's GetSnapshotData cost is being recalibrated: these check directions with generous
/// margins, never values.
mod snapshot {
    use super::*;
    use crate::sections::snapshot::{workload, SNAPSHOT_CLIENTS};
    use poolsim_model::PoolMode;

    /// "Until PostgreSQL 14 the function that builds it, GetSnapshotData, walked the shared array of
    /// all backend processes — idle ones too … Its cost grew with the number of connections"
    #[test]
    fn before_14_snapshot_cost_grew_with_the_number_of_connections() {
        let share = |n| figures(&workload(n, true)).direct.cpu.snapshots;
        measured(
            "s6 PG13 snapshot share",
            format!(
                "300: {:.2} %, 3,000: {:.1} %",
                share(300) * 100.0,
                share(SNAPSHOT_CLIENTS) * 100.0
            ),
        );
        assert!(share(SNAPSHOT_CLIENTS) > 3.0 * share(300));
    }

    /// "after Andres Freund’s patches, snapshot cost barely depends on how many connections exist"
    #[test]
    fn since_14_snapshot_cost_barely_depends_on_connections() {
        for n in [300, SNAPSHOT_CLIENTS, 10_000] {
            let share = figures(&workload(n, false)).direct.cpu.snapshots;
            measured(
                "s6 PG14 snapshot share",
                format!("{n}: {:.2} %", share * 100.0),
            );
            assert!(share < 0.01);
        }
    }

    /// "Side by side: PostgreSQL 13 …, PostgreSQL 14 … transactions per second: at this scale,
    /// mostly idle connections on 8 cores, the scan costs little."
    #[test]
    fn at_this_scale_pg14_completes_about_as_many_transactions_as_pg13() {
        let tps = |pg13| {
            figures(&workload(SNAPSHOT_CLIENTS, pg13))
                .direct
                .throughput_tps
        };
        measured(
            "s6 tps",
            format!("PG13 {:.0}, PG14 {:.0}", tps(true), tps(false)),
        );
        assert!(tps(false) >= tps(true));
        assert!(tps(false) < 1.05 * tps(true));
    }

    /// PostgreSQL 13, `cores` cores, `busy` clients running pgbench -S-like statements with no
    /// pause, beside `idle` idle connections, straight to Postgres: relative throughput with the
    /// idle connections.
    fn idle_cost(cores: u32, busy: u32, idle: u32) -> f64 {
        let w = |idle| Params {
            cores,
            clients: busy,
            idle_connections: idle,
            think_ms: 0.0,
            stmt_cpu_ms: 0.05,
            stmts_per_txn: 1,
            pg_version: 13,
            pool_mode: PoolMode::None,
            ..poolsim_page::state::page_default()
        };
        figures(&w(idle)).direct.throughput_tps / figures(&w(0)).direct.throughput_tps
    }

    /// "a test on a 2-core machine found 1,000 idle connections nearly free. The big losses Freund
    /// measured came from busy backends on many cores"
    #[test]
    fn idle_connections_are_nearly_free_on_2_cores_and_cost_more_with_many_active_on_many() {
        // Our lab test: 1 active pgbench -S client beside 0 or 1,000 idle connections, 2 cores.
        let small = idle_cost(2, 1, 1_000);
        // 200 active clients on 32 cores beside 10,000 idle connections (the idle_heavy preset).
        let large = idle_cost(32, 200, 10_000);
        measured(
            "s6 idle connections",
            format!(
                "2 cores: {:.1} % of the throughput left, 32 cores: {:.1} %",
                small * 100.0,
                large * 100.0
            ),
        );
        assert!(small > 0.98);
        assert!(large < small - 0.01);
    }

    /// "A pooler helps either way: it keeps the idle connections out of the scan, since Postgres
    /// only ever sees the pool’s 24 connections"
    #[test]
    fn a_pooler_keeps_the_idle_connections_out_of_the_scan() {
        let f = figures(&workload(SNAPSHOT_CLIENTS, true));
        let p = f.pooled();
        measured(
            "s6 pooled",
            format!(
                "{} backends, snapshots {:.2} % (direct {:.1} %), {:.0} tps (direct {:.0})",
                p.occupancy.backends(),
                p.cpu.snapshots * 100.0,
                f.direct.cpu.snapshots * 100.0,
                p.throughput_tps,
                f.direct.throughput_tps
            ),
        );
        assert!(p.occupancy.backends() <= workload(SNAPSHOT_CLIENTS, true).pool_size);
        assert!(p.cpu.snapshots < 0.8 * f.direct.cpu.snapshots);
        assert!(p.throughput_tps > f.direct.throughput_tps);
    }

    /// "the “idle-heavy, PostgreSQL 13” preset (200 busy connections on 32 saturated cores beside
    /// 10,000 idle ones) spends several times more of its CPU on snapshots than the same load on 14
    /// … A pooler helps either way"
    #[test]
    fn the_idle_heavy_preset_spends_several_times_more_on_snapshots_on_13() {
        let on = |name: &str| figures(&poolsim_model::preset(name).unwrap().params);
        let (pg13, pg14) = (on("idle_heavy_pg13"), on("idle_heavy_pg14"));
        let pooled = figures(&Params {
            pool_mode: PoolMode::Transaction,
            pool_size: 32,
            ..poolsim_model::preset("idle_heavy_pg13").unwrap().params
        });
        let pooled = pooled.pooled();
        measured(
            "s6 idle-heavy preset",
            format!(
                "snapshots: PG13 {:.1} %, PG14 {:.2} %, PG13 pooled {:.1} %",
                pg13.direct.cpu.snapshots * 100.0,
                pg14.direct.cpu.snapshots * 100.0,
                pooled.cpu.snapshots * 100.0
            ),
        );
        assert!(pg13.direct.cpu.snapshots > 3.0 * pg14.direct.cpu.snapshots);
        assert!(pooled.cpu.snapshots < 0.5 * pg13.direct.cpu.snapshots);
    }
}

/// Section 7, poolers.rs: the model's fleet (10,000 connections, 16 cores) over a pool of 48.
mod poolers {
    use super::*;
    use crate::sections::poolers::{fleet_workload, POOLER_CLIENTS, POOLER_POOL};
    use poolsim_model::{idle_memory, MemoryConfig};

    fn fleet(pool: u32) -> Figures {
        figures(&fleet_workload(POOLER_CLIENTS, pool))
    }

    /// "…a pooler such as PgBouncer, a small single-threaded event loop that costs about 2 kB per
    /// client."
    #[test]
    fn pgbouncer_costs_about_2_kb_per_client() {
        let m = idle_memory(&MemoryConfig::default(), POOLER_CLIENTS, Some(POOLER_POOL));
        let each = m.pooler / f64::from(POOLER_CLIENTS);
        measured("s7 pooler", format!("{each:.0} B per client"));
        assert!((1_000.0..4_000.0).contains(&each));
    }

    /// "Through the pooler, Postgres runs 48 backends and everything together holds … (…× less)."
    #[test]
    fn through_the_pooler_everything_together_holds_far_less() {
        let cfg = MemoryConfig::default();
        let d = idle_memory(&cfg, POOLER_CLIENTS, None).private_total;
        let p = idle_memory(&cfg, POOLER_CLIENTS, Some(POOLER_POOL)).private_total;
        measured(
            "s7 memory",
            format!(
                "{:.1} GiB direct, {:.0} MiB pooled ({:.0}×)",
                d / MIB / 1024.0,
                p / MIB,
                d / p
            ),
        );
        assert!(d > 50.0 * p);
    }

    /// "More importantly, the number of processes competing for the cores, and the number of
    /// entries every snapshot has to look at, stays fixed however many clients arrive."
    #[test]
    fn the_number_of_backends_stays_fixed_however_many_clients_arrive() {
        for clients in [2_000, POOLER_CLIENTS, 20_000] {
            let f = figures(&fleet_workload(clients, POOLER_POOL));
            let backends = f.pooled().occupancy.backends();
            measured(
                "s7 backends",
                format!(
                    "{clients} clients: {backends} pooled, {} direct",
                    f.direct.occupancy.backends()
                ),
            );
            assert!(backends <= POOLER_POOL);
            assert_eq!(f.direct.occupancy.backends(), clients);
        }
    }

    /// "The right number is a small multiple of the cores: enough to keep every core busy while some
    /// backends wait for their client, not so many that they pile up in the kernel’s run queue …
    /// the slowest 1 % of transactions take … direct and … through a pool of 48"
    #[test]
    fn a_pool_of_a_small_multiple_of_the_cores_beats_going_direct() {
        let f = fleet(POOLER_POOL);
        let (d, p) = (&f.direct, f.pooled());
        measured(
            "s7 pool 48",
            format!("p99 {:.0} ms direct, {:.0} ms pooled; idle {:.1} %; run queue {:.1} (direct {:.0})",
                    d.latency.p99 * 1e3, p.latency.p99 * 1e3, p.cpu.idle * 100.0, p.run_queue, d.run_queue),
        );
        assert_eq!(
            POOLER_POOL,
            3 * fleet_workload(POOLER_CLIENTS, POOLER_POOL).cores
        );
        assert!(p.latency.p99 < 0.75 * d.latency.p99);
        assert!(p.cpu.idle < 0.02);
        assert!(p.run_queue < 0.05 * d.run_queue);
        // Better than a pool of one per core, or of a few hundred.
        for other in [POOLER_POOL / 3, 200, 400] {
            let q = fleet(other);
            measured(
                "s7 pool",
                format!("{other}: p99 {:.0} ms", q.pooled().latency.p99 * 1e3),
            );
            assert!(q.pooled().latency.p99 > p.latency.p99, "pool {other}");
        }
    }

    /// "Slide the pool up to 400, a size fleets run on servers with many more cores, and here its
    /// backends pile up in the run queue and pay for cold caches as the direct ones do: the pooled
    /// p99 climbs to about the direct one."
    #[test]
    fn at_400_the_pool_piles_up_in_the_run_queue_and_its_p99_climbs_to_about_direct() {
        let (small, large) = (fleet(POOLER_POOL), fleet(400));
        let (d, p) = (&large.direct, large.pooled());
        let per_switch = |f: &Figures| core_us_per_switch(f.pooled(), f.cores);
        measured(
            "s7 pool 400",
            format!("p99 {:.0} ms (direct {:.0}), mean {:.0} ms (direct {:.0}), run queue {:.0} (pool 48: {:.1}), per switch {:.1} µs (pool 48: {:.1})",
                    p.latency.p99 * 1e3, d.latency.p99 * 1e3, p.latency.mean * 1e3, d.latency.mean * 1e3,
                    p.run_queue, small.pooled().run_queue, per_switch(&large), per_switch(&small)),
        );
        let ratio = p.latency.p99 / d.latency.p99;
        assert!((0.8..1.25).contains(&ratio), "{ratio}");
        assert!(p.latency.p99 > 3.0 * small.pooled().latency.p99);
        assert!(p.run_queue > 10.0 * small.pooled().run_queue);
        assert!(per_switch(&large) > 2.0 * per_switch(&small));
    }

    /// "Slide it down to the number of cores and too few backends are left to cover the time each
    /// spends waiting for its client: cores sit idle while clients queue in PgBouncer."
    #[test]
    fn at_the_number_of_cores_cores_sit_idle_while_clients_queue() {
        let cores = fleet_workload(POOLER_CLIENTS, POOLER_POOL).cores;
        let f = fleet(cores);
        let p = f.pooled();
        measured(
            "s7 pool 16",
            format!(
                "idle {:.0} %, pool queue {:.0}, p99 {:.0} ms (direct {:.0})",
                p.cpu.idle * 100.0,
                p.pool_queue,
                p.latency.p99 * 1e3,
                f.direct.latency.p99 * 1e3
            ),
        );
        assert!(p.cpu.idle > 0.1);
        assert!(p.pool_queue > 100.0);
        assert!(p.latency.p99 > f.direct.latency.p99);
    }

    /// "The model agrees about the fighting but not about the counting: as sections 3 and 4 showed,
    /// the pooled side switches more often, and each of its switches costs far less."
    #[test]
    fn the_pooled_fleet_switches_more_often_and_each_switch_costs_far_less() {
        let f = fleet(POOLER_POOL);
        let (d, p) = (&f.direct, f.pooled());
        let (cd, cp) = (
            core_us_per_switch(d, f.cores),
            core_us_per_switch(p, f.cores),
        );
        measured(
            "s7 switches",
            format!(
                "direct {:.0}/s at {cd:.1} µs, pooled {:.0}/s at {cp:.1} µs",
                d.context_switches_per_s, p.context_switches_per_s
            ),
        );
        assert!(p.context_switches_per_s > d.context_switches_per_s);
        assert!(cp < 0.3 * cd);
    }
}

/// Section 8, modes.rs: 400 clients over a pool of 24, a fifth of them relying on session state.
mod modes {
    use super::*;
    use crate::sections::modes::{mode_of, workload, MODES_MODE, MODES_SESSION_PCT};
    use poolsim_model::PoolMode;

    fn mode(m: PoolMode) -> SideView {
        figures(&workload(m, MODES_SESSION_PCT)).pooled().clone()
    }

    /// "In session mode a client keeps its server connection until it disconnects: everything
    /// works, but the pool saves nothing while clients stay connected … In session mode the first
    /// 24 clients keep the connections and the rest queue behind them"
    #[test]
    fn in_session_mode_everything_works_and_the_clients_beyond_the_pool_queue() {
        assert_eq!(mode_of(MODES_MODE), PoolMode::Session);
        let w = workload(PoolMode::Session, MODES_SESSION_PCT);
        let s = mode(PoolMode::Session);
        let waiting = s.pools.expect("pooled").cl_waiting;
        measured(
            "s8 session",
            format!(
                "{} errors/s, {waiting} waiting, {:.0} tps, wait {:.2} s",
                s.errors_per_s(),
                s.throughput_tps,
                s.pool_wait_s
            ),
        );
        assert_eq!(s.errors_per_s(), 0.0);
        assert!(waiting + 10 >= w.clients - w.pool_size);
        assert!(s.occupancy.backends() <= w.pool_size);
    }

    /// "In transaction mode a client borrows a server connection for one transaction and returns it
    /// at COMMIT; this is where the large savings come from … transaction mode shares them" and
    /// "errors because that state did not follow them to another server connection: … per second"
    #[test]
    fn transaction_mode_shares_the_pool_and_session_state_breaks() {
        let (s, t) = (mode(PoolMode::Session), mode(PoolMode::Transaction));
        measured(
            "s8 transaction",
            format!(
                "{:.0} tps (session {:.0}), pool queue {:.2}, {:.0} errors/s",
                t.throughput_tps,
                s.throughput_tps,
                t.pool_queue,
                t.errors_per_s()
            ),
        );
        assert!(t.throughput_tps > 5.0 * s.throughput_tps);
        assert!(t.pool_queue < 5.0 && s.pool_queue > 300.0);
        assert!(t.errors_per_s() > 0.05 * t.throughput_tps);
    }

    /// "In statement mode the connection goes back after every statement, so multi-statement
    /// transactions are refused."
    #[test]
    fn statement_mode_refuses_multi_statement_transactions() {
        let st = mode(PoolMode::Statement);
        measured("s8 statement", format!("{:?}", st.errors));
        assert!(workload(PoolMode::Statement, 0).stmts_per_txn > 1);
        assert!(st
            .errors
            .iter()
            .any(|(r, n)| r.contains("not allowed in statement") && *n > 0.0));
        assert!(st.throughput_tps < 1.0);
    }
}

/// Section 9, threads.rs: 2,000 direct connections served by threads (or a thread pool) against
/// processes.
mod threads {
    use super::*;
    use crate::sections::threads::{workload, THREADS_CLIENTS};
    use poolsim_model::Arch;

    fn arch(a: Arch) -> SideView {
        figures(&workload(a, THREADS_CLIENTS)).direct
    }

    /// "A thread is cheaper to start than a forked process and shares the process’s address space,
    /// so it needs no page tables of its own and little private memory."
    #[test]
    fn a_thread_is_cheaper_to_start_and_holds_little_private_memory() {
        let (t, p) = (arch(Arch::Thread), arch(Arch::Process));
        // Start-up: clients that connect for every transaction.
        let start = |a| {
            let w = Params {
                arch: a,
                ..crate::sections::connect::workload(10, true)
            };
            figures(&w).direct.cpu.fork_auth
        };
        measured(
            "s9 threads",
            format!(
                "memory {:.0} MiB vs {:.0} MiB; start-up CPU share {:.2} % vs {:.1} %",
                t.memory_private / MIB,
                p.memory_private / MIB,
                start(Arch::Thread) * 100.0,
                start(Arch::Process) * 100.0
            ),
        );
        assert!(t.memory_private < 0.2 * p.memory_private);
        assert!(start(Arch::Thread) < 0.3 * start(Arch::Process));
    }

    /// "But a thread is still something the kernel schedules: thousands of runnable threads on a few
    /// cores switch at least as often as processes. Each switch costs less (no page tables to
    /// reload, less private memory to bring back into the caches)"
    #[test]
    fn thousands_of_threads_switch_at_least_as_often_and_each_switch_costs_less() {
        let (t, p) = (arch(Arch::Thread), arch(Arch::Process));
        let ratio = t.context_switches_per_s / p.context_switches_per_s;
        measured(
            "s9 switching",
            format!(
                "{:.0} vs {:.0} switches/s, {:.1} % vs {:.1} % of the cores",
                t.context_switches_per_s,
                p.context_switches_per_s,
                t.cpu.switching * 100.0,
                p.cpu.switching * 100.0
            ),
        );
        assert!(ratio > 0.95, "{ratio}");
        let per_switch = |v: &SideView| v.cpu.switching / v.context_switches_per_s;
        assert!(per_switch(&t) < 0.75 * per_switch(&p));
    }

    /// "so thread-per-connection servers save memory and connection start-up and hit the
    /// scheduling wall further up the curve, at about twice as many connections here; past it their
    /// threads queue for the cores like processes."
    #[test]
    fn threads_hit_the_scheduling_wall_further_up_the_curve() {
        // The wall: the first connection count past the peak where throughput has fallen 10 %
        // below it, on the section's workload with think time 0 (every connection runnable).
        let grid = [8, 16, 32, 64, 128, 256, 512, 1_024];
        let wall = |a: Arch| {
            let tps: Vec<f64> = grid
                .iter()
                .map(|&c| {
                    figures(&Params {
                        think_ms: 0.0,
                        max_connections: 2_000,
                        ..workload(a, c)
                    })
                    .direct
                    .throughput_tps
                })
                .collect();
            let (peak_i, peak) =
                tps.iter()
                    .copied()
                    .enumerate()
                    .fold((0, 0.0), |b, (i, x)| if x > b.1 { (i, x) } else { b });
            let at = (peak_i..grid.len())
                .find(|&i| tps[i] < 0.9 * peak)
                .map_or(u32::MAX, |i| grid[i]);
            (at, tps)
        };
        let (wp, tp) = wall(Arch::Process);
        let (wt, tt) = wall(Arch::Thread);
        measured(
            "s9 wall",
            format!("processes fall 10 % below their peak at {wp} connections, threads at {wt}; tps {tp:.0?} vs {tt:.0?}"),
        );
        assert!(wt >= 2 * wp, "{wt} vs {wp}");
        assert!(wt < u32::MAX, "threads hit a wall too");
    }

    /// "Cheaper connections save memory and go somewhat further; they do not remove the wall. Pick
    /// the thread pool above to see what does."
    #[test]
    fn cheaper_connections_go_somewhat_further_but_do_not_remove_the_wall() {
        for clients in [THREADS_CLIENTS, 10_000] {
            let t = figures(&workload(Arch::Thread, clients)).direct;
            let p = figures(&workload(Arch::Process, clients)).direct;
            let tp = figures(&workload(Arch::ThreadPool, clients)).direct;
            measured(
                "s9 further",
                format!(
                    "{clients}: threads {:.0} tps p99 {:.0} ms, processes {:.0} tps p99 {:.0} ms, thread pool p99 {:.1} ms",
                    t.throughput_tps,
                    t.latency.p99 * 1e3,
                    p.throughput_tps,
                    p.latency.p99 * 1e3,
                    tp.latency.p99 * 1e3
                ),
            );
            assert!(t.throughput_tps > p.throughput_tps);
            assert!(t.latency.p99 < p.latency.p99);
            // At the section's default the thread pool is far ahead; at 10,000 connections every
            // design queues, so only "further" is claimed there.
            if clients == THREADS_CLIENTS {
                assert!(t.latency.p99 > 3.0 * tp.latency.p99);
            }
        }
    }

    /// (With the thread pool picked) "Here the wall moves: one worker thread per core takes the
    /// connections’ statements in turn, like a pooler’s backends, so the cores switch rarely and
    /// nothing waits for a core in the kernel."
    #[test]
    fn the_thread_pool_moves_the_wall() {
        let (tp, p) = (arch(Arch::ThreadPool), arch(Arch::Process));
        measured("s9 thread pool", format!("{:.0} tps (processes {:.0}), p99 {:.1} ms ({:.1}), {:.0} switches/s ({:.0}), run queue {:.1}",
                                           tp.throughput_tps, p.throughput_tps, tp.latency.p99 * 1e3, p.latency.p99 * 1e3,
                                           tp.context_switches_per_s, p.context_switches_per_s, tp.run_queue));
        assert!(tp.throughput_tps > 1.1 * p.throughput_tps);
        assert!(tp.latency.p99 < 0.5 * p.latency.p99);
        assert!(tp.context_switches_per_s < 0.2 * p.context_switches_per_s);
        assert!(tp.run_queue < 1.0);
    }
}

/// The theory panel, theory.rs: 1,000 clients thinking 300 ms over a pool of 12.
mod theory {
    use super::*;
    use crate::sections::theory::{erlang_prediction, near_open, workload, THEORY_POOL};

    fn pool(k: u32) -> SideView {
        figures(&workload(k)).pooled().clone()
    }

    /// "Little’s law holds for any stable system: the average number of things inside (L) equals
    /// the rate they arrive (λ) times how long each stays (W). Here it is, checked on the pooled
    /// model"
    #[test]
    fn littles_law_holds_on_the_pooled_model() {
        let p = pool(THEORY_POOL);
        let (l, lw) = (p.in_transaction, p.throughput_tps * p.latency.mean);
        measured("theory Little", format!("L {l:.3}, λW {lw:.3}"));
        assert!((l / lw - 1.0).abs() < 0.03);
    }

    /// "our clients are a finite group that stops sending while it waits, so the simulation usually
    /// waits less than the formula says, and the two agree best when the pool is not saturated. As
    /// the pool shrinks towards the offered load A, the wait grows without bound."
    #[test]
    fn the_simulation_waits_less_than_erlang_c_and_the_wait_grows_as_the_pool_shrinks() {
        let at = |k| {
            let p = pool(k);
            let (a, erlang) = erlang_prediction(&p, k);
            (a, erlang, p.pool_wait_s)
        };
        let (a, e12, s12) = at(THEORY_POOL);
        let (_, e6, s6) = at(6);
        let (_, e4, s4) = at(4);
        measured("theory Erlang C", format!("A {a:.2}; pool 12: Erlang {:.3} ms, simulated {:.3} ms; pool 6: {:.3} / {:.3} ms; pool 4: {e4} / {:.2} ms",
                                            e12 * 1e3, s12 * 1e3, e6 * 1e3, s6 * 1e3, s4 * 1e3));
        assert!(s12 <= e12);
        assert!(s6 < e6);
        assert!((e12 - s12).abs() < (e6 - s6).abs());
        assert!(s4 > s6 && s6 > s12);
        // Pool 4 is below the offered load: the formula has no steady state.
        assert!(f64::from(4) < a && e4.is_infinite());
    }

    /// "So the panel shows Erlang C only while fewer than one client in ten is inside a
    /// transaction (a near-open population); beyond that it says so."
    #[test]
    fn erlang_c_is_shown_only_while_the_population_is_near_open() {
        let w = workload(THEORY_POOL);
        let rows: Vec<(u32, bool, f64)> = [THEORY_POOL, 4, 2, 1]
            .into_iter()
            .map(|k| {
                let p = pool(k);
                (k, near_open(&p, w.clients), p.in_transaction)
            })
            .collect();
        measured(
            "theory near-open",
            format!("(pool, near-open, inside) {rows:?}"),
        );
        assert!(rows[0].1, "the default pool is near-open");
        assert!(!rows[3].1, "a pool of 1 piles the clients up inside");
    }

    /// "for this 8-core server with one disk, 17 connections. The point is not the exact number but
    /// the shape: a pool a little larger than the number of things that can run at once keeps the
    /// cores busy, and anything beyond that just queues inside the database instead of in the
    /// pooler" (the queueing itself is checked on the fleet, section 7)
    #[test]
    fn a_pool_beyond_the_rule_of_thumb_adds_no_throughput() {
        let w = workload(THEORY_POOL);
        assert_eq!(w.cores * 2 + 1, 17);
        let (rule, large) = (pool(17), pool(64));
        measured(
            "theory pool size",
            format!(
                "17: {:.0} tps, 64: {:.0} tps",
                rule.throughput_tps, large.throughput_tps
            ),
        );
        assert!(large.throughput_tps < 1.01 * rule.throughput_tps);
    }
}

/// "How realistic is this model?", sources.rs.
mod realism {
    use super::*;

    /// "The same parameters and seed always give the same result."
    #[test]
    fn the_same_parameters_and_seed_give_the_same_result() {
        let run = || {
            let mut pair = SimPair::new(&poolsim_page::state::page_default(), SEED);
            pair.run_until(1_000_000_000, f64::MAX, &|| 0.0);
            let v = pair.view();
            (v.direct, v.pooled)
        };
        assert_eq!(run(), run());
    }

    /// "Below, PostgreSQL 15 and PgBouncer 1.18 on a small virtual machine, measured with pgbench
    /// running one read-only SELECT per transaction, straight to Postgres and through PgBouncer,
    /// from 1 to 1,000 clients, against the model run at the same points."
    #[test]
    fn the_lab_figure_spans_1_to_1000_clients_on_both_routes_of_pg_15() {
        use poolsim_validate::{point_params, Route};
        let points = crate::sections::realism::lab_points().expect("the embedded lab file parses");
        for route in Route::ALL {
            let clients: Vec<u32> = points
                .iter()
                .filter(|p| p.route == route)
                .map(|p| p.clients)
                .collect();
            assert_eq!(clients.iter().min(), Some(&1), "{route:?}");
            assert_eq!(clients.iter().max(), Some(&1000), "{route:?}");
            let p = point_params(route, 1);
            assert_eq!((p.pg_version, p.stmts_per_txn), (15, 1));
        }
        assert!(crate::sections::realism::LAB_CSV
            .lines()
            .skip(1)
            .all(|l| l.starts_with("select_only,")));
    }

    /// "each line is the model's `lab` preset — 2 cores, pgbench on the same machine, a
    /// transaction pool of 4 for the PgBouncer route — run at the same client counts while you
    /// read", and "Of the 6 checks `poolsim validate` makes with these same runs, N pass": the
    /// page's runs, stepped frame by frame, give exactly `poolsim validate`'s figures.
    #[test]
    fn the_lab_figure_shows_the_runs_of_poolsim_validate() {
        use poolsim_validate::{point_params, Route, RunSpec};
        let points = crate::sections::realism::lab_points().unwrap();
        let p = point_params(Route::PgBouncer, 8);
        assert_eq!(
            (p.cores, p.pool_size, p.clients_on_server),
            (2, 4, poolsim_model::OnOff::On)
        );
        let mut runs = poolsim_page::sim::lab::LabRuns::new(points.clone());
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 1.0);
            t.get()
        };
        while !runs.run_until(t.get() + 50.0, &clock) {}
        let page = runs.compared().to_vec();
        let cli = poolsim_validate::compare(&points, &RunSpec::default());
        assert_eq!(page, cli);
        let checks = poolsim_validate::checks(&page);
        measured(
            "lab",
            format!(
                "{} of {} checks pass; worst errors {:?}",
                checks.iter().filter(|c| c.pass).count(),
                checks.len(),
                Route::ALL.map(|r| poolsim_validate::route_summary(&page, r).map(|s| s.worst))
            ),
        );
        assert_eq!(checks.len(), 6);
    }

    /// "Direct: within ±25 % of the lab's median at every one of its N client counts" is said only
    /// when every point is within; otherwise "at K of its N".
    #[test]
    fn every_one_is_said_only_when_every_point_is_within_the_tolerance() {
        use crate::sections::realism::{route_words, Piece};
        use poolsim_validate::{Route, RouteSummary};
        let summary = |within| RouteSummary {
            route: Route::Direct,
            points: 11,
            within_tolerance: within,
            within_spread: 2,
            worst: (1, 2.345),
            peak_clients: (2, 4),
            fall: (0.766, -0.05),
            known_misses: Vec::new(),
            unexpected_misses: 11 - within,
            worst_counted: (1, 2.345),
        };
        let text = |s: &RouteSummary| {
            route_words(s, 1000)
                .into_iter()
                .map(|p| match p {
                    Piece::Text(t) | Piece::Live(_, _, t) => t,
                })
                .collect::<String>()
        };
        let all = text(&summary(11));
        assert!(
            all.contains("at every one of its 11 client counts"),
            "{all}"
        );
        let some = text(&summary(6));
        assert!(
            some.contains("median at 6 of its 11 client counts"),
            "{some}"
        );
        assert!(
            some.contains("largest error +235 %, at 1 client."),
            "{some}"
        );
        assert!(
            some.contains("lab peaks at 2 clients and is 77 % lower at 1,000;"),
            "{some}"
        );
        assert!(
            some.contains("the model peaks at 4 clients and is 5.0 % higher at 1,000."),
            "{some}"
        );
        let level = text(&RouteSummary {
            fall: (0.1, 0.001),
            ..summary(6)
        });
        assert!(level.ends_with("and is level at 1,000."), "{level}");
    }

    /// "What is left out: disk I/O, locks between transactions, network beyond a round trip with a
    /// little jitter, NUMA, and the many knobs of a real kernel."
    #[test]
    fn the_network_is_a_round_trip_with_a_little_jitter() {
        let j = poolsim_model::calibration::NETWORK_JITTER;
        assert!(j > 0.0 && j <= 0.25);
    }
}

/// The presenter's steps (presenter.rs): each step's scenario loaded into the live figure.
mod steps {
    use super::*;
    use poolsim_model::{Arch, Connect, PoolMode};
    use poolsim_page::presenter::STEPS;
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

    /// Step 1: "200 clients straight to Postgres: 200 backends on 8 cores, most of them asleep
    /// until their client sends the next request."
    #[test]
    fn step_1_200_backends_on_8_cores_most_of_them_asleep() {
        let w = step(1);
        let d = live(&w).direct;
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

    /// Step 2: "top's RSS column counts shared buffers again in every process, so it overstates the
    /// cost; the private part is what really grows with connections."
    #[test]
    fn step_2_top_overstates_and_the_private_part_grows_with_connections() {
        let w = step(2);
        let d = live(&w).direct;
        let half = live(&Params {
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

    /// Step 3: "2,000 clients want more CPU than 8 cores have. Direct, hundreds of backends wait in
    /// the kernel's run queue, and each switch refills caches and TLBs. The pooled side runs the
    /// same clients over 24 backends: its extra hops mean more switches, but each is cheap, and the
    /// clients wait in PgBouncer instead."
    #[test]
    fn step_3_direct_queues_in_the_kernel_pooled_switches_more_but_cheaply() {
        let w = step(3);
        let f = live(&w);
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

    /// Step 4: "With cores to spare, a backend that wakes up can often go back to the core it last
    /// ran on. The pool's few backends mostly do; the direct side's 2,000 land on another core far
    /// more often"
    #[test]
    fn step_4_with_cores_to_spare_the_pools_backends_stay_put() {
        use crate::sections::switching::migrated_share;
        let w = step(4);
        let f = live(&w);
        let (d, p) = (&f.direct, f.pooled());
        measured("step 4", format!("{} cores: direct {:.0} migrations/s ({:.0} % of switches), pooled {:.0}/s ({:.1} %)",
                                   w.cores, d.cpu_migrations_per_s, migrated_share(d) * 100.0,
                                   p.cpu_migrations_per_s, migrated_share(p) * 100.0));
        assert!(d.cpu.idle > 0.3 && p.cpu.idle > 0.3);
        assert!(migrated_share(p) < 0.1);
        assert!(migrated_share(d) > 3.0 * migrated_share(p));
        assert!(d.cpu_migrations_per_s > 2.0 * p.cpu_migrations_per_s);
    }

    /// Step 5: "Clients that connect for every transaction (serverless functions, some ORMs) pay for
    /// fork, backend start-up and SCRAM authentication each time."
    #[test]
    fn step_5_connecting_per_transaction_pays_for_fork_start_up_and_auth() {
        let w = step(5);
        let d = live(&w).direct;
        let keep = live(&Params {
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

    /// Step 6: "Up to PG13, every snapshot scans all connections, idle ones included, and reads the
    /// busy ones' entries from other cores: 200 busy connections on 32 cores spend more of their CPU
    /// on snapshots beside 10,000 idle ones, and complete fewer transactions."
    #[test]
    fn step_6_before_14_idle_connections_slow_down_the_busy_ones() {
        let w = step(6);
        let with = live(&w).direct;
        let without = live(&Params {
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

    /// Step 7: "PG14 made snapshots independent of the number of connections. Idle connections still
    /// cost memory, but no longer CPU on every snapshot."
    #[test]
    fn step_7_since_14_idle_connections_cost_memory_but_not_snapshot_cpu() {
        let w = step(7);
        let with = live(&w).direct;
        let without = live(&Params {
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

    /// Step 8: "A fleet's 10,000 application connections go to PgBouncer, which multiplexes them
    /// over 48 server connections, three per core. Compare memory and p99 with the direct side.
    /// Then set the pool to 400, a size fleets run on much larger servers: on 16 cores its backends
    /// queue for the cores and the pooled p99 climbs to about the direct one."
    #[test]
    fn step_8_the_fleet_wins_with_48_and_at_400_climbs_to_about_direct() {
        let w = step(8);
        let f = live(&w);
        let large = live(&Params {
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
        // "About the direct one": within a fifth of it, and far above the pool of 48's.
        let ratio = large.pooled().latency.p99 / large.direct.latency.p99;
        assert!((0.8..1.25).contains(&ratio), "{ratio}");
        assert!(large.pooled().latency.p99 > 3.0 * p.latency.p99);
        assert!(large.pooled().run_queue > 10.0 * p.run_queue);
    }

    /// Step 9: "Transaction mode hands a backend back after every transaction, so session state
    /// (SET, LISTEN, advisory locks, SQL PREPARE) breaks: watch the errors. Session mode keeps it,
    /// but pins a backend per client."
    #[test]
    fn step_9_transaction_mode_breaks_session_state_session_mode_pins_backends() {
        let w = step(9);
        let t = live(&w).pooled().clone();
        let s = live(&Params {
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

    /// Step 10: "A transaction that waits on the application between statements keeps its backend:
    /// the pool runs dry and clients queue in PgBouncer."
    #[test]
    fn step_10_long_transactions_run_the_pool_dry() {
        let w = step(10);
        let f = live(&w);
        let p = f.pooled();
        measured("step 10", format!("{} backends of {}, pool queue {:.1}, mean wait {:.1} ms, p99 {:.0} ms (direct {:.0})",
                                    p.occupancy.backends(), w.pool_size, p.pool_queue, p.pool_wait_s * 1e3,
                                    p.latency.p99 * 1e3, f.direct.latency.p99 * 1e3));
        assert_eq!(p.occupancy.backends(), w.pool_size);
        assert!(p.pool_queue > 0.5);
        assert!(p.pool_wait_s > 0.001);
        assert!(p.latency.p99 > f.direct.latency.p99);
    }

    /// Step 11: "MySQL-style threads are cheaper to start, lighter in memory and cheaper to switch,
    /// so the fleet's 10,000 threads get further than its processes did. But they still queue for
    /// 16 cores, and their p99 stays far above what a thread pool, or a pooler in front, gives:
    /// that is what moves the wall."
    #[test]
    fn step_11_threads_get_further_a_thread_pool_or_a_pooler_moves_the_wall() {
        let w = step(11);
        let t = live(&w).direct;
        let processes = live(&Params {
            arch: Arch::Process,
            ..w.clone()
        })
        .direct;
        let pool = live(&Params {
            arch: Arch::ThreadPool,
            ..w.clone()
        })
        .direct;
        let pooler = live(&Params {
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
        assert!(pooler.pooled().latency.p99 < 0.5 * t.latency.p99);
    }
}

/// The sentences quoted above are the page's own: each test's quote must be found, as the reader
/// reads it at the section's default state, in that section's Markdown (`content/en`) with every
/// live number filled in, or in the presenter's steps (`outline.rs`). An ellipsis (…) in a quote
/// stands for a number the test checks by direction only. When a sentence of the content changes,
/// the test that checks it fails here until its quote (and, if needed, its check) follows.
mod quotes {
    use poolsim_page::content::{english, placeholders};
    use std::collections::HashMap;

    /// The sections each module of this file checks.
    const MODULES: [(&str, &[&str]); 9] = [
        ("process", &["process"]),
        ("memory", &["memory"]),
        ("switching", &["switches", "migration"]),
        ("connect", &["connect"]),
        ("snapshot", &["snapshots"]),
        ("poolers", &["poolers"]),
        ("modes", &["modes"]),
        ("threads", &["threads"]),
        ("theory", &["theory"]),
    ];

    /// (module, quote) for every quoted sentence in the doc comments of this file's modules.
    fn quotes() -> Vec<(String, String)> {
        let source = include_str!("claims.rs");
        let mut out = Vec::new();
        let mut module = String::new();
        let mut doc = String::new();
        for line in source.lines() {
            if let Some(name) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(" {")) {
                module = name.to_string();
            }
            match line.trim_start().strip_prefix("///") {
                Some(text) if line.starts_with("    ///") => {
                    doc.push(' ');
                    doc.push_str(text.trim());
                }
                _ => {
                    // A doc comment ended: its first "…" quote, if any.
                    let mut parts = doc.split('"');
                    if let (Some(_), Some(quote), Some(_)) =
                        (parts.next(), parts.next(), parts.next())
                    {
                        out.push((module.clone(), quote.to_string()));
                    }
                    doc.clear();
                }
            }
        }
        out
    }

    /// Text as a reader sees it: Markdown and HTML syntax gone, whitespace collapsed.
    fn plain(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut in_tag = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if in_tag => {}
                '`' | '*' | '[' => {}
                ']' if chars.peek() == Some(&'(') => {
                    for c in chars.by_ref() {
                        if c == ')' {
                            break;
                        }
                    }
                }
                _ => out.push(c),
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Each section's text with its live values at the default state, and the sentences a section
    /// shows in another state (section 9 with the thread pool picked).
    fn shown() -> HashMap<&'static str, String> {
        let mut values = crate::sections::default_values();
        let idle = poolsim_page::sim::LiveView::default();
        let pool = crate::sections::threads::live(poolsim_model::Arch::ThreadPool, 1, &idle, &idle);
        values
            .get_mut("threads")
            .expect("section 9")
            .extend(pool.into_iter().filter(|v| v.name == "threads_verdict"));
        english()
            .sections
            .into_iter()
            .map(|(s, md)| {
                let mut text = md.clone();
                for name in placeholders(&md) {
                    let v = values[s.id]
                        .iter()
                        .find(|v| v.name == name)
                        .expect("a value");
                    text = text.replacen(&format!("{{{{ {name} }}}}"), &v.text, 1);
                }
                // Values shown in other states only.
                for v in values[s.id].iter().skip(placeholders(&md).len()) {
                    text.push(' ');
                    text.push_str(&v.text);
                }
                (s.id, plain(&text))
            })
            .collect()
    }

    #[test]
    fn every_quoted_sentence_is_in_the_content() {
        let shown = shown();
        let steps = plain(
            &poolsim_page::outline::STEPS
                .iter()
                .map(|s| s.text)
                .collect::<Vec<_>>()
                .join(" "),
        );
        let mut checked = 0;
        let mut missing = Vec::new();
        for (module, quote) in quotes() {
            let text = if module == "steps" {
                steps.clone()
            } else if let Some((_, ids)) = MODULES.iter().find(|(m, _)| *m == module) {
                ids.iter()
                    .map(|id| shown[id].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                continue;
            };
            for fragment in plain(&quote).split('…').map(str::trim) {
                let fragment = fragment.trim_matches(|c: char| c == ',' || c == '.' || c == ' ');
                if fragment.chars().count() < 4 {
                    continue;
                }
                checked += 1;
                if !text.contains(fragment) {
                    missing.push(format!("{module}: “{fragment}”"));
                }
            }
        }
        assert!(checked > 50, "only {checked} quoted fragments found");
        assert!(
            missing.is_empty(),
            "not in the content:\n{}",
            missing.join("\n")
        );
    }
}
