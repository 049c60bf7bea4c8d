//! Sections 3 and 4: context switches (and the cache/TLB refill after them), and CPU migration.

use super::common::{rate, sig, Num};
use super::figures::{CpuBars, Pair, PairBars, RunStatus};
use super::lab::{base, use_run};
use crate::components::IntSlider;
use crate::format::percent;
use crate::format::{count, duration};
use crate::sim::SideView;
use poolsim_model::Params;
use yew::prelude::*;

/// Core time lost per context switch, s: switching, cache and TLB refills and migrations, over
/// the number of switches.
pub fn core_time_per_switch(s: &SideView, cores: u32) -> f64 {
    if s.context_switches_per_s > 0.0 {
        s.cpu.switching * f64::from(cores) / s.context_switches_per_s
    } else {
        0.0
    }
}

/// The share of context switches after which the process resumed on another core.
pub fn migrated_share(s: &SideView) -> f64 {
    if s.context_switches_per_s > 0.0 {
        s.cpu_migrations_per_s / s.context_switches_per_s
    } else {
        0.0
    }
}

/// Clients in section 3 before the reader moves its slider: the live figure's default.
pub const SWITCH_CLIENTS: u32 = 2_000;

/// Section 3's workload: the live figure's default with `clients` clients.
pub fn switch_workload(clients: u32) -> Params {
    Params { clients, ..base() }
}

/// Cores in section 4 before the reader moves its slider.
pub const MIGRATION_CORES: u32 = 8;

/// Section 4's workload: section 3's default on `cores` cores.
pub fn migration_workload(cores: u32) -> Params {
    Params {
        cores,
        ..switch_workload(SWITCH_CLIENTS)
    }
}

#[component]
pub fn SwitchSection() -> Html {
    let clients = use_state(|| SWITCH_CLIENTS);
    let w = switch_workload(*clients);
    let cores = w.cores;
    let run = use_run(w.clone());
    let d = &run.output.direct;
    let p = run.output.pooled.clone().unwrap_or_default();
    let per_switch = |s: &SideView| core_time_per_switch(s, cores);
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <section class="explain" id="switches" aria-labelledby="switches-h">
            { super::common::heading("switches") }
            <p>
                { "A core runs one process at a time. When more backends are runnable than there are cores, they queue \
                   for one, and a backend that runs longer than its time slice is preempted so that another can run; when \
                   a backend waits for the network or a lock, the kernel switches its core to another. \
                   The switch itself is short — saving registers, changing page tables, about a microsecond and a half \
                   on our test machine. The larger cost comes afterwards: the next process finds the caches and the TLB \
                   full of someone else’s data and has to refill them, which Li, Ding and Shen measured at a few \
                   microseconds to more than a millisecond, depending on how much memory the process works with. So \
                   what a switch costs depends on how many working sets compete for the caches." }
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
                { " of their time to switching and refilling caches: " }
                <Num metric="s3_per_switch_direct" value={per_switch(d)} text={duration(per_switch(d))} />
                { " of core time per switch, because the backend that gets a core finds it full of other backends’ \
                   data. On average " }
                <Num metric="s3_run_queue_direct" value={d.run_queue} text={sig(d.run_queue)} />
                { " backends wait in the kernel’s run queue for a core. Through PgBouncer only " }{ w.pool_size }
                { " backends exist. Every request now makes two extra hops through the pooler, so the count is " }
                <Num metric="s3_cs_pooled" value={p.context_switches_per_s} text={rate(p.context_switches_per_s)} />
                { " per second, " }{ if p.context_switches_per_s > d.context_switches_per_s { "more" } else { "fewer" } }
                { " than direct. But with few processes per core each switch finds its caches warm: " }
                <Num metric="s3_per_switch_pooled" value={per_switch(&p)} text={duration(per_switch(&p))} />
                { " per switch, and the cores lose only " }
                <Num metric="s3_switch_share_pooled" value={p.cpu.switching} text={percent(p.cpu.switching)} />
                { " of their time. The waiting moves out of the kernel into PgBouncer’s queue (" }
                <Num metric="s3_pool_queue" value={p.pool_queue} text={sig(p.pool_queue)} />
                { " clients on average), where a waiting client costs the cores nothing. The slowest 1 % of \
                   transactions take " }
                <Num metric="s3_p99_direct" value={d.latency.p99} text={duration(d.latency.p99)} />
                { " direct and " }<Num metric="s3_p99_pooled" value={p.latency.p99} text={duration(p.latency.p99)} />
                { " pooled." }
            </p>
            <p>
                { "So the direct side does not lose on the number of switches; it loses on what each one costs, and on \
                   queueing for the cores instead of in the pooler. That only happens once the clients ask for more CPU \
                   than the cores have. Slide down to a few hundred clients: the cores have time to spare, hardly anyone \
                   waits for one, switches are cheap on both sides, and the pooler’s extra hops make it a little slower \
                   than going direct." }
            </p>
        </section>
    }
}

#[component]
pub fn MigrationSection() -> Html {
    let cores = use_state(|| MIGRATION_CORES);
    let w = migration_workload(*cores);
    let run = use_run(w.clone());
    let d = &run.output.direct;
    let p = run.output.pooled.clone().unwrap_or_default();
    let on_cores = {
        let cores = cores.clone();
        Callback::from(move |v| cores.set(v))
    };
    html! {
        <section class="explain" id="migration" aria-labelledby="migration-h">
            { super::common::heading("migration") }
            <p>
                { "Each core keeps its own run queue, and the kernel’s load balancer evens them out by moving runnable \
                   processes from busy cores to idle ones. A backend that wakes up on a different core than the one it \
                   last ran on starts cold: its data is in the other core’s private caches. Whether that happens \
                   depends less on how many processes there are than on whether the core a process last ran on is free \
                   when it wakes up." }
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
                { " migrations per second, after " }
                <Num metric="s4_migrated_direct" value={migrated_share(d)} text={percent(migrated_share(d))} />
                { " of its switches; the pooled case " }
                <Num metric="s4_migrations_pooled" value={p.cpu_migrations_per_s} text={rate(p.cpu_migrations_per_s)} />
                { ", after " }
                <Num metric="s4_migrated_pooled" value={migrated_share(&p)} text={percent(migrated_share(&p))} />
                { ". When every core is busy, a process that wakes up takes whichever core frees up first, so both \
                   sides migrate on most switches, and the pooled side, which switches more often, migrates more. Give \
                   the server cores to spare — try 32 — and the difference shows: the pool’s few backends mostly find \
                   their last core idle and stay where their caches are warm, while the direct side’s thousands of \
                   backends keep landing on other cores. With a single core there is nowhere to migrate to." }
            </p>
        </section>
    }
}
