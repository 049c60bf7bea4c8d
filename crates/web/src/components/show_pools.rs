//! PgBouncer's admin console, live: `SHOW POOLS` and `SHOW STATS` with their real column names.

use poolsim_model::PoolMode;
use poolsim_page::format;
use poolsim_page::sim::{ShowPools, ShowStats};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShowPoolsProps {
    pub pools: ShowPools,
    pub stats: ShowStats,
    pub mode: PoolMode,
}

fn cell(name: &'static str, value: f64, text: String) -> Html {
    html! {
        <td data-metric={format!("pgbouncer_{name}")} data-value={value.to_string()}>{ text }</td>
    }
}

fn table(caption: &'static str, columns: &[&'static str], row: Vec<Html>) -> Html {
    html! {
        // Scrolls sideways on a narrow screen: focusable, so a keyboard can scroll it, and named.
        <div class="console-table" role="region" tabindex="0" aria-label={caption}>
            <table>
                <caption><code>{ caption }</code></caption>
                <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                <tbody><tr>{ for row }</tr></tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ShowPoolsPanel(props: &ShowPoolsProps) -> Html {
    let p = &props.pools;
    let s = &props.stats;
    let n = |v: u32| format::count(v.into());
    let us = |seconds: f64| format::count((seconds * 1e6).round().max(0.0) as u64);
    let pools = table(
        "SHOW POOLS;",
        &[
            "database",
            "cl_active",
            "cl_waiting",
            "sv_active",
            "sv_idle",
            "sv_used",
            "sv_login",
            "maxwait",
            "maxwait_us",
            "pool_mode",
        ],
        vec![
            html! { <td>{ "app" }</td> },
            cell("cl_active", p.cl_active.into(), n(p.cl_active)),
            cell("cl_waiting", p.cl_waiting.into(), n(p.cl_waiting)),
            cell("sv_active", p.sv_active.into(), n(p.sv_active)),
            cell("sv_idle", p.sv_idle.into(), n(p.sv_idle)),
            cell("sv_used", p.sv_used.into(), n(p.sv_used)),
            cell("sv_login", p.sv_login.into(), n(p.sv_login)),
            cell("maxwait", p.maxwait_s, format!("{}", p.maxwait_s.floor())),
            html! { <td>{ us(p.maxwait_s.fract()) }</td> },
            html! { <td>{ props.mode.key() }</td> },
        ],
    );
    let stats = table(
        "SHOW STATS;",
        &[
            "database",
            "total_xact_count",
            "total_query_count",
            "total_wait_time",
            "avg_xact_count",
            "avg_xact_time",
            "avg_query_time",
            "avg_wait_time",
        ],
        vec![
            html! { <td>{ "app" }</td> },
            cell(
                "total_xact_count",
                s.total_xact_count as f64,
                format::count(s.total_xact_count),
            ),
            cell(
                "total_query_count",
                s.total_query_count as f64,
                format::count(s.total_query_count),
            ),
            cell(
                "total_wait_time",
                s.total_wait_time_s,
                us(s.total_wait_time_s),
            ),
            cell(
                "avg_xact_count",
                s.avg_xact_count,
                format::count(s.avg_xact_count.round() as u64),
            ),
            cell("avg_xact_time", s.avg_xact_time_s, us(s.avg_xact_time_s)),
            cell("avg_query_time", s.avg_query_time_s, us(s.avg_query_time_s)),
            cell("avg_wait_time", s.avg_wait_time_s, us(s.avg_wait_time_s)),
        ],
    );
    html! {
        <section class="console" aria-labelledby="console-title">
            <h3 id="console-title">{ "PgBouncer's admin console, live" }</h3>
            <p class="console-note">
                { "Times in µs, as PgBouncer prints them. cl_waiting: clients that sent a query and have no server yet; \
                   maxwait: age of the oldest one, in seconds." }
            </p>
            { pools }
            { stats }
        </section>
    }
}
