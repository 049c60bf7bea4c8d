//! Shared canvas plumbing: HiDPI sizing and the colour palette read from the colour scheme.
//!
//! plotters-canvas and the 2D context draw in backing-store pixels and ignore devicePixelRatio, so
//! every canvas is sized to its CSS box × devicePixelRatio and lengths are scaled by it.

use web_sys::HtmlCanvasElement;

/// Sizes the backing store to the CSS box × devicePixelRatio; returns (css width, css height, dpr).
/// `aspect` gives the CSS height from the CSS width, clamped to `min_h..=max_h`.
pub fn fit(canvas: &HtmlCanvasElement, aspect: f64, min_h: f64, max_h: f64) -> (f64, f64, f64) {
    let dpr = gloo::utils::window().device_pixel_ratio().max(1.0);
    let css_w = f64::from(canvas.client_width().max(260));
    let css_h = (css_w * aspect).clamp(min_h, max_h);
    // Write the height only when it changes: a style write dirties layout, and the next canvas's
    // `clientWidth` read would then force a whole synchronous layout again (once per canvas per
    // frame, which is what made frames long at 10,000+ clients).
    let height = format!("{css_h}px");
    let style = canvas.style();
    if style.get_property_value("height").ok().as_deref() != Some(height.as_str()) {
        style.set_property("height", &height).ok();
    }
    let (w, h) = ((css_w * dpr).round() as u32, (css_h * dpr).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    (css_w, css_h, dpr)
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn css(self) -> String {
        format!("rgb({},{},{})", self.0, self.1, self.2)
    }
    pub fn plotters(self) -> plotters::style::RGBColor {
        plotters::style::RGBColor(self.0, self.1, self.2)
    }
}

/// Colours of every canvas on the page, for the light or the dark scheme. The state colours match
/// the CSS variables of the legends in `style.css`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub background: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub grid: Rgb,
    pub direct: Rgb,
    pub pooled: Rgb,
    pub thinking: Rgb,
    /// A client whose statement is in flight (its backend may be running or runnable).
    pub in_statement: Rgb,
    pub waiting: Rgb,
    pub running: Rgb,
    pub runnable: Rgb,
    pub idle_in_txn: Rgb,
    pub forking: Rgb,
    pub idle: Rgb,
    pub pooler: Rgb,
}

impl Palette {
    pub fn for_scheme(dark: bool) -> Palette {
        if dark {
            Palette {
                background: Rgb(0x1b, 0x1d, 0x22),
                text: Rgb(0xd8, 0xdc, 0xe3),
                muted: Rgb(0x9a, 0xa3, 0xb0),
                grid: Rgb(0x3a, 0x3e, 0x47),
                direct: Rgb(0xff, 0x7a, 0x6b),
                pooled: Rgb(0x5c, 0xc8, 0xff),
                thinking: Rgb(0x4a, 0x50, 0x5c),
                in_statement: Rgb(0x4f, 0xd1, 0xc5),
                waiting: Rgb(0xf0, 0xb4, 0x29),
                running: Rgb(0x4c, 0xd1, 0x7f),
                runnable: Rgb(0xff, 0x6b, 0x5c),
                idle_in_txn: Rgb(0xc0, 0x8b, 0xff),
                forking: Rgb(0xff, 0xe0, 0x66),
                idle: Rgb(0x2e, 0x33, 0x3c),
                pooler: Rgb(0x5c, 0xc8, 0xff),
            }
        } else {
            Palette {
                background: Rgb(0xff, 0xff, 0xff),
                text: Rgb(0x22, 0x26, 0x2e),
                muted: Rgb(0x5b, 0x63, 0x70),
                grid: Rgb(0xe3, 0xe6, 0xeb),
                direct: Rgb(0xc8, 0x3a, 0x2c),
                pooled: Rgb(0x1f, 0x6f, 0xb5),
                thinking: Rgb(0xc9, 0xce, 0xd6),
                in_statement: Rgb(0x2a, 0x9d, 0x8f),
                waiting: Rgb(0xe0, 0x9a, 0x00),
                running: Rgb(0x1e, 0x9e, 0x50),
                runnable: Rgb(0xd6, 0x3b, 0x2f),
                idle_in_txn: Rgb(0x8e, 0x4f, 0xd6),
                forking: Rgb(0xc9, 0xa8, 0x00),
                idle: Rgb(0xe9, 0xec, 0xf1),
                pooler: Rgb(0x1f, 0x6f, 0xb5),
            }
        }
    }
}
