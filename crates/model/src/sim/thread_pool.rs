//! The thread pool (`arch = thread_pool`): a fixed number of worker threads run the statements
//! of all connections, taken FIFO from one queue; a connection is only session state.

use super::ids::{ConnId, ProcId};
use super::scheduler::{Job, ProcKind};
use super::Sim;
use crate::calibration as cal;
use std::collections::VecDeque;

/// The thread pool's workers and its queue of statements.
pub(crate) struct ThreadPool {
    /// Its worker threads (retiring ones included).
    pub workers: Vec<ProcId>,
    /// Workers with nothing to do, reused LIFO.
    pub idle_workers: Vec<ProcId>,
    /// Workers to retire when they next go idle (the pool shrank while they were busy).
    pub excess: u32,
    /// Connections whose statement waits for a worker, FIFO.
    pub queue: VecDeque<ConnId>,
}

impl ThreadPool {
    /// No worker.
    pub fn new() -> ThreadPool {
        ThreadPool {
            workers: Vec::new(),
            idle_workers: Vec::new(),
            excess: 0,
            queue: VecDeque::new(),
        }
    }
}

impl Sim {
    /// Sets the number of thread-pool workers (grows at once; surplus workers retire when idle).
    pub fn set_workers(&mut self, n: u32) {
        let n = n.max(1);
        let pool = &mut self.thread_pool;
        let live = pool.workers.len() as u32 - pool.excess.min(pool.workers.len() as u32);
        if n > live {
            let mut add = n - live;
            let cancel = add.min(pool.excess);
            pool.excess -= cancel;
            add -= cancel;
            for _ in 0..add {
                let w = self
                    .scheduler
                    .new_proc(ProcKind::Worker, true, cal::TXN_HOT_SET_BYTES);
                self.thread_pool.workers.push(w);
                if let Some(job) = self.next_worker_job(w) {
                    self.give_job(w, job);
                } else {
                    self.thread_pool.idle_workers.push(w);
                }
            }
        } else {
            let mut remove = live - n;
            while remove > 0 {
                if let Some(w) = self.thread_pool.idle_workers.pop() {
                    self.thread_pool.workers.retain(|&x| x != w);
                    self.scheduler.free_proc(w);
                } else {
                    self.thread_pool.excess += 1;
                }
                remove -= 1;
            }
        }
    }

    /// Worker `w` has nothing to do: it retires if the pool has too many, else it waits.
    pub fn worker_idle(&mut self, w: ProcId) {
        let pool = &mut self.thread_pool;
        if pool.excess > 0 {
            pool.excess -= 1;
            pool.workers.retain(|&x| x != w);
            self.scheduler.retire_proc(w);
        } else {
            pool.idle_workers.push(w);
        }
    }

    /// The next statement for worker `w`, if one waits.
    pub fn next_worker_job(&mut self, w: ProcId) -> Option<Job> {
        let conn = self.thread_pool.queue.pop_front()?;
        self.backends.conns[conn].executor = Some(w);
        Some(self.statement_job(conn))
    }

    /// Queues a statement of `conn` for the thread pool.
    pub fn thread_pool_submit(&mut self, conn: ConnId) {
        self.thread_pool.queue.push_back(conn);
        if let Some(w) = self.thread_pool.idle_workers.pop() {
            let job = self.next_worker_job(w).expect("just queued");
            self.give_job(w, job);
        }
    }
}
