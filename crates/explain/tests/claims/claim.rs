//! What a claim is, how a file declares its claims ([`claims!`]), and the runs they read: the
//! figures a section's small run shows ([`figures`]) or the live figure once settled
//! ([`settled`]), each run once and shared between the claims that read it.

use poolsim_model::Params;
use poolsim_page::sim::SideView;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Where the reader reads a claim's sentence, so `in_content` knows where to look for its quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The prose of the section with this id (`content/en`), as the reader reads it at the
    /// section's default state (every live number filled in).
    Section(&'static str),
    /// The presenter's steps (`poolsim_page::outline::STEPS`).
    Steps,
    /// Not looked up: the masthead, whose lede is Rust (`poolsim_page::outline::LEDE`) and whose
    /// other sentence is `page_default`'s doc comment, and the realism section, two of whose
    /// quotes are its figure's words (with the lab's counts as `N`), not its prose.
    NotLookedUp,
}

/// One sentence of the page and the check that backs it.
#[derive(Clone, Copy, Debug)]
pub struct Claim {
    /// Where the sentence is.
    pub place: Place,
    /// The claim's test: the sentence in a test name.
    pub name: &'static str,
    /// The sentence as the reader reads it. An ellipsis (…) stands for a number the check
    /// checks by direction only.
    pub quote: &'static str,
    /// The check: panics, naming what it measured, when the model does not back the sentence.
    pub check: fn(),
}

/// Declares a file's claims: `place: <Place>;` then, for each claim, its doc comment (what it
/// checks beyond the quote, if anything), `says "<the sentence>"`, and `fn <name>() { <check> }`.
/// Gives the file's `CLAIMS` table and one `#[test]` per claim, named `<name>`, so a failing
/// claim points at its sentence.
macro_rules! claims {
    (
        place: $place:expr;
        $( $(#[$attr:meta])* says $quote:literal fn $name:ident() $body:block )*
    ) => {
        /// This file's claims, in the order of the page.
        pub const CLAIMS: &[$crate::claim::Claim] = &[
            $( $crate::claim::Claim {
                place: $place,
                name: stringify!($name),
                quote: $quote,
                check: $name,
            }, )*
        ];

        $(
            #[doc = concat!("“", $quote, "”")]
            ///
            $(#[$attr])*
            #[test]
            fn $name() $body
        )*
    };
}
pub(crate) use claims;

/// What a small run shows: both sides' figures at the end of the run.
#[derive(Clone, Debug)]
pub struct Figures {
    /// The direct side: every client straight to Postgres.
    pub direct: SideView,
    /// The pooled side, when the workload has a pool mode.
    pub pooled: Option<SideView>,
    /// The server's cores.
    pub cores: u32,
}

impl Figures {
    /// The pooled side, which the claim's workload has.
    pub fn pooled(&self) -> &SideView {
        self.pooled.as_ref().expect("a pooled side")
    }
}

/// The figures a section's small run shows for `w` (the small runs' seed and simulated length,
/// `poolsim_page::live::{SEED, RUN_NS}`).
pub fn figures(w: &Params) -> Figures {
    figures_at(w, poolsim_page::live::SEED, poolsim_page::live::RUN_NS)
}

/// A run of `w` as the live figure shows it once settled: the page's first seed, as many
/// simulated seconds as the challenges wait for (`poolsim_page::challenges::SETTLE_S`).
pub fn settled(w: &Params) -> Figures {
    figures_at(
        w,
        poolsim_page::state::DEFAULT_SEED,
        (poolsim_page::challenges::SETTLE_S * 1e9) as u64,
    )
}

/// The figures of `w` run with `seed` for `ns` simulated nanoseconds, as the page runs it: one
/// `SimPair` stepped to the end (`poolsim_page::live::run_seeded_to_end`). Runs are shared
/// between the claims that read them.
pub fn figures_at(w: &Params, seed: u64, ns: u64) -> Figures {
    type Cache = Mutex<HashMap<String, Arc<OnceLock<Figures>>>>;
    static RUNS: OnceLock<Cache> = OnceLock::new();
    let key = format!("{w:?}/{seed}/{ns}");
    let cell = RUNS
        .get_or_init(Default::default)
        .lock()
        .expect("no test panicked while holding the lock")
        .entry(key)
        .or_default()
        .clone();
    cell.get_or_init(|| {
        let v = poolsim_page::live::run_seeded_to_end(w, seed, ns);
        Figures {
            direct: v.direct,
            pooled: v.pooled,
            cores: w.cores,
        }
    })
    .clone()
}

/// Core time lost per context switch, µs (as section 3 shows it).
pub fn core_us_per_switch(s: &SideView, cores: u32) -> f64 {
    poolsim_explain::sections::switching::core_time_per_switch(s, cores) * 1e6
}

/// Prints what a claim measured, so `cargo test -- --nocapture` lists the figures behind each.
pub fn measured(test: &str, figures: String) {
    println!("{test}: {figures}");
}

/// Bytes in a mebibyte.
pub const MIB: f64 = 1024.0 * 1024.0;
