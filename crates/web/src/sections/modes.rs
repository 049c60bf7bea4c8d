//! Section 8: what each pool mode costs, and what works in each.

use super::common::{rate, Choice, Num};
use super::figures::RunStatus;
use super::lab::{base, use_run};
use crate::components::IntSlider;
use crate::format::{count, duration};
use crate::state::{mode_key, POOL_MODES};
use poolsim_model::{Params, PoolMode};
use yew::prelude::*;

/// Works in session / transaction / statement mode (PgBouncer docs, features page).
const FEATURES: [(&str, &str, &str, &str); 11] = [
    ("SET / RESET of session settings", "yes", "no", "no"),
    ("LISTEN", "yes", "no", "no"),
    ("NOTIFY", "yes", "yes", "yes"),
    ("Session-level advisory locks", "yes", "no", "no"),
    ("SQL PREPARE / DEALLOCATE", "yes", "no", "no"),
    (
        "Protocol-level prepared statements",
        "yes",
        "with max_prepared_statements > 0",
        "with max_prepared_statements > 0",
    ),
    ("WITH HOLD cursors", "yes", "no", "no"),
    (
        "Temporary tables (PRESERVE / DELETE ROWS)",
        "yes",
        "no",
        "no",
    ),
    ("Temporary tables ON COMMIT DROP", "yes", "yes", "yes"),
    ("LOAD", "yes", "no", "no"),
    ("Multi-statement transactions", "yes", "yes", "no (refused)"),
];

pub fn mode_of(key: &str) -> PoolMode {
    POOL_MODES
        .into_iter()
        .find(|m| mode_key(*m) == key)
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

#[component]
pub fn ModesSection() -> Html {
    let mode = use_state(|| AttrValue::from(MODES_MODE));
    let session_pct = use_state(|| MODES_SESSION_PCT);
    let m = mode_of(mode.as_str());
    let w = workload(m, *session_pct);
    let run = use_run(w.clone());
    let p = run.output.pooled.clone().unwrap_or_default();
    let pools = p.pools.unwrap_or_default();
    let on_session = {
        let session_pct = session_pct.clone();
        Callback::from(move |v| session_pct.set(v))
    };
    let on_mode = {
        let mode = mode.clone();
        Callback::from(move |v| mode.set(v))
    };
    html! {
        <section class="explain" id="modes" aria-labelledby="modes-h">
            { super::common::heading("modes") }
            <p>
                { "PgBouncer can hand out server connections at three granularities. In " }<strong>{ "session" }</strong>
                { " mode a client keeps its server connection until it disconnects: everything works, but the pool \
                   saves nothing while clients stay connected — it only caps and reuses connections. In " }
                <strong>{ "transaction" }</strong>
                { " mode a client borrows a server connection for one transaction and returns it at COMMIT; this is \
                   where the large savings come from, and where most deployments run. In " }
                <strong>{ "statement" }</strong>
                { " mode the connection goes back after every statement, so multi-statement transactions are refused." }
            </p>
            <div class="explain-controls">
                <Choice name="mode" legend="Pool mode" value={(*mode).clone()} on_change={on_mode}
                        options={POOL_MODES.iter().map(|m| (AttrValue::from(mode_key(*m)), AttrValue::from(mode_key(*m)))).collect::<Vec<_>>()} />
                <IntSlider id="mode-session-pct" label="Clients relying on session state" unit="percent" min={0} max={100}
                           value={*session_pct} on_change={on_session}
                           help="Percent of clients using SET, LISTEN, advisory locks or SQL PREPARE" />
            </div>
            <RunStatus metric="s8_run" run={run.clone()} />
            <p>
                { "With " }{ count(w.clients.into()) }{ " clients over a pool of " }{ w.pool_size }
                { " in " }<Num metric="s8_mode" value={POOL_MODES.iter().position(|x| *x == m).unwrap_or(0) as f64}
                              text={mode_key(m)} />
                { " mode, PgBouncer completes " }
                <Num metric="s8_tps" value={p.throughput_tps} text={rate(p.throughput_tps)} />
                { " transactions per second; " }<Num metric="s8_waiting" value={f64::from(pools.cl_waiting)}
                                                      text={count(pools.cl_waiting.into())} />
                { " clients are waiting for a server connection (" }<code>{ "cl_waiting" }</code>
                { ") and the average wait is " }
                <Num metric="s8_wait" value={p.pool_wait_s} text={duration(p.pool_wait_s)} />
                { ". " }<Num metric="s8_session_pct" value={w.session_state_share}
                              text={format!("{} %", *session_pct)} />
                { " of the clients rely on session state; errors because that state did not follow them to another \
                   server connection: " }
                <Num metric="s8_errors" value={p.errors_per_s()} text={format!("{} per second", rate(p.errors_per_s()))} />
                { ". In session mode the first " }{ w.pool_size }{ " clients keep the connections and the rest queue \
                   behind them; transaction mode shares them. Long transactions have the same effect in any mode: a \
                   client that sits inside an open transaction pins its backend, and the pool shrinks by one until it \
                   commits." }
            </p>
            <div class="table-wrap">
                <table class="features">
                    <caption>{ "What works in each mode (PgBouncer documentation)" }</caption>
                    <thead><tr><th scope="col">{ "Feature" }</th><th scope="col">{ "session" }</th>
                        <th scope="col">{ "transaction" }</th><th scope="col">{ "statement" }</th></tr></thead>
                    <tbody>
                        { for FEATURES.iter().map(|(f, s, t, st)| html! {
                            <tr><th scope="row">{ *f }</th>
                                <td class={cell(s)}>{ *s }</td><td class={cell(t)}>{ *t }</td><td class={cell(st)}>{ *st }</td></tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <p>
                { "Prepared statements deserve a note. Until PgBouncer 1.21 (2023), protocol-level prepared statements \
                   did not survive transaction mode, and drivers had to be told not to use them (for example JDBC’s " }
                <code>{ "prepareThreshold=0" }</code>{ "). Since 1.21 PgBouncer can track them itself when " }
                <code>{ "max_prepared_statements" }</code>
                { " is above zero: it renames each statement and prepares it again on whichever server connection the \
                   client lands on. From 1.24 (2025) that setting defaults to 200, so it works out of the box. Settings \
                   made with SET, LISTEN, advisory locks and WITH HOLD cursors still belong to a session, so they need \
                   session mode — or a design that avoids them." }
            </p>
        </section>
    }
}

fn cell(v: &str) -> &'static str {
    match v {
        "yes" => "yes",
        v if v.starts_with("no") => "no",
        _ => "partly",
    }
}
