//! The `poolsim-explain` module's side of `lazy`: each figure of the prerendered explanation
//! mounted on its `<div data-island>` inside `<div id="explanation">` (the prose is already in the
//! page; the figures update its live numbers in place), and the host of the share bar's embed and
//! reproduce dialogs on a `<div id="dialogs">` it adds to the page.

use crate::predict_panel::{PredictPanel, PredictProps};
use crate::share_dialogs::{EmbedDialog, ReproduceDialog, TeachDialog};
use gloo::events::EventListener;
use poolsim_page::state::PageState;
use poolsim_page::url_state::decode;
use poolsim_ui::lazy::{
    fragment_id, root, DialogKind, DIALOG_ATTR, DIALOG_EVENT, DIALOG_QUERY_ATTR, LOADED,
    PRESET_EVENT, STATE,
};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// Id of the element the dialogs mount on.
const DIALOGS_ID: &str = "dialogs";
/// The fragment that opens the teacher's link builder (`index.html#teach`).
const TEACH_FRAGMENT: &str = DialogKind::Teach.key();

/// Dispatches [`PRESET_EVENT`] for the preset `name`.
fn request_preset(name: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&JsValue::from_str(name));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(PRESET_EVENT, &init) {
        let _ = gloo::utils::window().dispatch_event(&event);
    }
}

/// Mounts every figure of the explanation on its island, then scrolls to the section the address
/// names (a figure may have changed the height above it).
fn mount_islands(root: &web_sys::Element) {
    let on_preset = Callback::from(|name: String| request_preset(&name));
    if let Ok(list) = root.query_selector_all("[data-island]") {
        for i in 0..list.length() {
            let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            if let Some(id) = el.get_attribute("data-island") {
                crate::sections::mount_island(&id, el, on_preset.clone());
            }
        }
    }
    let _ = root.set_attribute(STATE, LOADED);
    let target = fragment_id().and_then(|id| gloo::utils::document().get_element_by_id(&id));
    if let Some(target) = target {
        target.scroll_into_view();
    }
}

/// Which dialog is open, on which state.
#[derive(Clone, PartialEq)]
struct Dialog {
    /// The dialog.
    kind: DialogKind,
    /// The page's state it shows.
    state: Rc<PageState>,
}

/// The page's own state, from its address.
fn page_state() -> PageState {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    decode(&search).state
}

/// The dialog request left on the explanation's element, if any.
fn requested() -> Option<Dialog> {
    let root = root()?;
    let Some(kind) = root.get_attribute(DIALOG_ATTR) else {
        // The teacher's page is also a link: index.html#teach.
        return (fragment_id().as_deref() == Some(TEACH_FRAGMENT)).then(|| Dialog {
            kind: DialogKind::Teach,
            state: Rc::new(page_state()),
        });
    };
    let query = root.get_attribute(DIALOG_QUERY_ATTR).unwrap_or_default();
    // The figure's app wrote the query from a valid state, so it decodes without notices.
    let state = Rc::new(decode(&query).state);
    Some(Dialog {
        kind: DialogKind::from_key(&kind)?,
        state,
    })
}

/// Clears the request and gives focus back to the button that opened the dialog.
fn closed(kind: DialogKind) {
    if let Some(root) = root() {
        let _ = root.remove_attribute(DIALOG_ATTR);
        let _ = root.remove_attribute(DIALOG_QUERY_ATTR);
    }
    // Closing the teacher's page leaves its address (so it does not open again).
    if fragment_id().as_deref() == Some(TEACH_FRAGMENT) {
        let location = gloo::utils::window().location();
        let url = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        if let Ok(history) = gloo::utils::window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
        }
    }
    let opener = gloo::utils::document()
        .query_selector(&format!("[data-opens=\"{}\"]", kind.key()))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(opener) = opener {
        let _ = opener.focus();
    }
}

/// Shows the requested dialog; Escape or its Close button closes it.
#[component]
fn DialogHost() -> Html {
    let open = use_state(requested);
    {
        let open = open.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), DIALOG_EVENT, move |_| {
                open.set(requested())
            });
            move || drop(listener)
        });
    }
    let kind = open.as_ref().map(|dialog| dialog.kind);
    let close = {
        let open = open.clone();
        use_callback(kind, move |_: (), kind| {
            open.set(None);
            if let Some(kind) = kind {
                closed(*kind);
            }
        })
    };
    {
        let close = close.clone();
        use_effect_with(kind, move |kind| {
            let listener = kind.is_some().then(|| {
                EventListener::new(&gloo::utils::document(), "keydown", move |e| {
                    if e.dyn_ref::<web_sys::KeyboardEvent>()
                        .is_some_and(|k| k.key() == "Escape")
                    {
                        close.emit(());
                    }
                })
            });
            // Focus moves into the dialog, so keyboard and screen-reader users land in it.
            if let Some(dialog) = gloo::utils::document()
                .query_selector("#dialogs .dialog")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = dialog.focus();
            }
            move || drop(listener)
        });
    }
    let Some(Dialog { kind, state }) = (*open).clone() else {
        return Html::default();
    };
    match kind {
        DialogKind::Embed => html! { <EmbedDialog {state} on_close={close} /> },
        DialogKind::Reproduce => html! { <ReproduceDialog {state} on_close={close} /> },
        DialogKind::Teach => html! { <TeachDialog {state} on_close={close} /> },
    }
}

/// Entry point of the `poolsim-explain` module: mounts the figures of the prerendered explanation in
/// `<div id="explanation">` on their islands, and adds the dialogs' host to the page.
pub fn start_explanation() {
    let document = gloo::utils::document();
    link_stylesheet(&document);
    if let (Ok(host), Some(body)) = (document.create_element("div"), document.body()) {
        host.set_id(DIALOGS_ID);
        if body.append_child(&host).is_ok() {
            yew::Renderer::<DialogHost>::with_root(host).render();
        }
    }
    if let Some(root) = root() {
        mount_predictions(&root);
        mount_islands(&root);
    }
}

/// The styles of what this module draws besides the islands (the dialogs' snippets, the teacher's
/// page, predict-first): `static/poolsim-explain-dialogs.css`, next to `index.html`, fetched with
/// this module (named like it, so the size report counts it on demand, not in the first load).
const STYLESHEET: &str = "poolsim-explain-dialogs.css";

fn link_stylesheet(document: &web_sys::Document) {
    if let (Ok(link), Some(head)) = (document.create_element("link"), document.head()) {
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", STYLESHEET);
        let _ = head.append_child(&link);
    }
}

/// Puts the predict-first questions of the link's challenges at the top of the explanation, right
/// under the figure's challenges.
fn mount_predictions(root: &web_sys::Element) {
    let Ok(host) = gloo::utils::document().create_element("div") else {
        return;
    };
    if root.prepend_with_node_1(&host).is_ok() {
        let challenges = page_state().challenges;
        yew::Renderer::<PredictPanel>::with_root_and_props(host, PredictProps { challenges })
            .render();
    }
}
