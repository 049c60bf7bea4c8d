//! Clients: closed loops (think → transaction → think) or open arrivals (one transaction each).
//!
//! A transaction of `stmts_per_txn` statements: each statement travels to the server (rtt/2),
//! possibly through the pooler and its wait queue, runs on a core, and its result travels back
//! (rtt/2). Between statements the server connection is *idle in transaction*. Per-transaction
//! clients connect before and disconnect after each transaction. A client whose attempt failed
//! (refused a connection, timed out in the pool, or its transaction impossible in the pool mode)
//! backs off and retries: no failure path retries without letting simulated time pass.

//!
//! [`Clients`] holds the population, each client's state and the transaction attempts in flight;
//! the client loop, which crosses every other mechanism, is on `Sim`.

use super::backends::ConnState;
use super::engine::{ClientTimer, Event};
use super::ids::{ClientId, ConnId, IdVec, PoolerId, Position};
use super::scheduler::{ClientPhase, PoolerMessage};
use super::Sim;
use crate::calibration as cal;
use crate::metrics::ErrorKind;
use crate::params::{Connect, PoolMode};
use crate::rng::ns;

/// What a client is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ClientState {
    /// Between transactions.
    Thinking = 0,
    /// Opening a connection (fork, auth, or pooler login), or waiting for the application
    /// pool's.
    Connecting,
    /// Waiting in the pooler for a server (`cl_waiting`).
    WaitingForServer,
    /// A statement is on its way, waiting or executing.
    InStatement,
    /// A result is on its way back.
    InRoundTrip,
    /// Refused or timed out; waiting before retrying.
    Backoff,
    /// A free slot.
    Gone,
}

impl ClientState {
    /// The number of states.
    pub const COUNT: usize = 7;
}

/// A client: a connection's user (a closed-loop client, an open-workload arrival or an idle
/// connection).
pub(crate) struct Client {
    /// What it is doing.
    pub state: ClientState,
    /// Bumped when the slot is freed: a client event carrying an older generation is stale.
    pub generation: u32,
    /// Bumped each time it queues for a server: a wait-queue entry carrying an older one is
    /// stale.
    pub wait_generation: u32,
    /// The server connection bound to it (direct: its own backend; pooled: the server lent).
    pub conn: Option<ConnId>,
    /// Connected (to Postgres directly, or to the pooler).
    pub connected: bool,
    /// Counted as a client of a PgBouncer process (`pooler`).
    pub pooler_client: bool,
    /// Leaves when its current transaction ends (the population shrank).
    pub leaving: bool,
    /// An open-workload arrival (one transaction, then gone).
    pub open: bool,
    /// Inside a transaction attempt (for the whole-system Little's law).
    pub in_transaction: bool,
    /// Its position in `Clients::flights` while `in_transaction`.
    pub flight_position: Option<Position>,
    /// Uniform draw deciding whether this client relies on session state.
    pub session_draw: f64,
    /// The statement of its transaction it is at (0-based).
    pub statement_index: u32,
    /// Statements in its transaction.
    pub statements: u32,
    /// When its transaction attempt began.
    pub transaction_start: u64,
    /// When its current statement was sent.
    pub statement_start: u64,
    /// When it began to wait for a server.
    pub wait_start: u64,
    /// The PgBouncer process its connection landed on (`None` while not a pooler client).
    pub pooler: Option<PoolerId>,
}

/// A transaction attempt in progress: its start and its client.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Flight {
    /// When the attempt began.
    pub start: u64,
    /// Its client.
    pub client: ClientId,
}

/// The client population.
pub(crate) struct Clients {
    /// The client slots, live or gone.
    pub slots: IdVec<ClientId, Client>,
    /// Gone slots, reused LIFO.
    free: Vec<ClientId>,
    /// Closed-loop clients that stay (not leaving), in join order.
    pub closed: Vec<ClientId>,
    /// Idle connections (`idle_connections`): clients that never send anything.
    pub idle: Vec<ClientId>,
    /// Open-workload arrivals in the system.
    pub open_in_flight: u32,
    /// Client slots per state (`ClientState as usize`).
    state_counts: [u32; ClientState::COUNT],
    /// Clients inside a transaction attempt with the attempt's start (unordered;
    /// `Client::flight_position` indexes it), so readouts can count attempts still in progress
    /// without scanning every client.
    pub flights: Vec<Flight>,
    /// Reusable buffer for the elapsed times of attempts in flight when a bucket closes.
    elapsed_scratch: Vec<u64>,
    /// Clients connected (to Postgres directly, or to the pooler).
    pub connections: u32,
}

