//! Clients: closed loops (think → transaction → think) or open arrivals (one transaction each).
//!
//! A transaction of `stmts_per_txn` statements: each statement travels to the server (rtt/2),
//! possibly through the pooler and its wait queue, runs on a core, and its result travels back
//! (rtt/2). Between statements the server connection is *idle in transaction*. Per-transaction
//! clients connect before and disconnect after each transaction. Clients refused a connection
//! (or timed out in the pool) back off and retry.

use super::engine::{CTimer, Ev};
use super::{CState, Client, ClientPhase, Job, JobWhat, PMsg, ProcKind, SState, Sim, NONE};
use crate::calibration as cal;
use crate::metrics::ErrorKind;
use crate::params::{Auth, Connect, PoolMode};
use crate::rng::ns;

impl Sim {
    #[inline]
    pub fn set_cstate(&mut self, c: u32, st: CState) {
        let cl = &mut self.clients[c as usize];
        self.cstate_counts[cl.state as usize] -= 1;
        self.cstate_counts[st as usize] += 1;
        cl.state = st;
    }

    fn add_client(&mut self, open: bool) -> u32 {
        let session_u = self.rng_misc.uniform();
        let mut client = Client {
            state: CState::Thinking,
            gen: 0,
            wait_gen: 0,
            conn: NONE,
            connected: false,
            pooler_client: false,
            leaving: false,
            open,
            in_txn: false,
            flight_pos: NONE,
            session_u,
            stmt_i: 0,
            n_stmts: 1,
            txn_start: 0,
            stmt_start: 0,
            wait_start: 0,
            proc: NONE,
            pgb: NONE,
        };
        self.cstate_counts[CState::Thinking as usize] += 1;
        if let Some(id) = self.client_free.pop() {
            let old = &self.clients[id as usize];
            client.gen = old.gen.wrapping_add(1);
            client.wait_gen = old.wait_gen;
            client.proc = old.proc;
            self.cstate_counts[CState::Gone as usize] -= 1;
            self.clients[id as usize] = client;
            id
        } else {
            self.clients.push(client);
            (self.clients.len() - 1) as u32
        }
    }

    /// Sets the closed-loop population: new clients join thinking; surplus clients leave when
    /// their current transaction ends.
    pub fn set_closed_clients(&mut self, n: u32) {
        let n = n as usize;
        let initial = self.clients.is_empty() && self.now == 0;
        while self.closed_ids.len() < n {
            let c = self.add_client(false);
            self.closed_ids.push(c);
            if initial {
                self.preconnect(c);
            }
            self.think(c);
        }
        if self.closed_ids.len() > n {
            let leaving: Vec<u32> = self.closed_ids.drain(n..).collect();
            for c in leaving {
                self.clients[c as usize].leaving = true;
                if matches!(
                    self.clients[c as usize].state,
                    CState::Thinking | CState::Backoff
                ) {
                    self.depart(c);
                }
            }
        }
    }

    /// Sets the number of idle connections: opened once, never used. They hold a backend (direct)
    /// or a pooler slot (pooled), so they cost memory and, up to PG13, snapshot time. Like the
    /// initial population they attach without paying the connection start-up (they were opened
    /// before the period we study); surplus ones disconnect at once.
    pub fn set_idle_connections(&mut self, n: u32) {
        let n = n as usize;
        while self.idle_ids.len() < n {
            let c = self.add_client(false);
            self.idle_ids.push(c);
            self.attach_connection(c);
        }
        if self.idle_ids.len() > n {
            let leaving: Vec<u32> = self.idle_ids.drain(n..).collect();
            for c in leaving {
                self.depart(c);
            }
        }
    }

    /// At time zero persistent clients start already connected (the steady state we want to
    /// study), as far as max_connections / max_client_conn allow.
    fn preconnect(&mut self, c: u32) {
        if self.p.connect == Connect::Persistent {
            self.attach_connection(c);
        }
    }

