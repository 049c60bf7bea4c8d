//! "Predict first" (`poolsim_page::predict`): each of the chosen challenges' questions asks for a
//! prediction, then the model runs the state before and after the change (the sections' small runs,
//! under the explanation's frame budget) and shows its outcome beside the prediction. Every trial
//! goes into a table that downloads as CSV.

use crate::sections::lab::use_run;
use poolsim_page::predict::{outcome, trials_csv, Outcome, Prediction, Trial, PREDICTIONS};
use poolsim_page::url_state::CHALLENGE_IDS;
use poolsim_ui::export;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct RunProps {
    prediction: &'static Prediction,
    on_done: Callback<Outcome>,
}

/// Runs a question's two states; reports the outcome once both runs are done.
#[component]
fn PredictRun(props: &RunProps) -> Html {
    let p = props.prediction;
    let before = use_run(p.before_params());
    let after = use_run(p.after_params());
    let done = before.done && after.done;
    {
        let on_done = props.on_done.clone();
        let result = done.then(|| outcome(p, &before.output, &after.output));
        use_effect_with(done, move |_| {
            if let Some(o) = result {
                on_done.emit(o);
            }
        });
    }
    let progress = (before.progress + after.progress) / 2.0;
    html! {
        <p class="predict-running" role="status">
            { format!("The model is running both states… {:.0} %", progress * 100.0) }
        </p>
    }
}

#[derive(Properties, PartialEq)]
struct QuestionProps {
    prediction: &'static Prediction,
    on_trial: Callback<Trial>,
}

/// One question: the choices, "Run the model", then the prediction beside the outcome.
#[component]
fn Question(props: &QuestionProps) -> Html {
    let p = props.prediction;
    let picked = use_state(|| None::<usize>);
    let running = use_state(|| false);
    let result = use_state(|| None::<(usize, Outcome)>);
    let run = {
        let running = running.clone();
        let result = result.clone();
        Callback::from(move |_: MouseEvent| {
            result.set(None);
            running.set(true);
        })
    };
    let on_done = {
        let (picked, running, result, on_trial) = (
            picked.clone(),
            running.clone(),
            result.clone(),
            props.on_trial.clone(),
        );
        Callback::from(move |o: Outcome| {
            if let Some(choice) = *picked {
                result.set(Some((choice, o)));
                on_trial.emit(Trial {
                    prediction: p,
                    predicted: choice,
                    outcome: o,
                });
            }
            running.set(false);
        })
    };
    let name = format!("predict-{}", p.id);
    html! {
        <li class="predict" data-prediction={p.id}>
            <p class="predict-question">{ p.question }</p>
            <fieldset class="predict-choices" disabled={*running}>
                <legend class="visually-hidden">{ "Your prediction" }</legend>
                { for p.choices.iter().enumerate().map(|(i, c)| {
                    let picked = picked.clone();
                    html! {
                        <label>
                            <input type="radio" name={name.clone()} value={i.to_string()} checked={*picked == Some(i)}
                                   onchange={Callback::from(move |_: Event| picked.set(Some(i)))} />
                            { " " }{ c.label }
                        </label>
                    }
                }) }
            </fieldset>
            <button type="button" class="predict-run" onclick={run} disabled={picked.is_none() || *running}>
                { if picked.is_none() { "Predict, then run the model" } else { "Run the model" } }
            </button>
            if *running {
                <PredictRun prediction={p} on_done={on_done} />
            }
            if let Some((mine, o)) = *result {
                <dl class={classes!("predict-result", (mine == o.choice).then_some("match"))}
                    data-predicted={mine.to_string()} data-model={o.choice.to_string()}>
                    <dt>{ "You predicted" }</dt><dd>{ p.choices[mine].label }</dd>
                    <dt>{ "The model gives" }</dt>
                    <dd>{ format!("{}: {} → {} ({:.2}×)", p.choices[o.choice].label, p.shown(o.before), p.shown(o.after), o.ratio) }</dd>
                    <dt>{ "So" }</dt>
                    <dd class="predict-verdict">{ if mine == o.choice { "you predicted what the model gives." } else { "the model disagrees with your prediction: why?" } }</dd>
                </dl>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct PredictProps {
    /// The challenges a teacher's link chose (empty: all).
    pub challenges: poolsim_page::chosen::Chosen,
}

/// The questions of the chosen challenges and the trial table.
#[component]
pub fn PredictPanel(props: &PredictProps) -> Html {
    let trials = use_state(|| Rc::new(Vec::<Trial>::new()));
    let on_trial = {
        let trials = trials.clone();
        Callback::from(move |t: Trial| {
            let mut all = (**trials).clone();
            all.push(t);
            trials.set(Rc::new(all));
        })
    };
    let download = {
        let trials = trials.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = export::download_text("poolsim-trials.csv", "text/csv", &trials_csv(&trials));
        })
    };
    let shown: Vec<&'static Prediction> = PREDICTIONS
        .iter()
        .filter(|p| {
            let i = CHALLENGE_IDS.iter().position(|id| *id == p.challenge);
            i.is_some_and(|i| props.challenges.has(i))
        })
        .collect();
    if shown.is_empty() {
        return Html::default();
    }
    html! {
        <section class="explain predict-first" id="predict" aria-labelledby="predict-h">
            <h2 id="predict-h">{ "Predict first" }</h2>
            <p>{ "Before you try a challenge, say what you expect. Then the model runs the state before and after \
                  the change (3 simulated seconds each) and its outcome appears beside your prediction." }</p>
            <ol class="predict-list">
                { for shown.iter().map(|p| html! { <Question prediction={*p} on_trial={on_trial.clone()} /> }) }
            </ol>
            if !trials.is_empty() {
                <table class="trials" data-trials={trials.len().to_string()}>
                    <caption>{ "Your trials" }</caption>
                    <thead><tr><th>{ "Question" }</th><th>{ "Change" }</th><th>{ "You predicted" }</th><th>{ "The model gave" }</th></tr></thead>
                    <tbody>
                        { for trials.iter().map(|t| html! {
                            <tr>
                                <td>{ t.prediction.id }</td>
                                <td><code>{ t.prediction.before }</code>{ " → " }<code>{ t.prediction.after }</code></td>
                                <td>{ t.prediction.choices[t.predicted].label }</td>
                                <td>{ format!("{} ({:.2}×)", t.prediction.choices[t.outcome.choice].label, t.outcome.ratio) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <button type="button" class="trials-csv" onclick={download}>{ "Trials (CSV)" }</button>
            }
        </section>
    }
}
