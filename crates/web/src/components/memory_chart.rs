//! Memory versus clients, direct and pooled, with the current point marked. Solid: private memory;
//! dashed: what `top`'s RSS column adds up to.

use poolsim_model::{idle_memory, MemoryConfig};
use poolsim_page::format;
use poolsim_ui::components::canvas::Palette;
use poolsim_ui::components::plot::{self, Axis, Line};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MemoryChartProps {
    pub clients: u32,
    pub pool_size: u32,
    pub max_clients: u32,
    pub dark: bool,
    pub resize: u32,
}

#[component]
pub fn MemoryChart(props: &MemoryChartProps) -> Html {
    let canvas_ref = use_node_ref();
    {
        let canvas_ref = canvas_ref.clone();
        use_effect_with(
            (
                props.clients,
                props.pool_size,
                props.max_clients,
                props.dark,
                props.resize,
            ),
            move |&(clients, pool, max_clients, dark, _)| {
                if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                    // A drawing error leaves the previous frame; the readouts still show the numbers.
                    let palette = Palette::for_scheme(dark);
                    draw(&canvas, clients, pool, max_clients, &palette);
                }
            },
        );
    }
    html! {
        <figure class="chart">
            <canvas ref={canvas_ref.clone()} class="chart-canvas" role="img"
                    aria-label="Chart: private memory of server connections versus number of clients, direct and through a pooler" />
            <figcaption>
                <poolsim_ui::components::SavePng canvas={canvas_ref.clone()} file="poolsim-memory-vs-clients.png"
                                what="memory versus clients" />
                <span class="key direct">{ "direct: one backend per client" }</span>
                <span class="key pooled">{ format!("pooled: at most {} backends", format::count(props.pool_size.into())) }</span>
                <span class="key dashed">{ "dashed: what top's RSS column adds up to" }</span>
            </figcaption>
        </figure>
    }
}

fn draw(canvas: &HtmlCanvasElement, clients: u32, pool: u32, max_clients: u32, palette: &Palette) {
    let config = MemoryConfig::default();
    // x is log10(clients) and y is log2(bytes), both on linear axes, so ticks fall on round
    // numbers of clients and on round binary sizes.
    let max_x = f64::from(max_clients.max(2)).log10();
    let samples: Vec<u32> = (0..=160)
        .map(|i| 10f64.powf(max_x * f64::from(i) / 160.0).round() as u32)
        .collect();
    let series = |pooled: bool, rss: bool| -> Vec<(f64, f64)> {
        samples
            .iter()
            .map(|&n| {
                let m = idle_memory(&config, n, pooled.then_some(pool));
                let y = if rss { m.rss_total } else { m.private_total };
                (f64::from(n).log10(), y.max(1.0).log2())
            })
            .collect()
    };
    let top = idle_memory(&config, max_clients, None)
        .rss_total
        .log2()
        .ceil()
        + 1.0;
    let bottom = idle_memory(&config, 1, Some(1))
        .private_total
        .log2()
        .floor();
    let y_ticks: Vec<f64> = (bottom as i32..=top as i32)
        .filter(|e| (e - bottom as i32) % 3 == 0)
        .map(f64::from)
        .collect();
    let clients_label = |v: f64| format::count(10f64.powf(v).round() as u64);
    let bytes_label = |v: f64| format::tick(&format::bytes(v.exp2()));
    let x = Axis {
        min: 0.0,
        max: max_x,
        ticks: (0..=max_x.floor() as i32).map(f64::from).collect(),
        label: &clients_label,
    };
    let y = Axis {
        min: bottom,
        max: top,
        ticks: y_ticks,
        label: &bytes_label,
    };
    let (direct_rss, pooled_rss) = (series(false, true), series(true, true));
    let (direct, pooled) = (series(false, false), series(true, false));
    let here = f64::from(clients.max(1)).log10();
    let mem = |p: Option<u32>| {
        idle_memory(&config, clients, p)
            .private_total
            .max(1.0)
            .log2()
    };
    plot::draw(
        canvas,
        (0.45, 200.0, 320.0),
        palette,
        &x,
        &y,
        Some("clients"),
        &[
            Line {
                points: &direct_rss,
                color: palette.direct,
                dashed: true,
            },
            Line {
                points: &pooled_rss,
                color: palette.pooled,
                dashed: true,
            },
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
        &[
            (here, mem(None), palette.direct),
            (here, mem(Some(pool)), palette.pooled),
        ],
    );
}
