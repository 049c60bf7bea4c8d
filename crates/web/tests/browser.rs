//! Component tests in a real browser (headless Chromium via wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use poolsim_web::App;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app in a fresh container and returns the container.
fn mount() -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

/// Lets Yew run its scheduled renders and effects.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(50)).await;
}

fn metric(root: &Element, name: &str) -> f64 {
    let el = root
        .query_selector(&format!("[data-metric='{name}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no readout {name}"));
    el.get_attribute("data-value").unwrap().parse().unwrap()
}

fn fire_input(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn app_mounts_with_labelled_controls_and_live_readouts() {
    let root = mount();
    settle().await;
    assert!(root.query_selector("h1").unwrap().is_some());
    for id in ["clients", "pool-size"] {
        let input = root.query_selector(&format!("input#{id}")).unwrap();
        assert!(input.is_some(), "range input {id}");
        let label = root.query_selector(&format!("label[for='{id}']")).unwrap();
        assert!(label.is_some(), "label for {id}");
    }
    assert!(metric(&root, "memory_private_direct") > 0.0);
    assert!(metric(&root, "memory_rss_direct") > metric(&root, "memory_private_direct"));
    assert!(root.query_selector("canvas").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn an_input_event_on_the_clients_slider_changes_the_memory_readout() {
    let root = mount();
    settle().await;
    let before = metric(&root, "memory_private_direct");
    let slider: HtmlInputElement = root
        .query_selector("input#clients")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let position: u32 = slider.value().parse().unwrap();
    fire_input(&slider, &(position + 20).to_string());
    settle().await;
    let after = metric(&root, "memory_private_direct");
    assert!(after > before, "memory went from {before} to {after}");

    fire_input(&slider, "0");
    settle().await;
    let one_client = metric(&root, "memory_private_direct");
    assert!(one_client < before);
    assert!(one_client > 0.0);
}

#[wasm_bindgen_test]
async fn pool_size_bounds_pooled_memory_but_not_direct_memory() {
    let root = mount();
    settle().await;
    let direct = metric(&root, "memory_private_direct");
    let pooled = metric(&root, "memory_private_pooled");
    let pool: HtmlInputElement = root
        .query_selector("input#pool-size")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    fire_input(&pool, "400");
    settle().await;
    assert_eq!(metric(&root, "memory_private_direct"), direct);
    assert!(metric(&root, "memory_private_pooled") > pooled);
}
