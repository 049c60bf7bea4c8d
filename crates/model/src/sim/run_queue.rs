//! The run queue, ordered as Linux's CFS orders it: by virtual runtime, not by arrival.
//!
//! Every process carries a virtual runtime, the CPU time it has had (all processes have the
//! same weight, nice 0). The queue hands the cores the runnable process with the least, so a
//! process that has just run long (preempted at the end of its slice) waits behind those that ran
//! little. A process that wakes from a sleep is placed at `max(its own, min_vruntime −
//! sched_latency / 2)` (`place_entity` with `GENTLE_FAIR_SLEEPERS`, kernel/sched/fair.c): a
//! long sleeper goes ahead of every process already waiting whose virtual runtime is within half a
//! latency period of the queue's minimum, so the queue is not FIFO and waits spread. Ties (equal
//! virtual runtimes) go in arrival order. O(log n) per operation (a B-tree).

use super::ids::ProcId;
use std::collections::BTreeSet;

/// The runnable processes waiting for a core, by (virtual runtime, arrival).
pub(crate) struct RunQueue {
    /// (virtual runtime ns, arrival number, process).
    queue: BTreeSet<(u64, u64, u32)>,
    /// Arrival counter: the tie-break.
    arrivals: u64,
    /// The queue's minimum virtual runtime, never decreasing (CFS's `min_vruntime`).
    pub min_vruntime: u64,
}

impl RunQueue {
    /// An empty queue.
    pub fn new() -> RunQueue {
        RunQueue {
            queue: BTreeSet::new(),
            arrivals: 0,
            min_vruntime: 0,
        }
    }

    /// How many processes wait.
    #[inline]
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether none waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Process `p` waits with virtual runtime `vruntime`.
    #[inline]
    pub fn push(&mut self, p: ProcId, vruntime: u64) {
        self.arrivals += 1;
        self.queue.insert((vruntime, self.arrivals, p.get()));
    }

    /// The process with the least virtual runtime (the earliest of equals), taken off the queue;
    /// the queue's minimum moves up to it.
    #[inline]
    pub fn pop(&mut self) -> Option<ProcId> {
        let (vruntime, _, p) = self.queue.pop_first()?;
        self.min_vruntime = self.min_vruntime.max(vruntime);
        Some(ProcId::new(p))
    }

    /// The waiting processes, in the order they would run.
    pub fn iter(&self) -> impl Iterator<Item = ProcId> + '_ {
        self.queue.iter().map(|&(_, _, p)| ProcId::new(p))
    }

    /// Where a process waking with virtual runtime `own` is placed: no further back than
    /// `min_vruntime − credit` (a sleeper's credit, half of CFS's latency period).
    #[inline]
    pub fn placement(&self, own: u64, credit: u64) -> u64 {
        own.max(self.min_vruntime.saturating_sub(credit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_virtual_runtime_runs_first_and_a_sleeper_is_placed_half_a_period_back() {
        let mut q = RunQueue::new();
        q.push(ProcId::new(1), 800);
        q.push(ProcId::new(2), 10);
        q.push(ProcId::new(3), 10);
        assert_eq!(q.pop(), Some(ProcId::new(2)));
        assert_eq!(q.min_vruntime, 10);
        assert_eq!(q.pop(), Some(ProcId::new(3)));
        // A long sleeper (own 0) comes back at min − credit, a recent one keeps its own.
        q.min_vruntime = 1_000;
        assert_eq!(q.placement(0, 300), 700);
        assert_eq!(q.placement(900, 300), 900);
        q.push(ProcId::new(4), q.placement(0, 300));
        assert_eq!(
            q.iter().collect::<Vec<_>>(),
            [ProcId::new(4), ProcId::new(1)]
        );
        assert_eq!(q.len(), 2);
    }
}
