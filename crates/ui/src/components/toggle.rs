//! A labelled checkbox.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToggleProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    pub on_change: Callback<bool>,
    #[prop_or_default]
    pub help: Option<AttrValue>,
}

#[component]
pub fn Toggle(props: &ToggleProps) -> Html {
    let onchange = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_change.emit(input.checked());
        })
    };
    html! {
        <div class="control control-toggle">
            <label>
                <input type="checkbox" id={props.id.clone()} checked={props.checked} {onchange} />
                { " " }{ &props.label }
            </label>
            if let Some(h) = &props.help {
                <div class="control-help">{ h }</div>
            }
        </div>
    }
}
