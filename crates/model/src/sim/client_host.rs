//! The client host (`clients_on_server`): the client program (pgbench -j) runs on the server's
//! cores with `client_threads` threads; client `c` is served by thread `c mod n`, which does its
//! connections' work one job at a time and polls only its own connections.

use super::ids::{ClientId, ProcId};
use super::scheduler::{ClientPhase, Job, JobKind, ProcKind};
use super::Sim;
use crate::calibration as cal;
use std::collections::VecDeque;

/// One thread of the client program.
pub(crate) struct ClientThread {
    /// Its thread in the scheduler.
    pub proc: ProcId,
    /// Jobs waiting for it, FIFO.
    pub queue: VecDeque<Job>,
}

/// The client program's threads (created when first needed).
pub(crate) struct ClientHost {
    /// Its threads, by thread index.
    pub threads: Vec<ClientThread>,
}

impl ClientHost {
    /// No thread yet.
    pub fn new() -> ClientHost {
        ClientHost {
            threads: Vec::new(),
        }
    }

    /// The next job of thread `t`.
    #[inline]
    pub fn next_job(&mut self, t: u32) -> Option<Job> {
        self.threads[t as usize].queue.pop_front()
    }
}

impl Sim {
    /// `clients_on_server`: client `c`'s own CPU for one side of a statement runs as a job of
    /// its thread on the server's cores: half of `CLIENT_CPU_PER_STMT_NS` on each side, plus
    /// `CLIENT_CPU_PER_THREAD_CONNECTION_NS` for every connection its thread holds (its waits
    /// poll them all).
    pub fn client_work(&mut self, c: ClientId, phase: ClientPhase) {
        let n = self.config.params.client_threads.max(1) as usize;
        while self.client_host.threads.len() < n {
            let t = self.client_host.threads.len() as u32;
            let proc = self.scheduler.new_proc(
                ProcKind::ClientThread(t),
                true,
                cal::CLIENT_WORKING_SET_BYTES,
            );
            self.client_host.threads.push(ClientThread {
                proc,
                queue: VecDeque::new(),
            });
        }
        let t = c.get() as usize % n;
        let proc = self.client_host.threads[t].proc;
        let job = Job {
            kind: JobKind::Client(c, phase),
            remaining_ns: (cal::CLIENT_CPU_PER_STMT_NS
                + crate::rng::ns(
                    cal::CLIENT_CPU_PER_THREAD_CONNECTION_NS * f64::from(self.clients.connections)
                        / n as f64,
                ))
                / 2,
            snapshot_ns: 0,
        };
        if self.scheduler.is_waiting_for_work(proc) {
            self.give_job(proc, job);
        } else {
            self.client_host.threads[t].queue.push_back(job);
        }
    }

    /// A client's CPU burst is over: the request goes out, or the reply has been read.
    pub fn client_work_done(&mut self, c: ClientId, phase: ClientPhase) {
        match phase {
            ClientPhase::Send => self.statement_leaves(c),
            ClientPhase::Receive => self.on_result(c),
        }
    }
}