    /// Connects `c` at once, as far as max_connections / max_client_conn allow.
    fn attach_connection(&mut self, c: u32) {
        if self.p.pooled() {
            let g = self.pick_pgb();
            if self.pgbs[g as usize].clients < self.p.max_client_conn {
                self.pgbs[g as usize].clients += 1;
                self.pooler_clients += 1;
                self.client_connections += 1;
                let cl = &mut self.clients[c as usize];
                cl.pooler_client = true;
                cl.pgb = g;
                cl.connected = true;
            }
        } else if self.live_backends() < self.p.max_connections {
            let conn = self.new_conn(c, false);
            self.set_sstate(conn, SState::Idle);
            if self.arch.own_task {
                let proc = self.new_proc(
                    super::ProcKind::Conn(conn),
                    self.arch.threads,
                    cal::HOT_WORKING_SET_BYTES,
                );
                self.conns[conn as usize].proc = proc;
                self.conns[conn as usize].exec = proc;
            }
            self.client_connections += 1;
            let cl = &mut self.clients[c as usize];
            cl.conn = conn;
            cl.connected = true;
        }
    }

    fn timer(&mut self, c: u32, delay: u64, what: CTimer) {
        let gen = self.clients[c as usize].gen;
        self.at(delay, Ev::Client(c, gen, what));
    }

    fn think(&mut self, c: u32) {
        self.set_cstate(c, CState::Thinking);
        let d = ns(self.rng_think.exp(self.p.think_ms * 1e6));
        self.timer(c, d, CTimer::Wake);
    }

    fn backoff(&mut self, c: u32) {
        self.set_cstate(c, CState::Backoff);
        let d = ns(self.rng_think.exp(cal::RETRY_BACKOFF_NS as f64));
        self.timer(c, d, CTimer::Wake);
    }

    pub fn on_client_timer(&mut self, c: u32, what: CTimer) {
        match what {
            CTimer::Wake => self.begin_cycle(c),
            CTimer::Login => self.pooler_submit(PMsg::Login(c)),
            CTimer::StmtArrive => {
                if self.p.pooled() {
                    self.pooler_submit(PMsg::Query(c));
                } else {
                    let conn = self.clients[c as usize].conn;
                    self.start_stmt(c, conn);
                }
            }
            CTimer::ResultArrive => {
                if self.p.clients_on_cores() {
                    self.client_work(c, ClientPhase::Receive);
                } else {
                    self.on_result(c);
                }
            }
        }
    }

    /// `clients_on_server`: client `c`'s own CPU for one side of a statement runs as a job of
    /// its process on the server's cores: half of `CLIENT_CPU_PER_STMT_NS` on each side, plus
    /// `CLIENT_CPU_PER_CONNECTION_NS` for every connection the client program holds (its waits
    /// poll them all).
    fn client_work(&mut self, c: u32, phase: ClientPhase) {
        // The client program's threads (pgbench -j): client c is served by thread c mod n,
        // which does its connections' work one job at a time.
        let n = cal::CLIENT_THREADS as usize;
        while self.client_threads.len() < n {
            let t = self.client_threads.len() as u32;
            let proc = self.new_proc(
                ProcKind::ClientThread(t),
                true,
                cal::CLIENT_WORKING_SET_BYTES,
            );
            self.client_threads.push(proc);
            self.client_q.push(std::collections::VecDeque::new());
        }
        let t = c as usize % n;
        let proc = self.client_threads[t];
        let job = Job {
            what: JobWhat::Client(c, phase),
            remaining: (cal::CLIENT_CPU_PER_STMT_NS
                + crate::rng::ns(
                    cal::CLIENT_CPU_PER_CONNECTION_NS * f64::from(self.client_connections),
                ))
                / 2,
            snap: 0,
        };
        let pr = &self.procs[proc as usize];
        if pr.job.is_none() && pr.state == super::PState::Blocked {
            self.give_job(proc, job);
        } else {
            self.client_q[t].push_back(job);
        }
    }

    /// A client's CPU burst is over: the request goes out, or the reply has been read.
    pub fn client_work_done(&mut self, c: u32, phase: ClientPhase) {
        match phase {
            ClientPhase::Send => self.stmt_leaves(c),
            ClientPhase::Receive => self.on_result(c),
        }
    }

