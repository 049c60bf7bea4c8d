//! The explanation's figures: one per section of the outline (`poolsim_page::outline`), each a small
//! focused figure bound to the model, plus the sweep and the theory panel. The prose around them is
//! content (`content/en/*.md`), prerendered into the page at build time; each figure is an island
//! mounted on its `<div data-island="<section id>">` by [`mount_island`], and writes the live numbers
//! it computes into the prose in place ([`common::use_live`]).
//!
//! Each section module has a pure `live(…)` function from its state and its runs' results to its
//! named live values, and `defaults(…)`: the values at the section's default state. The prerender
//! runs the latter natively ([`defaults`]), the figure calls the former as it runs, so the prose's
//! digits are the same before and after the module loads.
//!
//! Every figure here runs its own small model case (closed-form memory, or short simulated runs
//! stepped progressively by [`job::use_job`] within a per-frame time budget), so the sections never
//! touch the live figure's running models.
//!
//! Every live number carries `data-metric` (prefixed with its section's id, `connect_…`) and `data-value` in base units.

pub mod common;
pub mod figures;
pub mod job;
pub mod lab;

use poolsim_page::live::{Live, Runner};
use yew::prelude::*;

/// One section's figure, registered once in [`FIGURES`]: its component, its live values at its
/// default state and how the page shows it before the explanation's module mounts it.
pub struct Figure {
    /// The section's id in the outline (`crate::outline`): its anchor and its island's name.
    pub id: &'static str,
    /// The figure's component; the callback loads a preset into the live figure.
    pub view: fn(&Callback<String>) -> Html,
    /// The section's live values at its default state, its runs done with the runner (none for
    /// a section without live numbers).
    pub defaults: fn(Runner) -> Vec<Live>,
    /// Its static rendering in the built page.
    pub prerender: Prerender,
    /// The live values the figure draws itself (the others are only in the prose): a prerender
    /// test finds each in the figure's static rendering.
    pub shown: &'static [&'static str],
}

/// How a figure is shown in the built page before its module mounts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prerender {
    /// Its own component, rendered natively by Yew's server renderer with its runs done
    /// ([`static_html`]).
    Component,
    /// Written by the prerender from the same data (the presets' list, the realism figure's words
    /// and tables): the figure draws on canvases or needs the module to act.
    ByThePrerender,
}

/// Declares each figure's module and registers its figures in [`FIGURES`]: one line per module,
/// `module => [its figure constants],`. Adding a section is its content file, its module and one
/// line here.
macro_rules! figures {
    ($($module:ident => [$($figure:ident),+],)+) => {
        $(pub mod $module;)+

        /// Every section's figure, in no particular order (the page's order is the outline's).
        pub const FIGURES: &[Figure] = &[$($($module::$figure,)+)+];
    };
}

figures! {
    process => [FIGURE],
    memory => [FIGURE],
    switching => [SWITCHES, MIGRATION],
    connect => [FIGURE],
    snapshot => [FIGURE],
    poolers => [FIGURE],
    modes => [FIGURE],
    threads => [FIGURE],
    sweep => [FIGURE],
    theory => [FIGURE],
    presets => [FIGURE],
    realism => [FIGURE],
}

/// The figure of section `id`, if it has one.
pub fn figure(id: &str) -> Option<&'static Figure> {
    FIGURES.iter().find(|f| f.id == id)
}

/// Section `id`'s live values at its default state, its runs done with `run`. Sections without
/// live numbers give none.
pub fn defaults(id: &str, run: Runner) -> Vec<Live> {
    figure(id).map_or_else(Vec::new, |f| (f.defaults)(run))
}

/// Every section's live values at its default state (its runs done, no figure rendered), computed
/// natively on all cores: what the prerender writes into the prose for the sections it does not
/// render from their component, and what the claims read.
#[cfg(not(target_arch = "wasm32"))]
pub fn default_values() -> std::collections::HashMap<&'static str, Vec<Live>> {
    on_all_cores(|id| defaults(id, &poolsim_page::live::run_to_end))
}

