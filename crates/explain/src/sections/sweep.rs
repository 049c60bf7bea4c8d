//! The sweep: throughput, p99 latency and memory against the number of clients, direct and
//! pooled. Each client count is a short simulated run; the runs are done a few milliseconds per
//! frame (see `job`), with a progress bar, so the page stays responsive.

use super::common::{rate_digits, use_live, Choice, RunBar};
use super::job::{use_job, Job, STEP_MS};
use super::lab::{base, Run};
use plotters::prelude::*;
use poolsim_model::Params;
use poolsim_page::format::{bytes, count, duration};
use poolsim_page::live::{num, word, Live, Runner};
use poolsim_ui::components::measured_canvas::MeasuredCanvas;
use poolsim_ui::hooks::{use_prefers_dark, use_resize_tick};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Client counts of the sweep, spaced geometrically.
pub const CLIENTS: [u32; 10] = [10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000];
/// Simulated time per point.
pub const POINT_NS: u64 = 2_000_000_000;

// One client count's results (a view model of the adapter, so the CSV export needs nothing of
// this module).
use poolsim_page::sim::SweepPoint as Point;

pub struct Sweep {
    base: Params,
    next: usize,
    run: Option<Run>,
    points: Vec<Point>,
}

impl Sweep {
    pub fn new(base: Params) -> Sweep {
        Sweep {
            base,
            next: 0,
            run: None,
            points: Vec::with_capacity(CLIENTS.len()),
        }
    }
}

impl Job for Sweep {
    type Output = Vec<Point>;
    fn step(&mut self) -> bool {
        if self.next >= CLIENTS.len() {
            return true;
        }
        let Some(run) = self.run.as_mut() else {
            // Creating a model with thousands of clients is work of its own: one step.
            let clients = CLIENTS[self.next];
            self.run = Some(Run::new(
                &Params {
                    clients,
                    ..self.base.clone()
                },
                POINT_NS,
            ));
            return false;
        };
        let clients = CLIENTS[self.next];
        if run.step_ms(STEP_MS) {
            self.points.push(point(clients, &run.view()));
            self.run = None;
            self.next += 1;
        }
        self.next >= CLIENTS.len()
    }
    fn progress(&self) -> f64 {
        let partial = self.run.as_ref().map_or(0.0, |r| r.progress());
        (self.next as f64 + partial) / CLIENTS.len() as f64
    }
    fn output(&self) -> Vec<Point> {
        self.points.clone()
    }
}

/// The sweep's live numbers: its pool size and, once it has points, the peaks and the last point.
pub fn live(pool_size: u32, points: &[Point]) -> Vec<Live> {
    let best = |i: usize| {
        points
            .iter()
            .copied()
            .max_by(|a, b| a.tps[i].total_cmp(&b.tps[i]))
            .unwrap_or(Point {
                clients: 0,
                tps: [0.0; 2],
                p99: [0.0; 2],
                memory: [0.0; 2],
            })
    };
    let (bd, bp) = (best(0), best(1));
    let l = points.last().copied().unwrap_or(Point {
        clients: 0,
        tps: [0.0; 2],
        p99: [0.0; 2],
        memory: [0.0; 2],
    });
    vec![
        word("sweep_pool_size", pool_size.to_string()),
        num("sweep_peak_direct", bd.tps[0], rate_digits(bd.tps[0])),
        num(
            "sweep_peak_direct_clients",
            f64::from(bd.clients),
            count(bd.clients.into()),
        ),
        num("sweep_peak_pooled", bp.tps[1], rate_digits(bp.tps[1])),
        num(
            "sweep_last_clients",
            f64::from(l.clients),
            count(l.clients.into()),
        ),
        num("sweep_last_tps_direct", l.tps[0], rate_digits(l.tps[0])),
        num("sweep_last_p99_direct", l.p99[0], duration(l.p99[0])),
        num("sweep_last_mem_direct", l.memory[0], bytes(l.memory[0])),
        num("sweep_last_tps_pooled", l.tps[1], rate_digits(l.tps[1])),
        num("sweep_last_p99_pooled", l.p99[1], duration(l.p99[1])),
        num("sweep_last_mem_pooled", l.memory[1], bytes(l.memory[1])),
    ]
}

