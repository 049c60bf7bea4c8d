//! The embed bridge (`?embed=1`): protocol v1 between the figure in an iframe and its host page,
//! documented in `docs/EMBEDDING.md`. Every message is a plain object `{poolsim: 1, type, …}`.
//!
//! * to the host: `ready`, `height` (content height in CSS px, whenever it changes) and, with
//!   `metrics=1`, `metrics` (at most twice a second while the model runs);
//! * from the host (the parent window only): `set` with `params` (registry keys or `seed`) and an
//!   optional `playing`. A `set` is validated as a whole; anything else is ignored.

use js_sys::{Array, Object, Reflect};
use poolsim_model::params::spec;
use poolsim_model::Params;
use poolsim_page::sim::{LiveView, SideView};
use poolsim_page::state::Action;
use poolsim_page::url_state::Embed;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Protocol version (the `poolsim` field of every message).
pub const PROTOCOL: f64 = 1.0;
/// Most entries a `set` message may carry.
pub const MAX_SET_ENTRIES: u32 = 64;
/// Longest string value a `set` message may carry.
pub const MAX_SET_TEXT: usize = 32;
/// Least wall time between two metrics messages, ms.
pub const METRICS_EVERY_MS: f64 = 500.0;

/// A validated `set` message.
#[derive(Debug, Clone, PartialEq)]
pub struct SetMessage {
    pub params: Vec<(&'static str, String)>,
    pub seed: Option<u64>,
    pub playing: Option<bool>,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v) && !v.is_function()
}

/// Validates a message from the host: `Some` only for a well-formed `set` whose every entry is a
/// known key with a readable value (numbers are clamped later, like URL values).
pub fn parse_set(data: &JsValue) -> Option<SetMessage> {
    if !is_plain_object(data) {
        return None;
    }
    if get(data, "poolsim").as_f64() != Some(PROTOCOL) || get(data, "type").as_string()? != "set" {
        return None;
    }
    let keys = Object::keys(data.unchecked_ref::<Object>());
    for k in keys.iter() {
        let k = k.as_string()?;
        if !matches!(k.as_str(), "poolsim" | "type" | "params" | "playing") {
            return None;
        }
    }
    let playing = match get(data, "playing") {
        v if v.is_undefined() => None,
        v => Some(v.as_bool()?),
    };
    let params_obj = get(data, "params");
    let mut msg = SetMessage {
        params: Vec::new(),
        seed: None,
        playing,
    };
    if params_obj.is_undefined() {
        return playing.is_some().then_some(msg);
    }
    if !is_plain_object(&params_obj) {
        return None;
    }
    let entries = Object::entries(params_obj.unchecked_ref::<Object>());
    if entries.length() > MAX_SET_ENTRIES {
        return None;
    }
    let mut check = Params::default();
    for entry in entries.iter() {
        let entry: Array = entry.dyn_into().ok()?;
        let key = entry.get(0).as_string()?;
        let value = entry.get(1);
        let text = if let Some(n) = value.as_f64() {
            if !n.is_finite() {
                return None;
            }
            n.to_string()
        } else {
            let s = value.as_string()?;
            if s.chars().count() > MAX_SET_TEXT {
                return None;
            }
            s
        };
        if key == "seed" {
            msg.seed = Some(text.trim().parse::<u64>().ok()?);
            continue;
        }
        let key = spec(&key)?.key;
        check.set(key, &text).ok()?;
        msg.params.push((key, text));
    }
    Some(msg)
}

/// The actions a validated `set` asks for.
pub fn actions(msg: SetMessage) -> Vec<Action> {
    let mut out: Vec<Action> = msg
        .params
        .into_iter()
        .map(|(k, v)| Action::Set(k, v))
        .collect();
    if let Some(seed) = msg.seed {
        out.push(Action::Seed(seed));
    }
    if let Some(p) = msg.playing {
        out.push(Action::Play(p));
    }
    out
}

fn message(kind: &str, id: &str) -> Object {
    let m = Object::new();
    let _ = Reflect::set(&m, &"poolsim".into(), &PROTOCOL.into());
    let _ = Reflect::set(&m, &"type".into(), &kind.into());
    let _ = Reflect::set(&m, &"id".into(), &id.into());
    m
}

