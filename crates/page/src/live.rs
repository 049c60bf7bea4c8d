//! The live numbers of the explanation's prose. Each is named (`connect_tps_persistent`); the Markdown
//! content writes it as a placeholder (`{{ connect_tps_persistent }}`). At build time the prerender fills
//! each placeholder with the number the model gives at the section's default state; in the browser,
//! the section's figure (its island) writes the number it computes into the element with that
//! `data-live` name, in place, whenever its controls change.
//!
//! A section's numbers come from one pure function of its state and its runs' results (for
//! example `poolsim_explain::sections::connect::live`), used by both, so the prerendered digits and the live ones are
//! the same digits.

use crate::sim::{LiveView, SimPair};
use poolsim_model::Params;

/// Simulated seconds each small figure of the explanation runs before its numbers are read: long
/// enough for the one-second windows of the metrics to fill.
pub const RUN_NS: u64 = 3_000_000_000;

/// Seed of every small run: the figures are reproducible.
pub const SEED: u64 = 7;

/// One named live value in the prose.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    /// The placeholder's name, also the element's `data-live` and `data-metric`.
    pub name: &'static str,
    /// The value in base units (bytes, seconds, per second, a count or a ratio); `None` for a word
    /// or a sentence that depends on the state ("more", "fewer").
    pub value: Option<f64>,
    /// What the reader sees.
    pub text: String,
}

/// A number in the prose: its value in base units and its text.
pub fn num(name: &'static str, value: f64, text: impl Into<String>) -> Live {
    Live {
        name,
        value: Some(value),
        text: text.into(),
    }
}

/// A word or a sentence in the prose that depends on the state.
pub fn word(name: &'static str, text: impl Into<String>) -> Live {
    Live {
        name,
        value: None,
        text: text.into(),
    }
}

/// Runs a workload (direct and, with a pool mode, pooled) for the given simulated nanoseconds and
/// returns what the figure shows at the end. The browser steps its runs within a frame budget; the
/// prerender and the tests run them to the end at once ([`run_to_end`]). Same seed, same numbers.
pub type Runner<'a> = &'a dyn Fn(&Params, u64) -> LiveView;

/// A run of `w` stepped to `ns` simulated nanoseconds in one go, with the small figures' seed: what
/// a section's figure shows once its run has finished.
pub fn run_to_end(w: &Params, ns: u64) -> LiveView {
    run_seeded_to_end(w, SEED, ns)
}

/// A run of `w` with `seed`, stepped to `ns` simulated nanoseconds in one go: what the page shows
/// once that run has finished. The prerender's section runs ([`run_to_end`]) and the claims tests
/// (which also run the live figure's seed) step their [`SimPair`]s here.
pub fn run_seeded_to_end(w: &Params, seed: u64, ns: u64) -> LiveView {
    let mut pair = SimPair::new(w, seed);
    // A clock that never reaches the deadline: how the work is cut into frames does not change
    // the run (same seed, same events).
    let t = std::cell::Cell::new(0.0);
    let clock = || {
        t.set(t.get() + 1e-3);
        t.get()
    };
    let reached = pair.run_until(ns, f64::MAX, &clock);
    assert_eq!(reached, ns, "a run without a deadline reaches its end");
    pair.view()
}

/// A runner that runs nothing: every figure empty. Gives a section's names without simulating.
pub fn no_run(_: &Params, _: u64) -> LiveView {
    LiveView::default()
}
