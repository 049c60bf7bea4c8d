//! The model stays fast by doing work per event, not per unit of time: every configuration of the
//! slow-configuration list simulates a bounded number of events per unit of work. Event counts are
//! deterministic (same parameters and seed ⇒ same count), so these bounds hold on any machine and
//! fail if someone brings back per-event busy work: a polling loop, a timer per idle core or per
//! idle client, a re-armed timer that fires with nothing to do. Speed itself (wall time per
//! event) is measured by `cargo xtask bench`, not here.
mod common;

use poolsim_model::{Model, Params, PresetId};

/// The slow-configuration list (the same `--set` pairs as `benches/sim.rs`).
const SLOW_LIST: &[(&str, &[(&str, &str)])] = &[
    (
        "direct, 256 cores, 20,000 clients, no think time",
        &[
            ("cores", "256"),
            ("clients", "20000"),
            ("think_ms", "0"),
            ("pool_mode", "none"),
        ],
    ),
    (
        "thread pool, 256 cores, 1 µs statements",
        &[
            ("arch", "thread_pool"),
            ("cores", "256"),
            ("stmt_cpu_ms", "0.001"),
        ],
    ),
    (
        "thread pool, 256 cores, 1 µs statements, no think time",
        &[
            ("arch", "thread_pool"),
            ("cores", "256"),
            ("stmt_cpu_ms", "0.001"),
            ("think_ms", "0"),
        ],
    ),
    (
        "thread pool, 256 cores, 20,000 clients, 1 µs statements, no think time",
        &[
            ("arch", "thread_pool"),
            ("cores", "256"),
            ("stmt_cpu_ms", "0.001"),
            ("clients", "20000"),
            ("think_ms", "0"),
        ],
    ),
    (
        "ideal, open workload, 10⁶ arrivals/s, pool of 1,000",
        &[
            ("overheads", "off"),
            ("workload", "open"),
            ("arrival_rate", "1e6"),
            ("pool_size", "1000"),
        ],
    ),
];

/// Events simulated per unit of work over `[warm, warm + dur]` s: the unit is one statement
/// (the model's per-statement chain: request leg, pooler, core, pooler, reply leg) plus one per
/// transaction attempt that ends without running (an error: refused, dropped, timed out).
fn events_per_unit(p: Params, warm: f64, dur: f64) -> (f64, u64) {
    let mut m = Model::new(p, 1);
    let w = (warm * 1e9) as u64;
    m.advance_to(w);
    m.reset_stats();
    let a = m.advance_to(w + (dur * 1e9) as u64);
    m.check_invariants().unwrap();
    let s = m.summary();
    let statements = s.statements_per_s * s.elapsed_s;
    let failed = s.errors_per_s * s.elapsed_s;
    let units = statements + failed;
    assert!(units > 1_000.0, "too little work to judge: {units}");
    (a.events as f64 / units, a.events)
}

/// The fleet preset's events per statement: the reference the slow list is held to.
fn fleet() -> f64 {
    events_per_unit(PresetId::Fleet.params(), 1.0, 1.0).0
}

#[test]
fn the_fleet_preset_spends_a_handful_of_events_per_statement() {
    // A pooled statement is a chain of about six events (request arrives at the pooler, the
    // pooler's job ends on its core, the backend's job ends on its core, the pooler forwards the
    // result, the result reaches the client, plus a slice end now and then), and each transaction
    // of three statements adds a think-time wake-up. Measured: 5.3. Above 8, something
    // schedules events that do no work.
    let f = fleet();
    assert!(f > 4.0 && f < 8.0, "fleet: {f:.2} events per statement");
}

#[test]
fn no_slow_configuration_spends_more_than_three_times_the_fleets_events_per_unit_of_work() {
    // The budget for wall time per event is 3× the fleet's; the same factor on events per unit of
    // work keeps each configuration's events tied to what it simulates. Each of these runs the
    // same per-statement chain as the fleet or a shorter one (no pooler hops, or no overheads and
    // so no core events; a dropped arrival is one event), so a healthy model sits at or below the
    // fleet (measured: 0.3–1.0×, see MODEL.md "Speed"); 3× leaves room for honest modelling
    // changes and still catches any per-tick or per-idle-entity busy work, which multiplies event
    // counts by far more.
    let f = fleet();
    for (name, sets) in SLOW_LIST {
        let mut p = Params::default();
        for (k, v) in *sets {
            p.set(k, v).unwrap();
        }
        let (per_unit, events) = events_per_unit(p, 0.2, 0.3);
        assert!(
            per_unit <= 3.0 * f,
            "{name}: {per_unit:.2} events per unit of work, fleet {f:.2} ({events} events)"
        );
    }
}
