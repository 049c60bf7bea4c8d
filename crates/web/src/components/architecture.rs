//! The animated architecture view of one side: clients → PgBouncer queue → backends → cores,
//! drawn on a canvas with the 2D context. Thousands of clients are drawn as blocks of squares, each
//! square standing for a fixed number of them, coloured by state; counts are written above. Dots
//! flow along the arrows at a pace that grows with the side's throughput (still under reduced
//! motion, and when nothing completes).

use poolsim_page::format;
use poolsim_page::sim::{CoreUse, SideView};
use poolsim_ui::components::canvas::{fit, Palette, Rgb};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ArchitectureProps {
    pub view: SideView,
    pub dark: bool,
    pub resize: u32,
    /// Simulated time, s: the flow dots move with it (so they stop when the model is paused).
    #[prop_or_default]
    pub now_s: f64,
    /// Reduced motion: no flow dots.
    #[prop_or_default]
    pub calm: bool,
    /// A slim strip (the compact embed): about half the height.
    #[prop_or_default]
    pub slim: bool,
}

/// Most squares a block draws; more things than that share a square.
const MAX_SQUARES: u32 = 400;

#[component]
pub fn Architecture(props: &ArchitectureProps) -> Html {
    let canvas_ref = use_node_ref();
    {
        let canvas_ref = canvas_ref.clone();
        let palette = Palette::for_scheme(props.dark);
        let flow = (!props.calm).then(|| flow_phase(props.now_s, props.view.throughput_tps));
        let flow = flow.flatten();
        let slim = props.slim;
        use_effect_with(
            (props.view.clone(), props.resize, flow.map(f64::to_bits)),
            move |(view, _, _)| {
                if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                    draw(&canvas, view, &palette, flow, slim);
                }
            },
        );
    }
    let v = &props.view;
    let o = &v.occupancy;
    let label = format!(
        "{}: {} clients ({} thinking, {} waiting for a server), {} backends ({} running, {} runnable waiting for a core), {} cores",
        if v.pooled { "Through PgBouncer" } else { "Straight to Postgres" },
        format::count(o.clients().into()),
        format::count(o.clients_thinking.into()),
        format::count(o.clients_waiting.into()),
        format::count(o.backends().into()),
        format::count(o.backends_running.into()),
        format::count(o.backends_runnable.into()),
        o.cores.len(),
    );
    html! {
        <canvas ref={canvas_ref} class="arch-canvas" role="img" aria-label={label} />
    }
}

/// Columns and square size so `n` squares fill a `w`×`h` box.
fn grid(n: u32, w: f64, h: f64) -> (u32, f64) {
    let n = n.max(1);
    let mut side = (w * h / f64::from(n)).sqrt().min(w).min(h).floor().max(1.0);
    loop {
        let cols = (w / side).floor().max(1.0) as u32;
        let rows = n.div_ceil(cols);
        if f64::from(rows) * side <= h || side <= 1.0 {
            return (cols, side);
        }
        side -= 0.5;
    }
}

struct Pen<'a> {
    ctx: &'a CanvasRenderingContext2d,
    dpr: f64,
    palette: &'a Palette,
}

