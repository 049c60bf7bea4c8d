//! Sharing and exporting the current state: copy a link, download the time series, open the
//! embed and "reproduce this for real" dialogs (in the explanation's module,
//! `poolsim_explain::share_dialogs`; the embed dialog also opens the teacher's link builder).

use poolsim_page::sim::Sample;
use poolsim_page::state::PageState;
use poolsim_page::url_state::encode;
use poolsim_ui::components::share::{copy_to_clipboard, page_address};
use poolsim_ui::lazy::DialogKind;
use std::rc::Rc;
use yew::prelude::*;

/// A link to `state` (absolute).
pub fn state_link(state: &PageState) -> String {
    format!("{}?{}", page_address(), encode(state, None))
}

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
            let _ = poolsim_ui::export::download_text(
                "poolsim-series.csv",
                "text/csv",
                &poolsim_page::export::series_csv(&history),
            );
        })
    };
    let show = |kind: DialogKind| {
        let state = props.state.clone();
        Callback::from(move |_: MouseEvent| {
            poolsim_ui::lazy::open_dialog(kind, &encode(&state, None))
        })
    };
    let present = props.on_present.reform(|_: MouseEvent| ());
    html! {
        <div class="share-bar" role="group" aria-label="Share and export">
            <label class="share-link">
                <span>{ "Link to this state" }</span>
                <input ref={link_ref} type="text" readonly=true value={link} aria-label="Link to this state" />
            </label>
            <button type="button" onclick={copy}>{ "Copy link" }</button>
            <button type="button" data-opens={DialogKind::Embed.key()} aria-haspopup="dialog" onclick={show(DialogKind::Embed)}>{ "Embed…" }</button>
            <button type="button" data-opens={DialogKind::Reproduce.key()} aria-haspopup="dialog" onclick={show(DialogKind::Reproduce)}>{ "Reproduce for real…" }</button>
            <button type="button" onclick={csv}>{ "Time series (CSV)" }</button>
            <button type="button" onclick={present}>{ "Presenter mode (P)" }</button>
            <span class="share-status" role="status">{ (*status).clone() }</span>
        </div>
    }
}
