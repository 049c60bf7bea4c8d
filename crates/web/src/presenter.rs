//! Presenter mode for classrooms (`?present=1` or the `P` key): the explanation as a sequence of
//! steps, each loading its scenario into the live figure, advanced with →/PageDown/Space (what
//! presentation clickers send) and ←/PageUp; large type and a high-contrast projector palette
//! (`present` class on the page, see `style.css`).

use poolsim_page::presenter::{StepMove, SHORTCUTS, STEPS};
use yew::prelude::*;

/// The step's text and figure start at the top of the screen.
pub fn scroll_to_top() {
    #[cfg(target_arch = "wasm32")]
    gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[derive(Properties, PartialEq)]
pub struct StepPanelProps {
    pub step: usize,
    /// The steps a teacher chose (0-based); empty: every step.
    #[prop_or_default]
    pub talk: poolsim_page::chosen::Chosen,
    pub on_go: Callback<StepMove>,
    pub on_exit: Callback<()>,
}

/// The current step's title and text, with previous / next buttons.
#[component]
pub fn StepPanel(props: &StepPanelProps) -> Html {
    let n = props.step.min(STEPS.len() - 1);
    let step = &STEPS[n];
    let go = |to: StepMove| {
        let on_go = props.on_go.clone();
        Callback::from(move |_| on_go.emit(to))
    };
    let exit = props.on_exit.reform(|_| ());
    html! {
        <section class="step-panel" aria-live="polite" aria-labelledby="step-title"
                 data-step={(n + 1).to_string()}>
            <p class="step-count">{ format!("Step {} of {}", n + 1, STEPS.len()) }</p>
            <h2 id="step-title">{ step.title }</h2>
            <p class="step-text">{ step.text }</p>
            <div class="step-nav">
                <button type="button" onclick={go(StepMove::Previous)} disabled={StepMove::Previous.within(n, props.talk) == n}>
                    { "← Previous" }
                </button>
                <button type="button" onclick={go(StepMove::Next)} disabled={StepMove::Next.within(n, props.talk) == n}>
                    { "Next →" }
                </button>
                <button type="button" class="quiet" onclick={exit}>{ "Leave presenter mode (P)" }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on_close: Callback<()>,
}

/// The keyboard-shortcut overlay.
#[component]
pub fn HelpOverlay(props: &HelpProps) -> Html {
    let close = props.on_close.reform(|_| ());
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
            <div class="dialog">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <dl class="shortcuts">
                    { for SHORTCUTS.iter().map(|(k, what)| html! {
                        <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></>
                    }) }
                </dl>
                <button type="button" onclick={close} autofocus=true>{ "Close" }</button>
            </div>
        </div>
    }
}