    fn begin_cycle(&mut self, c: u32) {
        if self.clients[c as usize].leaving {
            self.depart(c);
            return;
        }
        let cl = &mut self.clients[c as usize];
        cl.in_txn = true;
        cl.txn_start = self.now;
        cl.flight_pos = self.in_flight.len() as u32;
        let connected = cl.connected;
        self.in_flight.push(super::Flight {
            start: self.now,
            client: c,
        });
        self.in_system += 1;
        if connected {
            self.begin_txn(c);
        } else {
            self.connect(c);
        }
    }

    fn connect(&mut self, c: u32) {
        self.set_cstate(c, CState::Connecting);
        if self.p.pooled() {
            // The kernel picks the process; a full one refuses (the others are not asked).
            let g = self.pick_pgb();
            if self.pgbs[g as usize].clients >= self.p.max_client_conn {
                self.fail_txn(c, ErrorKind::MaxClientConn, true);
                return;
            }
            self.pgbs[g as usize].clients += 1;
            self.pooler_clients += 1;
            let cl = &mut self.clients[c as usize];
            cl.pooler_client = true;
            cl.pgb = g;
            let cl = &self.clients[c as usize];
            if cl.open && self.p.connect == Connect::Persistent {
                // An open-workload arrival on an application's already-open connection.
                self.on_connected(c);
                return;
            }
            let scram = if self.p.auth == Auth::Scram && self.overheads() {
                cal::SCRAM_CLIENT_LATENCY_NS
            } else {
                0
            };
            let lat = ns(self.p.rtt_ms * 1e6) + scram;
            self.timer(c, lat, CTimer::Login);
        } else if self.clients[c as usize].open && self.p.connect == Connect::Persistent {
            self.app_pool_acquire(c);
        } else {
            let conn = self.new_conn(c, false);
            self.clients[c as usize].conn = conn;
            self.submit_accept(conn);
        }
    }

    /// An open-workload arrival with persistent connections and no pooler uses the application's
    /// own pool of connections, opened once and kept: it takes an idle one if there is one (the
    /// most recently returned), else opens a new one while Postgres has room (server connections
    /// existing or being opened below `max_connections`), else waits for one to be returned. A
    /// pool that owns no connection at all tries anyway, and is refused.
    fn app_pool_acquire(&mut self, c: u32) {
        if let Some(conn) = self.app_idle.pop() {
            self.app_pool_lend(conn, c);
        } else if self.app_conns == 0 || self.app_pool_can_open() {
            self.app_pool_open(c);
        } else {
            self.app_waiters.push_back(c);
        }
    }

    /// Lends the application's open connection `conn` to arrival `c`.
    fn app_pool_lend(&mut self, conn: u32, c: u32) {
        self.clients[c as usize].conn = conn;
        self.conns[conn as usize].client = c;
        self.on_connected(c);
    }

    fn app_pool_can_open(&self) -> bool {
        self.live_backends() + self.sstate_counts[SState::ForkQueued as usize]
            < self.p.max_connections
    }

    /// Opens a new connection of the application's pool for arrival `c` (fork, start-up, auth).
    fn app_pool_open(&mut self, c: u32) {
        let conn = self.new_conn(c, false);
        self.conns[conn as usize].app = true;
        self.app_conns += 1;
        self.clients[c as usize].conn = conn;
        self.submit_accept(conn);
    }

    /// Arrival `c` is done with its application-pool connection: it goes to the oldest waiting
    /// arrival, or back to the pool's idle connections. With `connect = per_txn` (changed while
    /// running) it is closed instead.
    fn app_pool_release(&mut self, c: u32) {
        let conn = self.clients[c as usize].conn;
        self.clients[c as usize].conn = NONE;
        self.conns[conn as usize].client = NONE;
        if self.conns[conn as usize].state == SState::IdleInTxn {
            // Abandoned mid-transaction: rolled back.
            self.set_sstate(conn, SState::Idle);
        }
        if self.p.connect == Connect::PerTxn {
            self.close_conn(conn);
            self.app_pool_kick();
        } else if let Some(w) = self.app_waiters.pop_front() {
            self.app_pool_lend(conn, w);
        } else {
            self.app_idle.push(conn);
        }
    }

