//! "How realistic is this model?": the model against a real server. The measurement lab's
//! select-only points (`bench/lab/results/select_only.csv`, embedded at build time into the
//! explanation's module only) are drawn as dots with min–max bars over the lab's repetitions; the
//! model's `lab` preset is run at every one of them while the reader reads (`sim::lab`, stepped by
//! [`use_job`] under the explanation's frame budget) and drawn as lines. Under the charts, the
//! residuals in words and a table per route, all computed from the live numbers.

use super::common::{Num, RunBar};
use super::job::{now_ms, use_job, Job, STEP_MS};
use poolsim_content::{fill, texts::realism as texts};
use poolsim_model::calibration as cal;
use poolsim_page::format::{count, duration, tick};
use poolsim_page::sim::lab::LabRuns;
use poolsim_ui::components::canvas::{Palette, Rgb};
use poolsim_ui::components::plot::{self, nice_ticks, Axis, Line};
use poolsim_ui::hooks::{use_prefers_dark, use_resize_tick};
use poolsim_validate::{Compared, LabError, LabPoint, Route, RouteSummary};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// The model document's section comparing it with the lab, p99 included: `model.html` is
/// `crates/model/MODEL.md` rendered beside the page by `cargo xtask dist`.
const MODEL_DOC: &str = "model.html#validation-against-a-real-server";

/// The lab's select-only results, as committed.
pub const LAB_CSV: &str = include_str!("../../../../bench/lab/results/select_only.csv");

/// The lab's points, parsed from [`LAB_CSV`].
pub fn lab_points() -> Result<Vec<LabPoint>, LabError> {
    poolsim_validate::parse_select_only(LAB_CSV)
}

/// The client counts the lab measured on `route`, in the file's order.
pub fn route_clients(points: &[LabPoint], route: Route) -> Vec<u32> {
    points
        .iter()
        .filter(|p| p.route == route)
        .map(|p| p.clients)
        .collect()
}

/// The model's runs at the lab's points, as a progressive job.
struct Comparison(LabRuns);

impl Job for Comparison {
    type Output = Vec<Compared>;
    fn step(&mut self) -> bool {
        let deadline = now_ms() + STEP_MS;
        self.0.run_until(deadline, &now_ms)
    }
    fn progress(&self) -> f64 {
        self.0.progress()
    }
    fn output(&self) -> Vec<Compared> {
        self.0.compared().to_vec()
    }
}

/// "+16.8 %", "−27.5 %", "+234 %": a relative error with a real minus sign.
pub fn signed_percent(e: f64) -> String {
    let p = e * 100.0;
    let text = if p.abs() >= 99.5 {
        format!("{p:+.0} %")
    } else {
        format!("{p:+.1} %")
    };
    text.replacen('-', "−", 1)
}

/// "1 client", "1,000 clients".
fn clients_text(n: u32) -> String {
    if n == 1 {
        "1 client".into()
    } else {
        format!("{} clients", count(n.into()))
    }
}

/// "20k" for a throughput axis tick.
fn thousands_tick(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v >= 1000.0 {
        format!("{}k", tick(&format!("{:.1}", v / 1000.0)))
    } else {
        format!("{v:.0}")
    }
}

/// A piece of a sentence: text, or a live number (metric name, value in base units, text).
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    Live(String, f64, String),
}

