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
//!
//! A process's CPU per forwarded transaction grows with the clients it holds: each client's
//! state (`cal::PGB_CLIENT_STATE_BYTES`) competes for `pooler_cache_mb` of cache, and the share
//! that does not fit is fetched from memory, line by line (`cal::PGB_STATE_LINE_MISS_NS`),
//! whenever that client's transaction is forwarded (Tembo 2024: PgBouncer 1.21 on its own VM
//! falls from 44,096 TPS at 50 clients to 25,272 at 2,500).
//!
//! With `pooler_host = own` the processes run on a host of their own: each handles its
//! messages one at a time on its own core (not the database server's run queue), and a
//! forwarded statement and its result each cross one more network leg (`rtt_ms / 2`).

use super::backends::ConnState;
use super::clients::{ClientState, Clients};
use super::engine::{ClientTimer, Event};
use super::ids::{ClientId, ConnId, IdVec, PoolerId, ProcId};
use super::scheduler::{Job, JobKind, PoolerMessage};
use super::Sim;
use crate::calibration as cal;
use crate::metrics::ErrorKind;
use crate::params::PoolMode;
use std::collections::VecDeque;

/// One PgBouncer process. Processes sharing a port with `so_reuseport` know nothing of each
/// other: each has its own clients, its own queue of messages to handle, its own wait queue and
/// its own pool of server connections, so `pool_size` and `max_client_conn` apply per process.
pub(crate) struct Pooler {
    /// Its OS process in the scheduler.
    pub proc: ProcId,
    /// Messages waiting for its event loop.
    pub queue: VecDeque<Job>,
    /// Client connections it holds.
    pub clients: u32,
    /// Clients waiting for a server, FIFO, with the wait generation they queued under (stale
    /// entries are skipped at the head).
    pub wait_queue: VecDeque<(ClientId, u32)>,
    /// Clients waiting for a server (its `cl_waiting`: the valid entries of `wait_queue`).
    pub waiting: u32,
    /// Its idle server connections, a LIFO stack (the bottom is the least recently used).
    pub idle_servers: Vec<ConnId>,
    /// Its server connections: opening, in use or idle.
    pub servers: u32,
    /// Of these, still being opened (its `sv_login`).
    pub servers_logging_in: u32,
    /// It opens no server connection before this instant (`server_login_retry` after Postgres
    /// refused one).
    pub login_retry_until: u64,
    /// A `WaitTimer` event is pending for it.
    pub wait_timer_pending: bool,
    /// A `ReserveTimer` event is pending for it.
    pub reserve_timer_pending: bool,
    /// With `pooler_host = own`: the message its own core is handling.
    pub own_host_running: Option<PoolerMessage>,
}

impl Pooler {
    /// A process running as `proc`, with no client and no server.
    fn new(proc: ProcId) -> Pooler {
        Pooler {
            proc,
            queue: VecDeque::new(),
            clients: 0,
            wait_queue: VecDeque::new(),
            waiting: 0,
            idle_servers: Vec::new(),
            servers: 0,
            servers_logging_in: 0,
            login_retry_until: 0,
            wait_timer_pending: false,
            reserve_timer_pending: false,
            own_host_running: None,
        }
    }

    /// Postgres refused a server connection it was opening: it waits `server_login_retry`.
    pub fn login_refused(&mut self, now: u64) {
        self.servers -= 1;
        self.servers_logging_in -= 1;
        self.login_retry_until = now + cal::PGB_SERVER_LOGIN_RETRY_NS;
    }
}

/// The PgBouncer processes (none without a pooler) and their totals.
pub(crate) struct Poolers {
    /// The processes.
    pub processes: IdVec<PoolerId, Pooler>,
    /// Client connections held by all processes (the sum of `Pooler::clients`).
    pub clients: u32,
    /// Clients waiting for a server in all processes (the sum of `Pooler::waiting`).
    pub waiting: u32,
}

impl Poolers {
    /// No process.
    pub fn new() -> Poolers {
        Poolers {
            processes: IdVec::new(),
            clients: 0,
            waiting: 0,
        }
    }

    /// Adds a process running as `proc`.
    pub fn add(&mut self, proc: ProcId) -> PoolerId {
        self.processes.push(Pooler::new(proc))
    }