impl Clients {
    /// No client.
    pub fn new() -> Clients {
        Clients {
            slots: IdVec::new(),
            free: Vec::new(),
            closed: Vec::new(),
            idle: Vec::new(),
            open_in_flight: 0,
            state_counts: [0; ClientState::COUNT],
            flights: Vec::new(),
            elapsed_scratch: Vec::new(),
            connections: 0,
        }
    }

    /// A new thinking client (`open`: an arrival) whose session-state draw is `session_draw`, in
    /// a gone slot if there is one.
    fn add(&mut self, open: bool, session_draw: f64) -> ClientId {
        let mut client = Client {
            state: ClientState::Thinking,
            generation: 0,
            wait_generation: 0,
            conn: None,
            connected: false,
            pooler_client: false,
            leaving: false,
            open,
            in_transaction: false,
            flight_position: None,
            session_draw,
            statement_index: 0,
            statements: 1,
            transaction_start: 0,
            statement_start: 0,
            wait_start: 0,
            pooler: None,
        };
        self.state_counts[ClientState::Thinking as usize] += 1;
        if let Some(id) = self.free.pop() {
            let old = &self.slots[id];
            client.generation = old.generation.wrapping_add(1);
            client.wait_generation = old.wait_generation;
            self.state_counts[ClientState::Gone as usize] -= 1;
            self.slots[id] = client;
            id
        } else {
            self.slots.push(client)
        }
    }

    /// Moves client `c` to state `state`.
    #[inline]
    pub fn set_state(&mut self, c: ClientId, state: ClientState) {
        let cl = &mut self.slots[c];
        self.state_counts[cl.state as usize] -= 1;
        self.state_counts[state as usize] += 1;
        cl.state = state;
    }

    /// Clients in state `state`.
    #[inline]
    pub fn count(&self, state: ClientState) -> u32 {
        self.state_counts[state as usize]
    }

    /// Clients that exist (every state but gone).
    pub fn live(&self) -> u32 {
        self.state_counts.iter().sum::<u32>() - self.count(ClientState::Gone)
    }

    /// Whether an event for client `c` carrying `generation` is still current.
    #[inline]
    pub fn is_current(&self, c: ClientId, generation: u32) -> bool {
        self.slots
            .get(c)
            .is_some_and(|cl| cl.generation == generation)
    }

    /// Whether client `c` still waits for a server under wait generation `generation`.
    #[inline]
    pub fn is_waiting(&self, c: ClientId, generation: u32) -> bool {
        let cl = &self.slots[c];
        cl.state == ClientState::WaitingForServer && cl.wait_generation == generation
    }

    /// Client `c` begins a transaction attempt at `now`.
    fn begin_flight(&mut self, c: ClientId, now: u64) {
        let cl = &mut self.slots[c];
        cl.in_transaction = true;
        cl.transaction_start = now;
        cl.flight_position = Some(Position::new(self.flights.len() as u32));
        self.flights.push(Flight {
            start: now,
            client: c,
        });
    }

    /// Client `c`'s transaction attempt (if any) is over at `now`: returns its sojourn.
    fn end_flight(&mut self, c: ClientId, now: u64) -> Option<u64> {
        let cl = &mut self.slots[c];
        if !cl.in_transaction {
            return None;
        }
        cl.in_transaction = false;
        let position = cl.flight_position.take().expect("a client in flight");
        let sojourn = now - cl.transaction_start;
        let pos = position.get() as usize;
        self.flights.swap_remove(pos);
        if let Some(moved) = self.flights.get(pos) {
            self.slots[moved.client].flight_position = Some(position);
        }
        Some(sojourn)
    }

