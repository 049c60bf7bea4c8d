//! The page: the live figure (two models, direct and pooled, side by side) with its controls,
//! readouts, charts and PgBouncer's console, then the memory-versus-clients chart.

use crate::components::*;
use crate::format;
use crate::hooks::{
    use_prefers_dark, use_reduced_motion, use_resize_tick, use_simulation, use_visible,
};
use crate::sections::Explanation;
use crate::sim::preset_workload;
use crate::state::{Action, PageState, CLIENTS_MAX};
use yew::prelude::*;

/// The states drawn in the architecture view, for the legend: (css class, label).
const LEGEND: [(&str, &str); 9] = [
    ("thinking", "client thinking"),
    ("in-statement", "client in a statement"),
    ("waiting", "waiting for a server"),
    ("running", "backend running on a core"),
    ("runnable", "backend runnable, waiting for a core"),
    ("idle-in-txn", "in a round trip / idle in transaction"),
    ("forking", "connecting (fork + auth)"),
    ("pooler", "PgBouncer on a core"),
    ("idle", "idle backend / idle core"),
];

#[component]
pub fn App() -> Html {
    let calm = use_reduced_motion();
    let state = use_reducer(PageState::default);
    let dark = use_prefers_dark();
    let resize = use_resize_tick();
    let figure_ref = use_node_ref();
    let visible = use_visible(figure_ref.clone());
    let view = use_simulation(&state, calm, visible);
    // Stable across renders, so controls (and what is being typed into them) are not re-rendered
    // by every frame of the simulation.
    let on_action = use_callback(state.dispatcher(), |a: Action, dispatcher| {
        dispatcher.dispatch(a)
    });
    let on_preset = {
        let figure_ref = figure_ref.clone();
        use_callback(state.dispatcher(), move |name: String, dispatcher| {
            if let Some(w) = preset_workload(&name) {
                dispatcher.dispatch(Action::Workload(w));
                dispatcher.dispatch(Action::Reset);
                dispatcher.dispatch(Action::Play(true));
                if let Some(figure) = figure_ref.cast::<web_sys::Element>() {
                    figure.scroll_into_view();
                }
            }
        })
    };
    let w = &state.workload;

    html! {
        <main class="page">
            <header class="masthead">
                <h1>{ "Why does Postgres need a connection pooler?" }</h1>
                <p class="lede">
                    { "Postgres serves every client connection with its own operating-system process. Below, the same \
                       clients run the same workload twice, with the same random seed: straight to Postgres, one \
                       backend each, and through PgBouncer, which shares a small pool of backends among them. \
                       Watch memory, context switches and latency." }
                </p>
            </header>

            <section class="figure live-figure" ref={figure_ref} aria-labelledby="live-title">
                <h2 id="live-title">{ "The same clients, direct and through a pooler" }</h2>
                <LiveSummary view={view.clone()} clients={w.clients} />
                <div class={classes!("sides", view.pooled.is_none().then_some("single"))}>
                    <SideReadouts view={view.direct.clone()} clients={w.clients} pool_size={w.pool_size}>
                        <Architecture view={view.direct.clone()} {dark} {resize} />
                    </SideReadouts>
                    if let Some(pooled) = &view.pooled {
                        <SideReadouts view={pooled.clone()} clients={w.clients} pool_size={w.pool_size}>
                            <Architecture view={pooled.clone()} {dark} {resize} />
                        </SideReadouts>
                    }
                </div>
                <ul class="legend" aria-label="Colours of the architecture view">
                    { for LEGEND.iter().map(|(class, label)| html! { <li class={*class}>{ *label }</li> }) }
                </ul>
                <Transport playing={state.playing} speed={state.speed} seed={state.seed}
                           on_action={on_action.clone()}>
                    <Clock now_s={view.now_s} pace={view.pace} playing={state.playing} />
                </Transport>
                <Controls workload={w.clone()} on_action={on_action.clone()} />
                <div class="live-charts">
                    <p class="chart-key">
                        <span class="key direct">{ "direct" }</span>
                        <span class="key pooled">{ "through PgBouncer" }</span>
                    </p>
                    <TimeChart quantity={Quantity::Memory} history={view.history.clone()} {dark} {resize} />
                    <TimeChart quantity={Quantity::ContextSwitches} history={view.history.clone()} {dark} {resize} />
                    <TimeChart quantity={Quantity::P99} history={view.history.clone()} {dark} {resize} />
                </div>
                if let Some(pooled) = &view.pooled {
                    if let (Some(pools), Some(stats)) = (pooled.pools, pooled.stats) {
                        <ShowPoolsPanel {pools} {stats} mode={w.pool_mode} />
                    }
                }
            </section>

            <section class="figure memory-figure" aria-labelledby="memory-title">
                <h2 id="memory-title">{ "Memory held by server connections, from 1 to 20,000 clients" }</h2>
                <MemoryChart clients={w.clients} pool_size={w.pool_size} max_clients={CLIENTS_MAX} {dark} {resize} />
                <p class="figure-note">
                    { format!("Idle connections touching 50 relations. The dots are today's {} clients; \
                               top's RSS column (dashed) counts shared pages again in every backend.",
                              format::count(w.clients.into())) }
                </p>
            </section>

            <Explanation on_preset={Some(on_preset)} />
        </main>
    }
}
