//! `poolsim validate --svg`: the model against the lab as an SVG chart (plotters' SVG backend).
//! Upper panel: throughput against clients on a log axis, the lab's medians with min–max whiskers
//! over the repetitions, the model as lines, direct and through PgBouncer. Lower panel: the
//! residuals (model over measured minus one) with the check's tolerance band.

use super::{route_points, thousands};
use plotters::coord::Shift;
use plotters::prelude::*;
use poolsim_validate::{Compared, Route, TPS_TOLERANCE};

const WIDTH: u32 = 900;
const HEIGHT: u32 = 680;
const DIRECT: RGBColor = RGBColor(0xc8, 0x3a, 0x2c);
const POOLED: RGBColor = RGBColor(0x1f, 0x6f, 0xb5);
const MUTED: RGBColor = RGBColor(0x5b, 0x63, 0x70);
const GRID: RGBColor = RGBColor(0xe3, 0xe6, 0xeb);
const FONT: &str = "sans-serif";

fn colour(route: Route) -> RGBColor {
    match route {
        Route::Direct => DIRECT,
        Route::PgBouncer => POOLED,
    }
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// The chart as an SVG document.
pub fn render_svg(points: &[Compared]) -> Result<String, String> {
    if points.is_empty() {
        return Err("no points to draw".into());
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, points).map_err(|e| format!("drawing the chart: {e}"))?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The x range: a little beyond the smallest and largest client counts, on a log axis.
fn x_range(points: &[Compared]) -> std::ops::Range<f64> {
    let lo = points.iter().map(|p| p.lab.clients).min().unwrap_or(1);
    let hi = points.iter().map(|p| p.lab.clients).max().unwrap_or(1);
    (f64::from(lo) * 0.75)..(f64::from(hi.max(lo + 1)) * 1.35)
}

fn draw(root: &DrawingArea<SVGBackend, Shift>, points: &[Compared]) -> DrawResult {
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(440);
    throughput(&top, points)?;
    residuals(&bottom, points)?;
    Ok(())
}

fn throughput(area: &DrawingArea<SVGBackend, Shift>, points: &[Compared]) -> DrawResult {
    let y_max = points
        .iter()
        .map(|p| p.lab.tps.max.max(p.model.tps))
        .fold(0.0, f64::max)
        * 1.12;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Throughput: the lab (median, min–max of its runs) and the model",
            (FONT, 18).into_font().color(&BLACK),
        )
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range(points).log_scale(), 0.0..y_max)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .label_style((FONT, 13).into_font().color(&MUTED))
        .x_desc("clients (log scale)")
        .y_desc("transactions per second")
        .x_label_formatter(&|v| thousands(*v))
        .y_label_formatter(&|v| thousands(*v))
        .draw()?;
    for route in Route::ALL {
        let pts = route_points(points, route);
        if pts.is_empty() {
            continue;
        }
        let c = colour(route);
        let model: Vec<(f64, f64)> = pts
            .iter()
            .map(|p| (f64::from(p.lab.clients), p.model.tps))
            .collect();
        chart
            .draw_series(LineSeries::new(model.clone(), c.stroke_width(2)))?
            .label(format!("model, {}", route.label()))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 22, y)], c.stroke_width(2)));
        chart.draw_series(
            model
                .iter()
                .map(|&xy| Rectangle::new([xy, xy], c.stroke_width(1))),
        )?;
        // Whiskers over the repetitions, with short caps, then the median.
        for p in &pts {
            let x = f64::from(p.lab.clients);
            let cap = |y: f64| PathElement::new([(x / 1.06, y), (x * 1.06, y)], c.stroke_width(1));
            chart.draw_series([
                PathElement::new([(x, p.lab.tps.min), (x, p.lab.tps.max)], c.stroke_width(1)),
                cap(p.lab.tps.min),
                cap(p.lab.tps.max),
            ])?;
        }
        chart
            .draw_series(
                pts.iter().map(|p| {
                    Circle::new((f64::from(p.lab.clients), p.lab.tps.median), 4, c.filled())
                }),
            )?
            .label(format!("measured, {}", route.label()))
            .legend(move |(x, y)| Circle::new((x + 11, y), 4, c.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .label_font((FONT, 13).into_font().color(&BLACK))
        .draw()?;
    Ok(())
}

fn residuals(area: &DrawingArea<SVGBackend, Shift>, points: &[Compared]) -> DrawResult {
    let worst = points
        .iter()
        .map(|p| p.tps_error().abs())
        .fold(0.0, f64::max);
    // Always show the tolerance band, and every point.
    let span = (worst.max(TPS_TOLERANCE) * 100.0 * 1.15).ceil();
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!(
                "Throughput error, model over measured (band: ±{:.0} %)",
                TPS_TOLERANCE * 100.0
            ),
            (FONT, 16).into_font().color(&BLACK),
        )
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range(points).log_scale(), -span..span)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .label_style((FONT, 13).into_font().color(&MUTED))
        .x_desc("clients (log scale)")
        .y_desc("error, %")
        .x_label_formatter(&|v| thousands(*v))
        .y_label_formatter(&|v| {
            if *v == 0.0 {
                "0".into()
            } else {
                format!("{v:+.0}").replace('-', "−")
            }
        })
        .draw()?;
    let range = x_range(points);
    let tol = TPS_TOLERANCE * 100.0;
    chart.draw_series([
        Rectangle::new(
            [(range.start, -tol), (range.end, tol)],
            RGBColor(0x1e, 0x9e, 0x50).mix(0.10).filled(),
        ),
        Rectangle::new(
            [(range.start, 0.0), (range.end, 0.0)],
            MUTED.stroke_width(1),
        ),
    ])?;
    for route in Route::ALL {
        let pts = route_points(points, route);
        let c = colour(route);
        let errors: Vec<(f64, f64)> = pts
            .iter()
            .map(|p| (f64::from(p.lab.clients), p.tps_error() * 100.0))
            .collect();
        chart.draw_series(LineSeries::new(errors.clone(), c.stroke_width(1)))?;
        chart.draw_series(errors.iter().map(|&xy| Circle::new(xy, 4, c.filled())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::example;
    use super::*;

    #[test]
    fn the_svg_has_a_dot_per_point_in_each_panel_whiskers_and_both_routes() {
        let points = example();
        let svg = render_svg(&points).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.contains(&format!("width=\"{WIDTH}\"")));
        assert!(svg.trim_end().ends_with("</svg>"));
        // Each point: its median in the upper panel and its error in the lower one; one more
        // circle per route in the legend.
        let circles = svg.matches("<circle").count();
        assert_eq!(circles, 2 * points.len() + 2, "{circles} circles");
        // Two model lines and two residual lines.
        assert!(svg.matches("<polyline").count() >= 4);
        for text in [
            "clients (log scale)",
            "transactions per second",
            "model, direct",
            "measured, PgBouncer",
            "Throughput error",
        ] {
            assert!(svg.contains(text), "no `{text}` in the SVG");
        }
        // Colours of both routes are used.
        for c in [DIRECT, POOLED] {
            let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
            assert!(svg.to_uppercase().contains(&hex), "no {hex}");
        }
        assert!(render_svg(&[]).is_err());
    }
}