    /// Process `g` takes one more client connection if it holds fewer than `max_client_conn`.
    pub fn admit(&mut self, g: PoolerId, max_client_conn: u32) -> bool {
        let pg = &mut self.processes[g];
        if pg.clients >= max_client_conn {
            return false;
        }
        pg.clients += 1;
        self.clients += 1;
        true
    }

    /// A client connection of process `g` closes.
    pub fn client_left(&mut self, g: PoolerId) {
        self.processes[g].clients -= 1;
        self.clients -= 1;
    }

    /// Drops stale entries at the head of process `g`'s wait queue; returns the oldest valid
    /// waiter without removing it.
    fn head_waiter(&mut self, g: PoolerId, clients: &Clients) -> Option<ClientId> {
        let queue = &mut self.processes[g].wait_queue;
        while let Some(&(c, generation)) = queue.front() {
            if clients.is_waiting(c, generation) {
                return Some(c);
            }
            queue.pop_front();
        }
        None
    }

    /// Removes the head of process `g`'s wait queue (a valid waiter: see `head_waiter`).
    fn remove_head_waiter(&mut self, g: PoolerId) {
        let pg = &mut self.processes[g];
        pg.wait_queue.pop_front();
        pg.waiting -= 1;
        self.waiting -= 1;
    }

    /// Removes and returns the oldest valid waiter of process `g`.
    fn pop_waiter(&mut self, g: PoolerId, clients: &Clients) -> Option<ClientId> {
        let c = self.head_waiter(g, clients)?;
        self.remove_head_waiter(g);
        Some(c)
    }

    /// Age of the oldest waiting client in any process, ns (read-only: skips stale entries).
    pub fn max_wait_ns(&self, clients: &Clients, now: u64) -> u64 {
        self.processes
            .iter()
            .map(|pg| {
                pg.wait_queue
                    .iter()
                    .find(|&&(c, generation)| clients.is_waiting(c, generation))
                    .map_or(0, |&(c, _)| now - clients.slots[c].wait_start)
            })
            .max()
            .unwrap_or(0)
    }

    /// Its totals are the sums over its processes, and there are as many processes as
    /// configured (`processes`, 0 without a pooler).
    pub fn check_invariants(&self, processes: u32) -> Result<(), String> {
        if self.processes.len() as u32 != processes {
            return Err(format!(
                "{} PgBouncer processes, {processes} configured",
                self.processes.len()
            ));
        }
        let clients: u32 = self.processes.iter().map(|pg| pg.clients).sum();
        if clients != self.clients {
            return Err(format!(
                "pooler clients {} != sum over processes {clients}",
                self.clients
            ));
        }
        let waiting: u32 = self.processes.iter().map(|pg| pg.waiting).sum();
        if waiting != self.waiting {
            return Err(format!(
                "waiting clients {} != sum over processes {waiting}",
                self.waiting
            ));
        }
        for (g, pg) in self.processes.iter_with_ids() {
            if pg.servers_logging_in + pg.idle_servers.len() as u32 > pg.servers {
                return Err(format!(
                    "process {}: {} logging in and {} idle of {} servers",
                    g.get(),
                    pg.servers_logging_in,
                    pg.idle_servers.len(),
                    pg.servers
                ));
            }
        }
        Ok(())
    }
}

impl Sim {
    /// A PgBouncer process's CPU for `message`, ns.
    fn pooler_message_cost(&self, g: PoolerId, message: PoolerMessage) -> u64 {
        match message {
            PoolerMessage::Login(_) => self.config.pooler_login_cpu_ns,
            // A one-statement transaction is two forwarded messages (query, result).
            PoolerMessage::Query(_) | PoolerMessage::Response(_) => {
                self.config.pooler_forward_cpu_ns + self.pooler_state_miss_ns(g)
            }
        }
    }