/// `work` for every section of the outline, on all cores (natively).
#[cfg(not(target_arch = "wasm32"))]
pub fn on_all_cores<T: Send>(
    work: impl Fn(&'static str) -> T + Sync,
) -> std::collections::HashMap<&'static str, T> {
    use std::collections::HashMap;
    // The sweep is most of the work: start it first.
    let mut ids: Vec<&'static str> = poolsim_page::outline::SECTIONS
        .iter()
        .map(|s| s.id)
        .collect();
    ids.sort_by_key(|id| *id != "sweep");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::Mutex::new(ids.into_iter());
    let out = std::sync::Mutex::new(HashMap::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let Some(id) = next.lock().expect("no panic while holding").next() else {
                    break;
                };
                let done = work(id);
                out.lock().expect("no panic while holding").insert(id, done);
            });
        }
    });
    out.into_inner().expect("no panic while holding")
}

/// Section `id`'s figure, as a component.
fn island(id: &str, on_preset: &Callback<String>) -> Html {
    figure(id).map_or_else(Html::default, |f| (f.view)(on_preset))
}

#[derive(Properties, PartialEq)]
struct IslandProps {
    id: AttrValue,
    on_preset: Callback<String>,
}

#[component]
fn Island(props: &IslandProps) -> Html {
    island(&props.id, &props.on_preset)
}

/// Mounts section `id`'s figure on `root` (its `<div data-island>`), replacing the static
/// rendering there. `on_preset` loads a preset into the live figure.
pub fn mount_island(id: &str, root: web_sys::Element, on_preset: Callback<String>) {
    root.set_text_content(None);
    let props = IslandProps {
        id: AttrValue::from(id.to_string()),
        on_preset,
    };
    yew::Renderer::<Island>::with_root_and_props(root, props).render();
}

/// Section `id`'s figure at its default state as HTML: the same component the island mounts,
/// rendered natively by Yew's server renderer, its runs done to the end during that one render
/// (`job::use_job`), so the figure shows what the island shows once its runs are done; with the
/// live values it computed from those runs (what it writes into the prose in the browser), so the
/// prerender need not run them again. For the prerender (`poolsim-prerender`).
#[cfg(feature = "ssr")]
pub fn static_html(id: &str) -> (String, Vec<Live>) {
    let props = IslandProps {
        id: AttrValue::from(id.to_string()),
        on_preset: Callback::noop(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime needs no OS resources");
    common::RENDERED_LIVE.with(|kept| kept.borrow_mut().clear());
    let html = tokio::task::LocalSet::new().block_on(
        &runtime,
        yew::LocalServerRenderer::<Island>::with_props(props)
            .hydratable(false)
            .render(),
    );
    (html, common::RENDERED_LIVE.with(|kept| kept.take()))
}

#[derive(Properties, PartialEq, Default)]
pub struct ExplanationProps {
    /// Loads a preset (by its key in `poolsim_model::presets`) into the live figure.
    #[prop_or_default]
    pub on_preset: Callback<String>,
}

/// Every section's figure under its heading, each followed by its live values as bare elements in
/// place of the prose (which only the prerendered page has): what the browser tests mount.
#[component]
pub fn Explanation(props: &ExplanationProps) -> Html {
    html! {
        <div class="explanation">
            { for poolsim_page::outline::SECTIONS.iter().map(|s| html! {
                <section class="explain" id={s.id} aria-labelledby={format!("{}-h", s.id)}>
                    { common::heading(s.id) }
                    <div class="island" data-island={s.id}>{ island(s.id, &props.on_preset) }</div>
                    <p>
                        { for defaults(s.id, &poolsim_page::live::no_run).into_iter().map(|v| html! {
                            <strong class="live" data-live={v.name} data-metric={v.name}>{ "…" }</strong>
                        }) }
                    </p>
                </section>
            }) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry names each figure once, under an id of the outline.
    #[test]
    fn every_figure_is_registered_once_under_a_section_of_the_outline() {
        for (i, f) in FIGURES.iter().enumerate() {
            assert!(FIGURES[..i].iter().all(|g| g.id != f.id), "{} twice", f.id);
            assert!(poolsim_page::outline::section(f.id).is_some(), "{}", f.id);
        }
    }
}
