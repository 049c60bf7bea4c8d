//! Sharing and exporting the current state: copy a link, download the time series, open the
//! embed and "reproduce this for real" dialogs (in the explanation's module; the embed dialog,
//! `poolsim_explain::share_dialogs`, also opens the teacher's link builder), and the reproduce kit
//! (config files and pgbench).

use crate::export;
use crate::sim::Sample;
use crate::state::PageState;
use crate::url_state::encode;
use poolsim_model::reproduce::reproduce;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The page's address without its query (what links and embeds point at).
pub fn page_address() -> String {
    let location = gloo::utils::window().location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    format!("{origin}{path}")
}

/// The folder the site is served from (for `poolsim-figure.js` and `oembed.json`).
pub fn site_base() -> String {
    let page = page_address();
    match page.rfind('/') {
        Some(i) => page[..=i].to_string(),
        None => page,
    }
}

/// A link to `state` (absolute).
pub fn state_link(state: &PageState) -> String {
    format!("{}?{}", page_address(), encode(state, None))
}

/// Writes `text` to the clipboard (`navigator.clipboard.writeText`); false when the browser
/// refuses (then the text is left selected for the reader to copy).
pub fn copy_to_clipboard(text: &str) -> bool {
    let navigator = gloo::utils::window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok();
    let write = clipboard.as_ref().and_then(|c| {
        js_sys::Reflect::get(c, &"writeText".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    });
    match (clipboard, write) {
        (Some(c), Some(f)) => f.call1(&c, &text.into()).is_ok(),
        _ => false,
    }
}

pub use poolsim_page::snippets::{
    custom_element as custom_element_snippet, iframe as iframe_snippet,
};

#[derive(Properties, PartialEq)]
pub struct ShareBarProps {
    pub state: Rc<PageState>,
    pub history: Rc<[Sample]>,
    pub on_present: Callback<()>,
}

/// The row of share / export buttons under the live figure. Its two big dialogs live in the
/// explanation's module (`lazy::open_dialog`), so the first load does not carry them.
#[component]
pub fn ShareBar(props: &ShareBarProps) -> Html {
    let status = use_state(String::new);
    let link_ref = use_node_ref();
    let link = state_link(&props.state);
    let copy = {
        let status = status.clone();
        let link_ref = link_ref.clone();
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            if copy_to_clipboard(&link) {
                status.set("Link copied.".into());
            } else {
                if let Some(input) = link_ref.cast::<web_sys::HtmlInputElement>() {
                    input.select();
                }
                status.set("Press Ctrl+C (⌘C) to copy the selected link.".into());
            }
        })
    };
    let csv = {
        let history = props.history.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = export::download_text(
                "poolsim-series.csv",
                "text/csv",
                &export::series_csv(&history),
            );
        })
    };
    let show = |kind: &'static str| {
        let state = props.state.clone();
        Callback::from(move |_: MouseEvent| crate::lazy::open_dialog(kind, &encode(&state, None)))
    };
    let present = props.on_present.reform(|_: MouseEvent| ());
    html! {
        <div class="share-bar" role="group" aria-label="Share and export">
            <label class="share-link">
                <span>{ "Link to this state" }</span>
                <input ref={link_ref} type="text" readonly=true value={link} aria-label="Link to this state" />
            </label>
            <button type="button" onclick={copy}>{ "Copy link" }</button>
            <button type="button" data-opens="embed" aria-haspopup="dialog" onclick={show("embed")}>{ "Embed…" }</button>
            <button type="button" data-opens="reproduce" aria-haspopup="dialog" onclick={show("reproduce")}>{ "Reproduce for real…" }</button>
            <button type="button" onclick={csv}>{ "Time series (CSV)" }</button>
            <button type="button" onclick={present}>{ "Presenter mode (P)" }</button>
            <span class="share-status" role="status">{ (*status).clone() }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DialogProps {
    pub state: Rc<PageState>,
    pub on_close: Callback<()>,
}

/// A titled code block with a copy button.
pub fn snippet(id: &str, title: &str, text: String, download: Option<&'static str>) -> Html {
    let copy = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| {
            copy_to_clipboard(&text);
        })
    };
    let save = download.map(|name| {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = export::download_text(name, "text/plain", &text);
        })
    });
    html! {
        <div class="snippet">
            <h3 id={format!("{id}-h")}>{ title }</h3>
            <pre id={id.to_string()} aria-labelledby={format!("{id}-h")}><code>{ text }</code></pre>
            <button type="button" onclick={copy}>{ "Copy" }</button>
            if let Some(save) = save {
                <button type="button" onclick={save}>{ format!("Download {}", download.unwrap_or_default()) }</button>
            }
        </div>
    }
}

/// "Reproduce this for real": pgbouncer.ini, postgresql.conf and pgbench for the current state.
#[component]
pub fn ReproduceDialog(props: &DialogProps) -> Html {
    let kit = reproduce(&props.state.params);
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="repro-title">
            <div class="dialog wide" tabindex="-1">
                <h2 id="repro-title">{ "Reproduce this on a real server" }</h2>
                <p>{ "Config fragments and a load generator for what the figure simulates. The model is a model: \
                      read the notes before comparing numbers." }</p>
                if let Some(ini) = kit.pgbouncer_ini.clone() {
                    { snippet("repro-pgbouncer", "pgbouncer.ini", ini, Some("pgbouncer.ini")) }
                }
                { snippet("repro-postgresql", "postgresql.conf", kit.postgresql_conf.clone(), Some("postgresql.conf")) }
                { snippet("repro-script", "transaction.sql (pgbench script)", kit.pgbench_script.clone(), Some("transaction.sql")) }
                { snippet("repro-pgbench", "pgbench", kit.pgbench_command.clone(), None) }
                <h3>{ "What the model simplifies" }</h3>
                <ul class="caveats">
                    { for kit.caveats.iter().map(|c| html! { <li>{ c }</li> }) }
                </ul>
                <button type="button" class="close" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
