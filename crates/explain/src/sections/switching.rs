//! Sections 3 and 4: context switches (and the cache/TLB refill after them), and CPU migration.

use super::common::{rate_digits, sig, use_live};
use super::figures::{CpuBars, Pair, PairBars, RunStatus};
use super::lab::{base, use_run};
use poolsim_model::Params;
use poolsim_page::format::percent;
use poolsim_page::format::{count, duration};
use poolsim_page::live::{num, word, Live, Runner};
use poolsim_page::sim::{LiveView, SideView};
use poolsim_ui::components::IntSlider;
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

/// Section 3's live numbers for workload `w` and its run's result.
pub fn switch_live(w: &Params, run: &LiveView) -> Vec<Live> {
    let cores = w.cores;
    let d = &run.direct;
    let p = run.pooled.clone().unwrap_or_default();
    let per_switch = |s: &SideView| core_time_per_switch(s, cores);
    vec![
        num(
            "switches_clients",
            f64::from(w.clients),
            count(w.clients.into()),
        ),
        word("switches_cores", cores.to_string()),
        num(
            "switches_cs_direct",
            d.context_switches_per_s,
            rate_digits(d.context_switches_per_s),
        ),
        num(
            "switches_switch_share_direct",
            d.cpu.switching,
            percent(d.cpu.switching),
        ),
        num(
            "switches_per_switch_direct",
            per_switch(d),
            duration(per_switch(d)),
        ),
        num("switches_run_queue_direct", d.run_queue, sig(d.run_queue)),
        word("switches_pool_size", w.pool_size.to_string()),
        num(
            "switches_cs_pooled",
            p.context_switches_per_s,
            rate_digits(p.context_switches_per_s),
        ),
        word(
            "switches_more_or_fewer",
            if p.context_switches_per_s > d.context_switches_per_s {
                "more"
            } else {
                "fewer"
            },
        ),
        num(
            "switches_per_switch_pooled",
            per_switch(&p),
            duration(per_switch(&p)),
        ),
        num(
            "switches_switch_share_pooled",
            p.cpu.switching,
            percent(p.cpu.switching),
        ),
        num("switches_pool_queue", p.pool_queue, sig(p.pool_queue)),
        num(
            "switches_p99_direct",
            d.latency.p99,
            duration(d.latency.p99),
        ),
        num(
            "switches_p99_pooled",
            p.latency.p99,
            duration(p.latency.p99),
        ),
    ]
}

/// Section 3's live numbers before the reader touches it.
pub fn switch_defaults(run: Runner) -> Vec<Live> {
    let w = switch_workload(SWITCH_CLIENTS);
    switch_live(&w, &run(&w, poolsim_page::live::RUN_NS))
}

/// Section 4's live numbers for workload `w` and its run's result.
pub fn migration_live(w: &Params, run: &LiveView) -> Vec<Live> {
    let d = &run.direct;
    let p = run.pooled.clone().unwrap_or_default();
    vec![
        num("migration_cores", f64::from(w.cores), w.cores.to_string()),
        num(
            "migration_migrations_direct",
            d.cpu_migrations_per_s,
            rate_digits(d.cpu_migrations_per_s),
        ),
        num(
            "migration_migrated_direct",
            migrated_share(d),
            percent(migrated_share(d)),
        ),
        num(
            "migration_migrations_pooled",
            p.cpu_migrations_per_s,
            rate_digits(p.cpu_migrations_per_s),
        ),
        num(
            "migration_migrated_pooled",
            migrated_share(&p),
            percent(migrated_share(&p)),
        ),
    ]
}

/// Section 4's live numbers before the reader touches it.
pub fn migration_defaults(run: Runner) -> Vec<Live> {
    let w = migration_workload(MIGRATION_CORES);
    migration_live(&w, &run(&w, poolsim_page::live::RUN_NS))
}

