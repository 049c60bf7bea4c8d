//! The live figure: the same clients direct and through a pooler, side by side, with the
//! transport, the controls, the live charts and PgBouncer's console. Shared by the page, the
//! presenter mode and the embed.

use super::*;
use poolsim_page::sim::LiveView;
use poolsim_page::state::{Action, PageState};
use poolsim_page::url_state::{Embed, Layout};
use std::rc::Rc;
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

#[derive(Properties, PartialEq)]
pub struct LiveFigureProps {
    pub state: Rc<PageState>,
    pub view: Rc<LiveView>,
    pub on_action: Callback<Action>,
    pub figure_ref: NodeRef,
    pub dark: bool,
    pub resize: u32,
    /// Reduced motion (no flow dots in the architecture views).
    #[prop_or_default]
    pub calm: bool,
    /// Only these controls (an embed's choice); `None` shows them all.
    #[prop_or_default]
    pub only: Option<Vec<&'static str>>,
    /// Embeds leave out the charts and PgBouncer's console unless there is room.
    #[prop_or_default]
    pub compact: bool,
    /// An embed's layout and readouts; `None` on the page (everything shown).
    #[prop_or_default]
    pub embed: Option<Rc<Embed>>,
}

#[component]
pub fn LiveFigure(props: &LiveFigureProps) -> Html {
    let state = &props.state;
    let view = &props.view;
    let p = &state.params;
    let (dark, resize, calm, now_s) = (props.dark, props.resize, props.calm, view.now_s);
    // An embed shows the readouts of its `readouts=` (www/share.css hides the others).
    let (slim, shown) = props.embed.as_ref().map_or((false, None), |e| {
        (e.layout == Layout::Compact, Some(e.readouts.join(" ")))
    });
    html! {
        <section class={classes!("figure", "live-figure", slim.then_some("slim"))} data-readouts={shown}
                 ref={props.figure_ref.clone()} aria-labelledby="live-title">
            <h2 id="live-title">{ "The same clients, direct and through a pooler" }</h2>
            <LiveSummary view={view.clone()} clients={p.clients} />
            if let Some(stall) = view.stall_notice() {
                <p class="link-notice stall-notice" role="alert">{ stall }</p>
            }
            <div class={classes!("sides", view.pooled.is_none().then_some("single"))}>
                <SideReadouts view={view.direct.clone()} clients={p.clients} pool_size={p.pool_size}>
                    <Architecture view={view.direct.clone()} {dark} {resize} {now_s} {calm} {slim} />
                </SideReadouts>
                if let Some(pooled) = &view.pooled {
                    <SideReadouts view={pooled.clone()} clients={p.clients} pool_size={p.pool_size}>
                        <Architecture view={pooled.clone()} {dark} {resize} {now_s} {calm} {slim} />
                    </SideReadouts>
                }
            </div>
            <ul class="legend" aria-label="Colours of the architecture view">
                { for LEGEND.iter().map(|(class, label)| html! { <li class={*class}>{ *label }</li> }) }
            </ul>
            <Transport playing={state.playing} speed={state.speed} seed={state.seed}
                       on_action={props.on_action.clone()}>
                <Clock now_s={view.now_s} pace={view.pace} playing={state.playing} />
            </Transport>
            if props.only.as_ref().is_none_or(|o| !o.is_empty()) {
                <Controls params={p.clone()} mode={state.shown_mode()} on_action={props.on_action.clone()}
                          only={props.only.clone()} />
            }
            if !props.compact {
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
                        <ShowPoolsPanel {pools} {stats} mode={p.pool_mode} />
                    }
                }
            }
        </section>
    }
}
