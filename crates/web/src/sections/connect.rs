//! Section 5: the cost of opening a connection, and clients that connect for every request.

use super::common::{rate, times, Num};
use super::figures::{Pair, PairBars, RunStatus};
use super::lab::{base, use_run};
use crate::components::IntSlider;
use crate::format::{count, duration, percent};
use poolsim_model::{Connect, Params};
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

#[component]
pub fn ConnectSection() -> Html {
    let clients = use_state(|| CONNECT_CLIENTS);
    let n = *clients;
    let persistent = use_run(workload(n, false));
    let per_txn = use_run(workload(n, true));
    let keep = persistent.output.direct.throughput_tps;
    let reconnect = per_txn.output.direct.throughput_tps;
    let pooled = per_txn.output.pooled.clone().unwrap_or_default();
    let drop = keep / reconnect.max(1e-9);
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <section class="explain" id="connect" aria-labelledby="connect-h">
            { super::common::heading("connect") }
            <p>
                { "Many applications open a connection, run one query and close it again: scripts, PHP pages, ORMs \
                   without a pool, serverless functions that cannot keep a connection between invocations. Each time, \
                   the postmaster forks a backend. The " }<code>{ "fork()" }</code>
                { " itself is quick — about 0.13 ms on our test machine, since the child shares its parent’s pages \
                   copy-on-write. What is slow is everything after: the new backend initialises itself, loads catalog \
                   data, and authenticates the client (SCRAM’s deliberate key stretching alone takes milliseconds). In \
                   our measurements a new connection took about 4 ms over a Unix socket with no password and about \
                   10 ms over TCP with SCRAM." }
            </p>
            <figure class="explain-figure">
                <PairBars direct_label="keep connection" pooled_label="reconnect each time" pairs={vec![
                    Pair { label: "Direct to Postgres, transactions per second".into(), direct: keep, pooled: reconnect,
                           direct_text: rate(keep), pooled_text: rate(reconnect) },
                ]} />
                <PairBars direct_label="direct" pooled_label="via PgBouncer" pairs={vec![
                    Pair { label: "Reconnecting every transaction, transactions per second".into(), direct: reconnect,
                           pooled: pooled.throughput_tps,
                           direct_text: rate(reconnect), pooled_text: rate(pooled.throughput_tps) },
                ]} />
                <figcaption>{ format!("{} client(s) running a trivial one-statement transaction with no pause.",
                                      count(n.into())) }</figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="conn-clients" label="Clients" unit="clients" min={1} max={200}
                           value={n} log=true on_change={on_clients} />
            </div>
            <RunStatus metric="s5_run" run={per_txn.clone()} />
            <p>
                { "With " }<Num metric="s5_clients" value={f64::from(n)} text={count(n.into())} />
                { " client(s) keeping their connection open, the server completes " }
                <Num metric="s5_tps_persistent" value={keep} text={rate(keep)} />
                { " transactions per second. Reconnecting for each one, it completes " }
                <Num metric="s5_tps_reconnect" value={reconnect} text={rate(reconnect)} />
                { " — " }<Num metric="s5_drop" value={drop} text={times(drop)} />
                { " fewer — and spends " }
                <Num metric="s5_fork_share" value={per_txn.output.direct.cpu.fork_auth} text={percent(per_txn.output.direct.cpu.fork_auth)} />
                { " of its CPU on forking and authenticating; each transaction now takes " }
                <Num metric="s5_latency_reconnect" value={per_txn.output.direct.latency.mean}
                     text={duration(per_txn.output.direct.latency.mean)} />
                { ". We measured a drop of about 300× for " }<code>{ "SELECT 1" }</code>
                { " on a real server over a Unix socket; the simulated client also pays a network round trip \
                   per statement, which narrows the gap. A pooler keeps its server connections open, so a client that \
                   reconnects no longer makes Postgres fork: it still pays for its own connection to PgBouncer, and \
                   the server completes " }
                <Num metric="s5_tps_pooled" value={pooled.throughput_tps} text={rate(pooled.throughput_tps)} />
                { " transactions per second." }
            </p>
        </section>
    }
}
