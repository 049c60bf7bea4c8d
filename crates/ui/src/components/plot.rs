//! The page's line charts, drawn with plotters on the canvas (plotters-canvas): axes with tick
//! labels, lines (solid or dashed) and dots. Components describe a chart with [`Axis`] and
//! [`Line`]; this module owns the plotting, sized for the screen's pixel ratio.

use super::canvas::{fit, Palette, Rgb};
use super::measured_canvas::MeasuredCanvas;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

/// One axis: its range (in plotted units), tick positions and how a tick is labelled.
pub struct Axis<'a> {
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<f64>,
    pub label: &'a dyn Fn(f64) -> String,
}

pub struct Line<'a> {
    pub points: &'a [(f64, f64)],
    pub color: Rgb,
    pub dashed: bool,
}

/// Ticks at 1, 2 or 5 × a power of ten, about `n` of them, covering `min..=max`.
pub fn nice_ticks(min: f64, max: f64, n: usize) -> Vec<f64> {
    let range = max - min;
    if !(range.is_finite() && range > 0.0) {
        return vec![min];
    }
    let raw = range / n.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (min / step).ceil() as i64;
    let last = (max / step + 1e-9).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// Sizes the canvas (CSS width × `aspect`, clamped) and draws the chart. A drawing error leaves
/// the previous frame; the readouts still carry the numbers.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    canvas: &HtmlCanvasElement,
    (aspect, min_h, max_h): (f64, f64, f64),
    palette: &Palette,
    x: &Axis,
    y: &Axis,
    x_title: Option<&str>,
    lines: &[Line],
    dots: &[(f64, f64, Rgb)],
) {
    let (w, _, dpr) = fit(canvas, aspect, min_h, max_h);
    let _ = render(canvas, w, dpr, palette, (x, y, x_title), lines, dots);
}

/// `None` on a drawing error. Nothing reads the error, so none is kept: a boxed `dyn Error` would
/// link plotters' error types with their `Debug` and `Display` formatting (1.4 KB gzip).
fn render(
    canvas: &HtmlCanvasElement,
    css_width: f64,
    dpr: f64,
    palette: &Palette,
    (x, y, x_title): (&Axis, &Axis, Option<&str>),
    lines: &[Line],
    dots: &[(f64, f64, Rgb)],
) -> Option<()> {
    let d = |v: f64| (v * dpr).round() as i32;
    let backend = MeasuredCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&palette.background.plotters()).ok()?;
    let size = if css_width < 360.0 { 10.5 } else { 11.5 } * dpr;
    // A named family, not a `&str`: plotters' `From<&str>` lowercases the name to look for
    // "serif" and friends, which links the Unicode case tables into the module (7.9 KB gzip).
    let label_font = FontDesc::new(
        FontFamily::Name("system-ui, sans-serif"),
        size,
        FontStyle::Normal,
    )
    .color(&palette.muted.plotters());
    // Room on the left for the widest y label, below for the x labels (and title).
    // plotters picks its own round tick values, so measure those candidates and the ends too.
    let widest = y
        .ticks
        .iter()
        .chain([y.min, y.max, (y.min + y.max) / 2.0].iter())
        .filter_map(|t| root.estimate_text_size(&(y.label)(*t), &label_font).ok())
        .map(|(w, _)| w as i32)
        .max()
        .unwrap_or(0);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(d(8.0))
        .margin_right(d(16.0))
        .x_label_area_size(d(if x_title.is_some() { 38.0 } else { 22.0 }))
        .y_label_area_size(widest * 5 / 4 + d(18.0))
        .build_cartesian_2d(x.min..x.max, y.min..y.max)
        .ok()?;
    let x_format = |v: &f64| (x.label)(*v);
    let y_format = |v: &f64| (y.label)(*v);
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid.plotters().stroke_width(d(1.0) as u32))
        .axis_style(palette.muted.plotters())
        .x_labels(x.ticks.len().max(2))
        .y_labels(y.ticks.len().max(2))
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style(label_font.clone())
        .axis_desc_style(label_font.clone());
    if let Some(title) = x_title {
        mesh.x_desc(title);
    }
    mesh.draw().ok()?;

    // Points outside the axes are held at the edge; non-finite points break the line.
    let clamp = |(px, py): (f64, f64)| (px.clamp(x.min, x.max), py.clamp(y.min, y.max));
    for line in lines {
        let style = line.color.plotters().stroke_width(d(2.0).max(1) as u32);
        for segment in line
            .points
            .split(|(px, py)| !(px.is_finite() && py.is_finite()))
            .filter(|s| !s.is_empty())
        {
            let points = segment.iter().copied().map(clamp);
            if line.dashed {
                chart
                    .draw_series(DashedLineSeries::new(
                        points,
                        d(6.0) as u32,
                        d(4.0) as u32,
                        style,
                    ))
                    .ok()?;
            } else {
                chart.draw_series(LineSeries::new(points, style)).ok()?;
            }
        }
    }
    chart
        .draw_series(
            dots.iter()
                .filter(|(px, py, _)| px.is_finite() && py.is_finite())
                .map(|&(px, py, color)| {
                    Circle::new(clamp((px, py)), d(5.5), color.plotters().filled())
                }),
        )
        .ok()?;
    root.present().ok()
}

#[cfg(test)]
mod tests {
    use super::nice_ticks;

    #[test]
    fn ticks_are_round_and_inside() {
        assert_eq!(
            nice_ticks(0.0, 10.0, 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(nice_ticks(0.0, 30.0, 4), vec![0.0, 10.0, 20.0, 30.0]);
        let t = nice_ticks(3.0, 47.0, 4);
        assert!(t.iter().all(|v| (3.0..=47.0).contains(v)));
        assert_eq!(nice_ticks(1.0, 1.0, 4), vec![1.0]);
    }
}
