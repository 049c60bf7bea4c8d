//! Section 9: thread-per-connection databases, for contrast.

use super::common::{rate, Choice, Num};
use super::figures::{Pair, PairBars, RunStatus};
use super::lab::{base, use_run};
use crate::components::IntSlider;
use crate::format::{bytes, count, duration};
use crate::state::{arch_key, arch_label, ARCHS};
use poolsim_model::{Arch, Params};
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

#[component]
pub fn ThreadsSection() -> Html {
    let arch = use_state(|| AttrValue::from("thread"));
    let clients = use_state(|| THREADS_CLIENTS);
    let a = ARCHS
        .into_iter()
        .find(|x| arch_key(*x) == arch.as_str())
        .unwrap_or(Arch::Thread);
    let w = workload(a, *clients);
    let proc_w = workload(Arch::Process, *clients);
    let run = use_run(w.clone());
    let procs = use_run(proc_w);
    let t = &run.output.direct;
    let pr = &procs.output.direct;
    let on_arch = {
        let arch = arch.clone();
        Callback::from(move |v| arch.set(v))
    };
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    html! {
        <section class="explain" id="threads" aria-labelledby="threads-h">
            <h2 id="threads-h">{ "9. For contrast: threads instead of processes" }</h2>
            <p>
                { "MySQL and MongoDB serve each connection with a thread inside one server process. A thread is cheaper \
                   to start than a forked process and shares the process’s address space, so it needs no page tables of \
                   its own and little private memory. But a thread is still something the kernel schedules: thousands \
                   of runnable threads on a few cores switch at least as often as processes. Each switch costs less \
                   (no page tables to reload, less private memory to bring back into the caches), so \
                   thread-per-connection servers save memory and connection start-up and hit the scheduling wall \
                   further up the curve, at about twice as many connections here; past it their threads queue for \
                   the cores like processes. That is why MySQL offers a thread \
                   pool (a fixed set of worker threads taking turns, like a pooler built in) and why they too are run \
                   behind proxies at scale." }
            </p>
            <figure class="explain-figure">
                <PairBars direct_label="processes" pooled_label={AttrValue::from(arch_label(a))} pairs={vec![
                    Pair { label: "Memory of the connections".into(), direct: pr.memory_private, pooled: t.memory_private,
                           direct_text: bytes(pr.memory_private), pooled_text: bytes(t.memory_private) },
                    Pair { label: "Transactions per second".into(), direct: pr.throughput_tps, pooled: t.throughput_tps,
                           direct_text: rate(pr.throughput_tps), pooled_text: rate(t.throughput_tps) },
                    Pair { label: "Slowest 1 % of transactions (p99)".into(), direct: pr.latency.p99, pooled: t.latency.p99,
                           direct_text: duration(pr.latency.p99), pooled_text: duration(t.latency.p99) },
                    Pair { label: "Context switches per second".into(), direct: pr.context_switches_per_s,
                           pooled: t.context_switches_per_s,
                           direct_text: rate(pr.context_switches_per_s), pooled_text: rate(t.context_switches_per_s) },
                ]} />
                <figcaption>{ format!("{} direct connections, no pooler.", count(w.clients.into())) }</figcaption>
            </figure>
            <div class="explain-controls">
                <Choice name="arch" legend="Server design" value={(*arch).clone()} on_change={on_arch}
                        options={ARCHS[1..].iter().map(|x| (AttrValue::from(arch_key(*x)), AttrValue::from(arch_label(*x)))).collect::<Vec<_>>()} />
                <IntSlider id="thr-clients" label="Connections" unit="connections" min={1} max={10_000}
                           value={w.clients} log=true on_change={on_clients} />
            </div>
            <RunStatus metric="s9_run" run={run.clone()} />
            <p>
                { "With " }<Num metric="s9_clients" value={f64::from(w.clients)} text={count(w.clients.into())} />
                { " connections, a " }{ arch_label(a) }{ " server holds " }
                <Num metric="s9_memory" value={t.memory_private} text={bytes(t.memory_private)} />
                { " for them against " }<Num metric="s9_memory_process" value={pr.memory_private} text={bytes(pr.memory_private)} />
                { " as processes, and completes " }
                <Num metric="s9_tps" value={t.throughput_tps} text={rate(t.throughput_tps)} />
                { " transactions per second (processes: " }
                <Num metric="s9_tps_process" value={pr.throughput_tps} text={rate(pr.throughput_tps)} />
                { "), with a p99 latency of " }<Num metric="s9_p99" value={t.latency.p99} text={duration(t.latency.p99)} />
                { " (processes: " }
                <Num metric="s9_p99_process" value={pr.latency.p99} text={duration(pr.latency.p99)} />{ "). " }
                if a == Arch::ThreadPool {
                    { "Here the wall moves: one worker thread per core takes the connections’ statements in turn, like \
                       a pooler’s backends, so the cores switch rarely and nothing waits for a core in the kernel." }
                } else {
                    { "Cheaper connections save memory and go somewhat further; they do not remove the wall. Pick \
                       the thread pool above to see what does." }
                }
            </p>
        </section>
    }
}
