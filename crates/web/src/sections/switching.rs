//! Sections 3 and 4: context switches (and the cache/TLB refill after them), and CPU migration.

use super::common::{rate, Num};
use super::figures::{CpuBars, Pair, PairBars, RunStatus};
use super::lab::{base, use_run};
use crate::components::IntSlider;
use crate::format::percent;
use crate::format::{count, duration};
use poolsim_model::Params;
use yew::prelude::*;

#[component]
pub fn SwitchSection() -> Html {
    let clients = use_state(|| 2_000u32);
    let w = Params {
        clients: *clients,
        ..base()
    };
    let cores = w.cores;
    let run = use_run(w.clone());
    let d = &run.output.direct;
    let p = run.output.pooled.clone().unwrap_or_default();
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <section class="explain" id="switches" aria-labelledby="switches-h">
            <h2 id="switches-h">{ "3. Context switches, and the cache they throw away" }</h2>
            <p>
                { "A core runs one process at a time. When more backends are runnable than there are cores, the \
                   kernel time-slices them, and when a backend waits for the network or a lock it switches to another. \
                   The switch itself is short — saving registers, changing page tables, about a microsecond and a half \
                   on our test machine. The larger cost comes afterwards: the next process finds the caches and the TLB \
                   full of someone else’s data and has to refill them, which costs from a few microseconds to more than \
                   a millisecond depending on how much memory it works with." }
            </p>
            <figure class="explain-figure">
                <CpuBars direct={d.cpu} pooled={Some(p.cpu)} />
                <PairBars pairs={vec![
                    Pair { label: "Context switches per second".into(), direct: d.context_switches_per_s,
                           pooled: p.context_switches_per_s,
                           direct_text: rate(d.context_switches_per_s), pooled_text: rate(p.context_switches_per_s) },
                    Pair { label: "Transactions per second".into(), direct: d.throughput_tps, pooled: p.throughput_tps,
                           direct_text: rate(d.throughput_tps), pooled_text: rate(p.throughput_tps) },
                ]} />
                <figcaption>{ format!("Where {cores} cores spend their time with {} clients, each thinking {} ms between \
                                       transactions.", count(w.clients.into()), w.think_ms) }</figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="cs-clients" label="Clients" unit="clients" min={1} max={10_000}
                           value={w.clients} log=true on_change={on_clients} />
            </div>
            <RunStatus metric="s3_run" run={run.clone()} />
            <p>
                { "With " }<Num metric="s3_clients" value={f64::from(w.clients)} text={count(w.clients.into())} />
                { " clients connected directly, the " }{ cores }{ " cores make " }
                <Num metric="s3_cs_direct" value={d.context_switches_per_s} text={rate(d.context_switches_per_s)} />
                { " context switches per second and lose " }
                <Num metric="s3_switch_share_direct" value={d.cpu.switching} text={percent(d.cpu.switching)} />
                { " of their time to switching and refilling caches. Through PgBouncer only " }{ w.pool_size }
                { " backends exist. Every request now makes two extra hops through the pooler, so the count is " }
                <Num metric="s3_cs_pooled" value={p.context_switches_per_s} text={rate(p.context_switches_per_s)} />
                { " per second, but with few processes per core each switch finds its caches warm, and the cores \
                   lose only " }
                <Num metric="s3_switch_share_pooled" value={p.cpu.switching} text={percent(p.cpu.switching)} />
                { " of their time. The slowest 1 % of transactions take " }
                <Num metric="s3_p99_direct" value={d.latency.p99} text={duration(d.latency.p99)} />
                { " direct and " }<Num metric="s3_p99_pooled" value={p.latency.p99} text={duration(p.latency.p99)} />
                { " pooled. With only a few clients the pooler’s extra hops cost a little; past a few times the core \
                   count, the direct side drowns in switches." }
            </p>
        </section>
    }
}

#[component]
pub fn MigrationSection() -> Html {
    let cores = use_state(|| 8u32);
    let w = Params {
        cores: *cores,
        clients: 2_000,
        ..base()
    };
    let run = use_run(w.clone());
    let d = &run.output.direct;
    let p = run.output.pooled.clone().unwrap_or_default();
    let on_cores = {
        let cores = cores.clone();
        Callback::from(move |v| cores.set(v))
    };
    html! {
        <section class="explain" id="migration" aria-labelledby="migration-h">
            <h2 id="migration-h">{ "4. CPU migration" }</h2>
            <p>
                { "Each core keeps its own run queue, and the kernel’s load balancer evens them out by moving runnable \
                   processes from busy cores to idle ones. A backend that wakes up on a different core than the one it \
                   last ran on starts cold: its data is in the other core’s private caches. With a handful of busy \
                   backends per core this rarely happens; with thousands of short-lived wake-ups, the balancer is \
                   moving processes all the time." }
            </p>
            <figure class="explain-figure">
                <PairBars pairs={vec![
                    Pair { label: "Migrations per second".into(), direct: d.cpu_migrations_per_s, pooled: p.cpu_migrations_per_s,
                           direct_text: rate(d.cpu_migrations_per_s), pooled_text: rate(p.cpu_migrations_per_s) },
                    Pair { label: "Transactions per second".into(), direct: d.throughput_tps, pooled: p.throughput_tps,
                           direct_text: rate(d.throughput_tps), pooled_text: rate(p.throughput_tps) },
                ]} />
                <figcaption>{ format!("{} clients on {} cores, direct and through a pool of {}.",
                                      count(w.clients.into()), w.cores, w.pool_size) }</figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="mig-cores" label="Cores" unit="cores" min={1} max={64}
                           value={w.cores} on_change={on_cores} />
            </div>
            <RunStatus metric="s4_run" run={run.clone()} />
            <p>
                { "On " }<Num metric="s4_cores" value={f64::from(w.cores)} text={w.cores.to_string()} />
                { " cores, the direct case sees " }
                <Num metric="s4_migrations_direct" value={d.cpu_migrations_per_s} text={rate(d.cpu_migrations_per_s)} />
                { " migrations per second; the pooled case " }
                <Num metric="s4_migrations_pooled" value={p.cpu_migrations_per_s} text={rate(p.cpu_migrations_per_s)} />
                { ". A small pool keeps about as many backends as cores busy, so each tends to stay where its cache is \
                   warm. With a single core there is nowhere to migrate to." }
            </p>
        </section>
    }
}
