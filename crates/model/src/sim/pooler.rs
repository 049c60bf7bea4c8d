//! PgBouncer: one single-threaded process in the same run queue as the backends.
//!
//! Every message it forwards (a query to the server, a result to the client, a client login) is a
//! CPU job of the pooler process; it handles its queue while it is scheduled, so it can saturate
//! and it can be starved by the backends it serves (Berg 2012). Server connections are opened on
//! demand up to `pool_size` (plus `reserve_pool_size` for clients waiting longer than
//! `reserve_pool_timeout`), reused LIFO, and kept open (`server_idle_timeout` is not modelled:
//! connections only close when the pool shrinks). Waiting clients queue FIFO and give up after
//! `query_wait_timeout`.

use super::engine::Ev;
use super::{CState, Job, JobWhat, PMsg, PState, SState, Sim, NONE};
use crate::calibration as cal;
use crate::metrics::ErrorKind;
use crate::params::{Auth, PoolMode};
use crate::rng::ns;

impl Sim {
    fn pmsg_cost(&self, msg: PMsg) -> u64 {
        match msg {
            PMsg::Login(_) => {
                cal::PGB_LOGIN_CPU_NS
                    + match self.p.auth {
                        Auth::Trust => 0,
                        Auth::Scram => cal::SCRAM_SERVER_CPU_NS,
                    }
            }
            // A one-statement transaction is two forwarded messages (query, result).
            PMsg::Query(_) | PMsg::Response(_) => ns(self.p.pooler_cpu_us * 1e3 / 2.0),
        }
    }

    /// Hands a message to the pooler (inline when overheads are off: it then costs nothing).
    pub fn pooler_submit(&mut self, msg: PMsg) {
        if !self.overheads() {
            self.handle_pmsg(msg);
            return;
        }
        let job = Job {
            what: JobWhat::Pooler(msg),
            remaining: self.pmsg_cost(msg),
            snap: 0,
        };
        let pp = self.pooler_proc;
        let pr = &self.procs[pp as usize];
        if pr.state == PState::Blocked && pr.job.is_none() {
            self.give_job(pp, job);
        } else {
            self.pooler_q.push_back(job);
        }
    }

    pub fn handle_pmsg(&mut self, msg: PMsg) {
        match msg {
            PMsg::Login(c) => self.on_connected(c),
            PMsg::Query(c) => {
                let conn = self.clients[c as usize].conn;
                if conn != NONE {
                    self.start_stmt(c, conn);
                } else if let Some(s) = self.idle_servers.pop() {
                    self.metrics.pool_assigned(0, false);
                    self.bind(c, s);
                    self.start_stmt(c, s);
                } else {
                    self.enqueue_waiter(c);
                }
            }
            PMsg::Response(c) => {
                let cl = &self.clients[c as usize];
                let last = cl.stmt_i + 1 >= cl.n_stmts;
                let release = match self.p.pool_mode {
                    PoolMode::Statement => true,
                    PoolMode::Transaction => last,
                    PoolMode::Session | PoolMode::None => false,
                };
                if release && cl.conn != NONE {
                    self.release_server(c);
                }
                self.result_to_client(c);
            }
        }
    }

    fn bind(&mut self, c: u32, s: u32) {
        self.clients[c as usize].conn = s;
        self.conns[s as usize].client = c;
    }

    fn enqueue_waiter(&mut self, c: u32) {
        let cl = &mut self.clients[c as usize];
        cl.wait_gen = cl.wait_gen.wrapping_add(1);
        cl.wait_start = self.now;
        let gen = cl.wait_gen;
        self.set_cstate(c, CState::WaitingServer);
        self.waitq.push_back((c, gen));
        self.cl_waiting += 1;
        if !self.wait_timer_pending && self.p.query_wait_timeout_s > 0.0 {
            self.wait_timer_pending = true;
            self.at(ns(self.p.query_wait_timeout_s * 1e9), Ev::WaitTimer);
        }
        if !self.reserve_timer_pending && self.p.reserve_pool_size > 0 {
            self.reserve_timer_pending = true;
            self.at(ns(self.p.reserve_pool_timeout_s * 1e9), Ev::ReserveTimer);
        }
        self.maybe_open_servers();
    }

    /// Opens server connections while clients wait and the pool has room.
    pub fn maybe_open_servers(&mut self) {
        // The retry check is inside the loop: with overheads off a login is refused at once
        // (max_connections below pool_size), and without it this loop never ended.
        while self.cl_waiting > self.servers_login
            && self.servers_total < self.p.pool_size
            && self.now >= self.login_retry_until
        {
            self.open_server();
        }
    }

    fn open_server(&mut self) {
        let conn = self.new_conn(NONE, true);
        self.servers_total += 1;
        self.servers_login += 1;
        self.submit_accept(conn);
    }