/// The words for one route's throughput: how many points lie within the tolerance and within
/// the lab's own spread, the largest error, and where the peaks are and how far each curve falls
/// by the largest client count, `last`.
pub fn route_words(s: &RouteSummary, last: u32) -> Vec<Piece> {
    let key = s.route.key();
    let text = |t: &str| Piece::Text(t.to_string());
    let live = |name: &str, value: f64, shown: String| {
        Piece::Live(format!("realism_{key}_{name}"), value, shown)
    };
    let last = count(last.into());
    let fall = |f: f64| {
        if f.abs() < 0.005 {
            format!("level at {last}")
        } else if f > 0.0 {
            format!("{} lower at {last}", poolsim_page::format::percent(f))
        } else {
            format!("{} higher at {last}", poolsim_page::format::percent(-f))
        }
    };
    let points = live("points", s.points as f64, count(s.points as u64));
    let mut out = vec![text(&format!(
        "within ±{:.0}\u{a0}% of the lab's median at ",
        poolsim_validate::TPS_TOLERANCE * 100.0
    ))];
    if s.within_tolerance == s.points {
        out.extend([text("every one of its "), points]);
    } else {
        out.extend([
            live(
                "within",
                s.within_tolerance as f64,
                count(s.within_tolerance as u64),
            ),
            text(" of its "),
            points,
        ]);
    }
    out.extend([
        text(" client counts, and inside the spread of the lab's own runs at "),
        live(
            "in_range",
            s.within_spread as f64,
            count(s.within_spread as u64),
        ),
        text("; largest error "),
        live("worst", s.worst.1, signed_percent(s.worst.1)),
        text(", at "),
        live(
            "worst_clients",
            f64::from(s.worst.0),
            clients_text(s.worst.0),
        ),
        text(". The lab peaks at "),
        live(
            "peak_lab",
            f64::from(s.peak_clients.0),
            clients_text(s.peak_clients.0),
        ),
        text(" and is "),
        live("fall_lab", s.fall.0, fall(s.fall.0)),
        text("; the model peaks at "),
        live(
            "peak_model",
            f64::from(s.peak_clients.1),
            clients_text(s.peak_clients.1),
        ),
        text(" and is "),
        live("fall_model", s.fall.1, fall(s.fall.1)),
        text("."),
    ]);
    out
}

fn render_words(words: Vec<Piece>) -> Html {
    html! {
        { for words.into_iter().map(|piece| match piece {
            Piece::Live(metric, value, shown) => html! { <Num metric={metric} value={value} text={shown} /> },
            Piece::Text(t) => html! { { t } },
        }) }
    }
}

/// Points whose model p99 is below the lab's median p99, of those where the lab measured one.
pub fn p99_below(points: &[Compared]) -> (usize, usize) {
    let with: Vec<&Compared> = points.iter().filter(|p| p.p99_error().is_some()).collect();
    let below = with.iter().filter(|p| p.p99_error() < Some(0.0)).count();
    (below, with.len())
}