/// The sweep's points for `base`, each client count run to the end with `run`.
pub fn points(base: &Params, run: Runner) -> Vec<Point> {
    CLIENTS
        .iter()
        .map(|&clients| {
            point(
                clients,
                &run(
                    &Params {
                        clients,
                        ..base.clone()
                    },
                    POINT_NS,
                ),
            )
        })
        .collect()
}

/// One client count's results from its run.
fn point(clients: u32, v: &poolsim_page::sim::LiveView) -> Point {
    let p = v.pooled.clone().unwrap_or_default();
    Point {
        clients,
        tps: [v.direct.throughput_tps, p.throughput_tps],
        p99: [v.direct.latency.p99, p.latency.p99],
        memory: [v.direct.memory_private, p.memory_private],
    }
}

/// The sweep's default: the page's default workload on 8 cores.
pub fn default_base() -> Params {
    Params { cores: 8, ..base() }
}

/// The sweep's live numbers before the reader touches it.
pub fn defaults(run: Runner) -> Vec<Live> {
    let w = default_base();
    live(w.pool_size, &points(&w, run))
}

/// The sweep's figure: three charts against the number of clients, its controls and progress.
#[component]
pub fn SweepSection() -> Html {
    let cores = use_state(|| AttrValue::from("8"));
    let generation = use_state(|| 0u32);
    let w = Params {
        cores: cores.parse().unwrap_or(8),
        ..base()
    };
    let sweep = use_job((w.clone(), *generation), |(w, _)| Sweep::new(w.clone()));
    let canvas = use_node_ref();
    let dark = use_prefers_dark();
    let resize = use_resize_tick();
    {
        let canvas = canvas.clone();
        use_effect_with(
            (sweep.output.clone(), dark, resize),
            move |(points, _, _)| {
                if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                    // A drawing error leaves the previous frame; the prose still has the numbers.
                    let _ = draw(&c, points);
                }
            },
        );
    }
    let on_cores = {
        let cores = cores.clone();
        Callback::from(move |v| cores.set(v))
    };
    let restart = {
        let generation = generation.clone();
        Callback::from(move |_| generation.set(*generation + 1))
    };
    let save_csv = {
        let points = sweep.output.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = poolsim_ui::export::download_text(
                "poolsim-sweep.csv",
                "text/csv",
                &poolsim_page::export::sweep_csv(&points),
            );
        })
    };
    let points = &sweep.output;
    use_live(live(w.pool_size, points), sweep.done);
    html! {
        <>
            <figure class="explain-figure">
                { chart(&canvas, points) }
                <figcaption class="legend">
                    <span class="key direct">{ "direct to Postgres" }</span>
                    <span class="key pooled">{ format!("through PgBouncer (pool of {})", w.pool_size) }</span>
                </figcaption>
            </figure>
            <div class="sweep-actions">
                <Choice name="sweep-cores" legend="Cores" value={(*cores).clone()} on_change={on_cores}
                        options={vec![("4".into(), "4".into()), ("8".into(), "8".into()), ("32".into(), "32".into())]} />
                <button type="button" onclick={restart}>{ "Run the sweep again" }</button>
                <button type="button" onclick={save_csv} disabled={points.is_empty()}>{ "Download CSV" }</button>
                <poolsim_ui::components::SavePng canvas={canvas.clone()} file="poolsim-sweep.png" what="sweep" />
            </div>
            <RunBar metric="sweep_progress"
                    label={if sweep.done { format!("Swept {} client counts", CLIENTS.len()) }
                           else { format!("Simulating {} client counts", CLIENTS.len()) }}
                    progress={sweep.progress} />
            <span hidden=true data-metric="sweep_worst_frame_ms" data-value={sweep.worst_frame_ms.to_string()} />
        </>
    }
}

