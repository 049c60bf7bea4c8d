//! Play / pause / step / speed / reset, the seed (typed, or drawn from the browser's crypto
//! source), and the clock saying how fast the simulation really runs.

use super::Select;
use poolsim_page::format;
use poolsim_page::sim::Pace;
use poolsim_page::state::{Action, DEFAULT_SPEED, SPEEDS};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TransportProps {
    pub playing: bool,
    pub speed: usize,
    pub seed: u64,
    pub on_action: Callback<Action>,
    /// The [`Clock`], which changes every frame while these controls do not (so a seed being
    /// typed is not overwritten by re-renders).
    #[prop_or_default]
    pub children: Html,
}

/// A fresh seed from `crypto.getRandomValues` (via getrandom); small enough to type.
pub fn new_seed() -> u64 {
    let mut bytes = [0u8; 4];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => u64::from(u32::from_le_bytes(bytes)),
        Err(_) => (js_sys::Math::random() * f64::from(u32::MAX)) as u64,
    }
}

fn speed_label(s: Option<f64>) -> String {
    match s {
        Some(v) => format!("{v}×"),
        None => "max".to_string(),
    }
}

#[component]
pub fn Transport(props: &TransportProps) -> Html {
    let on = &props.on_action;
    let playing = props.playing;
    let toggle = on.reform(move |_: MouseEvent| Action::Play(!playing));
    let step = on.reform(|_: MouseEvent| Action::Step);
    let reset = on.reform(|_: MouseEvent| Action::Reset);
    let reseed = on.reform(|_: MouseEvent| Action::Seed(new_seed()));
    let speed = on.reform(|v: String| Action::Speed(v.parse().unwrap_or(DEFAULT_SPEED)));
    let typed_seed = {
        let on = on.clone();
        let seed = props.seed;
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<u64>() {
                Ok(s) => on.emit(Action::Seed(s)),
                Err(_) => input.set_value(&seed.to_string()),
            }
        })
    };
    let speeds: Vec<(AttrValue, AttrValue)> = SPEEDS
        .iter()
        .enumerate()
        .map(|(i, s)| (i.to_string().into(), speed_label(*s).into()))
        .collect();
    html! {
        <div class="transport" role="group" aria-label="Simulation">
            <button type="button" class="primary" onclick={toggle}>
                { if playing { "Pause" } else { "Play" } }
            </button>
            <button type="button" onclick={step}>{ "Step 0.1 s" }</button>
            <button type="button" onclick={reset}>{ "Reset" }</button>
            <Select id="speed" label="Speed" value={AttrValue::from(props.speed.to_string())}
                    options={speeds} on_change={speed} />
            <div class="control control-seed">
                <label for="seed">{ "Seed" }</label>
                <input id="seed" type="text" inputmode="numeric" value={props.seed.to_string()}
                       onchange={typed_seed} />
                <button type="button" onclick={reseed}>{ "New seed" }</button>
            </div>
            { props.children.clone() }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    pub now_s: f64,
    pub pace: Pace,
    pub playing: bool,
}

/// Simulated time, and how fast it runs compared with the wall clock.
#[component]
pub fn Clock(props: &ClockProps) -> Html {
    let pace = if props.pace.behind {
        format!(
            "running at {:.1}× real time (the model cannot keep up)",
            props.pace.ratio
        )
    } else if props.playing {
        format!("{:.2}× real time", props.pace.ratio)
    } else {
        "paused".to_string()
    };
    html! {
        <p class="clock" data-metric="sim_time" data-value={props.now_s.to_string()}>
            <span>{ format!("t = {}", format::seconds_clock(props.now_s)) }</span>
            <span class={classes!("pace", props.pace.behind.then_some("behind"))}
                  data-metric="pace" data-value={props.pace.ratio.to_string()}>{ pace }</span>
            <span hidden=true data-metric="step_ms" data-value={props.pace.frame_ms.to_string()} />
        </p>
    }
}