    /// Lets waiting arrivals open connections once Postgres has room again (a connection of the
    /// pool closed or was refused, or `max_connections` grew).
    pub fn app_pool_kick(&mut self) {
        while let Some(&w) = self.app_waiters.front() {
            if !(self.app_conns == 0 || self.app_pool_can_open()) {
                break;
            }
            self.app_waiters.pop_front();
            self.app_pool_open(w);
        }
    }

    /// After a parameter change: with `connect = per_txn` the application's pool keeps no idle
    /// connections; more `max_connections` lets waiting arrivals open connections.
    pub fn app_pool_params_changed(&mut self) {
        if self.p.connect == Connect::PerTxn {
            while let Some(conn) = self.app_idle.pop() {
                self.close_conn(conn);
            }
        }
        self.app_pool_kick();
    }

    pub fn on_connected(&mut self, c: u32) {
        let cl = &mut self.clients[c as usize];
        cl.connected = true;
        self.client_connections += 1;
        self.begin_txn(c);
    }

    fn begin_txn(&mut self, c: u32) {
        let n = self.p.stmts_per_txn.max(1);
        let cl = &mut self.clients[c as usize];
        cl.stmt_i = 0;
        cl.n_stmts = n;
        let session = cl.session_u < self.p.session_state_share;
        match self.p.pool_mode {
            PoolMode::Transaction | PoolMode::Statement if session => {
                self.fail_txn(c, ErrorKind::ModeIncompatible, false);
                return;
            }
            PoolMode::Statement if n > 1 => {
                self.fail_txn(c, ErrorKind::StatementModeMultiStmt, false);
                return;
            }
            _ => {}
        }
        self.send_stmt(c);
    }

    /// One network leg (half the round trip), with the network's jitter when overheads are on:
    /// uniform in `rtt/2 ± cal::NETWORK_JITTER × rtt/2` (integer ns, mean kept).
    #[inline]
    fn leg(&mut self) -> u64 {
        let l = self.legs;
        if l.jitter_ns == 0 {
            return l.half_rtt_ns;
        }
        l.half_rtt_ns - l.jitter_ns + self.rng_jitter.below(2 * l.jitter_ns + 1)
    }

    fn send_stmt(&mut self, c: u32) {
        self.set_cstate(c, CState::InStatement);
        self.clients[c as usize].stmt_start = self.now;
        if self.p.clients_on_cores() {
            self.client_work(c, ClientPhase::Send);
        } else {
            self.stmt_leaves(c);
        }
    }

    /// The statement of `c` leaves the client: it reaches the server after one network leg.
    fn stmt_leaves(&mut self, c: u32) {
        let d = self.leg();
        self.timer(c, d, CTimer::StmtArrive);
    }

    /// The statement of client `c` starts on server connection `conn`.
    pub fn start_stmt(&mut self, c: u32, conn: u32) {
        if self.clients[c as usize].state != CState::InStatement {
            self.set_cstate(c, CState::InStatement);
        }
        self.set_sstate(conn, SState::Busy);
        if self.arch.own_task {
            let proc = self.conns[conn as usize].proc;
            let job = self.stmt_job(conn);
            self.give_job(proc, job);
        } else {
            self.conns[conn as usize].exec = NONE;
            self.tp_submit(conn);
        }
    }

    /// A statement finished executing on `conn` (run by process `p`).
    pub fn stmt_done(&mut self, conn: u32, _p: u32) {
        if !self.arch.own_task {
            self.conns[conn as usize].exec = NONE;
        }
        if self.conns[conn as usize].executing {
            self.conns[conn as usize].executing = false;
            self.stmts_executing -= 1;
        }
        // A backend serving a long-lived connection maps the shared buffers it reads: from its
        // first statement on it counts as warm in the memory model.
        let sc = &mut self.conns[conn as usize];
        if !sc.warm && (sc.pooled || self.p.connect == Connect::Persistent) {
            sc.warm = true;
            self.warm_backends += 1;
        }
        let c = self.conns[conn as usize].client;
        let cl = &self.clients[c as usize];
        let more = cl.stmt_i + 1 < cl.n_stmts;
        self.set_sstate(
            conn,
            if more {
                SState::IdleInTxn
            } else {
                SState::Idle
            },
        );
        if self.p.pooled() {
            self.pooler_submit(PMsg::Response(c));
        } else {
            self.result_to_client(c);
        }
    }

