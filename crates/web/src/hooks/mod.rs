//! Custom hooks: element visibility and the frame loop (media queries and resizes are
//! `poolsim_ui::hooks`).

mod use_simulation;
mod use_visible;

pub use use_simulation::{use_simulation, FRAME_BUDGET_MS};
pub use use_visible::{use_visible, Intersection};
