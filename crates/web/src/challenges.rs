//! The challenges under the live figure, with their ticks (their goals and checks are
//! `poolsim_page::challenges`). Ticked ones stay ticked for the visit.

use poolsim_page::challenges::{CHALLENGES, SETTLE_S};
use poolsim_page::format;
use poolsim_page::sim::LiveView;
use poolsim_page::state::PageState;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChallengesProps {
    /// The page's state (its parameters and the challenges a teacher chose).
    pub state: std::rc::Rc<PageState>,
    /// The live figures the checks read.
    pub view: std::rc::Rc<LiveView>,
}

/// The list of challenges with their ticks, re-checked as the model runs.
#[component]
pub fn Challenges(props: &ChallengesProps) -> Html {
    let done = use_mut_ref(|| vec![false; CHALLENGES.len()]);
    // When the parameters last changed, in simulated seconds (or the run was reset).
    let since = use_mut_ref(|| (props.state.params.clone(), props.state.generation, 0.0f64));
    {
        let mut s = since.borrow_mut();
        if s.0 != props.state.params || s.1 != props.state.generation || props.view.now_s < s.2 {
            *s = (
                props.state.params.clone(),
                props.state.generation,
                props.view.now_s,
            );
        }
    }
    let settled = props.view.now_s - since.borrow().2 >= SETTLE_S;
    if settled {
        let mut d = done.borrow_mut();
        for (i, c) in CHALLENGES.iter().enumerate() {
            if !d[i] && (c.check)(&props.state.params, &props.view, &d) {
                d[i] = true;
            }
        }
    }
    let d = done.borrow();
    // A teacher's link may choose some of the challenges (`challenges=`); the rest are hidden.
    let chosen = props.state.challenges;
    let total = (0..CHALLENGES.len()).filter(|i| chosen.has(*i)).count();
    let count = (0..CHALLENGES.len())
        .filter(|i| d[*i] && chosen.has(*i))
        .count();
    html! {
        <section class="explain challenges" id="challenges" aria-labelledby="challenges-h">
            <h2 id="challenges-h">{ "Challenges" }</h2>
            <p>
                { "Use the controls of the live figure. Each goal is checked by the model once the figures have \
                   settled (" }{ format::count(SETTLE_S as u64) }{ " simulated seconds without a change). " }
                <strong data-metric="challenges_done" data-value={count.to_string()}>
                    { format!("{count} of {total} done.") }
                </strong>
            </p>
            <ol class="challenge-list">
                { for CHALLENGES.iter().zip(d.iter()).enumerate().filter(|(i, _)| chosen.has(*i)).map(|(_, (c, ok))| html! {
                    <li class={classes!("challenge", ok.then_some("done"))} data-challenge={c.id}
                        data-done={ok.to_string()}>
                        <span class="tick" aria-hidden="true">{ if *ok { "✓" } else { "○" } }</span>
                        <span class="goal">{ c.goal }</span>
                        <span class="visually-hidden">{ if *ok { " Done." } else { " Not done yet." } }</span>
                        if !*ok {
                            <details class="hint"><summary>{ "Hint" }</summary><p>{ c.hint }</p></details>
                        }
                    </li>
                }) }
            </ol>
        </section>
    }
}
