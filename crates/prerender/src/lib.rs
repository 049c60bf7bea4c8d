//! The prerender: the explanation written into the built page at build time, natively. Trunk
//! builds `dist/index.html` with an empty `<div id="explanation">`; `poolsim-prerender` (run by a
//! Trunk `post_build` hook, so `cargo xtask dist` and `cargo xtask serve` both get it) fills it with
//! the whole explanation: the prose from `content/<language>/`, the table of contents, every live
//! number at its section's default state (the small runs done here, to the end, with the seed the
//! page uses, so the digits are the ones the figures compute) and a static rendering of each
//! figure. With JavaScript off, the page reads fully.

use poolsim_content::fill;
use poolsim_content::texts::{figure_static as figure_texts, realism as realism_texts};
use poolsim_page::content::{self, escape, Content};
use poolsim_page::live::{run_to_end, Live};
use std::collections::HashMap;

/// Where the explanation goes in Trunk's `index.html`.
pub const MARKER: &str = "<!--poolsim:explanation-->";

/// What the prerender computes for one section: its live values at its default state and its
/// figure's static rendering.
pub struct Prerendered {
    pub values: Vec<Live>,
    pub island: String,
}

/// Every section's live values and figure at its default state, computed on all cores. A figure
/// rendered from its component gives the live values it computed (its runs are done once); the
/// other sections' values come from their `defaults`.
pub fn prerendered() -> HashMap<&'static str, Prerendered> {
    poolsim_explain::sections::on_all_cores(|id| {
        if rendered(id) {
            let (html, values) = poolsim_explain::sections::static_html(id);
            Prerendered {
                values,
                island: rendered_island(&html),
            }
        } else {
            Prerendered {
                values: poolsim_explain::sections::defaults(id, &run_to_end),
                island: island_html(id),
            }
        }
    })
}

/// The figures whose static rendering is their own component rendered to HTML
/// ([`poolsim_explain::sections::static_html`]): those the registry says so of.
pub fn rendered_figures() -> impl Iterator<Item = &'static str> {
    poolsim_explain::sections::FIGURES
        .iter()
        .filter(|f| f.prerender == poolsim_explain::sections::Prerender::Component)
        .map(|f| f.id)
}

/// Whether section `id`'s figure is its own component rendered to HTML.
fn rendered(id: &str) -> bool {
    poolsim_explain::sections::figure(id)
        .is_some_and(|f| f.prerender == poolsim_explain::sections::Prerender::Component)
}

/// The static rendering of a figure before its module mounts it, at the figure's default state.
/// The presets are a list of the model's scenarios (their buttons come with the module); the
/// realism figure is its comparison as words and tables ([`realism_static`]). Every other figure
/// is its own component, rendered natively by Yew's server renderer with its runs done
/// ([`poolsim_explain::sections::static_html`]): the same elements, numbers and size as the island once its
/// runs finish, the sweep's canvas drawn as SVG by the same plotting code. Its controls show their
/// default values, disabled (a disabled `<fieldset>` that does not lay out, `www/sections.css`)
/// until the module replaces them; without JavaScript a small note says so.
pub fn island_html(id: &str) -> String {
    if id == "presets" {
        let mut out = String::from("<ul class=\"presets\">\n");
        for p in poolsim_model::presets::all() {
            let Some(words) = poolsim_content::preset_words(p.name) else {
                continue;
            };
            out.push_str(&format!(
                "<li class=\"preset\"><h3>{}</h3><p>{}</p></li>\n",
                escape(words.title),
                escape(words.description)
            ));
        }
        out.push_str("</ul>\n");
        return out;
    }
    if id == "realism" {
        return realism_static();
    }
    if !rendered(id) {
        return String::new();
    }
    rendered_island(&poolsim_explain::sections::static_html(id).0)
}

/// A figure's rendered component as its island's static content: disabled, with the note.
fn rendered_island(html: &str) -> String {
    format!(
        "<fieldset class=\"island-prerendered\" disabled>{html}</fieldset>\n<p class=\"island-note\">\
         This figure as it stands at its default settings, computed when the page was built; its \
         controls work with JavaScript.</p>\n"
    )
}

