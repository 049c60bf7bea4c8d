//! The random streams: one seeded generator per kind of draw, so a parameter that adds or removes
//! draws of one kind leaves the sequences of the others as they were.

use crate::rng::Rng;

/// The model's random streams. They carry over when the system is rebuilt (`Sim::rebuild`).
#[derive(Clone, Debug)]
pub(crate) struct RandomStreams {
    /// Think times and back-offs.
    pub think: Rng,
    /// Statements' CPU demands (exponential and lognormal).
    pub work: Rng,
    /// The population: open-workload arrival times and each new client's session-state draw.
    pub population: Rng,
    /// Jitter of network legs and of "constant" statements (its own stream, so the other
    /// streams draw the same sequences with or without it).
    pub jitter: Rng,
    /// Which PgBouncer process a new client connection lands on (the kernel's `SO_REUSEPORT`
    /// hash of the connection's 4-tuple, whose source port changes with every connection).
    /// Drawn only with more than one process, so one process leaves every stream as it was.
    pub pooler_choice: Rng,
}

impl RandomStreams {
    /// The streams of a model seeded with `seed`.
    pub fn new(seed: u64) -> RandomStreams {
        RandomStreams {
            think: Rng::new(seed, 1),
            work: Rng::new(seed, 2),
            population: Rng::new(seed, 3),
            jitter: Rng::new(seed, 4),
            pooler_choice: Rng::new(seed, 5),
        }
    }
}
