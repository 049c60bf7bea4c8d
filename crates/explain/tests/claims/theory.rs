//! The theory panel, theory.rs: 1,000 clients thinking 300 ms over a pool of 12.

use crate::claim::{claims, figures, measured, Place};
use poolsim_explain::sections::theory::{erlang_prediction, near_open, workload, THEORY_POOL};
use poolsim_page::sim::SideView;

fn pool(k: u32) -> SideView {
    figures(&workload(k)).pooled().clone()
}

claims! {
    place: Place::Section("theory");

    says "Little’s law holds for any stable system: the average number of things inside (L) \
        equals the rate they arrive (λ) times how long each stays (W). Here it is, checked \
        on the pooled model"
    fn littles_law_holds_on_the_pooled_model() {
        let p = pool(THEORY_POOL);
        let (l, lw) = (p.in_transaction, p.throughput_tps * p.latency.mean);
        measured("theory Little", format!("L {l:.3}, λW {lw:.3}"));
        assert!((l / lw - 1.0).abs() < 0.03);
    }

    says "our clients are a finite group that stops sending while it waits, so the simulation \
        usually waits less than the formula says, and the two agree best when the pool is \
        not saturated. As the pool shrinks towards the offered load A, the wait grows \
        without bound."
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

    says "So the panel shows Erlang C only while fewer than one client in ten is inside a \
        transaction (a near-open population); beyond that it says so."
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

    /// The queueing itself is checked on the fleet (section 7, `poolers`).
    says "for this 8-core server with one disk, 17 connections. The point is not the exact \
        number but the shape: a pool a little larger than the number of things that can run \
        at once keeps the cores busy, and anything beyond that just queues inside the \
        database instead of in the pooler"
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
