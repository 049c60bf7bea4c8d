//! Made-up compared points for the tests of this crate and of the crates that render its results
//! (`poolsim validate`'s tables): one constructor, so the fixtures agree everywhere. Compiled for
//! this crate's tests and, in other crates, with the `fixtures` feature (a dev-dependency only).

use crate::{Compared, LabPoint, ModelFigures, Route, Spread};

/// A point measured at a median of `lab` transactions per second over 3 repetitions (min 0.9×,
/// max 1.1× the median), with a p99 of 2 ms (1.5–2.5) when `clients > 1`, and modelled at `model`
/// TPS with a p50 and a p99 of 1 ms.
pub fn compared(route: Route, clients: u32, lab: f64, model: f64) -> Compared {
    Compared {
        lab: LabPoint {
            route,
            clients,
            reps: 3,
            tps: Spread {
                median: lab,
                min: lab * 0.9,
                max: lab * 1.1,
            },
            p99_ms: (clients > 1).then_some(Spread {
                median: 2.0,
                min: 1.5,
                max: 2.5,
            }),
            cs_per_s: None,
        },
        model: ModelFigures {
            tps: model,
            p50_ms: 1.0,
            p99_ms: 1.0,
        },
    }
}
