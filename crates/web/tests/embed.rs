//! The embed protocol's `set` validation, on real JavaScript values (headless Chromium).
#![cfg(target_arch = "wasm32")]

use poolsim_web::embed::{parse_set, SetMessage};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(source: &str) -> JsValue {
    js_sys::eval(&format!("({source})")).expect("valid JavaScript")
}

#[wasm_bindgen_test]
fn a_documented_set_message_is_accepted() {
    let m = parse_set(&js(
        "{poolsim: 1, type: 'set', params: {clients: 5000, pool_mode: 'session', seed: 7}, playing: false}",
    ));
    assert_eq!(
        m,
        Some(SetMessage {
            params: vec![("clients", "5000".into()), ("pool_mode", "session".into())],
            seed: Some(7),
            playing: Some(false),
        })
    );
    // Out-of-range numbers are accepted here and clamped when applied, like URL values.
    assert!(parse_set(&js("{poolsim: 1, type: 'set', params: {clients: 1e9}}")).is_some());
    assert!(parse_set(&js("{poolsim: 1, type: 'set', playing: true}")).is_some());
}

#[wasm_bindgen_test]
fn anything_else_is_ignored() {
    let many: String = (0..100).map(|i| format!("k{i}: 1,")).collect();
    let bad = [
        "'set'".to_string(),
        "null".into(),
        "undefined".into(),
        "42".into(),
        "[1, 2]".into(),
        "{type: 'set', params: {clients: 7}}".into(),
        "{poolsim: 2, type: 'set', params: {clients: 7}}".into(),
        "{poolsim: '1', type: 'set', params: {clients: 7}}".into(),
        "{poolsim: 1, type: 'evil', params: {clients: 7}}".into(),
        "{poolsim: 1, type: 'set', params: {clients: 'lots'}}".into(),
        "{poolsim: 1, type: 'set', params: {unknown_key: 1}}".into(),
        "{poolsim: 1, type: 'set', params: {clients: Infinity}}".into(),
        "{poolsim: 1, type: 'set', params: {clients: NaN}}".into(),
        "{poolsim: 1, type: 'set', params: {clients: null}}".into(),
        "{poolsim: 1, type: 'set', params: {clients: [7]}}".into(),
        "{poolsim: 1, type: 'set', params: {clients: 'x'.repeat(100)}}".into(),
        "{poolsim: 1, type: 'set', params: [1]}".into(),
        "{poolsim: 1, type: 'set', params: {clients: 7}, playing: 'yes'}".into(),
        "{poolsim: 1, type: 'set', params: {clients: 7}, extra: 1}".into(),
        "{poolsim: 1, type: 'set', params: {seed: -1}}".into(),
        "{poolsim: 1, type: 'set'}".into(),
        format!("{{poolsim: 1, type: 'set', params: {{{many}}}}}"),
    ];
    for source in &bad {
        assert_eq!(parse_set(&js(source)), None, "{source}");
    }
}