fn post(m: &Object) {
    let window = gloo::utils::window();
    if let Ok(Some(parent)) = window.parent() {
        // Not to ourselves when the page is opened on its own.
        if !js_sys::Object::is(&parent, &window) {
            let _ = parent.post_message(m, "*");
        }
    }
}

fn side_metrics(s: &SideView) -> Object {
    let o = Object::new();
    for (k, v) in [
        ("throughput_tps", s.throughput_tps),
        ("p99_s", s.latency.p99),
        ("memory_bytes", s.memory_private),
        ("context_switches_per_s", s.context_switches_per_s),
        ("errors_per_s", s.errors_per_s()),
    ] {
        let _ = Reflect::set(&o, &k.into(), &v.into());
    }
    o
}

/// The content height of the embedded page, CSS px.
fn content_height() -> f64 {
    let document = gloo::utils::document();
    let body = document.body().map_or(0, |b| b.scroll_height());
    let root = document.document_element().map_or(0, |e| e.scroll_height());
    // The root's scroll height is at least the viewport; the body's is the content.
    f64::from(if body > 0 { body } else { root })
}

/// Runs the bridge for an embedded page: listens for `set`, reports height (and metrics).
#[hook]
pub fn use_embed_bridge(
    embed: Option<Rc<Embed>>,
    dispatcher: UseReducerDispatcher<poolsim_page::state::PageState>,
    view: Rc<LiveView>,
    playing: bool,
) {
    // `set` messages and the height reports live as long as the page.
    use_effect_with(embed.clone(), move |embed| {
        let mut listeners: Option<(gloo::events::EventListener, ResizeGuard)> = None;
        if let Some(e) = embed.clone() {
            let window = gloo::utils::window();
            let from_parent = window.parent().ok().flatten();
            let listener = gloo::events::EventListener::new(&window, "message", move |ev| {
                let Some(ev) = ev.dyn_ref::<web_sys::MessageEvent>() else {
                    return;
                };
                let from_ok = match (ev.source(), &from_parent) {
                    (Some(src), Some(parent)) => js_sys::Object::is(&src, parent),
                    _ => false,
                };
                if !from_ok {
                    return;
                }
                if let Some(msg) = parse_set(&ev.data()) {
                    for a in actions(msg) {
                        dispatcher.dispatch(a);
                    }
                }
            });
            post(&message("ready", &e.id));
            let guard = ResizeGuard::observe(e.id.clone());
            listeners = Some((listener, guard));
        }
        move || drop(listeners)
    });
    // Metrics, throttled.
    let last = use_mut_ref(|| f64::NEG_INFINITY);
    if let Some(e) = embed.as_ref().filter(|e| e.metrics && playing) {
        let now = gloo::utils::window().performance().map_or(0.0, |p| p.now());
        if now - *last.borrow() >= METRICS_EVERY_MS && view.now_s > 0.0 {
            *last.borrow_mut() = now;
            let m = message("metrics", &e.id);
            let _ = Reflect::set(&m, &"t_s".into(), &view.now_s.into());
            let _ = Reflect::set(&m, &"direct".into(), &side_metrics(&view.direct).into());
            let pooled: JsValue = view
                .pooled
                .as_ref()
                .map_or(JsValue::NULL, |p| side_metrics(p).into());
            let _ = Reflect::set(&m, &"pooled".into(), &pooled);
            post(&m);
        }
    }
}

/// A ResizeObserver on the body that posts `height` whenever the content height changes.
struct ResizeGuard {
    observer: Option<web_sys::ResizeObserver>,
    _callback: Closure<dyn FnMut(Array)>,
}

impl ResizeGuard {
    fn observe(id: String) -> ResizeGuard {
        let mut last = -1.0;
        let callback = Closure::<dyn FnMut(Array)>::new(move |_entries: Array| {
            let h = content_height().ceil();
            if h != last {
                last = h;
                let m = message("height", &id);
                let _ = Reflect::set(&m, &"height".into(), &h.into());
                post(&m);
            }
        });
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
        if let (Some(o), Some(body)) = (&observer, gloo::utils::document().body()) {
            o.observe(&body);
        }
        ResizeGuard {
            observer,
            _callback: callback,
        }
    }
}

impl Drop for ResizeGuard {
    fn drop(&mut self) {
        if let Some(o) = &self.observer {
            o.disconnect();
        }
    }
}