#[component]
pub fn RealismFigure() -> Html {
    let parsed = use_memo((), |_| lab_points());
    let points = parsed.as_ref().as_ref().ok().cloned().unwrap_or_default();
    let total = points.len();
    let job = use_job((), move |_| Comparison(LabRuns::new(points)));
    let tps_canvas = use_node_ref();
    let p99_canvas = use_node_ref();
    let dark = use_prefers_dark();
    let resize = use_resize_tick();
    {
        let (tps_canvas, p99_canvas, parsed) =
            (tps_canvas.clone(), p99_canvas.clone(), parsed.clone());
        use_effect_with(
            (job.output.clone(), dark, resize),
            move |(done, dark, _)| {
                let palette = Palette::for_scheme(*dark);
                let lab = parsed.as_ref().as_ref().map(Vec::as_slice).unwrap_or(&[]);
                if let Some(c) = tps_canvas.cast::<HtmlCanvasElement>() {
                    draw_tps(&c, &palette, lab, done);
                }
                if let Some(c) = p99_canvas.cast::<HtmlCanvasElement>() {
                    draw_p99(&c, &palette, lab, done);
                }
            },
        );
    }
    let Ok(lab_points) = parsed.as_ref() else {
        let err = parsed.as_ref().as_ref().err().map(ToString::to_string);
        return html! { <p class="run-note">{ format!("The lab's data could not be read: {}", err.unwrap_or_default()) }</p> };
    };
    let done = &job.output;
    let reps = lab_points.iter().map(|p| p.reps).max().unwrap_or(1);
    let summaries: Vec<RouteSummary> = Route::ALL
        .iter()
        .filter_map(|r| poolsim_validate::route_summary(done, *r))
        .collect();
    let checks = poolsim_validate::checks(done);
    let passed = checks.iter().filter(|c| c.pass).count();
    let (below, with_p99) = p99_below(done);
    html! {
        <div class="realism">
            <p>
                { format!("Each dot is the median of the lab's {} runs at one client count, its bar their range; each \
                   line is the model's ", count(reps.into())) }
                <code>{ "lab" }</code>
                { format!(" preset — {} cores, pgbench on the same machine, a transaction pool of {} for the PgBouncer \
                   route — run at the same client counts while you read.", cal::LAB_CORES, cal::LAB_POOL_SIZE) }
            </p>
            <figure class="explain-figure">
                <p class="chart-title" aria-hidden="true">{ "Transactions per second" }</p>
                <canvas ref={tps_canvas} class="chart-canvas realism-canvas" role="img"
                        aria-label="Chart: transactions per second against clients on a log scale, the lab's measurements as dots with min–max bars and the model as lines, direct and through PgBouncer. The table below has every number." />
                <p class="chart-title" aria-hidden="true">{ "99th percentile latency (log scale)" }</p>
                <canvas ref={p99_canvas} class="chart-canvas realism-canvas" role="img"
                        aria-label="Chart: 99th percentile latency against clients, both on log scales, the lab as dots with bars and the model as lines, direct and through PgBouncer." />
                <figcaption class="legend">
                    <span class="key direct">{ "direct to Postgres" }</span>
                    <span class="key pooled">{ format!("through PgBouncer (pool of {})", cal::LAB_POOL_SIZE) }</span>
                    <span>{ "dots and bars: measured; lines: the model" }</span>
                </figcaption>
            </figure>
            <RunBar metric="realism_progress"
                    label={if job.done { format!("Simulated the lab's {total} points") }
                           else { format!("Simulating the lab's {total} points") }}
                    progress={job.progress} />
            if job.done && !summaries.is_empty() {
                <p>{ texts::WORDS_INTRO }</p>
                <ul class="realism-words">
                    { for summaries.iter().map(|s| {
                        let last = route_clients(lab_points, s.route).into_iter().max().unwrap_or(1);
                        html! {
                            <li><strong>{ match s.route { Route::Direct => texts::DIRECT, Route::PgBouncer => texts::PGBOUNCER } }{ " " }</strong>
                                { render_words(route_words(s, last)) }</li>
                        }
                    }) }
                </ul>
                <p>
                    { "The model's 99th-percentile latency is below the lab's at " }
                    <Num metric="realism_p99_below" value={below as f64} text={count(below as u64)} />
                    { format!(" of {with_p99} points. Of the {} checks ", checks.len()) }
                    <code>{ "poolsim validate" }</code>
                    { " makes with these same runs, " }
                    <Num metric="realism_checks_passed" value={passed as f64} text={count(passed as u64)} />
                    { if passed == 1 { " passes." } else { " pass." } }
                </p>
            }
            <div class="realism-tables">
                { for Route::ALL.iter().map(|r| table(*r, lab_points, done)) }
            </div>
            <p class="run-note">
                { format!("Errors in bold lie outside ±{:.0}\u{a0}%. The same comparison, with p99 latency, is in the ",
                          poolsim_validate::TPS_TOLERANCE * 100.0) }
                <a href={MODEL_DOC}>{ "model document" }</a>{ "." }
            </p>
        </div>
    }
}

