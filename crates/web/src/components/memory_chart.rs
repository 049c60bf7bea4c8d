//! Memory versus clients, direct and pooled, with the current point marked (plotters-canvas).
//!
//! plotters-canvas draws in backing-store pixels and ignores devicePixelRatio, so the canvas is
//! sized to its CSS box × devicePixelRatio and every length in the drawing is scaled by it.

use crate::format;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use poolsim_model::{idle_memory, MemoryConfig};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Colours of the chart; chosen from the page's colour scheme.
struct Palette {
    background: RGBColor,
    text: RGBColor,
    grid: RGBColor,
    direct: RGBColor,
    pooled: RGBColor,
}

impl Palette {
    fn for_scheme(dark: bool) -> Palette {
        if dark {
            Palette {
                background: RGBColor(0x1b, 0x1d, 0x22),
                text: RGBColor(0xd8, 0xdc, 0xe3),
                grid: RGBColor(0x3a, 0x3e, 0x47),
                direct: RGBColor(0xff, 0x7a, 0x6b),
                pooled: RGBColor(0x5c, 0xc8, 0xff),
            }
        } else {
            Palette {
                background: RGBColor(0xff, 0xff, 0xff),
                text: RGBColor(0x22, 0x26, 0x2e),
                grid: RGBColor(0xe3, 0xe6, 0xeb),
                direct: RGBColor(0xc8, 0x3a, 0x2c),
                pooled: RGBColor(0x1f, 0x6f, 0xb5),
            }
        }
    }
}

fn prefers_dark() -> bool {
    gloo::utils::window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .map(|m| m.matches())
        .unwrap_or(false)
}

#[derive(Properties, PartialEq)]
pub struct MemoryChartProps {
    pub clients: u32,
    pub pool_size: u32,
    pub max_clients: u32,
}

#[component]
pub fn MemoryChart(props: &MemoryChartProps) -> Html {
    let canvas_ref = use_node_ref();
    // Redraw when the window is resized (the canvas follows its CSS width).
    let resize_tick = use_state(|| 0u32);
    {
        let resize_tick = resize_tick.clone();
        use_effect_with((), move |_| {
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| {
                    resize_tick.set(*resize_tick + 1)
                });
            move || drop(listener)
        });
    }
    {
        let canvas_ref = canvas_ref.clone();
        use_effect_with(
            (
                props.clients,
                props.pool_size,
                props.max_clients,
                *resize_tick,
            ),
            move |&(clients, pool, max_clients, _)| {
                if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                    // A drawing error leaves the previous frame; the readouts still show the numbers.
                    let _ = draw(&canvas, clients, pool, max_clients);
                }
            },
        );
    }
    html! {
        <figure class="chart">
            <canvas ref={canvas_ref} class="chart-canvas" role="img"
                    aria-label="Chart: private memory of server connections versus number of clients, direct and through a pooler" />
            <figcaption>
                <span class="key direct">{ "direct: one backend per client" }</span>
                <span class="key pooled">{ format!("pooled: at most {} backends", format::count(props.pool_size.into())) }</span>
                <span class="key dashed">{ "dashed: what top's RSS column adds up to" }</span>
            </figcaption>
        </figure>
    }
}

fn draw(
    canvas: &HtmlCanvasElement,
    clients: u32,
    pool: u32,
    max_clients: u32,
) -> Result<(), Box<dyn std::error::Error>> {
    let dpr = gloo::utils::window().device_pixel_ratio().max(1.0);
    let css_w = f64::from(canvas.client_width().max(280));
    let css_h = (css_w * 0.5).clamp(220.0, 360.0);
    canvas
        .style()
        .set_property("height", &format!("{css_h}px"))
        .ok();
    canvas.set_width((css_w * dpr) as u32);
    canvas.set_height((css_h * dpr) as u32);
    let px = |v: f64| (v * dpr) as i32;
    let palette = Palette::for_scheme(prefers_dark());

    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&palette.background)?;

    let config = MemoryConfig::default();
    let max_x = f64::from(max_clients.max(2));
    let samples: Vec<u32> = (0..=160)
        .map(|i| max_x.powf(f64::from(i) / 160.0).round() as u32)
        .collect();
    let series = |pooled: bool, rss: bool| -> Vec<(f64, f64)> {
        samples
            .iter()
            .map(|&n| {
                let m = idle_memory(&config, n, pooled.then_some(pool));
                let y = if rss { m.rss_total } else { m.private_total };
                (f64::from(n), y.max(1.0).log2())
            })
            .collect()
    };
    // The y axis is log2(bytes) on a linear scale, so ticks fall on round binary sizes.
    let top = idle_memory(&config, max_clients, None)
        .rss_total
        .log2()
        .ceil()
        + 1.0;
    let bottom = idle_memory(&config, 1, Some(1))
        .private_total
        .log2()
        .floor();

    let font = |size: f64| ("sans-serif", size * dpr).into_font().color(&palette.text);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(12.0))
        .x_label_area_size(px(34.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d((1f64..max_x).log_scale(), bottom..top)?;
    chart
        .configure_mesh()
        .light_line_style(palette.background)
        .bold_line_style(palette.grid)
        .axis_style(palette.text)
        .x_desc("clients")
        .x_label_style(font(12.0))
        .y_label_style(font(12.0))
        .x_label_formatter(&|v| format::count(v.round() as u64))
        .y_labels(((top - bottom) / 2.0) as usize + 1)
        .y_label_formatter(&|v| format::bytes(v.exp2()))
        .draw()?;

    let thick = |c: RGBColor| c.stroke_width(px(2.5) as u32);
    chart.draw_series(DashedLineSeries::new(
        series(false, true),
        px(6.0) as u32,
        px(4.0) as u32,
        thick(palette.direct),
    ))?;
    chart.draw_series(DashedLineSeries::new(
        series(true, true),
        px(6.0) as u32,
        px(4.0) as u32,
        thick(palette.pooled),
    ))?;
    chart.draw_series(LineSeries::new(series(false, false), thick(palette.direct)))?;
    chart.draw_series(LineSeries::new(series(true, false), thick(palette.pooled)))?;

    let here_direct = idle_memory(&config, clients, None).private_total.log2();
    let here_pooled = idle_memory(&config, clients, Some(pool))
        .private_total
        .log2();
    let x = f64::from(clients);
    chart.draw_series([
        Circle::new((x, here_direct), px(6.0), palette.direct.filled()),
        Circle::new((x, here_pooled), px(6.0), palette.pooled.filled()),
    ])?;
    root.present()?;
    Ok(())
}
