//! Section 6: GetSnapshotData, O(connections) before PostgreSQL 14, idle connections included.

use super::common::{rate_digits, use_live, use_live_on_demand, Choice};
use super::figures::{CpuBars, RunStatus};
use super::job::JobView;
use super::lab::{base, use_run_for};
use poolsim_model::{Params, PresetId};
use poolsim_page::format::count;
use poolsim_page::format::percent;
use poolsim_page::live::{num, word, Live, Runner};
use poolsim_page::sim::LiveView;
use poolsim_ui::components::IntSlider;

/// Postgres before and after the snapshot-scalability work of version 14.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PgVersion {
    Pg13,
    Pg14,
}

fn pg_label(pg: PgVersion) -> &'static str {
    match pg {
        PgVersion::Pg13 => "≤ 13",
        PgVersion::Pg14 => "14+",
    }
}
use yew::prelude::*;

/// Connections in section 6 before the reader moves its slider.
pub const SNAPSHOT_CLIENTS: u32 = 3_000;

/// Many connected clients, most of them idle: the case where pre-14 snapshots hurt. `pg13` picks
/// PostgreSQL 13 (O(connections) snapshots), else 16.
pub fn workload(clients: u32, pg13: bool) -> Params {
    snapshot_workload(
        clients,
        if pg13 {
            PgVersion::Pg13
        } else {
            PgVersion::Pg14
        },
    )
}

fn snapshot_workload(clients: u32, pg: PgVersion) -> Params {
    Params {
        clients,
        think_ms: 100.0,
        stmt_cpu_ms: 0.2,
        stmts_per_txn: 3,
        pg_version: if pg == PgVersion::Pg13 { 13 } else { 16 },
        ..base()
    }
}

/// Connections on the big server (Freund's 72 vCPUs): where his PG13/PG14 ratio is about 2.
pub const BIG_CLIENTS: u32 = 1_000;

/// Simulated time of each big-server run: at one to two million transactions per second, half a
/// second is a million transactions, and its start-up (1,000 connections opening) a few ms of it.
pub const BIG_RUN_NS: u64 = 500_000_000;

/// Freund's benchmark server (the `freund72` preset: 72 vCPUs in two sockets, select-only
/// pgbench straight to Postgres, no think time) with [`BIG_CLIENTS`] connections, on PostgreSQL
/// 13 (`pg13`) or 14.
pub fn big_server(pg13: bool) -> Params {
    Params {
        clients: BIG_CLIENTS,
        pg_version: if pg13 { 13 } else { 14 },
        ..PresetId::Freund72.params()
    }
}

/// Which server the figure shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Server {
    /// The page's 8 cores with many mostly idle connections.
    Small,
    /// Freund's 72 vCPUs with 1,000 busy connections.
    Big,
}

/// The big server's live values: written when the reader chooses that server.
const BIG_NAMES: &[&str] = &[
    "snapshots_big_clients",
    "snapshots_big_tps_13",
    "snapshots_big_tps_14",
    "snapshots_big_ratio",
    "snapshots_big_share_13",
    "snapshots_big_share_14",
];

/// Section 6's numbers for the big server: PG13's and PG14's runs.
fn big_live(v13: &LiveView, v14: &LiveView) -> Vec<Live> {
    let (t13, t14) = (v13.direct.throughput_tps, v14.direct.throughput_tps);
    let ratio = t14 / t13.max(1e-9);
    vec![
        num(
            "snapshots_big_clients",
            f64::from(BIG_CLIENTS),
            count(BIG_CLIENTS.into()),
        ),
        num("snapshots_big_tps_13", t13, rate_digits(t13)),
        num("snapshots_big_tps_14", t14, rate_digits(t14)),
        num("snapshots_big_ratio", ratio, super::common::times(ratio)),
        num(
            "snapshots_big_share_13",
            v13.direct.cpu.snapshots,
            percent(v13.direct.cpu.snapshots),
        ),
        num(
            "snapshots_big_share_14",
            v14.direct.cpu.snapshots,
            percent(v14.direct.cpu.snapshots),
        ),
    ]
}

/// Section 6's live numbers: the run of `w` on `pg`, and the run of the other version.
fn live_for(w: &Params, pg: PgVersion, run: &LiveView, other: &LiveView) -> Vec<Live> {
    let d = &run.direct;
    let (v13, v14) = if pg == PgVersion::Pg13 {
        (d, &other.direct)
    } else {
        (&other.direct, d)
    };
    vec![
        num(
            "snapshots_clients",
            f64::from(w.clients),
            count(w.clients.into()),
        ),
        word("snapshots_version", pg_label(pg)),
        num("snapshots_tps", d.throughput_tps, rate_digits(d.throughput_tps)),
        num(
            "snapshots_snapshot_share",
            d.cpu.snapshots,
            percent(d.cpu.snapshots),
        ),
        num(
            "snapshots_tps_13",
            v13.throughput_tps,
            rate_digits(v13.throughput_tps),
        ),
        num(
            "snapshots_tps_14",
            v14.throughput_tps,
            rate_digits(v14.throughput_tps),
        ),
        word("snapshots_pool_size", w.pool_size.to_string()),
    ]
}