    /// The client gives its server back to the pool.
    pub fn release_server(&mut self, c: u32) {
        let s = self.clients[c as usize].conn;
        self.clients[c as usize].conn = NONE;
        self.conns[s as usize].client = NONE;
        if self.conns[s as usize].state == SState::IdleInTxn {
            // Abandoned mid-transaction: PgBouncer's reset rolls it back.
            self.set_sstate(s, SState::Idle);
        }
        self.server_available(s);
    }

    /// A server is free: close it if the pool shrank, else give it to the oldest waiter, else park
    /// it on the LIFO idle stack.
    pub fn server_available(&mut self, s: u32) {
        if self.servers_total > self.p.pool_size + self.p.reserve_pool_size {
            self.servers_total -= 1;
            self.close_conn(s);
            return;
        }
        if let Some(c) = self.pop_waiter() {
            let wait = self.now - self.clients[c as usize].wait_start;
            self.metrics.pool_assigned(wait, true);
            self.cl_waiting -= 1;
            self.bind(c, s);
            self.start_stmt(c, s);
        } else {
            self.idle_servers.push(s);
        }
    }

    fn waiter_valid(&self, c: u32, gen: u32) -> bool {
        let cl = &self.clients[c as usize];
        cl.state == CState::WaitingServer && cl.wait_gen == gen
    }

    /// Drops stale entries at the head; returns the oldest valid waiter without removing it.
    fn head_waiter(&mut self) -> Option<u32> {
        while let Some(&(c, g)) = self.waitq.front() {
            if self.waiter_valid(c, g) {
                return Some(c);
            }
            self.waitq.pop_front();
            self.waitq_stale = self.waitq_stale.saturating_sub(1);
        }
        None
    }

    fn pop_waiter(&mut self) -> Option<u32> {
        let c = self.head_waiter()?;
        self.waitq.pop_front();
        Some(c)
    }

    /// Age of the oldest waiting client, ns (read-only: skips stale entries).
    pub fn maxwait_ns(&self) -> u64 {
        self.waitq
            .iter()
            .find(|&&(c, g)| self.waiter_valid(c, g))
            .map_or(0, |&(c, _)| self.now - self.clients[c as usize].wait_start)
    }

    /// Times out waiters older than `query_wait_timeout` (FIFO: the oldest is at the head, so one
    /// timer for the head suffices).
    pub fn on_wait_timer(&mut self) {
        self.wait_timer_pending = false;
        let to = ns(self.p.query_wait_timeout_s * 1e9);
        if to == 0 {
            return;
        }
        while let Some(c) = self.head_waiter() {
            let waited = self.now - self.clients[c as usize].wait_start;
            if waited >= to {
                self.waitq.pop_front();
                self.cl_waiting -= 1;
                self.metrics.pool_assigned(waited, true);
                // The client leaves WaitingServer before fail_txn changes its state further.
                self.set_cstate(c, CState::InStatement);
                self.fail_txn(c, ErrorKind::QueryWaitTimeout, true);
            } else {
                self.wait_timer_pending = true;
                self.at(to - waited, Ev::WaitTimer);
                break;
            }
        }
    }

    /// Opens reserve connections when the oldest waiter waited longer than reserve_pool_timeout.
    pub fn on_reserve_timer(&mut self) {
        self.reserve_timer_pending = false;
        if self.p.reserve_pool_size == 0 {
            return;
        }
        let rt = ns(self.p.reserve_pool_timeout_s * 1e9).max(1_000_000);
        if let Some(c) = self.head_waiter() {
            let waited = self.now - self.clients[c as usize].wait_start;
            if waited >= rt {
                let limit = self.p.pool_size + self.p.reserve_pool_size;
                while self.cl_waiting > self.servers_login
                    && self.servers_total < limit
                    && self.now >= self.login_retry_until
                {
                    self.open_server();
                }
                self.reserve_timer_pending = true;
                self.at(rt, Ev::ReserveTimer);
            } else {
                self.reserve_timer_pending = true;
                self.at(rt - waited, Ev::ReserveTimer);
            }
        }
    }

    /// After a pool-mode change, clients that hold a server outside a transaction give it back
    /// (unless the new mode is session).
    pub fn pool_mode_changed(&mut self) {
        if self.p.pool_mode == PoolMode::Session {
            return;
        }
        for c in 0..self.clients.len() as u32 {
            let cl = &self.clients[c as usize];
            if cl.conn != NONE
                && cl.connected
                && matches!(cl.state, CState::Thinking | CState::Backoff)
            {
                self.release_server(c);
            }
        }
    }

    /// After pool_size / reserve changes: close surplus idle servers, or open more for waiters.
    pub fn pool_limits_changed(&mut self) {
        let limit = self.p.pool_size + self.p.reserve_pool_size;
        while self.servers_total > limit && !self.idle_servers.is_empty() {
            // Close the least recently used (bottom of the LIFO stack).
            let s = self.idle_servers.remove(0);
            self.servers_total -= 1;
            self.close_conn(s);
        }
        self.maybe_open_servers();
    }
}