const CHART_LABEL: &str = "Three charts against the number of clients, direct and pooled: \
                           throughput, 99th percentile latency and private memory";

/// The chart's element: the canvas the effect draws on.
#[cfg(not(feature = "ssr"))]
fn chart(canvas: &NodeRef, _points: &[Point]) -> Html {
    html! { <canvas ref={canvas.clone()} class="sweep-canvas" role="img" aria-label={CHART_LABEL} /> }
}

/// The chart's element natively (the prerender's server rendering): the same chart as SVG, in
/// the canvas's box, one per screen width (`SVG_SIZES`).
#[cfg(feature = "ssr")]
fn chart(_canvas: &NodeRef, points: &[Point]) -> Html {
    let svgs: String = SVG_SIZES
        .iter()
        .map(|(name, w, h)| {
            chart_svg(points, *w, *h).replacen(
                "<svg ",
                &format!(
                    "<svg class=\"sweep-canvas sweep-svg sweep-svg-{name}\" role=\"img\" aria-label=\"{CHART_LABEL}\" "
                ),
                1,
            )
        })
        .collect();
    Html::from_html_unchecked(svgs.into())
}

/// Reads a colour variable of the page (`--direct`, …) as RGB; falls back to grey.
fn css_colour(el: &web_sys::Element, var: &str) -> RGBColor {
    let value = gloo::utils::window()
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value(var).ok())
        .unwrap_or_default();
    let hex = value.trim().trim_start_matches('#');
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(0x80);
    if hex.len() == 6 {
        RGBColor(byte(0), byte(2), byte(4))
    } else {
        RGBColor(0x80, 0x80, 0x80)
    }
}

/// One panel of the sweep chart: title, which value of a point (0 direct, 1 pooled), its format.
type Panel = (&'static str, fn(&Point, usize) -> f64, fn(f64) -> String);

/// The chart's colours (the page's `--panel`, `--text`, `--line`, `--direct`, `--pooled`) and
/// its device pixels per CSS pixel.
struct Look {
    dpr: f64,
    bg: RGBColor,
    text: RGBColor,
    grid: RGBColor,
    colours: [RGBColor; 2],
}

fn draw(canvas: &HtmlCanvasElement, points: &[Point]) -> Result<(), Box<dyn std::error::Error>> {
    let dpr = gloo::utils::window().device_pixel_ratio().max(1.0);
    let css_w = f64::from(canvas.client_width().max(260));
    let css_h = f64::from(canvas.client_height().max(300));
    canvas.set_width((css_w * dpr) as u32);
    canvas.set_height((css_h * dpr) as u32);
    let look = Look {
        dpr,
        bg: css_colour(canvas, "--panel"),
        text: css_colour(canvas, "--text"),
        grid: css_colour(canvas, "--line"),
        colours: [
            css_colour(canvas, "--direct"),
            css_colour(canvas, "--pooled"),
        ],
    };
    let root = MeasuredCanvas::new(canvas)
        .ok_or("no 2d context")?
        .into_drawing_area();
    draw_on(&root, points, &look)
}

/// The chart on any plotters backend: the canvas in the browser, SVG in the prerender.
fn draw_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    points: &[Point],
    look: &Look,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let Look {
        dpr,
        bg,
        text,
        grid,
        colours,
    } = look;
    let px = |v: f64| (v * dpr) as i32;
    root.fill(bg)?;
    let panels = root.split_evenly((3, 1));
    let x_range = (f64::from(CLIENTS[0]) * 0.8)..(f64::from(CLIENTS[CLIENTS.len() - 1]) * 1.25);
    // The family named, not given as a `&str` plotters would lowercase (linking the Unicode case
    // tables).
    let font = |size: f64| (FontFamily::SansSerif, size * dpr).into_font().color(text);
    let specs: [Panel; 3] = [
        ("transactions per second", |p, i| p.tps[i], |v| rate_digits(v)),
        ("p99 latency", |p, i| p.p99[i], |v| duration(v)),
        ("connection memory", |p, i| p.memory[i], |v| bytes(v)),
    ];
    for (area, (title, pick, fmt)) in panels.iter().zip(specs) {
        let values: Vec<f64> = points
            .iter()
            .flat_map(|p| [pick(p, 0), pick(p, 1)])
            .filter(|v| *v > 0.0)
            .collect();
        let max = values.iter().copied().fold(0.0f64, f64::max).max(1e-6) * 1.3;
        // Log axes spanning at least a factor of ten, with a little room under the lowest point.
        let min = values
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
            .min(max / 10.0)
            .max(max * 1e-5)
            * 0.6;
        let mut chart = ChartBuilder::on(area)
            .margin(px(8.0))
            .caption(title, font(13.0))
            .x_label_area_size(px(24.0))
            .y_label_area_size(px(66.0))
            .build_cartesian_2d(x_range.clone().log_scale(), (min..max).log_scale())?;
        chart
            .configure_mesh()
            // No minor grid (the major lines and labels carry the scale).
            .light_line_style(TRANSPARENT)
            .bold_line_style(grid)
            .axis_style(text)
            .x_label_style(font(11.0))
            .y_label_style(font(11.0))
            .x_labels(6)
            .y_labels(4)
            .x_label_formatter(&|v| count(v.round() as u64))
            .y_label_formatter(&|v| fmt(*v))
            .draw()?;
        for (i, colour) in colours.iter().enumerate() {
            let series: Vec<(f64, f64)> = points
                .iter()
                .map(|p| (f64::from(p.clients), pick(p, i).max(min)))
                .collect();
            chart.draw_series(LineSeries::new(
                series.clone(),
                colour.stroke_width(px(2.5) as u32),
            ))?;
            chart.draw_series(
                series
                    .into_iter()
                    .map(|xy| Circle::new(xy, px(3.5), colour.filled())),
            )?;
        }
    }
    root.present()?;
    Ok(())
}