/// Section 3's figure: where the cores' time goes, switches and throughput, and its slider.
#[component]
pub fn SwitchSection() -> Html {
    let clients = use_state(|| SWITCH_CLIENTS);
    let w = switch_workload(*clients);
    let cores = w.cores;
    let run = use_run(w.clone());
    let d = &run.output.direct;
    let p = run.output.pooled.clone().unwrap_or_default();
    use_live(switch_live(&w, &run.output), run.done);
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <>
            <figure class="explain-figure">
                <CpuBars direct={d.cpu} pooled={Some(p.cpu)} />
                <PairBars pairs={vec![
                    Pair { label: "Context switches per second".into(), direct: d.context_switches_per_s,
                           pooled: p.context_switches_per_s,
                           direct_text: rate_digits(d.context_switches_per_s), pooled_text: rate_digits(p.context_switches_per_s) },
                    Pair { label: "Transactions per second".into(), direct: d.throughput_tps, pooled: p.throughput_tps,
                           direct_text: rate_digits(d.throughput_tps), pooled_text: rate_digits(p.throughput_tps) },
                ]} />
                <figcaption>{ format!("Where {cores} cores spend their time with {} clients, each thinking {} ms between \
                                       transactions.", count(w.clients.into()), w.think_ms) }</figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="cs-clients" label="Clients" unit="clients" min={1} max={10_000}
                           value={w.clients} log=true on_change={on_clients} />
            </div>
            <RunStatus metric="switches_run" run={run.clone()} />
        </>
    }
}

/// Section 4's figure: migrations direct and pooled, and the cores slider.
#[component]
pub fn MigrationSection() -> Html {
    let cores = use_state(|| MIGRATION_CORES);
    let w = migration_workload(*cores);
    let run = use_run(w.clone());
    let d = &run.output.direct;
    let p = run.output.pooled.clone().unwrap_or_default();
    use_live(migration_live(&w, &run.output), run.done);
    let on_cores = {
        let cores = cores.clone();
        Callback::from(move |v| cores.set(v))
    };
    html! {
        <>
            <figure class="explain-figure">
                <PairBars pairs={vec![
                    Pair { label: "Migrations per second".into(), direct: d.cpu_migrations_per_s, pooled: p.cpu_migrations_per_s,
                           direct_text: rate_digits(d.cpu_migrations_per_s), pooled_text: rate_digits(p.cpu_migrations_per_s) },
                    Pair { label: "Transactions per second".into(), direct: d.throughput_tps, pooled: p.throughput_tps,
                           direct_text: rate_digits(d.throughput_tps), pooled_text: rate_digits(p.throughput_tps) },
                ]} />
                <figcaption>{ format!("{} clients on {} cores, direct and through a pool of {}.",
                                      count(w.clients.into()), w.cores, w.pool_size) }</figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="mig-cores" label="Cores" unit="cores" min={1} max={64}
                           value={w.cores} on_change={on_cores} />
            </div>
            <RunStatus metric="migration_run" run={run.clone()} />
        </>
    }
}

/// Section `switches`'s figure, as the registry (`super::FIGURES`) lists it.
pub const SWITCHES: super::Figure = super::Figure {
    id: "switches",
    view: |_| html! { <SwitchSection /> },
    defaults: switch_defaults,
    prerender: super::Prerender::Component,
    shown: &[
        "switches_clients",
        "switches_cores",
        "switches_cs_direct",
        "switches_switch_share_direct",
        "switches_cs_pooled",
        "switches_switch_share_pooled",
    ],
};

/// Section `migration`'s figure, as the registry (`super::FIGURES`) lists it.
pub const MIGRATION: super::Figure = super::Figure {
    id: "migration",
    view: |_| html! { <MigrationSection /> },
    defaults: migration_defaults,
    prerender: super::Prerender::Component,
    shown: &[
        "migration_cores",
        "migration_migrations_direct",
        "migration_migrations_pooled",
    ],
};
