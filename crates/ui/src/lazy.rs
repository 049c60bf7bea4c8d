//! The two page modules' protocol through the DOM, and the loading of the second.
//!
//! The live figure is what a reader sees first, so it is all the first load fetches. The
//! explanation below it is prerendered HTML (`poolsim-prerender`): its prose reads before any
//! script runs. Its small figures, the sweep and the theory panel are the `poolsim-explain`
//! module, built by Trunk next to the page, which mounts them on their `<div data-island>` inside
//! `<div id="explanation">` in `www/index.html`. That element names the module's loader
//! (`data-src`) and reports its progress ([`STATE`]):
//!
//! * `waiting` — not requested yet; the figure's app starts watching the element;
//! * `loading` — the reader scrolled within a screen of it, or the address's `#fragment` names
//!   one of its sections, so a `<script type="module">` was added for the loader;
//! * `loaded` — the explanation's figures mounted themselves (`poolsim_explain::start_explanation`);
//! * `failed` — the module could not be fetched; the prose stays, and a note says the figures
//!   could not be loaded.
//!
//! The module also holds the share bar's big dialogs (embed snippets, the reproduce kit, the
//! teacher's link builder): the share bar calls [`open_dialog`], which leaves the request on the
//! element ([`DIALOG_ATTR`], [`DIALOG_QUERY_ATTR`]: the page's state as a `v=1` query) and either
//! loads the module, which reads it when it starts, or tells the running module with
//! [`DIALOG_EVENT`].
//!
//! The modules talk only through the DOM: a "Load into the figure" button in the explanation
//! dispatches [`PRESET_EVENT`] on `window` with the preset's name as `detail`, and the figure's
//! app loads that preset (`poolsim_web::lazy::use_preset_events`); the live figure says on `<html>`
//! whether it is stepping ([`STEPPING_ATTRIBUTE`]). The figure's side is `poolsim_web::lazy`, the
//! explanation's `poolsim_explain::explain_app`.

use gloo::events::EventListener;
use web_sys::Element;

/// Id of the element the explanation mounts on.
pub const ROOT_ID: &str = "explanation";
/// The event that asks the figure to load a preset; `detail` is its name.
pub const PRESET_EVENT: &str = "poolsim:preset";
/// The event that tells a running module a dialog was asked for.
pub const DIALOG_EVENT: &str = "poolsim:dialog";
/// Attribute of the explanation's element carrying a dialog request: the dialog's kind.
pub const DIALOG_ATTR: &str = "data-dialog";
/// Attribute of the explanation's element carrying a dialog request: the state's query.
pub const DIALOG_QUERY_ATTR: &str = "data-dialog-query";

/// The attribute on `<html>` that says whether the live figure is stepping its models. The
/// explanation (a separate module) reads it to take a larger share of each frame while the
/// figure is paused or off screen; no style depends on it, so writing it lays nothing out.
pub const STEPPING_ATTRIBUTE: &str = "data-figure-stepping";

/// Attribute of the explanation's element holding the module's progress (see the module's doc).
pub const STATE: &str = "data-state";
/// [`STATE`]: not requested yet.
pub const WAITING: &str = "waiting";
/// [`STATE`]: the loader was added to the page.
const LOADING: &str = "loading";
/// [`STATE`]: the explanation's figures mounted themselves.
pub const LOADED: &str = "loaded";
/// [`STATE`]: the module could not be fetched.
const FAILED: &str = "failed";

/// The explanation's element, if the page has one.
pub fn root() -> Option<Element> {
    gloo::utils::document().get_element_by_id(ROOT_ID)
}

/// The address's `#fragment`, without the `#` and decoded, if there is one.
pub fn fragment_id() -> Option<String> {
    let hash = gloo::utils::window().location().hash().ok()?;
    let id = hash.strip_prefix('#').filter(|id| !id.is_empty())?;
    js_sys::decode_uri_component(id).ok()?.as_string()
}

/// Adds the module's loader to the page (once).
pub fn load(root: &Element) {
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

poolsim_model::keyed! {
    /// The dialogs the explanation's module shows on request: each one's key ([`DialogKind::key`]) is
    /// the value of [`DIALOG_ATTR`] and of its opening button's `data-opens`.
    pub enum DialogKind {
        /// The embed snippets.
        Embed => "embed";
        /// The "reproduce for real" kit.
        Reproduce => "reproduce";
        /// The teacher's link builder.
        Teach => "teach";
    }
}

/// Asks the module for dialog `kind` on the state `query` (`url_state::encode`), loading the
/// module first if needed.
pub fn open_dialog(kind: DialogKind, query: &str) {
    let Some(root) = root() else {
        return;
    };
    let _ = root.set_attribute(DIALOG_ATTR, kind.key());
    let _ = root.set_attribute(DIALOG_QUERY_ATTR, query);
    // A running module hears the event; one still loading reads the attributes when it starts.
    if let Ok(event) = web_sys::Event::new(DIALOG_EVENT) {
        let _ = gloo::utils::window().dispatch_event(&event);
    }
    load(&root);
}
