//! The client host (`clients_on_server`): the client program (pgbench -j) runs on the server's
//! cores with `client_threads` threads; client `c` is served by thread `c mod n`, which does its
//! connections' work one job at a time and polls only its own connections.
//!
//! A thread works in passes, as pgbench's `threadRun` does (src/bin/pgbench/pgbench.c): it waits
//! on its sockets (`wait_on_socket_set`), then walks its connections in index order and advances
//! each whose socket had input at that poll (`socket_has_input`); a reply that arrives during the
//! pass waits for the next poll. Advancing a connection reads its reply and sends its next
//! statement in one go (`advanceConnectionState`), so a statement a reply's processing sends is
//! done next, before the rest of the pass. The order of the pass is what spreads latency when
//! the threads are busy: a connection early in the pass sends its next statement early and its
//! reply tends to be back for the next pass; one late in the pass sends late, its reply misses the
//! next poll and waits a pass more (MODEL.md, "Latency spread").

use super::ids::{ClientId, ProcId};
use super::scheduler::{ClientPhase, Job, JobKind, ProcKind};
use super::Sim;
use crate::calibration as cal;
use std::collections::VecDeque;

/// One thread of the client program.
pub(crate) struct ClientThread {
    /// Its thread in the scheduler.
    pub proc: ProcId,
    /// The current pass: the jobs of the connections that had input at the last poll, in
    /// connection order, and the statement the reply in hand sends (at the front).
    pub pass: VecDeque<Job>,
    /// Jobs that arrived since the last poll: the next pass, once sorted.
    pub polled: Vec<Job>,
    /// The client whose reply the thread is processing (`None`: none): the statement its
    /// processing sends continues the same step of the pass.
    pub advancing: Option<ClientId>,
}

impl ClientThread {
    /// The thread's next job: the head of the pass; when the pass is done, a new poll makes the
    /// jobs that arrived since the last one the next pass, in connection order.
    fn next_job(&mut self) -> Option<Job> {
        if self.pass.is_empty() && !self.polled.is_empty() {
            self.polled.sort_by_key(|j| match j.kind {
                JobKind::Client(c, _) => c.get(),
                _ => u32::MAX,
            });
            self.pass.extend(self.polled.drain(..));
        }
        let job = self.pass.pop_front();
        self.advancing = job.and_then(receiving);
        job
    }
}

/// The client whose reply `job` reads, if it reads one.
#[inline]
fn receiving(job: Job) -> Option<ClientId> {
    match job.kind {
        JobKind::Client(c, ClientPhase::Receive) => Some(c),
        _ => None,
    }
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

    /// The next job of thread `t` (see [`ClientThread`]).
    #[inline]
    pub fn next_job(&mut self, t: u32) -> Option<Job> {
        self.threads[t as usize].next_job()
    }

    /// Jobs held by the threads that are not on a core: each is a client's pending work.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (t, thread) in self.threads.iter().enumerate() {
            let jobs = thread.pass.iter().chain(&thread.polled);
            if jobs
                .clone()
                .any(|j| !matches!(j.kind, JobKind::Client(c, _) if c.get() as usize % self.threads.len() == t))
            {
                return Err(format!("client thread {t} holds another thread's job"));
            }
        }
        Ok(())
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
                pass: VecDeque::new(),
                polled: Vec::new(),
                advancing: None,
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
        let thread = &mut self.client_host.threads[t];
        if self.scheduler.is_waiting_for_work(proc) {
            // Its poll returns at once: a pass of one.
            thread.advancing = receiving(job);
            self.give_job(proc, job);
        } else if phase == ClientPhase::Send && thread.advancing == Some(c) {
            thread.advancing = None;
            thread.pass.push_front(job);
        } else {
            thread.polled.push(job);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn job(client: u32, phase: ClientPhase) -> Job {
        Job {
            kind: JobKind::Client(ClientId::new(client), phase),
            remaining_ns: 1,
            snapshot_ns: 0,
        }
    }

    fn client_of(job: Option<Job>) -> Option<(u32, ClientPhase)> {
        job.map(|j| match j.kind {
            JobKind::Client(c, phase) => (c.get(), phase),
            _ => unreachable!("a client job"),
        })
    }

    #[test]
    fn a_pass_walks_the_connections_in_order_and_later_replies_wait_for_the_next_poll() {
        let mut thread = ClientThread {
            proc: ProcId::new(0),
            pass: VecDeque::new(),
            polled: Vec::new(),
            advancing: None,
        };
        for c in [8, 2, 6] {
            thread.polled.push(job(c, ClientPhase::Receive));
        }
        // The poll at the start of the pass: index order, whatever the arrival order.
        assert_eq!(
            client_of(thread.next_job()),
            Some((2, ClientPhase::Receive))
        );
        assert_eq!(thread.advancing, Some(ClientId::new(2)));
        // Replies that arrive during the pass wait for the next poll, even with a lower index.
        thread.polled.push(job(0, ClientPhase::Receive));
        assert_eq!(
            client_of(thread.next_job()),
            Some((6, ClientPhase::Receive))
        );
        assert_eq!(
            client_of(thread.next_job()),
            Some((8, ClientPhase::Receive))
        );
        assert_eq!(
            client_of(thread.next_job()),
            Some((0, ClientPhase::Receive))
        );
        assert_eq!(client_of(thread.next_job()), None);
        assert_eq!(thread.advancing, None);
    }
}
