//! The liveness cases and their check, shared by the native test (`main.rs`) and the browser's
//! (`crates/web/tests/liveness.rs`). See `main.rs` for the bound and why it holds.
#![allow(dead_code)] // each suite uses a subset

use poolsim_model::rng::Rng;
use poolsim_model::{Model, ParamKind, Params, Snapshot, PARAMS};

/// The bound's events per entity per simulated µs (see the module's text).
pub const EVENTS_PER_ENTITY_PER_US: u64 = 64;

/// Native cases (the wasm test runs a few of the same generator's).
pub const CASES: u64 = 3_000;

/// Events a case aims at (its simulated span is sized from its parameters to about this).
pub const TARGET_EVENTS: f64 = 4_000.0;

/// A value for parameter `spec` as text, as a user might type it: an edge, out of range, not a
/// number, the default, or anywhere in the range (log-uniform on a log scale).
pub fn value(spec: &poolsim_model::ParamSpec, rng: &mut Rng) -> String {
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
pub fn random_params(rng: &mut Rng) -> Params {
    let mut p = Params::default();
    for spec in PARAMS {
        let v = value(spec, rng);
        // Unreadable text (NaN for an integer) is an error that leaves the value unchanged.
        let _ = p.set(spec.key, &v);
    }
    p
}

/// What can have an event pending now.
pub fn entities(s: &Snapshot, p: &Params) -> u64 {
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
pub fn span_ns(p: &Params, cap: u64) -> u64 {
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
pub fn check_case(
    p: Params,
    change: Option<Params>,
    seed: u64,
    cap_ns: u64,
) -> Result<u64, String> {
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
pub fn case(i: u64) -> (Params, Option<Params>, u64) {
    let mut rng = Rng::new(0x11fe_0e55, i);
    let p = random_params(&mut rng);
    let change = rng.chance(0.25).then(|| random_params(&mut rng));
    (p, change, rng.next_u64())
}

/// Every parameter of `p` as `key=value`.
pub fn describe(p: &Params) -> String {
    PARAMS
        .iter()
        .map(|s| format!("{}={}", s.key, p.get(s.key).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(" ")
}
