//! The model's liveness property in wasm32 (headless Chromium): a few of the native test's random
//! parameter sets (`crates/model/tests/liveness/`) reach their end within the same event bound,
//! and the sets that once livelocked finish.

#[path = "../../model/tests/liveness/cases.rs"]
mod cases;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Cases run in the browser (the first of the native generator's, same parameters and seeds).
const BROWSER_CASES: u64 = 24;

#[wasm_bindgen_test]
fn random_parameter_sets_reach_their_end_within_the_event_bound_in_wasm() {
    for i in 0..BROWSER_CASES {
        let (p, change, seed) = cases::case(i);
        if let Err(e) = cases::check_case(p.clone(), change, seed, 5_000_000_000) {
            panic!("case {i}: {e}\n  params: {}", cases::describe(&p));
        }
    }
}

#[wasm_bindgen_test]
fn the_link_that_froze_the_figure_runs_in_wasm() {
    let mut p = poolsim_model::Params::default();
    for (k, v) in [
        ("clients", "10"),
        ("think_ms", "0"),
        ("session_state_share", "1"),
    ] {
        p.set(k, v).unwrap();
    }
    let mut m = poolsim_model::Model::new(p, 1);
    // Stepped in chunks, as the frame loop does, to two simulated seconds.
    while m.now() < 2_000_000_000 {
        m.advance(5_000, 2_000_000_000);
    }
    assert_eq!(m.stall(), None);
    assert!(m.summary().errors_per_s > 0.0);
}