    /// What process `g` pays per forwarded message because its clients' state does not fit
    /// its cache, ns: of a client's `PGB_CLIENT_STATE_BYTES`, the share `1 − cache / (clients ×
    /// state)` is not in cache (every client is as likely to be the next one served), and each
    /// line of it costs `PGB_STATE_LINE_MISS_NS`; half of it per message (two per transaction).
    #[inline]
    fn pooler_state_miss_ns(&self, g: PoolerId) -> u64 {
        let state = f64::from(self.poolers.processes[g].clients) * cal::PGB_CLIENT_STATE_BYTES;
        let cache = self.config.pooler_cache_bytes;
        if state <= cache {
            return 0;
        }
        let lines = cal::PGB_CLIENT_STATE_BYTES / cal::CACHE_LINE_BYTES;
        crate::rng::ns(lines * cal::PGB_STATE_LINE_MISS_NS * (1.0 - cache / state) * 0.5)
    }

    /// The PgBouncer process client `c` is connected to.
    #[inline]
    fn pooler_of(&self, c: ClientId) -> PoolerId {
        self.clients.slots[c]
            .pooler
            .expect("a client of a PgBouncer process")
    }

    /// Hands a message to the pooler (inline when overheads are off: it then costs nothing). On
    /// its own host a server's result first crosses the network leg back to it.
    pub fn pooler_submit(&mut self, message: PoolerMessage) {
        if self.config.pooler_own_host {
            if let PoolerMessage::Response(c) = message {
                let d = self.leg();
                self.timer(c, d, ClientTimer::ReachesPooler);
                return;
            }
        }
        self.pooler_enqueue(message);
    }

    /// The message has reached its PgBouncer process: it joins the process's queue (or runs
    /// at once if the process is waiting for work).
    pub fn pooler_enqueue(&mut self, message: PoolerMessage) {
        if !self.config.overheads {
            self.handle_pooler_message(message);
            return;
        }
        let g = self.pooler_of(message.client());
        let job = Job {
            kind: JobKind::Pooler(message),
            remaining_ns: self.pooler_message_cost(g, message),
            snapshot_ns: 0,
        };
        if self.config.pooler_own_host {
            self.poolers.processes[g].queue.push_back(job);
            self.own_host_pooler_next(g);
            return;
        }
        let proc = self.poolers.processes[g].proc;
        if self.scheduler.is_waiting_for_work(proc) {
            self.give_job(proc, job);
        } else {
            self.poolers.processes[g].queue.push_back(job);
        }
    }

    /// On its own host, process `g`'s core takes its next message if it is free.
    fn own_host_pooler_next(&mut self, g: PoolerId) {
        let pg = &mut self.poolers.processes[g];
        if pg.own_host_running.is_some() {
            return;
        }
        let Some(job) = pg.queue.pop_front() else {
            return;
        };
        let JobKind::Pooler(message) = job.kind else {
            unreachable!("a PgBouncer process's queue holds its messages")
        };
        pg.own_host_running = Some(message);
        self.at(job.remaining_ns, Event::PoolerDone(g));
    }

    /// On its own host, process `g` has done the CPU work of its current message: it acts on
    /// it, then takes the next.
    pub fn on_own_host_pooler_done(&mut self, g: PoolerId) {
        let Some(message) = self.poolers.processes[g].own_host_running.take() else {
            return;
        };
        self.handle_pooler_message(message);
        self.own_host_pooler_next(g);
    }

    /// PgBouncer sends client `c`'s statement to server `s`: at once on the server's own host,
    /// after one network leg from a host of its own.
    fn forward_to_server(&mut self, c: ClientId, s: ConnId) {
        if self.config.pooler_own_host {
            // It has its server: no longer waiting for one, its statement is under way.
            if self.clients.slots[c].state != ClientState::InStatement {
                self.clients.set_state(c, ClientState::InStatement);
            }
            let d = self.leg();
            self.timer(c, d, ClientTimer::ReachesServer);
        } else {
            self.start_statement(c, s);
        }
    }

    /// A statement PgBouncer forwarded from its own host reaches the server.
    pub fn forwarded_statement_arrives(&mut self, c: ClientId) {
        let s = self.clients.slots[c]
            .conn
            .expect("a forwarded statement's server");
        self.start_statement(c, s);
    }

    /// The process a new client connection lands on: the kernel's `SO_REUSEPORT` hash of the
    /// connection's 4-tuple, drawn uniformly (its source port is new for every connection).
    pub fn pick_pooler(&mut self) -> PoolerId {
        let k = self.poolers.processes.len() as u64;
        if k <= 1 {
            PoolerId::new(0)
        } else {
            PoolerId::new(self.random.pooler_choice.below(k) as u32)
        }
    }