    pub fn result_to_client(&mut self, c: u32) {
        self.set_cstate(c, CState::InRoundTrip);
        let d = self.leg();
        self.timer(c, d, CTimer::ResultArrive);
    }

    fn on_result(&mut self, c: u32) {
        let cl = &mut self.clients[c as usize];
        let q = self.now - cl.stmt_start;
        cl.stmt_i += 1;
        let more = cl.stmt_i < cl.n_stmts;
        self.metrics.stmt_done(q);
        if more {
            self.send_stmt(c);
        } else {
            let lat = self.now - self.clients[c as usize].txn_start;
            self.metrics.txn_done(lat);
            self.leave_system(c);
            self.end_cycle(c);
        }
    }

    fn leave_system(&mut self, c: u32) {
        let cl = &mut self.clients[c as usize];
        if cl.in_txn {
            cl.in_txn = false;
            let pos = cl.flight_pos as usize;
            cl.flight_pos = NONE;
            let soj = self.now - cl.txn_start;
            self.in_flight.swap_remove(pos);
            if let Some(moved) = self.in_flight.get(pos) {
                self.clients[moved.client as usize].flight_pos = pos as u32;
            }
            self.in_system -= 1;
            self.metrics.sys_leave(soj);
        }
    }

    fn end_cycle(&mut self, c: u32) {
        let cl = &self.clients[c as usize];
        if cl.open || cl.leaving {
            self.depart(c);
            return;
        }
        if self.p.connect == Connect::PerTxn {
            self.disconnect(c);
        }
        self.think(c);
    }

    /// The transaction attempt fails with `err`; `drop` also loses the connection.
    pub fn fail_txn(&mut self, c: u32, err: ErrorKind, drop: bool) {
        self.metrics.error(err);
        self.leave_system(c);
        if drop {
            self.disconnect(c);
            let cl = &self.clients[c as usize];
            if cl.open || cl.leaving {
                self.depart(c);
            } else {
                self.backoff(c);
            }
        } else {
            self.end_cycle(c);
        }
    }

    fn disconnect(&mut self, c: u32) {
        let cl = &self.clients[c as usize];
        let (conn, connected, pooler_client) = (cl.conn, cl.connected, cl.pooler_client);
        if pooler_client {
            if conn != NONE {
                self.release_server(c);
            }
            let g = self.clients[c as usize].pgb;
            self.pgbs[g as usize].clients -= 1;
            self.pooler_clients -= 1;
        } else if conn != NONE && self.conns[conn as usize].app {
            // An arrival hands its connection back to the application's pool.
            self.app_pool_release(c);
        } else if conn != NONE {
            let st = self.conns[conn as usize].state;
            debug_assert!(matches!(st, SState::Idle | SState::IdleInTxn));
            if matches!(st, SState::Idle | SState::IdleInTxn) {
                self.close_conn(conn);
            }
        }
        if connected {
            self.client_connections -= 1;
        }
        let cl = &mut self.clients[c as usize];
        cl.conn = NONE;
        cl.connected = false;
        cl.pooler_client = false;
        cl.pgb = NONE;
    }

    fn depart(&mut self, c: u32) {
        self.disconnect(c);
        self.set_cstate(c, CState::Gone);
        let cl = &mut self.clients[c as usize];
        cl.gen = cl.gen.wrapping_add(1);
        cl.leaving = false;
        if cl.open {
            self.open_in_flight -= 1;
        }
        self.client_free.push(c);
    }

    pub fn schedule_arrival(&mut self) {
        let rate = self.p.arrival_rate.max(1e-9);
        let d = ns(self.rng_misc.exp(1e9 / rate)).max(1);
        self.at(d, Ev::Arrival);
    }

    pub fn on_arrival(&mut self) {
        self.schedule_arrival();
        if self.open_in_flight >= cal::OPEN_MAX_IN_FLIGHT {
            self.metrics.error(ErrorKind::Dropped);
            return;
        }
        let c = self.add_client(true);
        self.open_in_flight += 1;
        self.begin_cycle(c);
    }
}