/// The realism figure before its module mounts it: the lab's points against the model's, as the
/// figure's tables show them, computed here with the same runs (`poolsim_validate`, the same
/// seed and lengths as `poolsim validate` and the page).
fn realism_static() -> String {
    use poolsim_page::format::count;
    use poolsim_validate::{Route, RunSpec};
    let Ok(points) = poolsim_explain::sections::realism::lab_points() else {
        return String::new();
    };
    use poolsim_explain::sections::realism::{route_clients, route_words, Piece};
    let done = poolsim_validate::compare(&points, &RunSpec::default());
    let mut out = format!(
        "<p class=\"island-static\">{}</p>\n<p>{}</p>\n<ul class=\"realism-words\">\n",
        realism_texts::NOTE,
        realism_texts::WORDS_INTRO
    );
    for route in Route::ALL {
        let Some(s) = poolsim_validate::route_summary(&done, route) else {
            continue;
        };
        let last = route_clients(&points, route).into_iter().max().unwrap_or(1);
        let words: String = route_words(&s, last)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => escape(&t),
                Piece::Live(_, _, t) => format!("<strong>{}</strong>", escape(&t)),
            })
            .collect();
        let name = match route {
            Route::Direct => realism_texts::DIRECT,
            Route::PgBouncer => realism_texts::PGBOUNCER,
        };
        out.push_str(&format!("<li><strong>{name} </strong>{words}</li>\n"));
    }
    let checks = poolsim_validate::checks(&done);
    let said = fill(
        realism_texts::CHECKS,
        &[
            ("checks", &checks.len()),
            ("passed", &checks.iter().filter(|c| c.pass).count()),
        ],
    );
    out.push_str(&format!(
        "</ul>\n<p>{said}</p>\n<div class=\"realism-tables\">\n"
    ));
    for route in Route::ALL {
        let caption = match route {
            Route::Direct => realism_texts::CAPTION_DIRECT.to_string(),
            Route::PgBouncer => fill(
                realism_texts::CAPTION_PGBOUNCER,
                &[("pool", &poolsim_model::calibration::LAB_POOL_SIZE)],
            ),
        };
        out.push_str(&format!(
            "<div class=\"table-wrap\"><table class=\"features realism-table\"><caption>{}: \
             {}</caption>\n<thead><tr><th scope=\"col\">{}</th><th \
             scope=\"col\">{}<span class=\"sub\">{}</span></th><th \
             scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
            escape(&caption),
            realism_texts::CAPTION_UNIT,
            realism_texts::CLIENTS,
            realism_texts::MEASURED,
            realism_texts::MEASURED_SPREAD,
            realism_texts::MODEL,
            realism_texts::ERROR
        ));
        let mut rows: Vec<_> = done.iter().filter(|c| c.lab.route == route).collect();
        rows.sort_by_key(|c| c.lab.clients);
        for c in rows {
            let e = c.tps_error();
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}<span class=\"sub\">{}–{}</span></td><td>{}</td>\
                 <td{}>{}</td></tr>\n",
                count(c.lab.clients.into()),
                count(c.lab.tps.median.round() as u64),
                count(c.lab.tps.min.round() as u64),
                count(c.lab.tps.max.round() as u64),
                count(c.model.tps.round() as u64),
                if e.abs() > poolsim_validate::TPS_TOLERANCE {
                    " class=\"outside\""
                } else {
                    ""
                },
                poolsim_explain::sections::realism::signed_percent(e)
            ));
        }
        out.push_str("</tbody></table></div>\n");
    }
    out.push_str("</div>\n");
    out
}

/// The whole explanation as HTML.
pub fn explanation(content: &Content) -> Result<String, String> {
    let done = prerendered();
    content::render(
        content,
        &|id| done.get(id).map(|p| p.values.clone()).unwrap_or_default(),
        &|id| done.get(id).map(|p| p.island.clone()).unwrap_or_default(),
    )
}

/// Where the masthead (the title and its lede, as the figure's app draws them) goes.
pub const MASTHEAD_MARKER: &str = "<!--poolsim:masthead-->";

/// Where the live figure's static rendering goes (inside its reserved place).
pub const FIGURE_MARKER: &str = "<!--poolsim:figure-->";

/// Simulated time the live figure's static rendering shows: the first view's numbers after this
/// long, as the figure shows them a few seconds after it starts.
pub const FIGURE_STATIC_NS: u64 = 5_000_000_000;

