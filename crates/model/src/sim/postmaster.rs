//! The postmaster and connection start-up: accept → fork (or create a thread, or set up a session
//! in a thread pool) → the new backend initialises and authenticates → connected.
//!
//! Every step that costs CPU is a job in the scheduler, so a storm of connections competes with
//! running queries. `max_connections` is checked after the fork, as in Postgres, where the child
//! itself refuses with "sorry, too many clients already": a refused connection still cost a fork.

use super::backends::ConnState;
use super::engine::Event;
use super::ids::{ConnId, ProcId};
use super::scheduler::{Job, JobKind, ProcKind};
use super::Sim;
use crate::calibration as cal;
use crate::metrics::ErrorKind;
use std::collections::VecDeque;

/// The postmaster (or the thread pool's listener): one process that accepts connections one at
/// a time.
pub(crate) struct Postmaster {
    /// Its process.
    pub proc: ProcId,
    /// Connections waiting for it to fork them, FIFO.
    pub fork_queue: VecDeque<ConnId>,
}

impl Postmaster {
    /// The postmaster running as process `proc`, with nothing to do.
    pub fn new(proc: ProcId) -> Postmaster {
        Postmaster {
            proc,
            fork_queue: VecDeque::new(),
        }
    }
}

impl Sim {
    /// The acceptor's CPU job for a new connection `conn`.
    fn accept_job(&self, conn: ConnId) -> Job {
        Job {
            kind: JobKind::Accept(conn),
            remaining_ns: self.config.accept_cpu_ns,
            snapshot_ns: 0,
        }
    }

    /// Starts opening server connection `conn` (state ForkQueued).
    pub fn submit_accept(&mut self, conn: ConnId) {
        if !self.config.overheads {
            self.accept_done(conn);
            return;
        }
        let pm = self.postmaster.proc;
        if self.scheduler.is_waiting_for_work(pm) {
            let job = self.accept_job(conn);
            self.give_job(pm, job);
        } else {
            self.postmaster.fork_queue.push_back(conn);
        }
    }

    /// The postmaster's next job: the next connection waiting for its fork.
    pub fn next_accept_job(&mut self) -> Option<Job> {
        let conn = self.postmaster.fork_queue.pop_front()?;
        Some(self.accept_job(conn))
    }

    /// A new process or thread of connection `conn`, which also executes its statements.
    pub fn spawn_conn_proc(&mut self, conn: ConnId) -> ProcId {
        let proc = self.scheduler.new_proc(
            ProcKind::Conn(conn),
            self.config.arch.threads,
            cal::TXN_HOT_SET_BYTES,
        );
        let c = &mut self.backends.conns[conn];
        c.proc = Some(proc);
        c.executor = Some(proc);
        proc
    }

    /// The fork is done: either the new backend refuses (max_connections) or it starts up.
    pub fn accept_done(&mut self, conn: ConnId) {
        if self.backends.live() >= self.config.params.max_connections {
            self.refuse(conn);
            return;
        }
        self.backends.set_state(conn, ConnState::Forking);
        if self.config.arch.own_task {
            let proc = self.spawn_conn_proc(conn);
            if self.config.overheads {
                let job = Job {
                    kind: JobKind::Init(conn),
                    remaining_ns: self.config.init_cpu_ns,
                    snapshot_ns: 0,
                };
                self.give_job(proc, job);
                return;
            }
        }
        self.at(self.config.connect_latency_ns, Event::ConnReady(conn));
    }

    /// The backend finished initialising; the handshake completes after the connect latency.
    pub fn init_done(&mut self, conn: ConnId) {
        self.at(self.config.connect_latency_ns, Event::ConnReady(conn));
    }

    /// Connection `conn`'s handshake is complete: it serves its client, or joins its pool.
    pub fn on_conn_ready(&mut self, conn: ConnId) {
        if self.backends.conns.get(conn).map(|c| c.state) != Some(ConnState::Forking) {
            return;
        }
        self.backends.set_state(conn, ConnState::Idle);
        let c = &self.backends.conns[conn];
        if c.pooled {
            let g = c.pooler.expect("a pooled connection's process");
            self.poolers.processes[g].servers_logging_in -= 1;
            self.server_available(conn);
        } else {
            let client = self.backends.client_of(conn);
            self.on_connected(client);
        }
    }

    /// The new backend refuses (too many connections): its slot is freed; a pooler retries
    /// after `server_login_retry`, a direct client fails and backs off.
    fn refuse(&mut self, conn: ConnId) {
        let c = &self.backends.conns[conn];
        let (pooled, client, pooler) = (c.pooled, c.client, c.pooler);
        let application_pool = self.close_conn(conn);
        if pooled {
            let g = pooler.expect("a pooled connection's process");
            self.metrics.error(ErrorKind::ServerRefused);
            self.poolers.processes[g].login_refused(self.now);
            self.at(cal::PGB_SERVER_LOGIN_RETRY_NS, Event::PoolRetry(g));
        } else {
            let client = client.expect("a direct connection's client");
            self.clients.slots[client].conn = None;
            self.fail_transaction(client, ErrorKind::Refused, true);
            if application_pool {
                self.app_pool_kick();
            }
        }
    }
}
