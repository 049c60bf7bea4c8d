//! Section 8: what each pool mode costs, and what works in each.

use super::common::{rate_digits, use_live, Choice};
use super::figures::RunStatus;
use super::lab::{base, use_run};
use poolsim_model::{Params, PoolMode};
use poolsim_page::format::{count, duration};
use poolsim_page::live::{num, word, Live, Runner};
use poolsim_page::sim::LiveView;
use poolsim_page::state::POOL_MODES;
use poolsim_ui::components::IntSlider;
use yew::prelude::*;

pub fn mode_of(key: &str) -> PoolMode {
    POOL_MODES
        .iter()
        .copied()
        .find(|m| m.key() == key)
        .unwrap_or(PoolMode::Transaction)
}

/// Section 8 before the reader touches it: session mode, a fifth of the clients using session state.
pub const MODES_MODE: &str = "session";
pub const MODES_SESSION_PCT: u32 = 20;

/// Section 8's workload: 400 clients over the default pool in `mode`, `session_pct` % of them
/// relying on session state.
pub fn workload(mode: PoolMode, session_pct: u32) -> Params {
    Params {
        clients: 400,
        pool_mode: mode,
        session_state_share: f64::from(session_pct) / 100.0,
        ..base()
    }
}

/// Section 8's live numbers: pool mode `m`, `session_pct` % of clients using session state, and
/// the run's result.
pub fn live(m: PoolMode, session_pct: u32, run: &LiveView) -> Vec<Live> {
    let w = workload(m, session_pct);
    let p = run.pooled.clone().unwrap_or_default();
    let pools = p.pools.unwrap_or_default();
    vec![
        word("modes_clients", count(w.clients.into())),
        word("modes_pool_size", w.pool_size.to_string()),
        num(
            "modes_mode",
            POOL_MODES.iter().position(|x| *x == m).unwrap_or(0) as f64,
            m.key(),
        ),
        num("modes_tps", p.throughput_tps, rate_digits(p.throughput_tps)),
        num(
            "modes_waiting",
            f64::from(pools.cl_waiting),
            count(pools.cl_waiting.into()),
        ),
        num("modes_wait", p.pool_wait_s, duration(p.pool_wait_s)),
        num(
            "modes_session_pct",
            w.session_state_share,
            format!("{session_pct} %"),
        ),
        num(
            "modes_errors",
            p.errors_per_s(),
            format!("{} per second", rate_digits(p.errors_per_s())),
        ),
        word("modes_pool_size_again", w.pool_size.to_string()),
    ]
}

/// Section 8's live numbers before the reader touches it.
pub fn defaults(run: Runner) -> Vec<Live> {
    let m = mode_of(MODES_MODE);
    live(
        m,
        MODES_SESSION_PCT,
        &run(&workload(m, MODES_SESSION_PCT), poolsim_page::live::RUN_NS),
    )
}

/// Section 8's figure: the pool mode and the share of clients using session state.
#[component]
pub fn ModesSection() -> Html {
    let mode = use_state(|| AttrValue::from(MODES_MODE));
    let session_pct = use_state(|| MODES_SESSION_PCT);
    let m = mode_of(mode.as_str());
    let w = workload(m, *session_pct);
    let run = use_run(w.clone());
    use_live(live(m, *session_pct, &run.output), run.done);
    let on_session = {
        let session_pct = session_pct.clone();
        Callback::from(move |v| session_pct.set(v))
    };
    let on_mode = {
        let mode = mode.clone();
        Callback::from(move |v| mode.set(v))
    };
    html! {
        <>
            <div class="explain-controls">
                <Choice name="mode" legend="Pool mode" value={(*mode).clone()} on_change={on_mode}
                        options={POOL_MODES.iter().map(|m| (AttrValue::from(m.key()), AttrValue::from(m.label()))).collect::<Vec<_>>()} />
                <IntSlider id="mode-session-pct" label="Clients relying on session state" unit="percent" min={0} max={100}
                           value={*session_pct} on_change={on_session}
                           help="Percent of clients using SET, LISTEN, advisory locks or SQL PREPARE" />
            </div>
            <RunStatus metric="modes_run" run={run.clone()} />
        </>
    }
}

/// Section `modes`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "modes",
    view: |_| html! { <ModesSection /> },
    defaults,
    prerender: super::Prerender::Component,
    shown: &["modes_mode"],
};
