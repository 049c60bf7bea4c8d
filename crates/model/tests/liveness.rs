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
//! The cases come from the model's own seeded generator, so every run tests the same sets; the
//! simulated span of each is chosen from its parameters so that it stays a few thousand events
//! (the test is about behaviour, not speed).

use poolsim_model::rng::Rng;
use poolsim_model::{Model, ParamKind, Params, Snapshot, PARAMS};

/// The bound's events per entity per simulated µs (see the module's text).
const EVENTS_PER_ENTITY_PER_US: u64 = 64;

/// Native cases (the wasm test runs a few of the same generator's).
const CASES: u64 = 3_000;

/// Events a case aims at (its simulated span is sized from its parameters to about this).
const TARGET_EVENTS: f64 = 4_000.0;

/// A value for parameter `spec` as text, as a user might type it: an edge, out of range, not a
/// number, the default, or anywhere in the range (log-uniform on a log scale).
fn value(spec: &poolsim_model::ParamSpec, rng: &mut Rng) -> String {
    if let ParamKind::Enum(choices) = spec.kind {
        return choices[rng.below(choices.len() as u64) as usize].to_string();
    }
    let (lo, hi) = (spec.min, spec.max);
    let x = match rng.below(10) {
        0 => lo,
        1 => hi,
        2 => spec.default,
        3 => lo - 1.0 - rng.uniform() * 1e3,
        4 => hi * 10.0 + 1.0,
        5 => f64::NAN,
        _ if spec.log_scale => {
            let floor = if lo > 0.0 { lo } else { hi * 1e-6 };
            let u = rng.uniform();
            let v = libm::exp(libm::log(floor) + u * (libm::log(hi) - libm::log(floor)));
            if lo == 0.0 && rng.chance(0.2) {
                0.0
            } else {
                v
            }
        }
        _ => lo + rng.uniform() * (hi - lo),
    };
    if x.is_nan() {
        "NaN".to_string()
    } else {
        format!("{x}")
    }
}

/// A random parameter set (every value through `Params::set`, so clamped as the CLI clamps).
fn random_params(rng: &mut Rng) -> Params {
    let mut p = Params::default();
    for spec in PARAMS {
        let v = value(spec, rng);
        // Unreadable text (NaN for an integer) is an error that leaves the value unchanged.
        let _ = p.set(spec.key, &v);
    }
    p
}

/// What can have an event pending now.
fn entities(s: &Snapshot, p: &Params) -> u64 {
    let c = &s.clients;
    let clients = c.thinking
        + c.connecting
        + c.waiting_for_server
        + c.in_statement
        + c.in_round_trip
        + c.backoff;
    u64::from(clients)
        + u64::from(s.backends.total)
        + s.cores.len() as u64
        + u64::from(p.cores)
        + u64::from(p.pooler_processes)
        + 1
}

/// Simulated ns to run `p` for: about [`TARGET_EVENTS`] events at the rate its parameters
/// suggest (one event per µs of a client's cycle, as the bound's reasoning counts), at most `cap`.
fn span_ns(p: &Params, cap: u64) -> u64 {
    let stmt_ns = p.stmt_cpu_ms * 1e6;
    let cycle_ns = p.think_ms * 1e6 + f64::from(p.stmts_per_txn) * (stmt_ns + p.rtt_ms * 1e6);
    let per_cycle = 6.0 * f64::from(p.stmts_per_txn) + 4.0;
    let closed = f64::from(p.clients + p.idle_connections) * per_cycle / cycle_ns.max(1.0);
    let open = p.arrival_rate / 1e9 * per_cycle;
    let cores = f64::from(p.cores) / stmt_ns.max(1.0);
    let rate = closed + open + cores;
    ((TARGET_EVENTS / rate.max(1e-12)) as u64).clamp(1_000, cap)
}

/// Runs one case: `p` (and `change` halfway, if any) to its end in a few stretches, checking the
/// bound on each. Returns a description of the first violation.
fn check_case(p: Params, change: Option<Params>, seed: u64, cap_ns: u64) -> Result<u64, String> {
    let end = span_ns(&p, cap_ns);
    let mut m = Model::new(p.clone(), seed);
    let stretches = 8;
    let mut total = 0;
    let mut before = entities(&m.snapshot(), m.params());
    for i in 1..=stretches {
        if i == stretches / 2 {
            if let Some(change) = &change {
                m.set_params(change.clone());
                before = before.max(entities(&m.snapshot(), m.params()));
            }
        }
        let from = m.now();
        let to = end * i / stretches;
        let step = m.advance_to(to);
        if step.now != to {
            return Err(format!("stopped at {} ns, asked for {to} ns", step.now));
        }
        if let Some(stall) = m.stall() {
            return Err(stall.to_string());
        }
        let after = entities(&m.snapshot(), m.params());
        let us = (to - from) / 1_000 + 1;
        let bound = EVENTS_PER_ENTITY_PER_US * before.max(after) * us;
        if step.events > bound {
            return Err(format!(
                "{} events in {} ns ({} entities): over the bound {bound}",
                step.events,
                to - from,
                before.max(after)
            ));
        }
        total += step.events;
        before = after;
    }
    Ok(total)
}

/// Case `i` of the generator: parameters, an optional change, a seed.
fn case(i: u64) -> (Params, Option<Params>, u64) {
    let mut rng = Rng::new(0x11fe_0e55, i);
    let p = random_params(&mut rng);
    let change = rng.chance(0.25).then(|| random_params(&mut rng));
    (p, change, rng.next_u64())
}

fn describe(p: &Params) -> String {
    PARAMS
        .iter()
        .map(|s| format!("{}={}", s.key, p.get(s.key).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(" ")
}

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
