//! poolsim's model: a deterministic, calibrated simulation of clients, PgBouncer, Postgres's
//! postmaster and backends, and the OS scheduler.
//!
//! The crate is pure: no I/O, no clock, no OS randomness, no web dependency. It is handed
//! parameters, a seed and a simulated time to reach, and returns numbers. The same parameters and
//! seed give bit-identical results natively and in WebAssembly.

pub mod calibration;
pub mod memory;

pub use memory::{idle_memory, MemoryBreakdown, MemoryConfig, MemoryLoad};
