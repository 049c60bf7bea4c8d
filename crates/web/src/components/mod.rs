//! One component per file.

pub mod architecture;
pub mod canvas;
pub mod controls;
pub mod cpu_bar;
pub mod live_figure;
pub mod live_summary;
pub mod measured_canvas;
pub mod memory_chart;
pub mod plot;
pub mod readout;
pub mod save_png;
pub mod select;
pub mod share;
pub mod show_pools;
pub mod side_readouts;
pub mod slider;
pub mod time_chart;
pub mod toggle;
pub mod transport;

pub use architecture::Architecture;
pub use controls::{Controls, CONTROL_KEYS};
pub use cpu_bar::CpuBar;
pub use live_figure::LiveFigure;
pub use live_summary::LiveSummary;
pub use memory_chart::MemoryChart;
pub use readout::Readout;
pub use save_png::SavePng;
pub use select::Select;
pub use share::ShareBar;
pub use show_pools::ShowPoolsPanel;
pub use side_readouts::SideReadouts;
pub use slider::IntSlider;
pub use time_chart::{Quantity, TimeChart};
pub use toggle::Toggle;
pub use transport::{Clock, Transport};
