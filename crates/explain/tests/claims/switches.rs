//! Section 3, switching.rs: the live figure's default (2,000 clients thinking 150 ms, 8 cores, a
//! pool of 24 in transaction mode), direct and pooled.

use crate::claim::{claims, core_us_per_switch, figures, measured, Figures, Place};
use poolsim_explain::sections::switching::{switch_workload, SWITCH_CLIENTS};
use poolsim_model::calibration as cal;
use poolsim_model::Params;
use poolsim_page::live::{RUN_NS, SEED};

fn section3() -> Figures {
    figures(&switch_workload(SWITCH_CLIENTS))
}

fn per_switch(f: &Figures) -> (f64, f64) {
    (
        core_us_per_switch(&f.direct, f.cores),
        core_us_per_switch(f.pooled(), f.cores),
    )
}

claims! {
    place: Place::Section("switches");

    says "The switch itself is short — saving registers, changing page tables, about a \
        microsecond and a half on our test machine. The larger cost comes afterwards: the \
        next process finds the caches and the TLB full of someone else’s data and has to \
        refill them"
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

    says "When more backends are runnable than there are cores, they queue for one, and a \
        backend that runs longer than its time slice is preempted so that another can run"
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
        let mut model = poolsim_model::Model::new(poolsim_page::sim::side_params(&long, false), SEED);
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

    says "With 2,000 clients connected directly, the 8 cores make … context switches per \
        second and lose … of their time to switching and refilling caches: … of core time \
        per switch, because the backend that gets a core finds it full of other backends’ \
        data. On average … backends wait in the kernel’s run queue for a core."
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

    says "Through PgBouncer only 24 backends exist. Every request now makes two extra hops \
        through the pooler, so the count is … per second, more than direct."
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

    says "But with few processes per core each switch finds its caches warm: … per switch, and \
        the cores lose only … of their time."
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

    says "The waiting moves out of the kernel into PgBouncer’s queue (… clients on average), \
        where a waiting client costs the cores nothing."
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

    /// The pooled side is faster.
    says "The slowest 1 % of transactions take … direct and … pooled."
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

    says "So the direct side does not lose on the number of switches; it loses on what each \
        one costs, and on queueing for the cores instead of in the pooler. That only happens \
        once the clients ask for more CPU than the cores have. Slide down to a few hundred \
        clients: the cores have time to spare, hardly anyone waits for one, switches are \
        cheap on both sides, and the pooler’s extra hops make it a little slower than going \
        direct."
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
}