impl Pen<'_> {
    fn fill(&self, c: Rgb) {
        self.ctx.set_fill_style_str(&c.css());
    }
    fn text(&self, s: &str, x: f64, y: f64, size: f64, color: Rgb, bold: bool) {
        self.fill(color);
        let weight = if bold { "600 " } else { "" };
        self.ctx.set_font(&format!(
            "{weight}{}px system-ui, sans-serif",
            size * self.dpr
        ));
        let _ = self.ctx.fill_text(s, x * self.dpr, y * self.dpr);
    }

    /// Squares for `segments` (count, colour), `unit` things per square, inside the box.
    fn blocks(&self, segments: &[(u32, Rgb)], unit: u32, x: f64, y: f64, w: f64, h: f64) {
        let squares: Vec<Rgb> = segments
            .iter()
            .flat_map(|&(count, color)| std::iter::repeat_n(color, count.div_ceil(unit) as usize))
            .take(MAX_SQUARES as usize + 8)
            .collect();
        let (cols, side) = grid(squares.len() as u32, w, h);
        let gap = if side >= 6.0 { 1.0 } else { 0.0 };
        for (i, color) in squares.iter().enumerate() {
            let (c, r) = (i as u32 % cols, i as u32 / cols);
            self.fill(*color);
            self.ctx.fill_rect(
                (x + f64::from(c) * side) * self.dpr,
                (y + f64::from(r) * side) * self.dpr,
                (side - gap).max(0.5) * self.dpr,
                (side - gap).max(0.5) * self.dpr,
            );
        }
    }

    /// Dots travelling along an arrow, at `phase` (0–1) of their loop.
    fn flow(&self, x0: f64, x1: f64, y: f64, phase: Option<f64>) {
        let Some(phase) = phase else {
            return;
        };
        let d = self.dpr;
        self.fill(self.palette.pooler);
        for i in 0..FLOW_DOTS {
            let f = (phase + f64::from(i) / f64::from(FLOW_DOTS)).fract();
            let x = x0 + f * (x1 - x0 - 4.0);
            self.ctx.begin_path();
            let _ = self
                .ctx
                .arc(x * d, (y - 5.0) * d, 1.8 * d, 0.0, std::f64::consts::TAU);
            self.ctx.fill();
        }
    }

    fn arrow(&self, x0: f64, x1: f64, y: f64) {
        let d = self.dpr;
        self.ctx.set_stroke_style_str(&self.palette.muted.css());
        self.ctx.set_line_width(1.5 * d);
        self.ctx.begin_path();
        self.ctx.move_to(x0 * d, y * d);
        self.ctx.line_to((x1 - 2.0) * d, y * d);
        self.ctx.move_to((x1 - 7.0) * d, (y - 4.0) * d);
        self.ctx.line_to((x1 - 2.0) * d, y * d);
        self.ctx.line_to((x1 - 7.0) * d, (y + 4.0) * d);
        self.ctx.stroke();
    }
}

/// Dots on each arrow.
const FLOW_DOTS: u32 = 3;

/// Where the flow dots are (0–1 of their loop) at simulated time `now_s`, or `None` when no
/// transaction completes. Loops per simulated second grow with the logarithm of the throughput:
/// 10 tx/s ≈ 1, 10,000 tx/s ≈ 2.5.
pub fn flow_phase(now_s: f64, throughput_tps: f64) -> Option<f64> {
    if !(throughput_tps > 0.0 && now_s.is_finite()) {
        return None;
    }
    let loops_per_s = 0.5 + 0.5 * (1.0 + throughput_tps).log10();
    Some((now_s * loops_per_s).fract())
}

fn unit_for(total: u32) -> u32 {
    total.div_ceil(MAX_SQUARES).max(1)
}

fn unit_note(unit: u32) -> String {
    if unit == 1 {
        "1 ■ = 1".to_string()
    } else {
        format!("1 ■ = {}", format::count(unit.into()))
    }
}

