//! Section 9, threads.rs: 2,000 direct connections served by threads (or a thread pool) against
//! processes.

use crate::claim::{claims, figures, measured, Place, MIB};
use poolsim_explain::sections::threads::{workload, THREADS_CLIENTS};
use poolsim_model::{Arch, Params};
use poolsim_page::live::Live;
use poolsim_page::sim::{LiveView, SideView};

/// What the section says in a state other than its default, where its claims quote it: with
/// the thread pool picked, its verdict (live value `threads_verdict`).
pub fn shown_in_other_states() -> Vec<Live> {
    let idle = LiveView::default();
    poolsim_explain::sections::threads::live(Arch::ThreadPool, 1, &idle, &idle)
        .into_iter()
        .filter(|v| v.name == "threads_verdict")
        .collect()
}

fn arch(a: Arch) -> SideView {
    figures(&workload(a, THREADS_CLIENTS)).direct
}

claims! {
    place: Place::Section("threads");

    says "A thread is cheaper to start than a forked process and shares the process’s address \
        space, so it needs no page tables of its own and little private memory."
    fn a_thread_is_cheaper_to_start_and_holds_little_private_memory() {
        let (t, p) = (arch(Arch::Thread), arch(Arch::Process));
        // Start-up: clients that connect for every transaction.
        let start = |a| {
            let w = Params {
                arch: a,
                ..poolsim_explain::sections::connect::workload(10, true)
            };
            figures(&w).direct.cpu.fork_auth
        };
        measured(
            "s9 threads",
            format!(
                "memory {:.0} MiB vs {:.0} MiB; start-up CPU share {:.2} % vs {:.1} %",
                t.memory_private / MIB,
                p.memory_private / MIB,
                start(Arch::Thread) * 100.0,
                start(Arch::Process) * 100.0
            ),
        );
        assert!(t.memory_private < 0.2 * p.memory_private);
        assert!(start(Arch::Thread) < 0.3 * start(Arch::Process));
    }

    says "But a thread is still something the kernel schedules: thousands of runnable threads \
        on a few cores switch at least as often as processes. Each switch costs less (no \
        page tables to reload, less private memory to bring back into the caches)"
    fn thousands_of_threads_switch_at_least_as_often_and_each_switch_costs_less() {
        let (t, p) = (arch(Arch::Thread), arch(Arch::Process));
        let ratio = t.context_switches_per_s / p.context_switches_per_s;
        measured(
            "s9 switching",
            format!(
                "{:.0} vs {:.0} switches/s, {:.1} % vs {:.1} % of the cores",
                t.context_switches_per_s,
                p.context_switches_per_s,
                t.cpu.switching * 100.0,
                p.cpu.switching * 100.0
            ),
        );
        assert!(ratio > 0.95, "{ratio}");
        let per_switch = |v: &SideView| v.cpu.switching / v.context_switches_per_s;
        assert!(per_switch(&t) < 0.75 * per_switch(&p));
    }

    says "so thread-per-connection servers save memory and connection start-up and hit the \
        scheduling wall further up the curve, at about twice as many connections here; past \
        it their threads queue for the cores like processes."
    fn threads_hit_the_scheduling_wall_further_up_the_curve() {
        // The wall: the first connection count past the peak where throughput has fallen 10 %
        // below it, on the section's workload with think time 0 (every connection runnable).
        let grid = [8, 16, 32, 64, 128, 256, 512, 1_024];
        let wall = |a: Arch| {
            let tps: Vec<f64> = grid
                .iter()
                .map(|&c| {
                    figures(&Params {
                        think_ms: 0.0,
                        max_connections: 2_000,
                        ..workload(a, c)
                    })
                    .direct
                    .throughput_tps
                })
                .collect();
            let (peak_i, peak) =
                tps.iter()
                    .copied()
                    .enumerate()
                    .fold((0, 0.0), |b, (i, x)| if x > b.1 { (i, x) } else { b });
            let at = (peak_i..grid.len())
                .find(|&i| tps[i] < 0.9 * peak)
                .map_or(u32::MAX, |i| grid[i]);
            (at, tps)
        };
        let (wp, tp) = wall(Arch::Process);
        let (wt, tt) = wall(Arch::Thread);
        measured(
            "s9 wall",
            format!("processes fall 10 % below their peak at {wp} connections, threads at {wt}; tps {tp:.0?} vs {tt:.0?}"),
        );
        assert!(wt >= 2 * wp, "{wt} vs {wp}");
        assert!(wt < u32::MAX, "threads hit a wall too");
    }

    says "Cheaper connections save memory and go somewhat further; they do not remove the \
        wall. Pick the thread pool above to see what does."
    fn cheaper_connections_go_somewhat_further_but_do_not_remove_the_wall() {
        for clients in [THREADS_CLIENTS, 10_000] {
            let t = figures(&workload(Arch::Thread, clients)).direct;
            let p = figures(&workload(Arch::Process, clients)).direct;
            let tp = figures(&workload(Arch::ThreadPool, clients)).direct;
            measured(
                "s9 further",
                format!(
                    "{clients}: threads {:.0} tps p99 {:.0} ms, processes {:.0} tps p99 {:.0} ms, thread pool p99 {:.1} ms",
                    t.throughput_tps,
                    t.latency.p99 * 1e3,
                    p.throughput_tps,
                    p.latency.p99 * 1e3,
                    tp.latency.p99 * 1e3
                ),
            );
            assert!(t.throughput_tps > p.throughput_tps);
            assert!(t.latency.p99 < p.latency.p99);
            // At the section's default the thread pool is far ahead; at 10,000 connections every
            // design queues, so only "further" is claimed there.
            if clients == THREADS_CLIENTS {
                assert!(t.latency.p99 > 3.0 * tp.latency.p99);
            }
        }
    }

    /// With the thread pool picked (its verdict, [`shown_in_other_states`]).
    says "Here the wall moves: one worker thread per core takes the connections’ statements in \
        turn, like a pooler’s backends, so the cores switch rarely and nothing waits for a \
        core in the kernel."
    fn the_thread_pool_moves_the_wall() {
        let (tp, p) = (arch(Arch::ThreadPool), arch(Arch::Process));
        measured("s9 thread pool", format!("{:.0} tps (processes {:.0}), p99 {:.1} ms ({:.1}), {:.0} switches/s ({:.0}), run queue {:.1}",
                                           tp.throughput_tps, p.throughput_tps, tp.latency.p99 * 1e3, p.latency.p99 * 1e3,
                                           tp.context_switches_per_s, p.context_switches_per_s, tp.run_queue));
        assert!(tp.throughput_tps > 1.1 * p.throughput_tps);
        assert!(tp.latency.p99 < 0.5 * p.latency.p99);
        assert!(tp.context_switches_per_s < 0.2 * p.context_switches_per_s);
        assert!(tp.run_queue < 1.0);
    }
}