/// Sizes of the chart's SVG renderings, CSS pixels: the canvas's box on a wide screen (the
/// explanation's column less the figure's padding) and on a phone (`www/sections.css`,
/// `.sweep-canvas`). Each is shown at its width (`.sweep-svg-wide`, `.sweep-svg-narrow`).
#[cfg(feature = "ssr")]
pub const SVG_SIZES: [(&str, u32, u32); 2] = [("wide", 702, 540), ("narrow", 330, 620)];

/// The chart as SVG, drawn by the same code as the canvas (`draw_on`), for the prerender: in the
/// light theme's colours, which `www/sections.css` maps to the page's colour variables (so it
/// follows dark mode).
#[cfg(feature = "ssr")]
pub fn chart_svg(points: &[Point], width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let hex = |h: u32| RGBColor((h >> 16) as u8, (h >> 8) as u8, h as u8);
        let look = Look {
            dpr: 1.0,
            bg: hex(0xffffff),
            text: hex(0x22262e),
            grid: hex(0xdfe3e9),
            colours: [hex(0xc83a2c), hex(0x1f6fb5)],
        };
        // Drawing into a string cannot fail but for a panel too small to lay out: then no chart.
        if draw_on(&root, points, &look).is_err() {
            return String::new();
        }
    }
    canvas_font_sizes(&svg)
}

/// Each `font-size` as the canvas draws it: plotters' SVG backend writes the style's size divided
/// by 1.24 (and every digit of it), its canvas backend the size itself, so the SVG's labels would
/// be a fifth smaller than the live chart's.
#[cfg(feature = "ssr")]
fn canvas_font_sizes(svg: &str) -> String {
    const ATTR: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find(ATTR) {
        let (head, tail) = rest.split_at(i + ATTR.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        match tail[..end].parse::<f64>() {
            Ok(size) => out.push_str(&format!("{}", (size * 1.24 * 100.0).round() / 100.0)),
            Err(_) => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Section `sweep`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "sweep",
    view: |_| html! { <SweepSection /> },
    defaults,
    prerender: super::Prerender::Component,
    shown: &["sweep_pool_size", "sweep_last_clients"],
};
