//! The explanation below the live figure: one section per idea of the concept note, each with a
//! small focused figure bound to the model, plus the sweep, the theory panel and sources.
//!
//! # Mounting
//!
//! ```ignore
//! use poolsim_web::sections::Explanation;
//! html! { <Explanation on_preset={on_preset} /> }
//! ```
//!
//! Props (all optional, so `<Explanation />` works):
//! * `on_preset: Callback<String>` — called with the key of a scenario from
//!   `poolsim_model::presets` (e.g. `"fleet"`) when the reader presses its "Load into the figure"
//!   button. The live figure should load that preset's parameters and scroll back to the top.
//!   Without it, the preset buttons are not shown.
//!
//! Every figure here runs its own small model case (closed-form memory, or short simulated runs
//! stepped progressively by [`job::use_job`] within a per-frame time budget), so the sections never
//! touch the live figure's running models.
//!
//! Every live number is a [`common::Num`] with `data-metric` (prefixed `s<section>_`) and
//! `data-value` in base units.

pub mod common;
pub mod connect;
pub mod figures;
pub mod job;
pub mod lab;
pub mod memory;
pub mod modes;
pub mod poolers;
pub mod presets;
pub mod process;
pub mod realism;
pub mod snapshot;
pub mod sources;
pub mod sweep;
pub mod switching;
pub mod theory;
pub mod threads;

use yew::prelude::*;

/// (section id, title) for the table of contents.
const CONTENTS: [(&str, &str); 13] = [
    ("process", "One process per connection"),
    ("memory", "Memory per backend"),
    ("switches", "Context switches"),
    ("migration", "CPU migration"),
    ("connect", "The cost of connecting"),
    ("snapshots", "GetSnapshotData"),
    ("poolers", "Why poolers exist"),
    ("modes", "Pool modes"),
    ("threads", "Threads instead of processes"),
    ("sweep", "The whole curve"),
    ("theory", "Queueing theory"),
    ("realism", "How realistic is this?"),
    ("sources", "Sources"),
];

#[derive(Properties, PartialEq, Default)]
pub struct ExplanationProps {
    /// Loads a preset (by its key in `poolsim_model::presets`) into the live figure.
    #[prop_or_default]
    pub on_preset: Option<Callback<String>>,
}

#[component]
pub fn Explanation(props: &ExplanationProps) -> Html {
    html! {
        <div class="explanation">
            <nav class="explain-intro" aria-labelledby="explain-h">
                <h2 id="explain-h">{ "What a connection costs, one idea at a time" }</h2>
                <p>
                    { "The figure above puts everything together. Below, each cost gets its own small figure, running \
                       its own small case of the same model; the numbers in the text are read from it, so they change \
                       when you move the controls." }
                </p>
                <ol class="toc">
                    { for CONTENTS.iter().map(|(id, title)| html! {
                        <li><a href={format!("#{id}")}>{ *title }</a></li>
                    }) }
                </ol>
            </nav>
            <process::ProcessSection />
            <memory::MemorySection />
            <switching::SwitchSection />
            <switching::MigrationSection />
            <connect::ConnectSection />
            <snapshot::SnapshotSection />
            <poolers::PoolerSection />
            <modes::ModesSection />
            <threads::ThreadsSection />
            <sweep::SweepSection />
            <theory::TheorySection />
            if let Some(on_preset) = &props.on_preset {
                <presets::PresetsSection on_preset={on_preset.clone()} />
            }
            <sources::RealismSection />
            <sources::SourcesSection />
        </div>
    }
}
