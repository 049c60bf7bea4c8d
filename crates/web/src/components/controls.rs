//! Every parameter control under the figure. Each sends an [`Action`]; nothing here holds state.
//! Ranges and scales come from the model's parameter registry, so every value the model (and a
//! shared URL) accepts can be shown and set here.

use super::Select;
use poolsim_model::params::spec;
use poolsim_model::{Arch, Connect, Params, PoolMode};
use poolsim_page::state::*;
use poolsim_ui::components::{IntSlider, Toggle};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub params: Params,
    /// The pool mode the selector shows (remembered while the pooler is off).
    pub mode: PoolMode,
    pub on_action: Callback<Action>,
    /// Only these controls (registry keys); `None` shows all.
    #[prop_or_default]
    pub only: Option<Vec<&'static str>>,
}

/// The registry range of `key`, times `scale` (e.g. 1000 to show milliseconds as µs).
fn range(key: &str, scale: f64) -> (u32, u32) {
    spec(key).map_or((0, 1), |s| {
        (
            (s.min * scale).round() as u32,
            (s.max * scale).round() as u32,
        )
    })
}

fn log(key: &str) -> bool {
    spec(key).is_some_and(|s| s.log_scale)
}

/// A callback setting `key` to the slider's value divided by `scale`.
fn set(on: &Callback<Action>, key: &'static str, scale: f64) -> Callback<u32> {
    on.reform(move |v: u32| Action::Set(key, (f64::from(v) / scale).to_string()))
}

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let p = &props.params;
    let on = &props.on_action;
    let shown = |key: &str| props.only.as_ref().is_none_or(|o| o.contains(&key));
    let slider = |key: &'static str,
                  id: &'static str,
                  label: &'static str,
                  unit: &'static str,
                  scale: f64,
                  value: f64,
                  help: Option<&'static str>| {
        if !shown(key) {
            return html! {};
        }
        let (min, max) = range(key, scale);
        html! {
            <IntSlider id={id} label={label} unit={unit} {min} {max}
                       value={(value * scale).round().clamp(f64::from(min), f64::from(max)) as u32}
                       log={log(key)} on_change={set(on, key, scale)}
                       help={help.map(AttrValue::Static)} />
        }
    };
    let pool_mode = on.reform(|key: String| {
        Action::PoolMode(
            POOL_MODES
                .iter()
                .copied()
                .find(|m| m.key() == key)
                .unwrap_or(PoolMode::Transaction),
        )
    });
    let text = |key: &'static str| on.reform(move |v: String| Action::Set(key, v));
    let per_txn = on.reform(|on: bool| {
        Action::Set(
            "connect",
            if on {
                Connect::PerTxn
            } else {
                Connect::Persistent
            }
            .key()
            .into(),
        )
    });
    let modes = POOL_MODES
        .iter()
        .map(|m| (AttrValue::Static(m.key()), AttrValue::Static(m.label())))
        .collect::<Vec<_>>();
    let versions = vec![
        (AttrValue::Static("13"), AttrValue::Static("≤ 13")),
        (AttrValue::Static("16"), AttrValue::Static("14+")),
    ];
    let archs = Arch::ALL
        .iter()
        .map(|a| (AttrValue::Static(a.key()), AttrValue::Static(a.label())))
        .collect::<Vec<_>>();
    let version = if p.old_snapshots() { "13" } else { "16" };
    html! {
        <div class="controls" role="group" aria-label="Workload and server">
            { slider("clients", "clients", "Clients", "clients", 1.0, f64::from(p.clients),
                     Some("Application connections (logarithmic)")) }
            { slider("idle_connections", "idle-connections", "Idle connections", "idle connections", 1.0,
                     f64::from(p.idle_connections),
                     Some("Opened once and left idle: they cost memory, and snapshot time up to PG13")) }
            { slider("pool_size", "pool-size", "Pool size", "server connections", 1.0, f64::from(p.pool_size),
                     Some("Server connections (backends) PgBouncer keeps open")) }
            { slider("cores", "cores", "Cores", "cores", 1.0, f64::from(p.cores),
                     Some("CPU cores of the database server")) }
            { slider("think_ms", "think-ms", "Think time", "ms", 1.0, p.think_ms,
                     Some("ms each client waits between transactions")) }
            { slider("stmt_cpu_ms", "stmt-cpu", "Statement CPU time", "µs", 1000.0, p.stmt_cpu_ms,
                     Some("µs of CPU each statement needs")) }
            { slider("stmts_per_txn", "stmts", "Statements per transaction", "statements", 1.0,
                     f64::from(p.stmts_per_txn), None) }
            { slider("session_state_share", "session-state", "Session-state clients", "percent of clients",
                     100.0, p.session_state_share,
                     Some("% of clients using SET, LISTEN, advisory locks or SQL PREPARE")) }
            <div class="control-row">
                if shown("pool_mode") {
                    <Toggle id="pooler" label="Pooler (PgBouncer) in front" checked={p.pooled()}
                            on_change={on.reform(Action::Pooler)}
                            help="Off: only the direct side is simulated" />
                    <Select id="pool-mode" label="Pool mode" value={props.mode.key()}
                            options={modes} on_change={pool_mode} />
                }
                if shown("pg_version") {
                    <Select id="pg-version" label="Postgres version" value={version}
                            options={versions} on_change={text("pg_version")} />
                }
                if shown("arch") {
                    <Select id="arch" label="Architecture" value={p.arch.key()}
                            options={archs} on_change={text("arch")} />
                }
                if shown("connect") {
                    <Toggle id="connect-per-txn" label="Connect per request"
                            checked={p.connect == Connect::PerTxn} on_change={per_txn}
                            help="Open a new connection for every transaction (serverless style)" />
                }
            </div>
        </div>
    }
}
