//! The application's pool of persistent direct connections: with an open workload, persistent
//! connections and no pooler, arrivals borrow connections the application opened once and keeps.

use super::backends::ConnState;
use super::ids::{ClientId, ConnId};
use super::Sim;
use crate::params::Connect;
use std::collections::VecDeque;

/// The application's pool of persistent direct connections.
pub(crate) struct ApplicationPool {
    /// Its idle connections, reused LIFO.
    pub idle: Vec<ConnId>,
    /// Arrivals waiting for one of its connections to be returned, FIFO.
    pub waiters: VecDeque<ClientId>,
    /// Its connections: opening, in use or idle (those with `Conn::application_pool`).
    pub conns: u32,
}

impl ApplicationPool {
    /// An empty pool.
    pub fn new() -> ApplicationPool {
        ApplicationPool {
            idle: Vec::new(),
            waiters: VecDeque::new(),
            conns: 0,
        }
    }

    /// Its own counts are coherent.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.idle.len() as u32 > self.conns {
            return Err(format!(
                "application pool: {} idle of {} connections",
                self.idle.len(),
                self.conns
            ));
        }
        Ok(())
    }
}

impl Sim {
    /// An open-workload arrival with persistent connections and no pooler uses the application's
    /// own pool of connections, opened once and kept: it takes an idle one if there is one (the
    /// most recently returned), else opens a new one while Postgres has room (server connections
    /// existing or being opened below `max_connections`), else waits for one to be returned. A
    /// pool that owns no connection at all tries anyway, and is refused.
    pub fn app_pool_acquire(&mut self, c: ClientId) {
        if let Some(conn) = self.app_pool.idle.pop() {
            self.app_pool_lend(conn, c);
        } else if self.app_pool.conns == 0 || self.app_pool_can_open() {
            self.app_pool_open(c);
        } else {
            self.app_pool.waiters.push_back(c);
        }
    }

    /// Lends the application's open connection `conn` to arrival `c`.
    fn app_pool_lend(&mut self, conn: ConnId, c: ClientId) {
        self.clients.slots[c].conn = Some(conn);
        self.backends.conns[conn].client = Some(c);
        self.on_connected(c);
    }

    /// Whether Postgres has room for one more connection (existing or being opened).
    fn app_pool_can_open(&self) -> bool {
        self.backends.live() + self.backends.count(ConnState::ForkQueued)
            < self.config.params.max_connections
    }

    /// Opens a new connection of the application's pool for arrival `c` (fork, start-up, auth).
    fn app_pool_open(&mut self, c: ClientId) {
        let conn = self.backends.new_conn(Some(c), false);
        self.backends.conns[conn].application_pool = true;
        self.app_pool.conns += 1;
        self.clients.slots[c].conn = Some(conn);
        self.submit_accept(conn);
    }

    /// Arrival `c` is done with its application-pool connection: it goes to the oldest waiting
    /// arrival, or back to the pool's idle connections. With `connect = per_txn` (changed while
    /// running) it is closed instead.
    pub fn app_pool_release(&mut self, c: ClientId) {
        let conn = self.clients.slots[c]
            .conn
            .take()
            .expect("a lent connection");
        self.backends.conns[conn].client = None;
        if self.backends.conns[conn].state == ConnState::IdleInTransaction {
            // Abandoned mid-transaction: rolled back.
            self.backends.set_state(conn, ConnState::Idle);
        }
        if self.config.params.connect == Connect::PerTxn {
            self.close_conn(conn);
            self.app_pool_kick();
        } else if let Some(w) = self.app_pool.waiters.pop_front() {
            self.app_pool_lend(conn, w);
        } else {
            self.app_pool.idle.push(conn);
        }
    }

    /// Lets waiting arrivals open connections once Postgres has room again (a connection of the
    /// pool closed or was refused, or `max_connections` grew).
    pub fn app_pool_kick(&mut self) {
        while let Some(&w) = self.app_pool.waiters.front() {
            if !(self.app_pool.conns == 0 || self.app_pool_can_open()) {
                break;
            }
            self.app_pool.waiters.pop_front();
            self.app_pool_open(w);
        }
    }

    /// After a parameter change: with `connect = per_txn` the application's pool keeps no idle
    /// connections; more `max_connections` lets waiting arrivals open connections.
    pub fn app_pool_params_changed(&mut self) {
        if self.config.params.connect == Connect::PerTxn {
            while let Some(conn) = self.app_pool.idle.pop() {
                self.close_conn(conn);
            }
        }
        self.app_pool_kick();
    }
}
