//! Section 7, poolers.rs: the model's fleet (10,000 connections, 16 cores) over a pool of 48.

use crate::claim::{claims, core_us_per_switch, figures, measured, Figures, Place, MIB};
use poolsim_explain::sections::poolers::{fleet_workload, POOLER_CLIENTS, POOLER_POOL};
use poolsim_model::{idle_memory, MemoryConfig};

fn fleet(pool: u32) -> Figures {
    figures(&fleet_workload(POOLER_CLIENTS, pool))
}

claims! {
    place: Place::Section("poolers");

    says "…a pooler such as PgBouncer, a small single-threaded event loop that costs about 2 \
        kB per client."
    fn pgbouncer_costs_about_2_kb_per_client() {
        let m = idle_memory(&MemoryConfig::default(), POOLER_CLIENTS, Some(POOLER_POOL));
        let each = m.pooler / f64::from(POOLER_CLIENTS);
        measured("s7 pooler", format!("{each:.0} B per client"));
        assert!((1_000.0..4_000.0).contains(&each));
    }

    says "Through the pooler, Postgres runs 48 backends and everything together holds … (…× \
        less)."
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

    says "More importantly, the number of processes competing for the cores, and the number of \
        entries every snapshot has to look at, stays fixed however many clients arrive."
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

    says "The right number is a small multiple of the cores: enough to keep every core busy \
        while some backends wait for their client, not so many that they pile up in the \
        kernel’s run queue … the slowest 1 % of transactions take … direct and … through a \
        pool of 48"
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

    says "Slide the pool up to 400, a size fleets run on servers with many more cores, and \
        here its backends pile up in the run queue and pay for cold caches as the direct \
        ones do: the pooled p99 climbs several-fold, though it stays far below the direct one."
    fn at_400_the_pool_piles_up_in_the_run_queue_and_its_p99_climbs_several_fold() {
        let (small, large) = (fleet(POOLER_POOL), fleet(400));
        let (d, p) = (&large.direct, large.pooled());
        let per_switch = |f: &Figures| core_us_per_switch(f.pooled(), f.cores);
        measured(
            "s7 pool 400",
            format!("p99 {:.0} ms (direct {:.0}), mean {:.0} ms (direct {:.0}), run queue {:.0} (pool 48: {:.1}), per switch {:.1} µs (pool 48: {:.1})",
                    p.latency.p99 * 1e3, d.latency.p99 * 1e3, p.latency.mean * 1e3, d.latency.mean * 1e3,
                    p.run_queue, small.pooled().run_queue, per_switch(&large), per_switch(&small)),
        );
        // "Far below the direct one": the direct side's slowest wait behind the run queue's
        // wake-ups (CFS order), so its p99 is several times the pooled one even at 400.
        let ratio = p.latency.p99 / d.latency.p99;
        assert!(ratio < 0.35, "{ratio}");
        assert!(p.latency.p99 > 3.0 * small.pooled().latency.p99);
        assert!(p.run_queue > 10.0 * small.pooled().run_queue);
        assert!(per_switch(&large) > 2.0 * per_switch(&small));
    }

    says "Slide it down to the number of cores and too few backends are left to cover the time \
        each spends waiting for its client: cores sit idle while clients queue in PgBouncer."
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
        // The clients that queue make the slowest transactions slower than with the pool of 48.
        assert!(p.latency.p99 > fleet(POOLER_POOL).pooled().latency.p99);
    }

    says "The model agrees about the fighting but not about the counting: as sections 3 and 4 \
        showed, the pooled side switches more often, and each of its switches costs far \
        less."
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
