//! The share dialogs' small parts, used by the live figure's share bar and by the explanation's
//! dialogs: the page's address, the clipboard, and a titled code block with copy and download
//! buttons.

use poolsim_page::state::PageState;
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

/// What every share dialog is given.
#[derive(Properties, PartialEq)]
pub struct DialogProps {
    /// The page's state the dialog is about (read from its `v=1` query).
    pub state: Rc<PageState>,
    /// Closes the dialog.
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
            let _ = crate::export::download_text(name, "text/plain", &text);
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
