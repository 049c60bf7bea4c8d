//! The page's prose, checked on the model. Every qualitative claim the explanation, the presenter
//! steps and the masthead make — "more", "less", "beats", "grows with" — is run here at exactly
//! the state the page shows it in: the section's own parameters, the page's own `SimPair`, the
//! same seed and the same simulated length as the small runs in the browser.
//!
//! A claim is data: one file per section declares its claims with [`claim::claims!`], each the
//! sentence it checks (quoted as the reader reads it) and the check, which becomes a test named
//! after the sentence. [`ALL`] registers every file's claims; `in_content` finds each quote in
//! the section's content, so prose and checks cannot drift apart. When a claim fails, either the
//! model changed (and the sentence must change with it) or the sentence was wrong.
//!
//! `cargo test -p poolsim-explain --test claims -- --nocapture` lists the figures behind each
//! claim.
#![cfg(not(target_arch = "wasm32"))]

mod claim;
mod in_content;

mod connect;
mod masthead;
mod memory;
mod migration;
mod modes;
mod poolers;
mod process;
mod realism;
mod snapshots;
mod steps;
mod switches;
mod theory;
mod threads;

use claim::Claim;

/// Every file's claims, in page order.
pub const ALL: &[&[Claim]] = &[
    masthead::CLAIMS,
    process::CLAIMS,
    memory::CLAIMS,
    switches::CLAIMS,
    migration::CLAIMS,
    connect::CLAIMS,
    snapshots::CLAIMS,
    poolers::CLAIMS,
    modes::CLAIMS,
    threads::CLAIMS,
    theory::CLAIMS,
    realism::CLAIMS,
    steps::CLAIMS,
];
