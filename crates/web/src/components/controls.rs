//! Every workload control under the figure. Each sends an [`Action`]; nothing here holds state.

use super::{IntSlider, Select, Toggle};
use crate::state::*;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub workload: Workload,
    pub on_action: Callback<Action>,
}

fn send<T: 'static>(on: &Callback<Action>, f: fn(T) -> Action) -> Callback<T> {
    on.reform(f)
}

fn options<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(AttrValue, AttrValue)> {
    all.iter()
        .map(|&v| (AttrValue::Static(key(v)), AttrValue::Static(label(v))))
        .collect()
}

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let w = &props.workload;
    let on = &props.on_action;
    let pool_mode = on.reform(|key: String| {
        Action::PoolMode(
            PoolMode::ALL
                .into_iter()
                .find(|m| m.key() == key)
                .unwrap_or(PoolMode::Transaction),
        )
    });
    let pg = on.reform(|key: String| {
        Action::PgVersion(if key == PgVersion::Pg13.key() {
            PgVersion::Pg13
        } else {
            PgVersion::Pg14
        })
    });
    let arch = on.reform(|key: String| {
        Action::Arch(
            Arch::ALL
                .into_iter()
                .find(|a| a.key() == key)
                .unwrap_or(Arch::Process),
        )
    });
    html! {
        <div class="controls" role="group" aria-label="Workload and server">
            <IntSlider id="clients" label="Clients" unit="clients"
                       min={CLIENTS_MIN} max={CLIENTS_MAX} value={w.clients} log=true
                       on_change={send(on, Action::Clients)}
                       help="Application connections (logarithmic)" />
            <IntSlider id="idle-connections" label="Idle connections" unit="idle connections"
                       min={0} max={IDLE_CONNECTIONS_MAX} value={w.idle_connections}
                       on_change={send(on, Action::IdleConnections)}
                       help="Opened once and left idle: they cost memory, and snapshot time up to PG13" />
            <IntSlider id="pool-size" label="Pool size" unit="server connections"
                       min={POOL_MIN} max={POOL_MAX} value={w.pool_size} log=true
                       on_change={send(on, Action::PoolSize)}
                       help="Server connections (backends) PgBouncer keeps open" />
            <IntSlider id="cores" label="Cores" unit="cores"
                       min={CORES_MIN} max={CORES_MAX} value={w.cores} log=true
                       on_change={send(on, Action::Cores)}
                       help="CPU cores of the database server" />
            <IntSlider id="think-ms" label="Think time" unit="ms"
                       min={THINK_MS_MIN} max={THINK_MS_MAX} value={w.think_ms}
                       log=true on_change={send(on, Action::ThinkMs)}
                       help="ms each client waits between transactions" />
            <IntSlider id="stmt-cpu" label="Statement CPU time" unit="µs"
                       min={STMT_CPU_US_MIN} max={STMT_CPU_US_MAX} value={w.stmt_cpu_us}
                       log=true on_change={send(on, Action::StmtCpuUs)}
                       help="µs of CPU each statement needs" />
            <IntSlider id="stmts" label="Statements per transaction" unit="statements"
                       min={STMTS_MIN} max={STMTS_MAX} value={w.stmts_per_txn}
                       on_change={send(on, Action::StmtsPerTxn)} />
            <IntSlider id="session-state" label="Session-state clients" unit="percent of clients"
                       min={0} max={SESSION_STATE_PCT_MAX} value={w.session_state_pct}
                       on_change={send(on, Action::SessionStatePct)}
                       help="% of clients using SET, LISTEN, advisory locks or SQL PREPARE" />
            <div class="control-row">
                <Toggle id="pooler" label="Pooler (PgBouncer) in front" checked={w.pooler}
                        on_change={send(on, Action::Pooler)}
                        help="Off: only the direct side is simulated" />
                <Select id="pool-mode" label="Pool mode" value={w.pool_mode.key()}
                        options={options(&PoolMode::ALL, PoolMode::key, PoolMode::label)}
                        on_change={pool_mode} />
                <Select id="pg-version" label="Postgres version" value={w.pg_version.key()}
                        options={options(&PgVersion::ALL, PgVersion::key, PgVersion::label)}
                        on_change={pg} />
                <Select id="arch" label="Architecture" value={w.arch.key()}
                        options={options(&Arch::ALL, Arch::key, Arch::label)}
                        on_change={arch} />
                <Toggle id="connect-per-txn" label="Connect per request" checked={w.connect_per_txn}
                        on_change={send(on, Action::ConnectPerTxn)}
                        help="Open a new connection for every transaction (serverless style)" />
            </div>
        </div>
    }
}
