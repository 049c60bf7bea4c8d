//! Section 6: GetSnapshotData, O(connections) before PostgreSQL 14, idle connections included.

use super::common::{rate_digits, use_live, Choice};
use super::figures::{CpuBars, RunStatus};
use super::lab::{base, use_run};
use poolsim_model::Params;
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
    live_for(&w, PgVersion::Pg13, &run(&w, ns), &run(&other, ns))
}

/// Section 6's figure: where the cores' time goes, the version choice and the connections slider.
#[component]
pub fn SnapshotSection() -> Html {
    let version = use_state(|| AttrValue::from("13"));
    let clients = use_state(|| SNAPSHOT_CLIENTS);
    let pg = if version.as_str() == "14" {
        PgVersion::Pg14
    } else {
        PgVersion::Pg13
    };
    let w = snapshot_workload(*clients, pg);
    let run = use_run(w.clone());
    // The other version, for the comparison in the prose.
    let other = use_run(snapshot_workload(
        *clients,
        if pg == PgVersion::Pg13 {
            PgVersion::Pg14
        } else {
            PgVersion::Pg13
        },
    ));
    let d = &run.output.direct;
    use_live(
        live_for(&w, pg, &run.output, &other.output),
        run.done && other.done,
    );
    let on_version = {
        let version = version.clone();
        Callback::from(move |v| version.set(v))
    };
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <>
            <figure class="explain-figure">
                <CpuBars direct={d.cpu} direct_label={format!("PostgreSQL {}, direct", pg_label(pg))} />
                <figcaption>{ format!("Where the cores’ time goes with {} connections, most of them idle at any moment.",
                                      count(w.clients.into())) }</figcaption>
            </figure>
            <div class="explain-controls">
                <Choice name="snap-version" legend="PostgreSQL version" value={(*version).clone()} on_change={on_version}
                        options={vec![("13".into(), "13 and older".into()), ("14".into(), "14 and newer".into())]} />
                <IntSlider id="snap-clients" label="Connections" unit="connections" min={10} max={10_000}
                           value={w.clients} log=true on_change={on_clients} />
            </div>
            <RunStatus metric="snapshots_run" run={run.clone()} />
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