    /// A PgBouncer process handles `message`.
    pub fn handle_pooler_message(&mut self, message: PoolerMessage) {
        match message {
            PoolerMessage::Login(c) => self.on_connected(c),
            PoolerMessage::Query(c) => {
                if let Some(conn) = self.clients.slots[c].conn {
                    self.forward_to_server(c, conn);
                    return;
                }
                let g = self.pooler_of(c);
                if let Some(s) = self.poolers.processes[g].idle_servers.pop() {
                    self.metrics.pool_assigned(0, false);
                    self.bind(c, s);
                    self.forward_to_server(c, s);
                } else {
                    self.enqueue_waiter(c);
                }
            }
            PoolerMessage::Response(c) => {
                let cl = &self.clients.slots[c];
                let last = cl.statement_index + 1 >= cl.statements;
                let release = match self.config.params.pool_mode {
                    PoolMode::Statement => true,
                    PoolMode::Transaction => last,
                    PoolMode::Session | PoolMode::None => false,
                };
                if release && cl.conn.is_some() {
                    self.release_server(c);
                }
                self.result_to_client(c);
            }
        }
    }

    /// Lends server `s` to client `c`.
    fn bind(&mut self, c: ClientId, s: ConnId) {
        self.clients.slots[c].conn = Some(s);
        self.backends.conns[s].client = Some(c);
    }

    /// Client `c` waits for a server of its process, FIFO; the process's timers start if they
    /// are not running, and it opens servers if its pool has room.
    fn enqueue_waiter(&mut self, c: ClientId) {
        let cl = &mut self.clients.slots[c];
        cl.wait_generation = cl.wait_generation.wrapping_add(1);
        cl.wait_start = self.now;
        let generation = cl.wait_generation;
        let g = cl.pooler.expect("a client of a PgBouncer process");
        self.clients.set_state(c, ClientState::WaitingForServer);
        self.poolers.waiting += 1;
        let pg = &mut self.poolers.processes[g];
        pg.wait_queue.push_back((c, generation));
        pg.waiting += 1;
        if !pg.wait_timer_pending && self.config.params.query_wait_timeout_s > 0.0 {
            pg.wait_timer_pending = true;
            self.at(self.config.query_wait_timeout_ns, Event::WaitTimer(g));
        }
        let pg = &mut self.poolers.processes[g];
        if !pg.reserve_timer_pending && self.config.params.reserve_pool_size > 0 {
            pg.reserve_timer_pending = true;
            self.at(self.config.reserve_pool_timeout_ns, Event::ReserveTimer(g));
        }
        self.maybe_open_servers(g);
    }

    /// Opens server connections of process `g` while its clients wait and its pool has room.
    pub fn maybe_open_servers(&mut self, g: PoolerId) {
        self.open_servers_up_to(g, self.config.params.pool_size);
    }

    /// Opens server connections of process `g` while more clients wait than servers are being
    /// opened, it has fewer than `limit` and it is not waiting to retry after a refusal.
    fn open_servers_up_to(&mut self, g: PoolerId, limit: u32) {
        // The retry check is inside the loop: with overheads off a login is refused at once
        // (max_connections below pool_size), and without it this loop never ended.
        loop {
            let pg = &self.poolers.processes[g];
            if !(pg.waiting > pg.servers_logging_in
                && pg.servers < limit
                && self.now >= pg.login_retry_until)
            {
                break;
            }
            self.open_server(g);
        }
    }

    /// Process `g` opens one server connection.
    fn open_server(&mut self, g: PoolerId) {
        let conn = self.backends.new_conn(None, true);
        self.backends.conns[conn].pooler = Some(g);
        let pg = &mut self.poolers.processes[g];
        pg.servers += 1;
        pg.servers_logging_in += 1;
        self.submit_accept(conn);
    }

    /// The client gives its server back to the pool.
    pub fn release_server(&mut self, c: ClientId) {
        let s = self.clients.slots[c]
            .conn
            .take()
            .expect("a client with a server");
        self.backends.conns[s].client = None;
        if self.backends.conns[s].state == ConnState::IdleInTransaction {
            // Abandoned mid-transaction: PgBouncer's reset rolls it back.
            self.backends.set_state(s, ConnState::Idle);
        }
        self.server_available(s);
    }

