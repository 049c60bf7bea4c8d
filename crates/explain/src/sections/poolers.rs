//! Section 7: why poolers exist — many application connections over a few server connections.

use super::common::{times, use_live};
use super::figures::{Pair, PairBars, RunStatus};
use super::lab::use_run;
use poolsim_model::{idle_memory, MemoryConfig};
use poolsim_page::format::{bytes, count, duration};
use poolsim_page::live::{num, word, Live, Runner};
use poolsim_page::sim::LiveView;
use poolsim_ui::components::IntSlider;
use yew::prelude::*;

/// Section 7's default: the model's fleet (10,000 connections onto 16 cores) over a pool of three
/// server connections per core.
pub const POOLER_CLIENTS: u32 = 10_000;
pub const POOLER_POOL: u32 = 48;

/// The model's `fleet` preset with `clients` application connections and a pool of `pool`.
pub fn fleet_workload(clients: u32, pool: u32) -> poolsim_model::Params {
    let fleet = poolsim_model::PresetId::Fleet.params();
    poolsim_model::Params {
        clients,
        pool_size: pool,
        max_client_conn: fleet.max_client_conn.max(clients),
        ..fleet
    }
}

/// Section 7's live numbers: `n` application connections over a pool of `k`, and the run's result.
pub fn live(n: u32, k: u32, run: &LiveView) -> Vec<Live> {
    let w = fleet_workload(n, k);
    let d = &run.direct;
    let p = run.pooled.clone().unwrap_or_default();
    let cfg = MemoryConfig::default();
    let direct = idle_memory(&cfg, n, None);
    let pooled = idle_memory(&cfg, n, Some(k));
    let backends = k.min(n);
    let saving = direct.private_total / pooled.private_total.max(1.0);
    vec![
        num("poolers_clients", f64::from(n), count(n.into())),
        word("poolers_backends_direct", count(n.into())),
        num(
            "poolers_memory_direct",
            direct.private_total,
            bytes(direct.private_total),
        ),
        num(
            "poolers_backends_pooled",
            f64::from(backends),
            count(backends.into()),
        ),
        num(
            "poolers_memory_pooled",
            pooled.private_total,
            bytes(pooled.private_total),
        ),
        num("poolers_saving", saving, times(saving)),
        word("poolers_cores", w.cores.to_string()),
        num("poolers_p99_direct", d.latency.p99, duration(d.latency.p99)),
        num("poolers_p99_pooled", p.latency.p99, duration(p.latency.p99)),
        word("poolers_pool", count(k.into())),
        num(
            "poolers_run_queue_pooled",
            p.run_queue,
            super::common::sig(p.run_queue),
        ),
    ]
}

/// Section 7's live numbers before the reader touches it.
pub fn defaults(run: Runner) -> Vec<Live> {
    let w = fleet_workload(POOLER_CLIENTS, POOLER_POOL);
    live(
        POOLER_CLIENTS,
        POOLER_POOL,
        &run(&w, poolsim_page::live::RUN_NS),
    )
}

/// Section 7's figure: the tiers, p99 direct and pooled, and the two sliders.
#[component]
pub fn PoolerSection() -> Html {
    let clients = use_state(|| POOLER_CLIENTS);
    let pool = use_state(|| POOLER_POOL);
    let (n, k) = (*clients, *pool);
    let w = fleet_workload(n, k);
    let run = use_run(w.clone());
    let d = &run.output.direct;
    let p = run.output.pooled.clone().unwrap_or_default();
    let cfg = MemoryConfig::default();
    let pooled = idle_memory(&cfg, n, Some(k));
    let backends = k.min(n);
    use_live(live(n, k, &run.output), run.done);
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    let on_pool = {
        let pool = pool.clone();
        Callback::from(move |v| pool.set(v))
    };
    html! {
        <>
            <figure class="explain-figure tiers" role="img"
                    aria-label={format!("{} application connections into PgBouncer, which uses {} server connections",
                                        count(n.into()), count(backends.into()))}>
                <div class="tier tier-app">
                    <span class="tier-count">{ count(n.into()) }</span>
                    <span class="tier-name">{ "application connections" }</span>
                </div>
                <div class="tier-arrow" aria-hidden="true">{ "→" }</div>
                <div class="tier tier-pooler">
                    <span class="tier-count">{ "PgBouncer" }</span>
                    <span class="tier-name">{ format!("{} of client state", bytes(pooled.pooler)) }</span>
                </div>
                <div class="tier-arrow" aria-hidden="true">{ "→" }</div>
                <div class="tier tier-pg">
                    <span class="tier-count">{ count(backends.into()) }</span>
                    <span class="tier-name">{ "Postgres backends" }</span>
                </div>
            </figure>
            <figure class="explain-figure">
                <PairBars pairs={vec![
                    Pair { label: "Slowest 1 % of transactions (p99)".into(), direct: d.latency.p99, pooled: p.latency.p99,
                           direct_text: duration(d.latency.p99), pooled_text: duration(p.latency.p99) },
                ]} />
                <figcaption>{ format!("{} application connections on {} cores, direct and through a pool of {}.",
                                      count(n.into()), w.cores, count(k.into())) }</figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="tier-clients" label="Application connections" unit="connections" min={1} max={20_000}
                           value={n} log=true on_change={on_clients} />
                <IntSlider id="tier-pool" label="Server connections" unit="server connections" min={1} max={1_000}
                           value={k} on_change={on_pool} />
            </div>
            <RunStatus metric="poolers_run" run={run.clone()} />
        </>
    }
}

/// Section `poolers`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "poolers",
    view: |_| html! { <PoolerSection /> },
    defaults,
    prerender: super::Prerender::Component,
    shown: &[
        "poolers_clients",
        "poolers_backends_pooled",
        "poolers_cores",
        "poolers_p99_direct",
        "poolers_p99_pooled",
    ],
};
