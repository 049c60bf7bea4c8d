//! Component tests in a real browser (headless Chromium via wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use poolsim_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{fire, fire_input, metric, sleep};

fn mount() -> Element {
    common::mount::<App>()
}

/// Lets Yew run its scheduled renders and effects.
async fn settle() {
    sleep(50).await;
}

fn select(root: &Element, id: &str, value: &str) {
    let el: HtmlSelectElement = root
        .query_selector(&format!("select#{id}"))
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    el.set_value(value);
    fire(&el, "change");
}

#[wasm_bindgen_test]
async fn app_mounts_with_labelled_controls_and_live_readouts() {
    let root = mount();
    settle().await;
    assert!(root.query_selector("h1").unwrap().is_some());
    let labelled = [
        ("clients", "Clients"),
        ("pool-size", "Pool size"),
        ("cores", "Cores"),
        ("think-ms", "Think time"),
        ("stmt-cpu", "Statement CPU time"),
        ("stmts", "Statements per transaction"),
        ("session-state", "Session-state clients"),
        ("pool-mode", "Pool mode"),
        ("pg-version", "Postgres version"),
        ("arch", "Architecture"),
        ("speed", "Speed"),
        ("seed", "Seed"),
    ];
    for (id, name) in labelled {
        assert!(
            root.query_selector(&format!("#{id}")).unwrap().is_some(),
            "control {id}"
        );
        let label = root
            .query_selector(&format!("label[for='{id}']"))
            .unwrap()
            .unwrap_or_else(|| panic!("label for {id}"));
        assert!(
            label.text_content().unwrap().starts_with(name),
            "label of {id}"
        );
    }
    for (id, name) in [
        ("pooler", "Pooler"),
        ("connect-per-txn", "Connect per request"),
    ] {
        let label = root
            .query_selector(&format!("label:has(#{id})"))
            .unwrap()
            .unwrap_or_else(|| panic!("checkbox {id}"));
        assert!(label.text_content().unwrap().trim().starts_with(name));
    }
    assert!(metric(&root, "memory_private_direct") > 0.0);
    assert!(metric(&root, "memory_rss_direct") > metric(&root, "memory_private_direct"));
    assert!(metric(&root, "memory_private_pooled") < metric(&root, "memory_private_direct"));
    for name in [
        "throughput_direct",
        "latency_p99_pooled",
        "context_switches_direct",
        "cpu_work_pooled",
    ] {
        assert!(metric(&root, name).is_finite(), "{name}");
    }
    // Two architecture canvases, three live charts, the memory chart.
    let canvases = root
        .query_selector_all(".live-figure canvas, .memory-figure canvas")
        .unwrap();
    assert_eq!(canvases.length(), 6);
    assert!(root
        .query_selector("[aria-live='polite']")
        .unwrap()
        .is_some());
    assert!(root.text_content().unwrap().contains("cl_waiting"));
}

#[wasm_bindgen_test]
async fn an_input_event_on_the_clients_slider_changes_the_memory_readout() {
    let root = mount();
    settle().await;
    let before = metric(&root, "memory_steady_direct");
    let slider: HtmlInputElement = root
        .query_selector("input#clients")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let position: u32 = slider.value().parse().unwrap();
    fire_input(&slider, &(position + 20).to_string());
    settle().await;
    let after = metric(&root, "memory_steady_direct");
    assert!(after > before, "memory went from {before} to {after}");

    fire_input(&slider, "0");
    settle().await;
    let one_client = metric(&root, "memory_steady_direct");
    assert!(one_client < before);
    assert!(one_client > 0.0);
}

#[wasm_bindgen_test]
async fn pool_size_bounds_pooled_memory_but_not_direct_memory() {
    let root = mount();
    settle().await;
    let direct = metric(&root, "memory_steady_direct");
    let pooled = metric(&root, "memory_steady_pooled");
    let pool: HtmlInputElement = root
        .query_selector("input#pool-size")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    fire_input(&pool, &pool.max());
    settle().await;
    assert!(metric(&root, "memory_steady_pooled") > pooled);
    assert_eq!(metric(&root, "memory_steady_direct"), direct);
    assert!(metric(&root, "memory_steady_pooled") <= direct * 1.01);
}

/// The `pool_mode` column of the live `SHOW POOLS`.
fn show_pools_mode(root: &Element) -> String {
    root.query_selector(".console tbody td:last-child")
        .unwrap()
        .expect("SHOW POOLS row")
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn switching_the_pool_mode_updates_the_pooled_side() {
    let root = mount();
    settle().await;
    select(&root, "pool-mode", "session");
    settle().await;
    assert_eq!(show_pools_mode(&root), "session");
    let session_errors = metric(&root, "errors_pooled");
    select(&root, "pool-mode", "statement");
    settle().await;
    assert_eq!(show_pools_mode(&root), "statement");
    // Session state breaks in statement mode, never in session mode.
    assert!(metric(&root, "errors_pooled") >= session_errors);
}

#[wasm_bindgen_test]
async fn turning_the_pooler_off_leaves_only_the_direct_side() {
    let root = mount();
    settle().await;
    let toggle: HtmlInputElement = root
        .query_selector("input#pooler")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    toggle.set_checked(false);
    fire(&toggle, "change");
    settle().await;
    assert!(root
        .query_selector("[data-metric='memory_private_pooled']")
        .unwrap()
        .is_none());
    assert!(metric(&root, "memory_private_direct") > 0.0);
}

/// The model's golden case must give the digest the native test pins (`GOLDEN_DIGEST`): the same
/// parameters and seed give bit-identical results in wasm32.
#[wasm_bindgen_test]
fn the_golden_case_gives_the_native_digest_in_the_browser() {
    let (params, seed, until) = poolsim_model::golden_case();
    let mut model = poolsim_model::Model::new(params, seed);
    // Stepped in chunks, as the frame loop does.
    while model.now() < until {
        model.advance(5_000, until);
    }
    let digest = model.summary().digest();
    assert_eq!(
        digest,
        poolsim_model::GOLDEN_DIGEST,
        "wasm digest {digest:#018x}"
    );
}
