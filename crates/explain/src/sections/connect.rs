//! Section 5: the cost of opening a connection, and clients that connect for every request.

use super::common::{rate_digits, times, use_live};
use super::figures::{Pair, PairBars, RunStatus};
use super::lab::{base, use_run};
use poolsim_model::{Connect, Params};
use poolsim_page::format::{count, duration, percent};
use poolsim_page::live::{num, Live, Runner};
use poolsim_page::sim::LiveView;
use poolsim_ui::components::IntSlider;
use yew::prelude::*;

/// A connect-per-request workload: short `SELECT 1`-like transactions with no think time.
pub fn workload(clients: u32, per_txn: bool) -> Params {
    Params {
        clients,
        think_ms: 0.0,
        stmt_cpu_ms: 0.01,
        stmts_per_txn: 1,
        connect: if per_txn {
            Connect::PerTxn
        } else {
            Connect::Persistent
        },
        pool_size: clients.min(base().pool_size),
        ..base()
    }
}

/// Clients in section 5 before the reader moves its slider.
pub const CONNECT_CLIENTS: u32 = 1;

/// Section 5's live numbers with `n` clients, from the persistent and the reconnecting runs.
pub fn live(n: u32, persistent: &LiveView, per_txn: &LiveView) -> Vec<Live> {
    let keep = persistent.direct.throughput_tps;
    let reconnect = per_txn.direct.throughput_tps;
    let pooled = per_txn.pooled.clone().unwrap_or_default();
    let drop = keep / reconnect.max(1e-9);
    let d = &per_txn.direct;
    vec![
        num("connect_clients", f64::from(n), count(n.into())),
        num("connect_tps_persistent", keep, rate_digits(keep)),
        num("connect_tps_reconnect", reconnect, rate_digits(reconnect)),
        num("connect_drop", drop, times(drop)),
        num(
            "connect_fork_share",
            d.cpu.fork_auth,
            percent(d.cpu.fork_auth),
        ),
        num(
            "connect_latency_reconnect",
            d.latency.mean,
            duration(d.latency.mean),
        ),
        num(
            "connect_tps_pooled",
            pooled.throughput_tps,
            rate_digits(pooled.throughput_tps),
        ),
    ]
}

/// Section 5's live numbers before the reader touches it.
pub fn defaults(run: Runner) -> Vec<Live> {
    let n = CONNECT_CLIENTS;
    let ns = poolsim_page::live::RUN_NS;
    live(
        n,
        &run(&workload(n, false), ns),
        &run(&workload(n, true), ns),
    )
}

/// Section 5's figure: throughput keeping the connection, reconnecting, and through PgBouncer.
#[component]
pub fn ConnectSection() -> Html {
    let clients = use_state(|| CONNECT_CLIENTS);
    let n = *clients;
    let persistent = use_run(workload(n, false));
    let per_txn = use_run(workload(n, true));
    let keep = persistent.output.direct.throughput_tps;
    let reconnect = per_txn.output.direct.throughput_tps;
    let pooled = per_txn.output.pooled.clone().unwrap_or_default();
    use_live(
        live(n, &persistent.output, &per_txn.output),
        persistent.done && per_txn.done,
    );
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <>
            <figure class="explain-figure">
                <PairBars direct_label="keep connection" pooled_label="reconnect each time" pairs={vec![
                    Pair { label: "Direct to Postgres, transactions per second".into(), direct: keep, pooled: reconnect,
                           direct_text: rate_digits(keep), pooled_text: rate_digits(reconnect) },
                ]} />
                <PairBars direct_label="direct" pooled_label="via PgBouncer" pairs={vec![
                    Pair { label: "Reconnecting every transaction, transactions per second".into(), direct: reconnect,
                           pooled: pooled.throughput_tps,
                           direct_text: rate_digits(reconnect), pooled_text: rate_digits(pooled.throughput_tps) },
                ]} />
                <figcaption>{ format!("{} client(s) running a trivial one-statement transaction with no pause.",
                                      count(n.into())) }</figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="conn-clients" label="Clients" unit="clients" min={1} max={200}
                           value={n} log=true on_change={on_clients} />
            </div>
            <RunStatus metric="connect_run" run={per_txn.clone()} />
        </>
    }
}

/// Section `connect`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "connect",
    view: |_| html! { <ConnectSection /> },
    defaults,
    prerender: super::Prerender::Component,
    shown: &[
        "connect_clients",
        "connect_tps_persistent",
        "connect_tps_reconnect",
        "connect_tps_pooled",
    ],
};