    /// Transaction attempts in progress (the whole system's level for Little's law).
    #[inline]
    pub fn in_system(&self) -> u64 {
        self.flights.len() as u64
    }

    /// The elapsed times at `now` of the attempts in flight (in a reused buffer).
    pub fn elapsed_in_flight(&mut self, now: u64) -> &mut [u64] {
        let elapsed = &mut self.elapsed_scratch;
        elapsed.clear();
        elapsed.extend(self.flights.iter().map(|f| now - f.start));
        elapsed
    }

    /// Client `c`'s slot is freed (it disconnected): its pending events become stale.
    fn free(&mut self, c: ClientId) {
        self.set_state(c, ClientState::Gone);
        let cl = &mut self.slots[c];
        cl.generation = cl.generation.wrapping_add(1);
        cl.leaving = false;
        if cl.open {
            self.open_in_flight -= 1;
        }
        self.free.push(c);
    }

    /// Its counts match its clients; the in-flight list matches the clients in a transaction.
    pub fn check_invariants(&self) -> Result<(), String> {
        // Clients conserved: every live slot is in exactly one state.
        let live = self
            .slots
            .iter()
            .filter(|c| c.state != ClientState::Gone)
            .count() as u32;
        let counted = self.live();
        if live != counted {
            return Err(format!("client states {counted} != live clients {live}"));
        }
        let expected = self.closed.len() as u32
            + self.idle.len() as u32
            + self.open_in_flight
            + self.slots.iter().filter(|c| c.leaving).count() as u32;
        if live != expected {
            return Err(format!("live clients {live} != expected {expected}"));
        }
        for (i, f) in self.flights.iter().enumerate() {
            let c = f.client;
            let cl = &self.slots[c];
            if !cl.in_transaction
                || cl.flight_position.map(Position::get) != Some(i as u32)
                || cl.transaction_start != f.start
            {
                return Err(format!(
                    "client {} misplaced in the in-flight list",
                    c.get()
                ));
            }
        }
        let in_transaction = self.slots.iter().filter(|c| c.in_transaction).count();
        if in_transaction != self.flights.len() {
            return Err(format!(
                "{in_transaction} clients in a transaction, {} in flight",
                self.flights.len()
            ));
        }
        if self.free.len() as u32 != self.count(ClientState::Gone) {
            return Err(format!(
                "{} gone clients, {} in the free list",
                self.count(ClientState::Gone),
                self.free.len()
            ));
        }
        Ok(())
    }
}

impl Sim {
    /// A new client (`open`: an arrival), with its session-state draw.
    fn add_client(&mut self, open: bool) -> ClientId {
        let session_draw = self.random.population.uniform();
        self.clients.add(open, session_draw)
    }

