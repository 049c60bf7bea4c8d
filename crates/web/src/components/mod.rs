//! One component per file (the controls and canvases the explanation shares are `poolsim_ui`'s).

pub mod architecture;
pub mod controls;
pub mod cpu_bar;
pub mod live_figure;
pub mod live_summary;
pub mod memory_chart;
pub mod readout;
pub mod select;
pub mod share;
pub mod show_pools;
pub mod side_readouts;
pub mod time_chart;
pub mod transport;

pub use architecture::Architecture;
pub use controls::Controls;
pub use cpu_bar::CpuBar;
pub use live_figure::LiveFigure;
pub use live_summary::LiveSummary;
pub use memory_chart::MemoryChart;
pub use readout::Readout;
pub use select::Select;
pub use share::ShareBar;
pub use show_pools::ShowPoolsPanel;
pub use side_readouts::SideReadouts;
pub use time_chart::{Quantity, TimeChart};
pub use transport::{Clock, Transport};
