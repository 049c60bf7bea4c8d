//! Helpers shared by the browser test suites: mounting a component, waiting for Yew, reading a
//! live number, firing DOM events.
#![allow(dead_code)] // each suite uses a subset

use std::time::Duration;
use web_sys::{Element, Event, EventInit, EventTarget, HtmlInputElement};
use yew::BaseComponent;

/// Mounts component `C` with default properties in a fresh container; returns the container.
pub fn mount<C>() -> Element
where
    C: BaseComponent,
    C::Properties: Default,
{
    // The page reads its state from the address, and apps mounted by earlier tests write theirs
    // there: each mount starts from a clean address.
    let window = gloo::utils::window();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
        .unwrap();
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<C>::with_root(root.clone()).render();
    root
}

/// Lets Yew run its scheduled renders and effects (and the frame loop) for `ms` milliseconds.
pub async fn sleep(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

/// `data-value` of the element with `data-metric=name`, as a number.
pub fn metric(root: &Element, name: &str) -> f64 {
    let el = root
        .query_selector(&format!("[data-metric='{name}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no live number {name}"));
    el.get_attribute("data-value").unwrap().parse().unwrap()
}

/// Dispatches a bubbling event of `kind` ("input", "change") on `target`.
pub fn fire(target: &EventTarget, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    target
        .dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

/// Sets an input's value and fires `input`, as a drag or a key press does.
pub fn fire_input(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    fire(input, "input");
}
