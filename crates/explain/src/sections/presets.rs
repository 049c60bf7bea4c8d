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
    let all = use_memo((), |_| {
        presets::all()
            .into_iter()
            .filter_map(|p| Some((p.name, poolsim_content::preset_words(p.name)?)))
            .collect::<Vec<_>>()
    });
    html! {
        <>
            <ul class="presets">
                { for all.iter().map(|&(key, words)| {
                    let on_preset = props.on_preset.clone();
                    let name = key.to_string();
                    html! {
                        <li class="preset">
                            <h3>{ words.title }</h3>
                            <p>{ words.description }</p>
                            <button type="button" data-preset={key}
                                    aria-label={format!("Load into the figure: {}", words.title)}
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
