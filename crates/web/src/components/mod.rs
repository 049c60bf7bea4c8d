//! One component per file.

pub mod memory_chart;
pub mod readout;
pub mod slider;

pub use memory_chart::MemoryChart;
pub use readout::Readout;
pub use slider::IntSlider;
