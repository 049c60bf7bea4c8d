//! Liveness: for random parameter sets across the whole registry (`PARAMS`: every numeric
//! parameter at its minimum, its maximum, its default, out of range on either side (clamped),
//! not a number, or anywhere in between; every choice), simulated time reaches the requested end,
//! and the events it took stay within the bound below. A quarter of the cases also change every
//! parameter halfway, as the page's controls do.
//!
//! **The bound.** Over a stretch of `t` simulated µs, at most
//! `EVENTS_PER_ENTITY_PER_US × entities × (t + 1)` events, where the entities are what can have
//! an event pending: clients (closed, idle or arrivals in flight), server connections, cores and
//! PgBouncer processes (the most seen at the stretch's two ends). That is 64 per entity per µs,
//! 6.4 × 10⁷ per entity per simulated second. Why it holds for a live model: the cheapest thing
//! that repeats costs about a microsecond of simulated time: a statement needs at least
//! `stmt_cpu_ms`'s minimum, 1 µs, in the mean; a transaction of n statements n of them; every
//! failed attempt waits the application's back-off (mean 1 s) and a refused server login 15 s;
//! and one statement moves a client through a handful of events (its timer, the statement reaching
//! the pooler and the backend, the core's dispatch and completion, the result: ≈ 6). 64 leaves
//! room for short runs whose heavy-tailed (lognormal) statements come out shorter than their mean.
//! A model that retried without letting time pass, or at a nanosecond's pace, breaks it at once
//! (and the engine's own guard, a debug assertion here, stops a retry at one instant).
//!
//! The cases (`cases.rs`, shared with the browser's test) come from the model's own seeded generator, so every run tests the same sets; the
//! simulated span of each is chosen from its parameters so that it stays a few thousand events
//! (the test is about behaviour, not speed).

mod cases;

use cases::{case, check_case, describe, CASES};
use poolsim_model::{Model, Params};

#[test]
fn every_random_parameter_set_reaches_its_end_within_the_event_bound() {
    let mut events = 0;
    for i in 0..CASES {
        let (p, change, seed) = case(i);
        match check_case(p.clone(), change.clone(), seed, 5_000_000_000) {
            Ok(n) => events += n,
            Err(e) => panic!(
                "case {i}: {e}\n  params: {}\n  changed to: {}",
                describe(&p),
                change.as_ref().map(describe).unwrap_or_default()
            ),
        }
    }
    eprintln!("{CASES} cases, {events} events");
}

#[test]
fn the_livelocks_seen_in_the_cli_reach_their_end() {
    for share in ["1", "0.1"] {
        let mut p = Params::default();
        for (k, v) in [
            ("clients", "10"),
            ("think_ms", "0"),
            ("session_state_share", share),
        ] {
            p.set(k, v).unwrap();
        }
        let mut m = Model::new(p, 1);
        // `poolsim run --duration 0.0001`: 1 s of warm-up, then 0.1 ms.
        let step = m.advance_to(1_000_100_000);
        assert_eq!(step.now, 1_000_100_000);
        assert_eq!(m.stall(), None);
        if share == "1" {
            // Ten clients failing and backing off a second at a time: a few dozen events.
            assert!(m.summary().errors_per_s > 0.0);
            assert!(step.events < 1_000, "{} events", step.events);
        }
    }
}
