//! A live number. It carries `data-metric` and `data-value` (base units) so tests and host pages
//! can read the model's value without parsing the formatted text.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReadoutProps {
    /// Stable metric name, e.g. `memory_private_direct`.
    pub metric: AttrValue,
    /// Visible label.
    pub label: AttrValue,
    /// The value in base units (bytes, seconds, per second).
    pub value: f64,
    /// The value formatted for people.
    pub text: AttrValue,
    /// A short line under the value.
    #[prop_or_default]
    pub note: Option<AttrValue>,
    /// Extra CSS class (e.g. `direct`, `pooled`).
    #[prop_or_default]
    pub class: Classes,
}

#[component]
pub fn Readout(props: &ReadoutProps) -> Html {
    html! {
        <div class={classes!("readout", props.class.clone())}
             data-metric={props.metric.clone()}
             data-value={props.value.to_string()}>
            <span class="readout-label">{ &props.label }</span>
            <span class="readout-value">{ &props.text }</span>
            if let Some(note) = &props.note {
                <span class="readout-note">{ note }</span>
            }
        </div>
    }
}
