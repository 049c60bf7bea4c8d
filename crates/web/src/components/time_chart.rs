//! A live chart over simulated time: one quantity, direct and pooled. Redrawn at most a few times
//! a second, whatever the frame rate.

use gloo::timers::callback::Timeout;
use poolsim_page::format;
use poolsim_page::sim::Sample;
use poolsim_ui::components::canvas::Palette;
use poolsim_ui::components::plot::{self, nice_ticks, Axis, Line};
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// What a chart plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Memory,
    ContextSwitches,
    P99,
}

impl Quantity {
    fn pick(self, s: &Sample) -> [f64; 2] {
        match self {
            Quantity::Memory => s.memory,
            Quantity::ContextSwitches => s.context_switches,
            Quantity::P99 => s.p99,
        }
    }
    fn format(self, v: f64) -> String {
        match self {
            Quantity::Memory => format::bytes(v),
            Quantity::ContextSwitches => format::per_second(v),
            Quantity::P99 => format::duration(v),
        }
    }
    fn file_name(self) -> &'static str {
        match self {
            Quantity::Memory => "memory",
            Quantity::ContextSwitches => "context-switches",
            Quantity::P99 => "p99-latency",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Quantity::Memory => "Memory (private)",
            Quantity::ContextSwitches => "Context switches per second",
            Quantity::P99 => "Latency p99",
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TimeChartProps {
    pub quantity: Quantity,
    pub history: Rc<[Sample]>,
    pub dark: bool,
    pub resize: u32,
}

/// Least real time between two redraws, ms.
const REDRAW_MS: f64 = 250.0;
/// Simulated seconds shown.
const WINDOW_S: f64 = 30.0;

fn now_ms() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

#[component]
pub fn TimeChart(props: &TimeChartProps) -> Html {
    let canvas_ref = use_node_ref();
    let last_draw = use_mut_ref(|| f64::NEG_INFINITY);
    let pending = use_mut_ref(|| None::<Timeout>);
    {
        let canvas_ref = canvas_ref.clone();
        let quantity = props.quantity;
        let palette = Palette::for_scheme(props.dark);
        use_effect_with(
            (props.history.clone(), props.dark, props.resize),
            move |(history, _, _)| {
                let history = history.clone();
                let draw_now = {
                    let last_draw = last_draw.clone();
                    move || {
                        if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                            draw(&canvas, quantity, &history, &palette);
                        }
                        *last_draw.borrow_mut() = now_ms();
                    }
                };
                let wait = *last_draw.borrow() + REDRAW_MS - now_ms();
                if wait <= 0.0 {
                    pending.borrow_mut().take();
                    draw_now();
                } else {
                    // Too soon: draw the newest data a little later (replacing an older plan).
                    *pending.borrow_mut() = Some(Timeout::new(wait as u32 + 1, draw_now));
                }
            },
        );
    }
    html! {
        <figure class="chart live-chart">
            <figcaption class="chart-title">
                { props.quantity.title() }
                <poolsim_ui::components::SavePng canvas={canvas_ref.clone()}
                                file={format!("poolsim-{}.png", props.quantity.file_name())}
                                what={props.quantity.title()} />
            </figcaption>
            <canvas ref={canvas_ref} class="chart-canvas" role="img"
                    aria-label={format!("Chart: {} over simulated time, direct and pooled", props.quantity.title())} />
        </figure>
    }
}

fn draw(canvas: &HtmlCanvasElement, q: Quantity, history: &[Sample], palette: &Palette) {
    let t_end = history.last().map_or(0.0, |s| s.t_s).max(WINDOW_S / 3.0);
    let t_start = (t_end - WINDOW_S).max(0.0);
    let shown: Vec<&Sample> = history.iter().filter(|s| s.t_s >= t_start).collect();
    let top = shown
        .iter()
        .flat_map(|s| q.pick(s))
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    // Memory ticks fall on round binary sizes (1, 2, 4 GiB), the rest on round decimals.
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let unit = match q {
        Quantity::Memory => 1024f64.powf(top.log(1024.0).floor().max(0.0)),
        _ => 1.0,
    };
    let y_ticks: Vec<f64> = nice_ticks(0.0, top / unit, 4)
        .into_iter()
        .map(|t| t * unit)
        .collect();
    let y_max = y_ticks.last().copied().unwrap_or(1.0).max(top * 1.05);
    let seconds = |t: f64| format!("{t:.0} s");
    let value = |v: f64| format::tick(&q.format(v));
    let x = Axis {
        min: t_start,
        max: t_end,
        ticks: nice_ticks(t_start, t_end, 5),
        label: &seconds,
    };
    let y = Axis {
        min: 0.0,
        max: y_max,
        ticks: y_ticks,
        label: &value,
    };
    let series =
        |i: usize| -> Vec<(f64, f64)> { shown.iter().map(|s| (s.t_s, q.pick(s)[i])).collect() };
    let (direct, pooled) = (series(0), series(1));
    plot::draw(
        canvas,
        (0.55, 150.0, 220.0),
        palette,
        &x,
        &y,
        None,
        &[
            Line {
                points: &direct,
                color: palette.direct,
                dashed: false,
            },
            Line {
                points: &pooled,
                color: palette.pooled,
                dashed: false,
            },
        ],
        &[],
    );
}