/// Section 6's live numbers before the reader touches it (PostgreSQL 13).
pub fn defaults(run: Runner) -> Vec<Live> {
    let ns = poolsim_page::live::RUN_NS;
    let w = snapshot_workload(SNAPSHOT_CLIENTS, PgVersion::Pg13);
    let other = snapshot_workload(SNAPSHOT_CLIENTS, PgVersion::Pg14);
    let mut values = live_for(&w, PgVersion::Pg13, &run(&w, ns), &run(&other, ns));
    values.extend(big_live(
        &run(&big_server(true), BIG_RUN_NS),
        &run(&big_server(false), BIG_RUN_NS),
    ));
    values
}

/// Section 6's figure: where the cores' time goes, the version choice and the connections slider.
#[component]
pub fn SnapshotSection() -> Html {
    let version = use_state(|| AttrValue::from("13"));
    let server_key = use_state(|| AttrValue::from("small"));
    let clients = use_state(|| SNAPSHOT_CLIENTS);
    let pg = if version.as_str() == "14" {
        PgVersion::Pg14
    } else {
        PgVersion::Pg13
    };
    let other_pg = if pg == PgVersion::Pg13 {
        PgVersion::Pg14
    } else {
        PgVersion::Pg13
    };
    let server = if server_key.as_str() == "big" {
        Server::Big
    } else {
        Server::Small
    };
    let w = snapshot_workload(*clients, pg);
    let run = use_run_for(w.clone(), poolsim_page::live::RUN_NS);
    // The other version, for the comparison in the prose.
    let other = use_run_for(
        snapshot_workload(*clients, other_pg),
        poolsim_page::live::RUN_NS,
    );
    use_live(
        live_for(&w, pg, &run.output, &other.output),
        run.done && other.done,
    );
    // The big server's runs (millions of events each) start when the reader chooses it; the
    // prerender runs them for the prose's numbers, which they then rewrite with the same digits.
    let big = server == Server::Big || cfg!(feature = "ssr");
    use_live_on_demand(BIG_NAMES);
    let big_run = |pg13| {
        if big {
            (big_server(pg13), BIG_RUN_NS)
        } else {
            // Nothing to show: one client for one nanosecond.
            (
                Params {
                    clients: 1,
                    pool_mode: poolsim_model::PoolMode::None,
                    ..base()
                },
                1,
            )
        }
    };
    let (w13, ns13) = big_run(true);
    let (w14, ns14) = big_run(false);
    let big13 = use_run_for(w13, ns13);
    let big14 = use_run_for(w14, ns14);
    use_live(
        big_live(&big13.output, &big14.output),
        big && big13.done && big14.done,
    );
    // What the bars and the run status show: the small server's run, or both big runs (the
    // prose compares them, so the status is done when both are).
    let shown = match server {
        Server::Small => run.clone(),
        Server::Big => JobView {
            output: if pg == PgVersion::Pg13 {
                big13.output.clone()
            } else {
                big14.output.clone()
            },
            progress: (big13.progress + big14.progress) / 2.0,
            done: big13.done && big14.done,
            worst_frame_ms: big13.worst_frame_ms.max(big14.worst_frame_ms),
        },
    };
    let d = &shown.output.direct;
    let on_version = {
        let version = version.clone();
        Callback::from(move |v| version.set(v))
    };
    let on_server = {
        let server_key = server_key.clone();
        Callback::from(move |v| server_key.set(v))
    };
    let caption = match server {
        Server::Small => format!(
            "Where the cores’ time goes with {} connections, most of them idle at any moment.",
            count(w.clients.into())
        ),
        Server::Big => format!(
            "Where the cores’ time goes on 72 vCPUs with {} connections running without pause (Freund’s benchmark).",
            count(BIG_CLIENTS.into())
        ),
    };
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <>
            <figure class="explain-figure">
                <CpuBars direct={d.cpu} direct_label={format!("PostgreSQL {}, direct", pg_label(pg))} />
                <figcaption>{ caption }</figcaption>
            </figure>
            <div class="explain-controls">
                <Choice name="snap-server" legend="Server" value={(*server_key).clone()} on_change={on_server}
                        options={vec![("small".into(), "8 cores, mostly idle connections".into()),
                                      ("big".into(), "72 vCPUs, 1,000 busy connections".into())]} />
                <Choice name="snap-version" legend="PostgreSQL version" value={(*version).clone()} on_change={on_version}
                        options={vec![("13".into(), "13 and older".into()), ("14".into(), "14 and newer".into())]} />
                if server == Server::Small {
                    <IntSlider id="snap-clients" label="Connections" unit="connections" min={10} max={10_000}
                               value={w.clients} log=true on_change={on_clients} />
                }
            </div>
            <RunStatus metric="snapshots_run" run={shown} />
        </>
    }
}

/// Section `snapshots`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "snapshots",
    view: |_| html! { <SnapshotSection /> },
    defaults,
    prerender: super::Prerender::Component,
    shown: &[
        "snapshots_clients",
        "snapshots_version",
        "snapshots_snapshot_share",
    ],
};
