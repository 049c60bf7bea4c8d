//! The postmaster and connection start-up: accept → fork (or create a thread, or set up a session
//! in a thread pool) → the new backend initialises and authenticates → connected.
//!
//! Every step that costs CPU is a job in the scheduler, so a storm of connections competes with
//! running queries. `max_connections` is checked after the fork, as in Postgres, where the child
//! itself refuses with "sorry, too many clients already": a refused connection still cost a fork.

use super::engine::Ev;
use super::{Job, JobWhat, PState, ProcKind, SState, Sim, NONE};
use crate::calibration as cal;
use crate::metrics::ErrorKind;
use crate::params::Auth;

impl Sim {
    fn auth_cpu(&self) -> u64 {
        match self.p.auth {
            Auth::Trust => 0,
            Auth::Scram => cal::SCRAM_SERVER_CPU_NS,
        }
    }

    fn accept_job(&self, conn: u32) -> Job {
        // In a thread pool the listener does the whole session set-up, auth included.
        let extra = if self.arch.own_task {
            0
        } else {
            self.auth_cpu()
        };
        Job {
            what: JobWhat::Accept(conn),
            remaining: self.arch.accept_cpu_ns + extra,
            snap: 0,
        }
    }

    /// Latency of the connection handshake outside the server's CPU.
    fn connect_latency(&self) -> u64 {
        if !self.overheads() {
            return 0;
        }
        let scram = match self.p.auth {
            Auth::Trust => 0,
            Auth::Scram => cal::SCRAM_CLIENT_LATENCY_NS,
        };
        cal::CONNECT_LATENCY_NS + scram
    }

    /// Starts opening server connection `conn` (state ForkQueued).
    pub fn submit_accept(&mut self, conn: u32) {
        if !self.overheads() {
            self.accept_done(conn);
            return;
        }
        let pm = self.postmaster_proc;
        let pr = &self.procs[pm as usize];
        if pr.state == PState::Blocked && pr.job.is_none() {
            let job = self.accept_job(conn);
            self.give_job(pm, job);
        } else {
            self.fork_q.push_back(conn);
        }
    }

    pub fn next_accept_job(&mut self) -> Option<Job> {
        let conn = self.fork_q.pop_front()?;
        Some(self.accept_job(conn))
    }

    /// The fork is done: either the new backend refuses (max_connections) or it starts up.
    pub fn accept_done(&mut self, conn: u32) {
        if self.live_backends() >= self.p.max_connections {
            self.refuse(conn);
            return;
        }
        self.set_sstate(conn, SState::Forking);
        if self.arch.own_task {
            let proc = self.new_proc(
                ProcKind::Conn(conn),
                self.arch.threads,
                cal::HOT_WORKING_SET_BYTES,
            );
            let c = &mut self.conns[conn as usize];
            c.proc = proc;
            c.exec = proc;
            if self.overheads() {
                let job = Job {
                    what: JobWhat::Init(conn),
                    remaining: self.arch.init_cpu_ns + self.auth_cpu(),
                    snap: 0,
                };
                self.give_job(proc, job);
                return;
            }
        }
        let lat = self.connect_latency();
        self.at(lat, Ev::ConnReady(conn));
    }

    /// The backend finished initialising; the handshake completes after the connect latency.
    pub fn init_done(&mut self, conn: u32) {
        let lat = self.connect_latency();
        self.at(lat, Ev::ConnReady(conn));
    }

    pub fn on_conn_ready(&mut self, conn: u32) {
        if self.conns.get(conn as usize).map(|c| c.state) != Some(SState::Forking) {
            return;
        }
        self.set_sstate(conn, SState::Idle);
        if self.conns[conn as usize].pooled {
            let g = self.conns[conn as usize].pgb;
            self.pgbs[g as usize].servers_login -= 1;
            self.server_available(conn);
        } else {
            let c = self.conns[conn as usize].client;
            self.on_connected(c);
        }
    }

    fn refuse(&mut self, conn: u32) {
        let pooled = self.conns[conn as usize].pooled;
        let client = self.conns[conn as usize].client;
        let app = self.conns[conn as usize].app;
        let g = self.conns[conn as usize].pgb;
        self.forget_conn(conn);
        self.set_sstate(conn, SState::Free);
        self.conns[conn as usize].client = NONE;
        self.conns[conn as usize].pgb = NONE;
        self.conn_free.push(conn);
        if pooled {
            let pg = &mut self.pgbs[g as usize];
            pg.servers_total -= 1;
            pg.servers_login -= 1;
            self.metrics.error(ErrorKind::ServerRefused);
            // This process waits server_login_retry before trying again.
            pg.login_retry_until = self.now + cal::PGB_SERVER_LOGIN_RETRY_NS;
            self.at(cal::PGB_SERVER_LOGIN_RETRY_NS, Ev::PoolRetry(g));
        } else {
            self.clients[client as usize].conn = NONE;
            self.fail_txn(client, ErrorKind::Refused, true);
            if app {
                self.app_pool_kick();
            }
        }
    }
}
