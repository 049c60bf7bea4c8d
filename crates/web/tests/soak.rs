//! The model's speed and memory in the browser (headless Chromium): events per second on the
//! fleet preset (compared with the native figure by `cargo xtask test`), and a fast-forwarded
//! soak of one simulated hour at the 10,000-connection preset whose wasm heap must stay flat.
//! Release builds only (`cargo xtask test` runs them with the `wasm-release` profile the page ships
//! with): speed is measured on the optimised code the page ships.
#![cfg(all(target_arch = "wasm32", not(debug_assertions)))]

use poolsim_model::{Model, PresetId};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const S: u64 = 1_000_000_000;

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

fn heap_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    buffer.byte_length() as f64
}

#[wasm_bindgen_test]
fn fleet_events_per_second_in_wasm() {
    // The same case as `poolsim run --preset fleet --warmup 1 --duration 5` natively: a new model
    // run to 6 simulated seconds, timed from construction.
    let t0 = now_ms();
    let mut m = Model::new(PresetId::Fleet.params(), 1);
    let events = m.advance_to(6 * S).events;
    let seconds = (now_ms() - t0) / 1000.0;
    let rate = events as f64 / seconds;
    // Read by `cargo xtask test`, which prints the wasm/native ratio.
    console_log!("perf: wasm fleet events/s = {rate:.0}");
    assert!(events > 1_000_000, "{events} events");
}

/// Hands the main thread back to the browser (the test runner polls the page while a test runs;
/// a renderer that never answers for 30 s is killed).
async fn yield_to_browser() {
    yew::platform::time::sleep(std::time::Duration::ZERO).await;
}

#[wasm_bindgen_test]
async fn one_simulated_hour_at_10000_direct_connections_keeps_the_heap_flat() {
    let mut m = Model::new(PresetId::FleetDirect.params(), 2);
    // Warm-up: connections, rings and histograms reach their steady size.
    m.advance_to(120 * S);
    yield_to_browser().await;
    let warm = heap_bytes();
    let t0 = now_ms();
    let mut t = 120 * S;
    while t < 3_600 * S {
        t += 60 * S;
        m.advance_to(t);
        m.check_invariants().unwrap();
        yield_to_browser().await;
    }
    let end = heap_bytes();
    console_log!(
        "soak: 1 simulated hour of fleet_direct in {:.1} s; wasm heap {:.1} MiB after warm-up, {:.1} MiB at the end",
        (now_ms() - t0) / 1000.0,
        warm / 1048576.0,
        end / 1048576.0
    );
    assert!(end <= warm * 1.05, "heap grew from {warm} to {end}");
}