/// The live figure at its first view, before its module replaces it: the scenario, both sides'
/// readouts after [`FIGURE_STATIC_NS`] of simulated time (same parameters and seed as the page),
/// and the challenges it sets. For readers without scripts, and for search engines.
pub fn figure_static() -> String {
    use poolsim_page::format::{bytes, count, duration, per_second, percent};
    use poolsim_page::sim::{cpu_parts, SideView, SimPair};
    let state = poolsim_page::state::PageState::new(true);
    let p = &state.params;
    let mut pair = SimPair::new(p, state.seed);
    pair.run_until(FIGURE_STATIC_NS, f64::INFINITY, &|| 0.0);
    let v = pair.view();
    let direct = &v.direct;
    let pooled = v.pooled.clone().unwrap_or_default();
    let cpu = |s: &SideView| {
        cpu_parts(&s.cpu)
            .iter()
            .filter(|(_, _, share)| *share >= 0.005)
            .map(|(_, label, share)| format!("{label} {}", percent(*share)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let errors = |s: &SideView| per_second(s.errors_per_s());
    let backends = |memory: f64, backends: u32| {
        fill(
            figure_texts::BACKENDS,
            &[
                ("memory", &bytes(memory)),
                ("backends", &count(backends.into())),
            ],
        )
    };
    let transactions = |tps: f64| fill(figure_texts::TRANSACTIONS, &[("rate", &per_second(tps))]);
    let rows: [(&str, String, String); 8] = [
        (
            figure_texts::MEMORY_PRIVATE,
            backends(direct.memory_private, p.clients),
            backends(pooled.memory_private, p.pool_size),
        ),
        (
            figure_texts::MEMORY_RSS,
            bytes(direct.memory_rss),
            bytes(pooled.memory_rss),
        ),
        (
            figure_texts::THROUGHPUT,
            transactions(direct.throughput_tps),
            transactions(pooled.throughput_tps),
        ),
        (
            figure_texts::LATENCY,
            format!(
                "{} ({})",
                duration(direct.latency.p99),
                duration(direct.latency.p50)
            ),
            format!(
                "{} ({})",
                duration(pooled.latency.p99),
                duration(pooled.latency.p50)
            ),
        ),
        (
            figure_texts::SWITCHES,
            per_second(direct.context_switches_per_s),
            per_second(pooled.context_switches_per_s),
        ),
        (
            figure_texts::MIGRATIONS,
            per_second(direct.cpu_migrations_per_s),
            per_second(pooled.cpu_migrations_per_s),
        ),
        (figure_texts::ERRORS, errors(direct), errors(&pooled)),
        (figure_texts::CPU, cpu(direct), cpu(&pooled)),
    ];
    let text = fill(
        figure_texts::PARAGRAPH,
        &[
            ("clients", &count(p.clients.into())),
            ("cores", &p.cores),
            ("statements", &p.stmts_per_txn),
            ("think_ms", &p.think_ms),
            ("pool", &p.pool_size),
            ("seconds", &(FIGURE_STATIC_NS / 1_000_000_000)),
        ],
    );
    let mut out = format!(
        "<section class=\"figure-static\" aria-labelledby=\"figure-static-h\">\n<h2 \
         id=\"figure-static-h\">{}</h2>\n<p>{text}</p>\n<table \
         class=\"features\"><thead><tr><th scope=\"col\"></th><th \
         scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        figure_texts::TITLE,
        figure_texts::DIRECT,
        figure_texts::POOLED
    );
    for (label, d, q) in rows {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n",
            escape(label),
            escape(&d),
            escape(&q)
        ));
    }
    out.push_str(&format!(
        "</tbody></table>\n<p>{}</p>\n<ol>\n",
        figure_texts::CHALLENGES
    ));
    for c in poolsim_page::challenges::CHALLENGES.iter() {
        out.push_str(&format!(
            "<li>{} <span class=\"hint\">{}</span></li>\n",
            escape(c.goal),
            escape(c.hint)
        ));
    }
    out.push_str("</ol>\n</section>\n");
    out
}

/// `index.html` with the masthead in place of [`MASTHEAD_MARKER`] and the explanation in place of
/// [`MARKER`].
pub fn fill_index(index: &str, explanation: &str) -> Result<String, String> {
    for marker in [MARKER, MASTHEAD_MARKER, FIGURE_MARKER] {
        if !index.contains(marker) {
            return Err(format!("no {marker} in index.html (see www/index.html)"));
        }
    }
    let masthead = format!(
        "<h1>{}</h1>\n<p class=\"lede\">{}</p>",
        escape(poolsim_page::outline::TITLE),
        escape(poolsim_page::outline::LEDE)
    );
    Ok(index
        .replacen(MARKER, explanation, 1)
        .replacen(MASTHEAD_MARKER, &masthead, 1)
        .replacen(FIGURE_MARKER, &figure_static(), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_figure_is_prerendered_at_its_first_view_with_the_pages_seed() {
        let html = figure_static();
        assert!(html.contains("Straight to Postgres") && html.contains("Through PgBouncer"));
        assert!(
            !html.contains('{'),
            "a text's placeholder left unfilled: {html}"
        );
        // The same numbers the page's own pair gives after the same simulated time.
        let state = poolsim_page::state::PageState::new(true);
        let mut pair = poolsim_page::sim::SimPair::new(&state.params, state.seed);
        pair.run_until(FIGURE_STATIC_NS, f64::INFINITY, &|| 0.0);
        let v = pair.view();
        let tps = poolsim_page::format::per_second(v.direct.throughput_tps);
        assert!(html.contains(&format!("{tps} tx")), "{tps}: {html}");
        for c in poolsim_page::challenges::CHALLENGES.iter() {
            assert!(html.contains(&escape(c.goal)), "{}", c.goal);
        }
    }

    #[test]
    fn the_realism_figure_is_prerendered_as_its_tables_with_the_models_numbers() {
        let html = island_html("realism");
        assert_eq!(html.matches("<table").count(), 2, "{html}");
        assert!(
            !html.contains('{'),
            "a text's placeholder left unfilled: {html}"
        );
        // One row per lab point (11 client counts per route), each with the model's figure.
        assert_eq!(html.matches("<tr><th scope=\"row\">").count(), 22);
        let points = poolsim_explain::sections::realism::lab_points().unwrap();
        let done = poolsim_validate::compare(&points, &Default::default());
        let first = &done[0];
        assert!(html.contains(&poolsim_page::format::count(first.model.tps.round() as u64)));
    }

    #[test]
    fn the_masthead_and_the_explanation_fill_their_markers() {
        let index = format!(
            "<header>{MASTHEAD_MARKER}</header><div>{FIGURE_MARKER}</div><div>{MARKER}</div>"
        );
        let page = fill_index(&index, "<p>explained</p>").unwrap();
        assert!(page.contains(&format!(
            "<header><h1>{}</h1>",
            poolsim_page::outline::TITLE
        )));
        assert!(page.contains("<p class=\"lede\">Postgres serves every client connection"));
        assert!(page.contains("<div><p>explained</p></div>"));
        assert!(fill_index("<div></div>", "x").is_err());
    }

    #[test]
    fn every_figure_has_a_static_rendering() {
        let content = poolsim_page::content::english();
        for (section, markdown) in &content.sections {
            for id in poolsim_page::content::islands(markdown) {
                assert!(!island_html(id).is_empty(), "{}: {id}", section.id);
            }
        }
        assert!(island_html("presets").contains("<li class=\"preset\">"));
    }

    /// Whether `html` has `text` as a whole: a text, a sentence's word or number, an SVG text.
    fn shows(html: &str, text: &str) -> bool {
        html.match_indices(text).any(|(i, _)| {
            let before = html[..i].chars().next_back();
            let after = html[i + text.len()..].chars().next();
            matches!(before, Some(' ' | '>' | '(' | '\n'))
                && matches!(after, Some('<' | ' ' | ',' | ')' | '"' | '\n'))
        })
    }

    #[test]
    fn each_figure_is_prerendered_at_its_default_state_with_the_numbers_of_its_live_values() {
        let done = prerendered();
        for id in rendered_figures() {
            let html = &done[id].island;
            // The component's own elements, its controls there but disabled.
            assert!(
                html.starts_with("<fieldset class=\"island-prerendered\" disabled>"),
                "{id}"
            );
            assert!(html.contains("<input "), "{id}: {html}");
            assert!(!html.contains("Simulating"), "{id}: its runs are done");
            let names = poolsim_explain::sections::figure(id)
                .expect("registered")
                .shown;
            for name in names {
                let v = done[id]
                    .values
                    .iter()
                    .find(|v| v.name == *name)
                    .unwrap_or_else(|| panic!("{id} has no {name}"));
                let text = escape(&v.text);
                assert!(
                    shows(html, &text),
                    "{id}: {name} = {text} not shown in {html}"
                );
            }
        }
        // The bars' value texts, each as the figure writes it.
        let switches = &done["switches"];
        let cs = |name: &str| {
            switches
                .values
                .iter()
                .find(|v| v.name == name)
                .expect("named")
                .text
                .clone()
        };
        assert!(switches.island.contains(&format!(
            "<span class=\"bar-value\">direct {}</span>",
            cs("switches_cs_direct")
        )));
        assert!(switches.island.contains(&format!(
            "<span class=\"bar-value\">pooled {}</span>",
            cs("switches_cs_pooled")
        )));
        assert!(done["process"]
            .island
            .contains("<figcaption>40 backend processes on a 8-core server</figcaption>"));
        assert!(done["modes"].island.contains("value=\"session\" checked"));
    }

    #[test]
    fn each_rendered_figure_computes_the_live_values_its_section_defaults_give() {
        // The prerender fills the prose with the values the rendered figure computed; they must be
        // the section's own defaults (the same runs, the same function), every one of them.
        for id in rendered_figures() {
            let (_, rendered) = poolsim_explain::sections::static_html(id);
            assert_eq!(
                rendered,
                poolsim_explain::sections::defaults(id, &run_to_end),
                "{id}"
            );
        }
    }

    #[test]
    fn the_static_figures_are_the_same_bytes_every_build() {
        // The runs are cut by a wall clock natively too; the page must not depend on how.
        for id in rendered_figures() {
            assert_eq!(island_html(id), island_html(id), "{id}");
        }
    }

    #[test]
    fn the_theory_panel_is_prerendered_with_its_runs_numbers() {
        use poolsim_explain::sections::theory::{erlang_prediction, workload, THEORY_POOL};
        let w = workload(THEORY_POOL);
        let v = run_to_end(&w, poolsim_page::live::RUN_NS);
        let pooled = v.pooled.expect("the theory panel's workload is pooled");
        let html = island_html("theory");
        let tps = poolsim_explain::sections::common::rate_digits(pooled.throughput_tps);
        assert!(html.contains(&format!(">{tps}/s × ")), "{tps}: {html}");
        let (_, wait) = erlang_prediction(&pooled, THEORY_POOL);
        let wait = poolsim_page::format::duration(wait);
        assert!(
            html.contains(&format!(">{wait}</strong>")),
            "{wait}: {html}"
        );
    }

    #[test]
    fn the_sweep_chart_is_prerendered_as_svg_from_the_same_points() {
        use poolsim_explain::sections::sweep::{default_base, points, CLIENTS, SVG_SIZES};
        let html = island_html("sweep");
        assert_eq!(html.matches("<svg ").count(), SVG_SIZES.len(), "{html}");
        assert!(!html.contains("<canvas"));
        // Per chart: three panels, two series, a dot per client count.
        assert_eq!(
            html.matches("<circle ").count(),
            SVG_SIZES.len() * 3 * 2 * CLIENTS.len()
        );
        for title in [
            "transactions per second",
            "p99 latency",
            "connection memory",
        ] {
            assert_eq!(
                html.matches(&format!("\n{title}\n</text>")).count(),
                2,
                "{title}"
            );
        }
        // Its labels at the canvas's sizes (13 px titles, 11 px axes).
        assert!(html.contains("font-size=\"13\"") && html.contains("font-size=\"11\""));
        // The chart is the same drawing as the canvas's, from the same points.
        let (_, w, h) = SVG_SIZES[0];
        let svg = poolsim_explain::sections::sweep::chart_svg(
            &points(&default_base(), &run_to_end),
            w,
            h,
        );
        let body = &svg[svg.find('>').expect("an svg")..];
        assert!(html.contains(body));
        // An empty sweep draws no dots: the points are what put them there.
        assert!(!poolsim_explain::sections::sweep::chart_svg(&[], w, h).contains("<circle"));
    }
}
