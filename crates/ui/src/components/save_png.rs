//! A small "PNG" button that downloads a chart's canvas as a PNG file.

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SavePngProps {
    /// The chart's canvas.
    pub canvas: NodeRef,
    /// File name offered, e.g. `poolsim-memory.png`.
    pub file: AttrValue,
    /// What the chart shows, for the button's accessible name.
    pub what: AttrValue,
}

#[component]
pub fn SavePng(props: &SavePngProps) -> Html {
    let onclick = {
        let canvas = props.canvas.clone();
        let file = props.file.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                // A refused download leaves the page as it is.
                let _ = crate::export::download_canvas(&file, &c);
            }
        })
    };
    html! {
        <button type="button" class="chart-save" {onclick}
                aria-label={format!("Download the {} chart as PNG", props.what)}>
            { "PNG" }
        </button>
    }
}
