//! Section 9: thread-per-connection databases, for contrast.

use super::common::{rate_digits, use_live, Choice};
use super::figures::{Pair, PairBars, RunStatus};
use super::lab::{base, use_run};
use poolsim_model::{Arch, Params};
use poolsim_page::format::{bytes, count, duration};
use poolsim_page::live::{num, word, Live, Runner};
use poolsim_page::sim::LiveView;
use poolsim_ui::components::IntSlider;
use yew::prelude::*;

/// Connections in section 9 before the reader moves its slider.
pub const THREADS_CLIENTS: u32 = 2_000;

/// Section 9's workload: the live figure's default served by `arch`, `clients` connections (the
/// figure reads its direct side: no pooler).
pub fn workload(arch: Arch, clients: u32) -> Params {
    Params {
        arch,
        clients,
        ..base()
    }
}

/// Section 9's live numbers: `a` against processes, with the two runs' results.
pub fn live(a: Arch, clients: u32, run: &LiveView, procs: &LiveView) -> Vec<Live> {
    let t = &run.direct;
    let pr = &procs.direct;
    vec![
        num("threads_clients", f64::from(clients), count(clients.into())),
        word("threads_arch", a.label()),
        num("threads_memory", t.memory_private, bytes(t.memory_private)),
        num(
            "threads_memory_process",
            pr.memory_private,
            bytes(pr.memory_private),
        ),
        num("threads_tps", t.throughput_tps, rate_digits(t.throughput_tps)),
        num(
            "threads_tps_process",
            pr.throughput_tps,
            rate_digits(pr.throughput_tps),
        ),
        num("threads_p99", t.latency.p99, duration(t.latency.p99)),
        num(
            "threads_p99_process",
            pr.latency.p99,
            duration(pr.latency.p99),
        ),
        word(
            "threads_verdict",
            if a == Arch::ThreadPool {
                "Here the wall moves: one worker thread per core takes the connections’ statements in turn, \
                 like a pooler’s backends, so the cores switch rarely and nothing waits for a core in the kernel."
            } else {
                "Cheaper connections save memory and go somewhat further; they do not remove the wall. \
                 Pick the thread pool above to see what does."
            },
        ),
    ]
}

/// Section 9's live numbers before the reader touches it (thread per connection).
pub fn defaults(run: Runner) -> Vec<Live> {
    let ns = poolsim_page::live::RUN_NS;
    let (a, n) = (Arch::Thread, THREADS_CLIENTS);
    live(
        a,
        n,
        &run(&workload(a, n), ns),
        &run(&workload(Arch::Process, n), ns),
    )
}

/// Section 9's figure: processes against the chosen thread design, and its controls.
#[component]
pub fn ThreadsSection() -> Html {
    let arch = use_state(|| AttrValue::from("thread"));
    let clients = use_state(|| THREADS_CLIENTS);
    let a = Arch::ALL
        .into_iter()
        .find(|x| x.key() == arch.as_str())
        .unwrap_or(Arch::Thread);
    let w = workload(a, *clients);
    let proc_w = workload(Arch::Process, *clients);
    let run = use_run(w.clone());
    let procs = use_run(proc_w);
    let t = &run.output.direct;
    let pr = &procs.output.direct;
    use_live(
        live(a, *clients, &run.output, &procs.output),
        run.done && procs.done,
    );
    let on_arch = {
        let arch = arch.clone();
        Callback::from(move |v| arch.set(v))
    };
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <>
            <figure class="explain-figure">
                <PairBars direct_label="processes" pooled_label={AttrValue::from(a.label())} pairs={vec![
                    Pair { label: "Memory of the connections".into(), direct: pr.memory_private, pooled: t.memory_private,
                           direct_text: bytes(pr.memory_private), pooled_text: bytes(t.memory_private) },
                    Pair { label: "Transactions per second".into(), direct: pr.throughput_tps, pooled: t.throughput_tps,
                           direct_text: rate_digits(pr.throughput_tps), pooled_text: rate_digits(t.throughput_tps) },
                    Pair { label: "Slowest 1 % of transactions (p99)".into(), direct: pr.latency.p99, pooled: t.latency.p99,
                           direct_text: duration(pr.latency.p99), pooled_text: duration(t.latency.p99) },
                    Pair { label: "Context switches per second".into(), direct: pr.context_switches_per_s,
                           pooled: t.context_switches_per_s,
                           direct_text: rate_digits(pr.context_switches_per_s), pooled_text: rate_digits(t.context_switches_per_s) },
                ]} />
                <figcaption>{ format!("{} direct connections, no pooler.", count(w.clients.into())) }</figcaption>
            </figure>
            <div class="explain-controls">
                <Choice name="arch" legend="Server design" value={(*arch).clone()} on_change={on_arch}
                        options={Arch::ALL[1..].iter().map(|x| (AttrValue::from(x.key()), AttrValue::from(x.label()))).collect::<Vec<_>>()} />
                <IntSlider id="thr-clients" label="Connections" unit="connections" min={1} max={10_000}
                           value={w.clients} log=true on_change={on_clients} />
            </div>
            <RunStatus metric="threads_run" run={run.clone()} />
        </>
    }
}

/// Section `threads`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "threads",
    view: |_| html! { <ThreadsSection /> },
    defaults,
    prerender: super::Prerender::Component,
    shown: &[
        "threads_clients",
        "threads_arch",
        "threads_memory",
        "threads_memory_process",
        "threads_tps",
        "threads_tps_process",
        "threads_p99",
        "threads_p99_process",
    ],
};