    /// A server is free: close it if the pool shrank, else give it to the oldest waiter, else park
    /// it on the LIFO idle stack.
    pub fn server_available(&mut self, s: ConnId) {
        let g = self.backends.conns[s]
            .pooler
            .expect("a pooled connection's process");
        let params = &self.config.params;
        if self.poolers.processes[g].servers > params.pool_size + params.reserve_pool_size {
            self.poolers.processes[g].servers -= 1;
            self.close_conn(s);
            return;
        }
        if let Some(c) = self.poolers.pop_waiter(g, &self.clients) {
            let wait = self.now - self.clients.slots[c].wait_start;
            self.metrics.pool_assigned(wait, true);
            self.bind(c, s);
            self.forward_to_server(c, s);
        } else {
            self.poolers.processes[g].idle_servers.push(s);
        }
    }

    /// Times out waiters older than `query_wait_timeout` (FIFO: the oldest is at the head, so one
    /// timer for the head suffices).
    pub fn on_wait_timer(&mut self, g: PoolerId) {
        let Some(pg) = self.poolers.processes.get_mut(g) else {
            return;
        };
        pg.wait_timer_pending = false;
        let timeout = self.config.query_wait_timeout_ns;
        if timeout == 0 {
            return;
        }
        while let Some(c) = self.poolers.head_waiter(g, &self.clients) {
            let waited = self.now - self.clients.slots[c].wait_start;
            if waited >= timeout {
                self.poolers.remove_head_waiter(g);
                self.metrics.pool_assigned(waited, true);
                // The client leaves WaitingForServer before fail_transaction changes its state
                // further.
                self.clients.set_state(c, ClientState::InStatement);
                self.fail_transaction(c, ErrorKind::QueryWaitTimeout, true);
            } else {
                self.poolers.processes[g].wait_timer_pending = true;
                self.at(timeout - waited, Event::WaitTimer(g));
                break;
            }
        }
    }

    /// Opens reserve connections when the oldest waiter waited longer than reserve_pool_timeout.
    pub fn on_reserve_timer(&mut self, g: PoolerId) {
        let Some(pg) = self.poolers.processes.get_mut(g) else {
            return;
        };
        pg.reserve_timer_pending = false;
        let params = &self.config.params;
        if params.reserve_pool_size == 0 {
            return;
        }
        let limit = params.pool_size + params.reserve_pool_size;
        let timeout = self.config.reserve_pool_timeout_ns.max(1_000_000);
        if let Some(c) = self.poolers.head_waiter(g, &self.clients) {
            let waited = self.now - self.clients.slots[c].wait_start;
            let next = if waited >= timeout {
                self.open_servers_up_to(g, limit);
                timeout
            } else {
                timeout - waited
            };
            self.poolers.processes[g].reserve_timer_pending = true;
            self.at(next, Event::ReserveTimer(g));
        }
    }

    /// After a pool-mode change, clients that hold a server outside a transaction give it back
    /// (unless the new mode is session).
    pub fn pool_mode_changed(&mut self) {
        if self.config.params.pool_mode == PoolMode::Session {
            return;
        }
        for c in self.clients.slots.ids() {
            let cl = &self.clients.slots[c];
            if cl.conn.is_some()
                && cl.connected
                && matches!(cl.state, ClientState::Thinking | ClientState::Backoff)
            {
                self.release_server(c);
            }
        }
    }

    /// After pool_size / reserve changes: close surplus idle servers, or open more for waiters.
    pub fn pool_limits_changed(&mut self) {
        let limit = self.config.params.pool_size + self.config.params.reserve_pool_size;
        for g in self.poolers.processes.ids() {
            loop {
                let pg = &mut self.poolers.processes[g];
                if pg.servers <= limit || pg.idle_servers.is_empty() {
                    break;
                }
                // Close the least recently used (bottom of the LIFO stack).
                let s = pg.idle_servers.remove(0);
                pg.servers -= 1;
                self.close_conn(s);
            }
            self.maybe_open_servers(g);
        }
    }
}
