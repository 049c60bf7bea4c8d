//! The explanation is a second wasm module, loaded when the reader gets near it.
//!
//! The live figure is what a reader sees first, so it is all the first load fetches. The
//! explanation below it is prerendered HTML (`prerender`): its prose reads before any script runs.
//! Its small figures, the sweep and the theory panel are the `poolsim-explain` binary of this
//! crate, built by Trunk next to the page, which mounts them on their `<div data-island>` inside
//! `<div id="explanation">` in `www/index.html`. That element names the module's loader
//! (`data-src`) and reports its progress (`data-state`):
//!
//! * `waiting` — not requested yet; the figure's app starts watching the element;
//! * `loading` — the reader scrolled within a screen of it, or the address's `#fragment` names
//!   one of its sections, so a `<script type="module">` was added for the loader;
//! * `loaded` — the explanation's figures mounted themselves (`poolsim_explain::start_explanation`);
//! * `failed` — the module could not be fetched; the prose stays, and a note says the figures
//!   could not be loaded.
//!
//! The module also holds the share bar's two big dialogs (embed snippets, the reproduce kit): the
//! share bar calls [`open_dialog`], which leaves the request on the element (`data-dialog`,
//! `data-dialog-query`: the page's state as a `v=1` query) and either loads the module, which
//! reads it when it starts, or tells the running module with [`DIALOG_EVENT`].
//!
//! The modules talk only through the DOM: a "Load into the figure" button in the explanation
//! dispatches [`PRESET_EVENT`] on `window` with the preset's name as `detail`, and the figure's
//! app loads that preset ([`use_preset_events`]). The module's side is `poolsim_explain::explain_app`.

use crate::hooks::Intersection;
use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// Id of the element the explanation mounts on.
pub const ROOT_ID: &str = "explanation";
/// The event that asks the figure to load a preset; `detail` is its name.
pub const PRESET_EVENT: &str = "poolsim:preset";
/// The event that tells a running module a dialog was asked for.
pub const DIALOG_EVENT: &str = "poolsim:dialog";
/// Attributes of the explanation's element carrying a dialog request.
pub const DIALOG_ATTR: &str = "data-dialog";
pub const DIALOG_QUERY_ATTR: &str = "data-dialog-query";
/// How far below the screen the explanation starts loading: one more screen's height.
const LOAD_MARGIN: &str = "0px 0px 100% 0px";

pub const STATE: &str = "data-state";
const WAITING: &str = "waiting";
const LOADING: &str = "loading";
pub const LOADED: &str = "loaded";
const FAILED: &str = "failed";

pub fn root() -> Option<Element> {
    gloo::utils::document().get_element_by_id(ROOT_ID)
}

/// The address's `#fragment`, without the `#` and decoded, if there is one.
pub fn fragment_id() -> Option<String> {
    let hash = gloo::utils::window().location().hash().ok()?;
    let id = hash.strip_prefix('#').filter(|id| !id.is_empty())?;
    js_sys::decode_uri_component(id).ok()?.as_string()
}

/// Whether the address's fragment points into the explanation (one of its prerendered sections,
/// or an element only its module draws): then the module is wanted at once.
fn fragment_in_explanation(root: &Element) -> bool {
    fragment_id().is_some_and(|id| match gloo::utils::document().get_element_by_id(&id) {
        Some(target) => root.contains(Some(&target)),
        None => true,
    })
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
        let document = gloo::utils::document();
        if let Ok(note) = document.create_element("p") {
            note.set_class_name("explain-failed");
            note.set_text_content(Some(
                "The explanation's figures could not be loaded. Reload the page to try again.",
            ));
            let _ = failed_root.prepend_with_node_1(&note);
        }
    })
    .forget();
    if let Some(head) = document.head() {
        let _ = head.append_child(&script);
    }
}

/// Asks the module for dialog `kind` (`"embed"` or `"reproduce"`) on the state `query`
/// (`url_state::encode`), loading the module first if needed.
pub fn open_dialog(kind: &str, query: &str) {
    let Some(root) = root() else {
        return;
    };
    let _ = root.set_attribute(DIALOG_ATTR, kind);
    let _ = root.set_attribute(DIALOG_QUERY_ATTR, query);
    // A running module hears the event; one still loading reads the attributes when it starts.
    if let Ok(event) = web_sys::Event::new(DIALOG_EVENT) {
        let _ = gloo::utils::window().dispatch_event(&event);
    }
    load(&root);
}

/// Shows the explanation's element while `enabled` (the full page, not an embed or presenter
/// mode) and loads the module when the reader scrolls within a screen of it, or at once when the
/// address points into it.
#[hook]
pub fn use_lazy_explanation(enabled: bool) {
    use_effect_with(enabled, |enabled| {
        let mut observer = None;
        if let Some(root) = root() {
            if *enabled {
                let _ = root.remove_attribute("hidden");
                if fragment_in_explanation(&root) {
                    load(&root);
                } else if root.get_attribute(STATE).as_deref() == Some(WAITING) {
                    let target = root.clone();
                    observer = Intersection::observe(&root, Some(LOAD_MARGIN), move |near| {
                        if near {
                            load(&target);
                        }
                    });
                }
            } else {
                let _ = root.set_attribute("hidden", "");
            }
        }
        move || drop(observer)
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