/// One route's table: clients, the lab's median and range, the model, the error.
fn table(route: Route, lab_points: &[LabPoint], done: &[Compared]) -> Html {
    let mut rows: Vec<&LabPoint> = lab_points.iter().filter(|p| p.route == route).collect();
    rows.sort_by_key(|p| p.clients);
    let caption = match route {
        Route::Direct => texts::CAPTION_DIRECT.to_string(),
        Route::PgBouncer => fill(texts::CAPTION_PGBOUNCER, &[("pool", &cal::LAB_POOL_SIZE)]),
    };
    html! {
        <div class="table-wrap">
            <table class="features realism-table" data-route={route.key()}>
                <caption>{ format!("{caption}: {}", texts::CAPTION_UNIT) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ texts::CLIENTS }</th>
                        <th scope="col">{ texts::MEASURED }<span class="sub">{ texts::MEASURED_SPREAD }</span></th>
                        <th scope="col">{ texts::MODEL }</th>
                        <th scope="col">{ texts::ERROR }</th>
                    </tr>
                </thead>
                <tbody>
                    { for rows.iter().map(|p| {
                        let model = done.iter().find(|c| c.lab.route == route && c.lab.clients == p.clients);
                        let metric = format!("realism_tps_{}_{}", route.key(), p.clients);
                        html! {
                            <tr>
                                <th scope="row">{ count(p.clients.into()) }</th>
                                <td>
                                    { count(p.tps.median.round() as u64) }
                                    <span class="sub">{ format!("{}–{}", count(p.tps.min.round() as u64), count(p.tps.max.round() as u64)) }</span>
                                </td>
                                if let Some(c) = model {
                                    <td data-metric={metric} data-value={c.model.tps.to_string()}>{ count(c.model.tps.round() as u64) }</td>
                                    <td class={classes!((c.tps_error().abs() > poolsim_validate::TPS_TOLERANCE).then_some("outside"))}>
                                        { signed_percent(c.tps_error()) }
                                    </td>
                                } else {
                                    <td class="pending">{ "…" }</td>
                                    <td class="pending">{ "…" }</td>
                                }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// The colour of a route.
fn colour(palette: &Palette, route: Route) -> Rgb {
    match route {
        Route::Direct => palette.direct,
        Route::PgBouncer => palette.pooled,
    }
}

/// The x axis: log10 of the client count, a little beyond the lab's smallest and largest.
fn x_extent(lab: &[LabPoint]) -> (f64, f64) {
    let lo = lab.iter().map(|p| p.clients).min().unwrap_or(1);
    let hi = lab
        .iter()
        .map(|p| p.clients)
        .max()
        .unwrap_or(1000)
        .max(lo + 1);
    (
        (f64::from(lo) * 0.75).log10(),
        (f64::from(hi) * 1.35).log10(),
    )
}

/// Half the width of a whisker's cap, in log10 units.
const CAP: f64 = 0.035;

/// Whiskers (min–max bars with caps) of one route's points, as one line broken by NaN points.
fn whiskers(
    lab: &[LabPoint],
    route: Route,
    y: impl Fn(&LabPoint) -> Option<(f64, f64)>,
) -> Vec<(f64, f64)> {
    let gap = (f64::NAN, f64::NAN);
    lab.iter()
        .filter(|p| p.route == route)
        .filter_map(|p| y(p).map(|(lo, hi)| (f64::from(p.clients).log10(), lo, hi)))
        .flat_map(|(x, lo, hi)| {
            [
                (x, lo),
                (x, hi),
                gap,
                (x - CAP, lo),
                (x + CAP, lo),
                gap,
                (x - CAP, hi),
                (x + CAP, hi),
                gap,
            ]
        })
        .collect()
}

/// The model's line of one route, in client order.
fn model_line(done: &[Compared], route: Route, y: impl Fn(&Compared) -> f64) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = done
        .iter()
        .filter(|c| c.lab.route == route)
        .map(|c| (f64::from(c.lab.clients).log10(), y(c)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

fn clients_label(v: f64) -> String {
    count(10f64.powf(v).round() as u64)
}

/// Throughput against clients (log x).
fn draw_tps(canvas: &HtmlCanvasElement, palette: &Palette, lab: &[LabPoint], done: &[Compared]) {
    let (x_min, x_max) = x_extent(lab);
    let y_max = lab
        .iter()
        .map(|p| p.tps.max)
        .chain(done.iter().map(|c| c.model.tps))
        .fold(1.0, f64::max)
        * 1.08;
    let mut lines_data = Vec::new();
    for route in Route::ALL {
        lines_data.push((
            whiskers(lab, route, |p| Some((p.tps.min, p.tps.max))),
            colour(palette, route),
        ));
        lines_data.push((
            model_line(done, route, |c| c.model.tps),
            colour(palette, route),
        ));
    }
    let dots: Vec<(f64, f64, Rgb)> = lab
        .iter()
        .map(|p| {
            (
                f64::from(p.clients).log10(),
                p.tps.median,
                colour(palette, p.route),
            )
        })
        .collect();
    let x = Axis {
        min: x_min,
        max: x_max,
        ticks: (x_min.ceil() as i32..=x_max.floor() as i32)
            .map(f64::from)
            .collect(),
        label: &clients_label,
    };
    let y = Axis {
        min: 0.0,
        max: y_max,
        ticks: nice_ticks(0.0, y_max, 4),
        label: &thousands_tick,
    };
    let lines: Vec<Line> = lines_data
        .iter()
        .map(|(points, color)| Line {
            points,
            color: *color,
            dashed: false,
        })
        .collect();
    plot::draw(
        canvas,
        (0.55, 220.0, 360.0),
        palette,
        &x,
        &y,
        Some("clients (log scale)"),
        &lines,
        &dots,
    );
}

/// p99 latency against clients (log x, log y).
fn draw_p99(canvas: &HtmlCanvasElement, palette: &Palette, lab: &[LabPoint], done: &[Compared]) {
    let (x_min, x_max) = x_extent(lab);
    let values = lab
        .iter()
        .filter_map(|p| p.p99_ms.map(|s| [s.min, s.max]))
        .flatten()
        .chain(done.iter().map(|c| c.model.p99_ms))
        .filter(|v| *v > 0.0);
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (y_min, y_max) = if lo.is_finite() {
        (
            (lo.log10() - 0.15).floor().min(-1.0),
            (hi.log10() + 0.15).ceil().max(0.0),
        )
    } else {
        (-1.0, 2.0)
    };
    let log = |v: f64| v.max(1e-6).log10();
    let mut lines_data = Vec::new();
    for route in Route::ALL {
        lines_data.push((
            whiskers(lab, route, |p| p.p99_ms.map(|s| (log(s.min), log(s.max)))),
            colour(palette, route),
        ));
        lines_data.push((
            model_line(done, route, |c| log(c.model.p99_ms)),
            colour(palette, route),
        ));
    }
    let dots: Vec<(f64, f64, Rgb)> = lab
        .iter()
        .filter_map(|p| {
            p.p99_ms.map(|s| {
                (
                    f64::from(p.clients).log10(),
                    log(s.median),
                    colour(palette, p.route),
                )
            })
        })
        .collect();
    let ms_label = |v: f64| tick(&duration(10f64.powf(v) / 1e3));
    let x = Axis {
        min: x_min,
        max: x_max,
        ticks: (x_min.ceil() as i32..=x_max.floor() as i32)
            .map(f64::from)
            .collect(),
        label: &clients_label,
    };
    let y = Axis {
        min: y_min,
        max: y_max,
        ticks: (y_min as i32..=y_max as i32).map(f64::from).collect(),
        label: &ms_label,
    };
    let lines: Vec<Line> = lines_data
        .iter()
        .map(|(points, color)| Line {
            points,
            color: *color,
            dashed: false,
        })
        .collect();
    plot::draw(
        canvas,
        (0.4, 180.0, 280.0),
        palette,
        &x,
        &y,
        Some("clients (log scale)"),
        &lines,
        &dots,
    );
}

/// Section `realism`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "realism",
    view: |_| html! { <RealismFigure /> },
    defaults: |_| Vec::new(),
    prerender: super::Prerender::ByThePrerender,
    shown: &[],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_lab_file_has_both_routes_at_every_client_count() {
        let points = lab_points().expect("the committed lab file parses");
        for route in Route::ALL {
            assert_eq!(
                route_clients(&points, route),
                [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000],
                "{route:?}"
            );
        }
        assert!(points.iter().all(|p| p.p99_ms.is_some() && p.reps >= 1));
    }

    #[test]
    fn errors_and_ticks_read_as_people_write_them() {
        assert_eq!(signed_percent(-0.275), "−27.5 %");
        assert_eq!(signed_percent(2.345), "+235 %");
        assert_eq!(signed_percent(0.05), "+5.0 %");
        assert_eq!(thousands_tick(20_000.0), "20k");
        assert_eq!(thousands_tick(12_500.0), "12.5k");
        assert_eq!(thousands_tick(0.0), "0");
        assert_eq!(clients_text(1), "1 client");
        assert_eq!(clients_text(1000), "1,000 clients");
    }

    #[test]
    fn whiskers_are_bars_with_caps_broken_between_points() {
        let points = lab_points().unwrap();
        let w = whiskers(&points, Route::Direct, |p| Some((p.tps.min, p.tps.max)));
        assert_eq!(w.len(), 11 * 9);
        assert_eq!(w[0], (0.0, points[0].tps.min));
        assert_eq!(w[1], (0.0, points[0].tps.max));
        assert!(w[2].0.is_nan());
    }
}
