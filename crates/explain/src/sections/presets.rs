//! Scenarios to load into the live figure, as named in the model's `presets` module.

use poolsim_model::presets;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PresetsProps {
    /// Called with the preset's name (`poolsim_model::preset(name)` gives its parameters).
    pub on_preset: Callback<String>,
}

#[component]
pub fn PresetsSection(props: &PresetsProps) -> Html {
    let all = use_memo((), |_| presets::all());
    html! {
        <>
            <ul class="presets">
                { for all.iter().map(|p| {
                    let on_preset = props.on_preset.clone();
                    let name = p.name.to_string();
                    html! {
                        <li class="preset">
                            <h3>{ p.title }</h3>
                            <p>{ p.description }</p>
                            <button type="button" data-preset={p.name}
                                    aria-label={format!("Load into the figure: {}", p.title)}
                                    onclick={Callback::from(move |_| on_preset.emit(name.clone()))}>
                                { "Load into the figure" }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}

/// Section `presets`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "presets",
    view: |on_preset| html! { <PresetsSection on_preset={on_preset.clone()} /> },
    defaults: |_| Vec::new(),
    prerender: super::Prerender::ByThePrerender,
    shown: &[],
};