fn draw(canvas: &HtmlCanvasElement, v: &SideView, p: &Palette, flow: Option<f64>, slim: bool) {
    let (w, h, dpr) = if slim {
        fit(canvas, 0.28, 90.0, 120.0)
    } else {
        fit(canvas, 0.5, 190.0, 240.0)
    };
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let pen = Pen {
        ctx: &ctx,
        dpr,
        palette: p,
    };
    pen.fill(p.background);
    ctx.fill_rect(0.0, 0.0, w * dpr, h * dpr);

    let o = &v.occupancy;
    let pad = 6.0;
    let top = 40.0;
    let body = h - top - pad;
    // Column widths: clients, (queue), backends, cores, with arrows between.
    let arrow_w = 16.0;
    let queue_w = if v.pooled { (w * 0.14).max(40.0) } else { 0.0 };
    let cores_w = (w * 0.16).max(44.0);
    let arrows = if v.pooled { 3.0 } else { 2.0 };
    let rest = w - 2.0 * pad - queue_w - cores_w - arrows * arrow_w;
    let clients_w = rest * 0.5;
    let backends_w = rest * 0.5;
    let mid = top + body / 2.0;

    let font = if w < 420.0 { 11.0 } else { 12.5 };
    let mut x = pad;
    let client_unit = unit_for(o.clients());
    pen.text("Clients", x, 14.0, font, p.text, true);
    pen.text(
        &format!(
            "{} · {}",
            format::count(o.clients().into()),
            unit_note(client_unit)
        ),
        x,
        30.0,
        font * 0.9,
        p.muted,
        false,
    );
    let clients = [
        (o.clients_in_statement, p.in_statement),
        (o.clients_in_round_trip, p.idle_in_txn),
        (o.clients_connecting, p.forking),
        (o.clients_waiting, p.waiting),
        (o.clients_thinking, p.thinking),
    ];
    pen.blocks(&clients, client_unit, x, top, clients_w - 4.0, body);
    x += clients_w;
    pen.arrow(x - 2.0, x + arrow_w, mid);
    pen.flow(x - 2.0, x + arrow_w, mid, flow);
    x += arrow_w;

    if v.pooled {
        let waiting = o.clients_waiting;
        pen.text("Queue", x, 14.0, font, p.text, true);
        // "1,269 waiting" runs into the backends' label when the column is narrow: the count alone.
        let count = format::count(waiting.into());
        pen.text(
            &if queue_w + arrow_w < 72.0 {
                count
            } else {
                format!("{count} waiting")
            },
            x,
            30.0,
            font * 0.9,
            p.muted,
            false,
        );
        // The queue as a bar filling up from the bottom: full height = all clients.
        let frac = f64::from(waiting) / f64::from(o.clients().max(1));
        let bar_h = (body * frac).max(if waiting > 0 { 2.0 } else { 0.0 });
        pen.fill(p.idle);
        ctx.fill_rect(x * dpr, top * dpr, (queue_w - 6.0) * dpr, body * dpr);
        pen.fill(p.waiting);
        ctx.fill_rect(
            x * dpr,
            (top + body - bar_h) * dpr,
            (queue_w - 6.0) * dpr,
            bar_h * dpr,
        );
        x += queue_w;
        pen.arrow(x - 4.0, x + arrow_w, mid);
        pen.flow(x - 4.0, x + arrow_w, mid, flow);
        x += arrow_w;
    }

    let backend_unit = unit_for(o.backends());
    pen.text("Backends", x, 14.0, font, p.text, true);
    pen.text(
        &format!(
            "{} · {}",
            format::count(o.backends().into()),
            unit_note(backend_unit)
        ),
        x,
        30.0,
        font * 0.9,
        p.muted,
        false,
    );
    pen.blocks(
        &[
            (o.backends_running, p.running),
            (o.backends_runnable, p.runnable),
            (o.backends_idle_in_txn, p.idle_in_txn),
            (o.backends_forking, p.forking),
            (o.backends_idle, p.idle),
        ],
        backend_unit,
        x,
        top,
        backends_w - 4.0,
        body,
    );
    x += backends_w;
    pen.arrow(x - 2.0, x + arrow_w, mid);
    pen.flow(x - 2.0, x + arrow_w, mid, flow);
    x += arrow_w;

    pen.text("Cores", x, 14.0, font, p.text, true);
    let busy = o.cores.iter().filter(|c| **c != CoreUse::Idle).count();
    // "8 of 8 busy" is cut at the canvas's edge when the column is narrow: "8/8 busy".
    let of = if w - x < 64.0 { "/" } else { " of " };
    pen.text(
        &format!("{busy}{of}{} busy", o.cores.len()),
        x,
        30.0,
        font * 0.9,
        p.muted,
        false,
    );
    let cores: Vec<(u32, Rgb)> = o
        .cores
        .iter()
        .map(|c| {
            let color = match c {
                CoreUse::Idle => p.idle,
                CoreUse::Backend => p.running,
                CoreUse::Pooler => p.pooler,
                CoreUse::Overhead => p.runnable,
            };
            (1, color)
        })
        .collect();
    pen.blocks(&cores, 1, x, top, cores_w - pad, body);
}

#[cfg(test)]
mod tests {
    use super::{flow_phase, grid};

    #[test]
    fn flow_moves_faster_with_throughput_and_stops_without_it() {
        assert_eq!(flow_phase(3.0, 0.0), None);
        assert_eq!(flow_phase(f64::NAN, 10.0), None);
        // Phase after 0.1 s: 10 tx/s moves ~0.1 of a loop, 10,000 tx/s ~0.25.
        let slow = flow_phase(0.1, 9.0).unwrap();
        let fast = flow_phase(0.1, 9_999.0).unwrap();
        assert!((slow - 0.1).abs() < 1e-9, "{slow}");
        assert!((fast - 0.25).abs() < 1e-9, "{fast}");
        assert!((0.0..1.0).contains(&flow_phase(1234.5, 5e5).unwrap()));
    }

    #[test]
    fn squares_fit_their_box() {
        for n in [1, 7, 64, 400] {
            let (cols, side) = grid(n, 120.0, 150.0);
            let rows = n.div_ceil(cols);
            assert!(f64::from(cols) * side <= 120.0 + 1e-9);
            assert!(
                f64::from(rows) * side <= 150.0 + 1e-9,
                "n {n}: {rows} rows of {side}"
            );
        }
    }
}
