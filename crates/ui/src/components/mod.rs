//! One component per file (and the canvas plumbing the charts share).

pub mod canvas;
pub mod measured_canvas;
pub mod plot;
pub mod save_png;
pub mod share;
pub mod slider;
pub mod toggle;

pub use save_png::SavePng;
pub use slider::IntSlider;
pub use toggle::Toggle;
