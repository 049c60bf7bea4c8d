//! PgBouncer: `pooler_processes` single-threaded processes in the same run queue as the backends.
//!
//! Every message a process forwards (a query to the server, a result to the client, a client
//! login) is a CPU job of that process; it handles its queue while it is scheduled, so it can
//! saturate one core and it can be starved by the backends it serves (Berg 2012). Server
//! connections are opened on demand up to `pool_size` (plus `reserve_pool_size` for clients
//! waiting longer than `reserve_pool_timeout`), reused LIFO, and kept open (`server_idle_timeout`
//! is not modelled: connections only close when the pool shrinks). Waiting clients queue FIFO and
//! give up after `query_wait_timeout`.
//!
//! Several processes share one port with `so_reuseport = 1` (PgBouncer ≥ 1.12): the kernel hands
//! each new client connection to one of them, and each is a whole PgBouncer of its own (its
//! clients, its message queue, its wait queue, its pool), so every limit here is per process.

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
        let g = self.clients[msg.client() as usize].pgb;
        let pp = self.pgbs[g as usize].proc;
        let pr = &self.procs[pp as usize];
        if pr.state == PState::Blocked && pr.job.is_none() {
            self.give_job(pp, job);
        } else {
            self.pgbs[g as usize].q.push_back(job);
        }
    }

    /// The process a new client connection lands on: the kernel's `SO_REUSEPORT` hash of the
    /// connection's 4-tuple, drawn uniformly (its source port is new for every connection).
    pub fn pick_pgb(&mut self) -> u32 {
        let k = self.pgbs.len() as u64;
        if k <= 1 {
            0
        } else {
            self.rng_pgb.below(k) as u32
        }
    }

    pub fn handle_pmsg(&mut self, msg: PMsg) {
        match msg {
            PMsg::Login(c) => self.on_connected(c),
            PMsg::Query(c) => {
                let conn = self.clients[c as usize].conn;
                let g = self.clients[c as usize].pgb as usize;
                if conn != NONE {
                    self.start_stmt(c, conn);
                } else if let Some(s) = self.pgbs[g].idle_servers.pop() {
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
        let g = cl.pgb;
        self.set_cstate(c, CState::WaitingServer);
        self.cl_waiting += 1;
        let pg = &mut self.pgbs[g as usize];
        pg.waitq.push_back((c, gen));
        pg.cl_waiting += 1;
        if !pg.wait_timer_pending && self.p.query_wait_timeout_s > 0.0 {
            pg.wait_timer_pending = true;
            self.at(ns(self.p.query_wait_timeout_s * 1e9), Ev::WaitTimer(g));
        }
        let pg = &mut self.pgbs[g as usize];
        if !pg.reserve_timer_pending && self.p.reserve_pool_size > 0 {
            pg.reserve_timer_pending = true;
            self.at(ns(self.p.reserve_pool_timeout_s * 1e9), Ev::ReserveTimer(g));
        }
        self.maybe_open_servers(g);
    }

    /// Opens server connections of process `g` while its clients wait and its pool has room.
    pub fn maybe_open_servers(&mut self, g: u32) {
        self.open_servers_up_to(g, self.p.pool_size);
    }

    fn open_servers_up_to(&mut self, g: u32, limit: u32) {
        // The retry check is inside the loop: with overheads off a login is refused at once
        // (max_connections below pool_size), and without it this loop never ended.
        loop {
            let pg = &self.pgbs[g as usize];
            if !(pg.cl_waiting > pg.servers_login
                && pg.servers_total < limit
                && self.now >= pg.login_retry_until)
            {
                break;
            }
            self.open_server(g);
        }
    }

    fn open_server(&mut self, g: u32) {
        let conn = self.new_conn(NONE, true);
        self.conns[conn as usize].pgb = g;
        let pg = &mut self.pgbs[g as usize];
        pg.servers_total += 1;
        pg.servers_login += 1;
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
        let g = self.conns[s as usize].pgb;
        if self.pgbs[g as usize].servers_total > self.p.pool_size + self.p.reserve_pool_size {
            self.pgbs[g as usize].servers_total -= 1;
            self.close_conn(s);
            return;
        }
        if let Some(c) = self.pop_waiter(g) {
            let wait = self.now - self.clients[c as usize].wait_start;
            self.metrics.pool_assigned(wait, true);
            self.pgbs[g as usize].cl_waiting -= 1;
            self.cl_waiting -= 1;
            self.bind(c, s);
            self.start_stmt(c, s);
        } else {
            self.pgbs[g as usize].idle_servers.push(s);
        }
    }

    fn waiter_valid(&self, c: u32, gen: u32) -> bool {
        let cl = &self.clients[c as usize];
        cl.state == CState::WaitingServer && cl.wait_gen == gen
    }

    /// Drops stale entries at the head of process `g`'s wait queue; returns the oldest valid
    /// waiter without removing it.
    fn head_waiter(&mut self, g: u32) -> Option<u32> {
        while let Some(&(c, gen)) = self.pgbs[g as usize].waitq.front() {
            if self.waiter_valid(c, gen) {
                return Some(c);
            }
            self.pgbs[g as usize].waitq.pop_front();
        }
        None
    }

    fn pop_waiter(&mut self, g: u32) -> Option<u32> {
        let c = self.head_waiter(g)?;
        self.pgbs[g as usize].waitq.pop_front();
        Some(c)
    }

    /// Age of the oldest waiting client in any process, ns (read-only: skips stale entries).
    pub fn maxwait_ns(&self) -> u64 {
        self.pgbs
            .iter()
            .map(|pg| {
                pg.waitq
                    .iter()
                    .find(|&&(c, gen)| self.waiter_valid(c, gen))
                    .map_or(0, |&(c, _)| self.now - self.clients[c as usize].wait_start)
            })
            .max()
            .unwrap_or(0)
    }

    /// Times out waiters older than `query_wait_timeout` (FIFO: the oldest is at the head, so one
    /// timer for the head suffices).
    pub fn on_wait_timer(&mut self, g: u32) {
        let Some(pg) = self.pgbs.get_mut(g as usize) else {
            return;
        };
        pg.wait_timer_pending = false;
        let to = ns(self.p.query_wait_timeout_s * 1e9);
        if to == 0 {
            return;
        }
        while let Some(c) = self.head_waiter(g) {
            let waited = self.now - self.clients[c as usize].wait_start;
            if waited >= to {
                let pg = &mut self.pgbs[g as usize];
                pg.waitq.pop_front();
                pg.cl_waiting -= 1;
                self.cl_waiting -= 1;
                self.metrics.pool_assigned(waited, true);
                // The client leaves WaitingServer before fail_txn changes its state further.
                self.set_cstate(c, CState::InStatement);
                self.fail_txn(c, ErrorKind::QueryWaitTimeout, true);
            } else {
                self.pgbs[g as usize].wait_timer_pending = true;
                self.at(to - waited, Ev::WaitTimer(g));
                break;
            }
        }
    }

    /// Opens reserve connections when the oldest waiter waited longer than reserve_pool_timeout.
    pub fn on_reserve_timer(&mut self, g: u32) {
        let Some(pg) = self.pgbs.get_mut(g as usize) else {
            return;
        };
        pg.reserve_timer_pending = false;
        if self.p.reserve_pool_size == 0 {
            return;
        }
        let rt = ns(self.p.reserve_pool_timeout_s * 1e9).max(1_000_000);
        if let Some(c) = self.head_waiter(g) {
            let waited = self.now - self.clients[c as usize].wait_start;
            let next = if waited >= rt {
                self.open_servers_up_to(g, self.p.pool_size + self.p.reserve_pool_size);
                rt
            } else {
                rt - waited
            };
            self.pgbs[g as usize].reserve_timer_pending = true;
            self.at(next, Ev::ReserveTimer(g));
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
        for g in 0..self.pgbs.len() as u32 {
            loop {
                let pg = &mut self.pgbs[g as usize];
                if pg.servers_total <= limit || pg.idle_servers.is_empty() {
                    break;
                }
                // Close the least recently used (bottom of the LIFO stack).
                let s = pg.idle_servers.remove(0);
                pg.servers_total -= 1;
                self.close_conn(s);
            }
            self.maybe_open_servers(g);
        }
    }
}