    /// Sets the closed-loop population: new clients join thinking; surplus clients leave when
    /// their current transaction ends.
    pub fn set_closed_clients(&mut self, n: u32) {
        let n = n as usize;
        let initial = self.clients.slots.is_empty() && self.now == 0;
        while self.clients.closed.len() < n {
            let c = self.add_client(false);
            self.clients.closed.push(c);
            if initial {
                self.preconnect(c);
            }
            self.think(c);
        }
        if self.clients.closed.len() > n {
            let leaving: Vec<ClientId> = self.clients.closed.drain(n..).collect();
            for c in leaving {
                self.clients.slots[c].leaving = true;
                if matches!(
                    self.clients.slots[c].state,
                    ClientState::Thinking | ClientState::Backoff
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
        while self.clients.idle.len() < n {
            let c = self.add_client(false);
            self.clients.idle.push(c);
            self.attach_connection(c);
        }
        if self.clients.idle.len() > n {
            let leaving: Vec<ClientId> = self.clients.idle.drain(n..).collect();
            for c in leaving {
                self.depart(c);
            }
        }
    }

    /// At time zero persistent clients start already connected (the steady state we want to
    /// study), as far as max_connections / max_client_conn allow.
    fn preconnect(&mut self, c: ClientId) {
        if self.config.params.connect == Connect::Persistent {
            self.attach_connection(c);
        }
    }

    /// Connects `c` at once, as far as max_connections / max_client_conn allow.
    fn attach_connection(&mut self, c: ClientId) {
        if self.config.params.pooled() {
            let g = self.pick_pooler();
            if self.poolers.admit(g, self.config.params.max_client_conn) {
                self.clients.connections += 1;
                let cl = &mut self.clients.slots[c];
                cl.pooler_client = true;
                cl.pooler = Some(g);
                cl.connected = true;
            }
        } else if self.backends.live() < self.config.params.max_connections {
            let conn = self.backends.new_conn(Some(c), false);
            self.backends.set_state(conn, ConnState::Idle);
            if self.config.arch.own_task {
                self.spawn_conn_proc(conn);
            }
            self.clients.connections += 1;
            let cl = &mut self.clients.slots[c];
            cl.conn = Some(conn);
            cl.connected = true;
        }
    }

    /// Sets client `c`'s timer `timer` to go off after `delay` ns.
    pub(crate) fn timer(&mut self, c: ClientId, delay: u64, timer: ClientTimer) {
        let generation = self.clients.slots[c].generation;
        self.at(delay, Event::Client(c, generation, timer));
    }

    /// Client `c` thinks before its next transaction.
    fn think(&mut self, c: ClientId) {
        self.clients.set_state(c, ClientState::Thinking);
        let d = ns(self.random.think.exp(self.config.think_mean_ns));
        self.timer(c, d, ClientTimer::Wake);
    }

    /// Client `c` waits before retrying: an exponential delay of mean `cal::RETRY_BACKOFF_NS`.
    fn backoff(&mut self, c: ClientId) {
        self.clients.set_state(c, ClientState::Backoff);
        let d = ns(self.random.think.exp(cal::RETRY_BACKOFF_NS as f64));
        self.timer(c, d, ClientTimer::Wake);
    }

    /// Client `c`'s timer `timer` went off.
    pub fn on_client_timer(&mut self, c: ClientId, timer: ClientTimer) {
        match timer {
            ClientTimer::Wake => self.begin_cycle(c),
            ClientTimer::Login => self.pooler_submit(PoolerMessage::Login(c)),
            ClientTimer::StatementArrives => {
                if self.config.params.pooled() {
                    self.pooler_submit(PoolerMessage::Query(c));
                } else {
                    let conn = self.clients.slots[c].conn.expect("a direct connection");
                    self.start_statement(c, conn);
                }
            }
            ClientTimer::ReachesServer => self.forwarded_statement_arrives(c),
            ClientTimer::ReachesPooler => self.pooler_enqueue(PoolerMessage::Response(c)),
            ClientTimer::ResultArrives => {
                if self.config.params.clients_on_cores() {
                    self.client_work(c, ClientPhase::Receive);
                } else {
                    self.on_result(c);
                }
            }
        }
    }

    /// Client `c` begins a transaction attempt (connecting first if it must), or leaves.
    fn begin_cycle(&mut self, c: ClientId) {
        if self.clients.slots[c].leaving {
            self.depart(c);
            return;
        }
        self.clients.begin_flight(c, self.now);
        if self.clients.slots[c].connected {
            self.begin_transaction(c);
        } else {
            self.connect(c);
        }
    }

    /// Client `c` opens a connection: to a PgBouncer process, to the application's pool, or
    /// directly to Postgres.
    fn connect(&mut self, c: ClientId) {
        self.clients.set_state(c, ClientState::Connecting);
        if self.config.params.pooled() {
            // The kernel picks the process; a full one refuses (the others are not asked).
            let g = self.pick_pooler();
            if !self.poolers.admit(g, self.config.params.max_client_conn) {
                self.fail_transaction(c, ErrorKind::MaxClientConn, true);
                return;
            }
            let cl = &mut self.clients.slots[c];
            cl.pooler_client = true;
            cl.pooler = Some(g);
            if cl.open && self.config.params.connect == Connect::Persistent {
                // An open-workload arrival on an application's already-open connection.
                self.on_connected(c);
                return;
            }
            self.timer(c, self.config.pooler_login_latency_ns, ClientTimer::Login);
        } else if self.clients.slots[c].open && self.config.params.connect == Connect::Persistent {
            self.app_pool_acquire(c);
        } else {
            let conn = self.backends.new_conn(Some(c), false);
            self.clients.slots[c].conn = Some(conn);
            self.submit_accept(conn);
        }
    }

    /// Client `c` is connected: its transaction begins.
    pub fn on_connected(&mut self, c: ClientId) {
        self.clients.slots[c].connected = true;
        self.clients.connections += 1;
        self.begin_transaction(c);
    }

    /// Client `c`'s transaction begins, unless the pool mode cannot run it.
    fn begin_transaction(&mut self, c: ClientId) {
        let params = &self.config.params;
        let n = params.stmts_per_txn.max(1);
        let cl = &mut self.clients.slots[c];
        cl.statement_index = 0;
        cl.statements = n;
        let session = cl.session_draw < params.session_state_share;
        match params.pool_mode {
            PoolMode::Transaction | PoolMode::Statement if session => {
                self.fail_transaction(c, ErrorKind::ModeIncompatible, false);
                return;
            }
            PoolMode::Statement if n > 1 => {
                self.fail_transaction(c, ErrorKind::StatementModeMultiStmt, false);
                return;
            }
            _ => {}
        }
        self.send_statement(c);
    }

    /// One network leg (half the round trip), with the network's jitter when overheads are on:
    /// uniform in `rtt/2 ± cal::NETWORK_JITTER × rtt/2` (integer ns, mean kept).
    #[inline]
    pub(crate) fn leg(&mut self) -> u64 {
        let l = self.config.legs;
        if l.jitter_ns == 0 {
            return l.half_rtt_ns;
        }
        l.half_rtt_ns - l.jitter_ns + self.random.jitter.below(2 * l.jitter_ns + 1)
    }

    /// Client `c` sends its next statement.
    fn send_statement(&mut self, c: ClientId) {
        self.clients.set_state(c, ClientState::InStatement);
        self.clients.slots[c].statement_start = self.now;
        if self.config.params.clients_on_cores() {
            self.client_work(c, ClientPhase::Send);
        } else {
            self.statement_leaves(c);
        }
    }

    /// The statement of `c` leaves the client: it reaches the server after one network leg.
    pub fn statement_leaves(&mut self, c: ClientId) {
        let d = self.leg();
        self.timer(c, d, ClientTimer::StatementArrives);
    }

    /// The statement of client `c` starts on server connection `conn`.
    pub fn start_statement(&mut self, c: ClientId, conn: ConnId) {
        if self.clients.slots[c].state != ClientState::InStatement {
            self.clients.set_state(c, ClientState::InStatement);
        }
        self.backends.set_state(conn, ConnState::Busy);
        if self.config.arch.own_task {
            let proc = self.backends.conns[conn]
                .proc
                .expect("a connection's own process");
            let job = self.statement_job(conn);
            self.give_job(proc, job);
        } else {
            self.backends.conns[conn].executor = None;
            self.thread_pool_submit(conn);
        }
    }

    /// A statement finished executing on `conn`.
    pub fn statement_done(&mut self, conn: ConnId) {
        // A backend serving a long-lived connection maps the shared buffers it reads: from its
        // first statement on it counts as warm in the memory model.
        self.backends.finish_statement(
            conn,
            !self.config.arch.own_task,
            self.config.params.connect == Connect::Persistent,
        );
        let c = self.backends.client_of(conn);
        let cl = &self.clients.slots[c];
        let more = cl.statement_index + 1 < cl.statements;
        self.backends.set_state(
            conn,
            if more {
                ConnState::IdleInTransaction
            } else {
                ConnState::Idle
            },
        );
        if self.config.params.pooled() {
            self.pooler_submit(PoolerMessage::Response(c));
        } else {
            self.result_to_client(c);
        }
    }

    /// The result of client `c`'s statement travels back to it.
    pub fn result_to_client(&mut self, c: ClientId) {
        self.clients.set_state(c, ClientState::InRoundTrip);
        let d = self.leg();
        self.timer(c, d, ClientTimer::ResultArrives);
    }

    /// Client `c` has its statement's result: it sends the next statement, or its transaction
    /// is done.
    pub fn on_result(&mut self, c: ClientId) {
        let cl = &mut self.clients.slots[c];
        let statement_time = self.now - cl.statement_start;
        cl.statement_index += 1;
        let more = cl.statement_index < cl.statements;
        self.metrics.stmt_done(statement_time);
        if more {
            self.send_statement(c);
        } else {
            let latency = self.now - self.clients.slots[c].transaction_start;
            self.metrics.txn_done(latency);
            self.leave_system(c);
            self.end_cycle(c);
        }
    }

    /// Client `c`'s transaction attempt is over (done or failed).
    fn leave_system(&mut self, c: ClientId) {
        if let Some(sojourn) = self.clients.end_flight(c, self.now) {
            self.metrics.sys_leave(sojourn);
        }
    }

    /// After a transaction: an arrival or a leaving client departs; a per-transaction client
    /// disconnects; it thinks.
    fn end_cycle(&mut self, c: ClientId) {
        let cl = &self.clients.slots[c];
        if cl.open || cl.leaving {
            self.depart(c);
            return;
        }
        if self.config.params.connect == Connect::PerTxn {
            self.disconnect(c);
        }
        self.think(c);
    }

    /// The transaction attempt fails with `err`; `drop` also loses the connection. An arrival or
    /// a leaving client departs; any other client waits out the application's retry back-off
    /// (`cal::RETRY_BACKOFF_NS`) before its next attempt (reconnecting first if it lost its
    /// connection), so every failure lets simulated time pass: with a zero think time a client
    /// that failed and tried again at once would loop at one instant for ever.
    pub fn fail_transaction(&mut self, c: ClientId, err: ErrorKind, drop: bool) {
        self.metrics.error(err);
        self.leave_system(c);
        if drop || self.config.params.connect == Connect::PerTxn {
            self.disconnect(c);
        }
        let cl = &self.clients.slots[c];
        if cl.open || cl.leaving {
            self.depart(c);
        } else {
            self.backoff(c);
        }
    }

    /// Client `c` closes its connection: its server goes back to its pool (PgBouncer's or the
    /// application's) or is closed.
    fn disconnect(&mut self, c: ClientId) {
        let cl = &self.clients.slots[c];
        let (conn, connected, pooler_client) = (cl.conn, cl.connected, cl.pooler_client);
        if pooler_client {
            if conn.is_some() {
                self.release_server(c);
            }
            let g = self.clients.slots[c]
                .pooler
                .expect("a client of a PgBouncer process");
            self.poolers.client_left(g);
        } else if let Some(conn) = conn {
            if self.backends.conns[conn].application_pool {
                // An arrival hands its connection back to the application's pool.
                self.app_pool_release(c);
            } else {
                let state = self.backends.conns[conn].state;
                debug_assert!(matches!(
                    state,
                    ConnState::Idle | ConnState::IdleInTransaction
                ));
                if matches!(state, ConnState::Idle | ConnState::IdleInTransaction) {
                    self.close_conn(conn);
                }
            }
        }
        if connected {
            self.clients.connections -= 1;
        }
        let cl = &mut self.clients.slots[c];
        cl.conn = None;
        cl.connected = false;
        cl.pooler_client = false;
        cl.pooler = None;
    }

    /// Client `c` leaves: it disconnects and its slot is freed.
    fn depart(&mut self, c: ClientId) {
        self.disconnect(c);
        self.clients.free(c);
    }

    /// Schedules the next open-workload arrival.
    pub fn schedule_arrival(&mut self) {
        let d = ns(self.random.population.exp(self.config.arrival_mean_ns)).max(1);
        self.at(d, Event::Arrival);
    }

    /// An open-workload arrival: it begins its one transaction, unless too many are in flight.
    pub fn on_arrival(&mut self) {
        self.schedule_arrival();
        if self.clients.open_in_flight >= cal::OPEN_MAX_IN_FLIGHT {
            self.metrics.error(ErrorKind::Dropped);
            return;
        }
        let c = self.add_client(true);
        self.clients.open_in_flight += 1;
        self.begin_cycle(c);
    }
}
