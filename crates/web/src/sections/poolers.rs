//! Section 7: why poolers exist — many application connections over a few server connections.

use super::common::{times, Num};
use super::figures::{Pair, PairBars, RunStatus};
use super::lab::use_run;
use crate::components::IntSlider;
use crate::format::{bytes, count, duration};
use poolsim_model::{idle_memory, MemoryConfig};
use yew::prelude::*;

/// Section 7's default: the model's fleet (10,000 connections onto 16 cores) over a pool of three
/// server connections per core.
pub const POOLER_CLIENTS: u32 = 10_000;
pub const POOLER_POOL: u32 = 48;

/// The model's `fleet` preset with `clients` application connections and a pool of `pool`.
pub fn fleet_workload(clients: u32, pool: u32) -> poolsim_model::Params {
    let fleet = poolsim_model::preset("fleet")
        .expect("the model has a fleet preset")
        .params;
    poolsim_model::Params {
        clients,
        pool_size: pool,
        max_client_conn: fleet.max_client_conn.max(clients),
        ..fleet
    }
}

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
    let direct = idle_memory(&cfg, n, None);
    let pooled = idle_memory(&cfg, n, Some(k));
    let backends = k.min(n);
    let saving = direct.private_total / pooled.private_total.max(1.0);
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    let on_pool = {
        let pool = pool.clone();
        Callback::from(move |v| pool.set(v))
    };
    html! {
        <section class="explain" id="poolers" aria-labelledby="poolers-h">
            <h2 id="poolers-h">{ "7. Why poolers exist" }</h2>
            <p>
                { "Put these costs together and the usual architecture follows. An application fleet — dozens of pods, \
                   each with its own client-side pool — easily opens ten thousand connections. Rather than giving each \
                   one a backend, they connect to a pooler such as PgBouncer, a small single-threaded event loop that \
                   costs about 2 kB per client. It keeps a modest set of real server connections open and lends one to \
                   a client only while the client needs it, so Postgres sees a steady number of backends. The right \
                   number is a small multiple of the cores: enough to keep every core busy while some backends wait \
                   for their client, not so many that they pile up in the kernel’s run queue. To the application it \
                   looks as if every client had its own backend; in reality a few dozen processes do all the work. " }
                <a href="https://engineering.zalando.com/posts/2020/06/postgresql-connection-poolers.html">
                    { "Zalando’s engineers" }</a>
                { ", explaining why they built a pooler into their Kubernetes operator, put the alternative plainly: too \
                   many connections means too many processes fighting over the same cores and drowning in context \
                   switches and CPU migrations. The model agrees about the fighting but not about the counting: as \
                   sections 3 and 4 showed, the pooled side switches more often, and each of its switches costs far \
                   less." }
            </p>
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
            <RunStatus metric="s7_run" run={run.clone()} />
            <p>
                { "Direct, " }<Num metric="s7_clients" value={f64::from(n)} text={count(n.into())} />
                { " connections would be " }{ count(n.into()) }{ " backends holding " }
                <Num metric="s7_memory_direct" value={direct.private_total} text={bytes(direct.private_total)} />
                { " of private memory. Through the pooler, Postgres runs " }
                <Num metric="s7_backends_pooled" value={f64::from(backends)} text={count(backends.into())} />
                { " backends and everything together holds " }
                <Num metric="s7_memory_pooled" value={pooled.private_total} text={bytes(pooled.private_total)} />
                { " (" }<Num metric="s7_saving" value={saving} text={times(saving)} />{ " less). More importantly, the number \
                   of processes competing for the cores, and the number of entries every snapshot has to look at, \
                   stays fixed however many clients arrive." }
            </p>
            <p>
                { "The pool’s size matters as much as having one. On the fleet’s " }{ w.cores }
                { "-core server at its busiest hour, the slowest 1 % of transactions take " }
                <Num metric="s7_p99_direct" value={d.latency.p99} text={duration(d.latency.p99)} />
                { " direct and " }<Num metric="s7_p99_pooled" value={p.latency.p99} text={duration(p.latency.p99)} />
                { " through a pool of " }{ count(k.into()) }{ ", with " }
                <Num metric="s7_run_queue_pooled" value={p.run_queue} text={super::common::sig(p.run_queue)} />
                { " of its backends waiting for a core on average. Slide the pool up to 400, a size fleets run on \
                   servers with many more cores, and here its backends pile up in the run queue and pay for cold caches \
                   as the direct ones do: the pooled p99 climbs to about the direct one. Slide it down to the number \
                   of cores and too few backends are left to cover the time each spends waiting for its client: cores \
                   sit idle while clients queue in PgBouncer. The price of any pool is that a client no longer owns a \
                   backend — the next section is about what that breaks." }
            </p>
        </section>
    }
}
