//! The event queue stays bounded by the entities, not by simulated time: each client, server
//! connection, core and PgBouncer process holds at most a few pending events (its timer, its
//! core's end of slice, a stale event or two not yet due), so a long run's queue is as long as a
//! short run's. A leak (a timer re-armed with nothing to do, an event per idle entity per tick)
//! grows it without bound and fails here.
use poolsim_model::{preset, Model, NS_PER_S};

/// Entities that may hold pending events now.
fn entities(m: &Model) -> usize {
    let s = m.snapshot();
    s.clients.total as usize
        + s.backends.total as usize
        + s.cores.len()
        + s.pooler.processes as usize
}

/// Runs `name` for `seconds` simulated seconds in half-second steps; returns the largest queue
/// over the first half of the run, over the second half, and the largest ratio of the queue to
/// the entities at the same instant.
fn run(name: &str, seconds: u64) -> (usize, usize, f64) {
    let p = preset(name).unwrap().params;
    let mut m = Model::new(p, 7);
    let (mut first, mut second, mut ratio) = (0usize, 0usize, 0f64);
    let steps = seconds * 2;
    for i in 1..=steps {
        m.advance_to(i * NS_PER_S / 2);
        let pending = m.pending_events();
        if i <= steps / 2 {
            first = first.max(pending);
        } else {
            second = second.max(pending);
        }
        ratio = ratio.max(pending as f64 / entities(&m).max(1) as f64);
    }
    m.check_invariants().unwrap();
    (first, second, ratio)
}

#[test]
fn pending_events_stay_bounded_by_entities_over_a_long_run() {
    for (name, seconds) in [
        ("default", 60),
        ("serverless_storm", 60),
        ("long_transactions", 60),
        ("idle_heavy_pg13", 30),
        ("oversubscribed", 30),
        ("thread_per_connection", 30),
        ("mmc", 60),
        ("fleet", 10),
    ] {
        let (first, second, ratio) = run(name, seconds);
        eprintln!("{name}: first half {first}, second half {second}, ratio {ratio:.3}");
        // At most two pending events per entity (measured: at most one).
        assert!(ratio <= 2.0, "{name}: {ratio:.2} pending events per entity");
        // No growth with simulated time.
        assert!(
            second <= first + first / 4 + 16,
            "{name}: the queue grew from {first} to {second} events"
        );
    }
}
