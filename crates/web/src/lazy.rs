//! The explanation is a second wasm module, loaded when the reader gets near it.
//!
//! The live figure is what a reader sees first, so it is all the first load fetches. The
//! explanation below it (its prose, its small figures, the sweep and the theory panel) is the
//! `poolsim-explain` binary of this crate, built by Trunk next to the page and mounted on
//! `<div id="explanation">` in `www/index.html`. That element names the module's loader
//! (`data-src`) and reports its progress (`data-state`):
//!
//! * `waiting` — not requested yet; the figure's app starts watching the element;
//! * `loading` — the reader scrolled within a screen of it, or the address's `#fragment` names
//!   one of its sections, so a `<script type="module">` was added for the loader;
//! * `loaded` — the explanation mounted itself ([`start_explanation`]);
//! * `failed` — the module could not be fetched; the element says so.
//!
//! The two modules talk through one DOM event: a "Load into the figure" button in the explanation
//! dispatches [`PRESET_EVENT`] on `window` with the preset's name as `detail`, and the figure's
//! app loads that preset ([`use_preset_events`]).

use crate::sections::Explanation;
use gloo::events::EventListener;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

/// Id of the element the explanation mounts on.
pub const ROOT_ID: &str = "explanation";
/// The event that asks the figure to load a preset; `detail` is its name.
pub const PRESET_EVENT: &str = "poolsim:preset";
/// How far below the screen the explanation starts loading: one more screen's height.
const LOAD_MARGIN: &str = "0px 0px 100% 0px";

/// What an IntersectionObserver calls, kept alive as long as the observer.
type EntriesCallback = Closure<dyn FnMut(js_sys::Array)>;

const STATE: &str = "data-state";
const WAITING: &str = "waiting";
const LOADING: &str = "loading";
const LOADED: &str = "loaded";
const FAILED: &str = "failed";

fn root() -> Option<Element> {
    gloo::utils::document().get_element_by_id(ROOT_ID)
}

/// The address's `#fragment`, without the `#`, if it names no element on the page yet (so it
/// names a section of the explanation).
fn pending_fragment() -> Option<String> {
    let hash = gloo::utils::window().location().hash().ok()?;
    let id = hash.strip_prefix('#').filter(|id| !id.is_empty())?;
    let id = js_sys::decode_uri_component(id).ok()?.as_string()?;
    gloo::utils::document()
        .get_element_by_id(&id)
        .is_none()
        .then_some(id)
}

/// Adds the module's loader to the page (once).
fn load(root: &Element) {
    if root.get_attribute(STATE).as_deref() != Some(WAITING) {
        return;
    }
    let Some(src) = root.get_attribute("data-src") else {
        return;
    };
    let document = gloo::utils::document();
    let Ok(script) = document.create_element("script") else {
        return;
    };
    let _ = root.set_attribute(STATE, LOADING);
    let _ = script.set_attribute("type", "module");
    let _ = script.set_attribute("src", &src);
    let failed_root = root.clone();
    EventListener::once(&script, "error", move |_| {
        let _ = failed_root.set_attribute(STATE, FAILED);
        failed_root.set_text_content(Some(
            "The explanation could not be loaded. Reload the page to try again.",
        ));
    })
    .forget();
    if let Some(head) = document.head() {
        let _ = head.append_child(&script);
    }
}

/// Shows the explanation's element while `enabled` (the full page, not an embed or presenter
/// mode) and loads the module when the reader scrolls within a screen of it, or at once when the
/// address points into it.
#[hook]
pub fn use_lazy_explanation(enabled: bool) {
    use_effect_with(enabled, |enabled| {
        let mut observer: Option<(IntersectionObserver, EntriesCallback)> = None;
        if let Some(root) = root() {
            if *enabled {
                let _ = root.remove_attribute("hidden");
                if pending_fragment().is_some() {
                    load(&root);
                } else if root.get_attribute(STATE).as_deref() == Some(WAITING) {
                    let target = root.clone();
                    let callback =
                        Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                            let near = entries.iter().any(|e| {
                                e.dyn_into::<IntersectionObserverEntry>()
                                    .is_ok_and(|e| e.is_intersecting())
                            });
                            if near {
                                load(&target);
                            }
                        });
                    let options = IntersectionObserverInit::new();
                    options.set_root_margin(LOAD_MARGIN);
                    if let Ok(o) = IntersectionObserver::new_with_options(
                        callback.as_ref().unchecked_ref(),
                        &options,
                    ) {
                        o.observe(&root);
                        observer = Some((o, callback));
                    }
                }
            } else {
                let _ = root.set_attribute("hidden", "");
            }
        }
        move || {
            if let Some((o, callback)) = observer {
                o.disconnect();
                drop(callback);
            }
        }
    });
}

/// Calls `on_preset` with the name carried by every [`PRESET_EVENT`].
#[hook]
pub fn use_preset_events(on_preset: Callback<String>) {
    use_effect_with(on_preset, |on_preset| {
        let on_preset = on_preset.clone();
        let listener = EventListener::new(&gloo::utils::window(), PRESET_EVENT, move |event| {
            if let Some(name) = event
                .dyn_ref::<web_sys::CustomEvent>()
                .and_then(|e| e.detail().as_string())
            {
                on_preset.emit(name);
            }
        });
        move || drop(listener)
    });
}

/// Dispatches [`PRESET_EVENT`] for the preset `name`.
fn request_preset(name: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&JsValue::from_str(name));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(PRESET_EVENT, &init) {
        let _ = gloo::utils::window().dispatch_event(&event);
    }
}

/// The explanation as its own app: presets go to the figure by event, and once mounted it
/// scrolls to the section the address names.
#[component]
fn ExplanationApp() -> Html {
    let on_preset = use_callback((), |name: String, _| request_preset(&name));
    use_effect_with((), |_| {
        if let Some(root) = root() {
            let _ = root.set_attribute(STATE, LOADED);
        }
        let hash = gloo::utils::window().location().hash().unwrap_or_default();
        let target = hash
            .strip_prefix('#')
            .and_then(|id| js_sys::decode_uri_component(id).ok()?.as_string())
            .and_then(|id| gloo::utils::document().get_element_by_id(&id));
        if let Some(target) = target {
            target.scroll_into_view();
        }
    });
    html! { <Explanation on_preset={Some(on_preset)} /> }
}

/// Entry point of the `poolsim-explain` module: replaces the placeholder in
/// `<div id="explanation">` with the explanation.
pub fn start_explanation() {
    let Some(root) = root() else {
        return;
    };
    root.set_text_content(None);
    yew::Renderer::<ExplanationApp>::with_root(root).render();
}
