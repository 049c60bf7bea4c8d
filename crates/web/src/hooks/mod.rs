//! Custom hooks: media queries, element visibility, window resizes and the frame loop.

mod use_media;
mod use_resize;
mod use_simulation;
mod use_visible;

pub use use_media::{use_media_query, use_prefers_dark, use_reduced_motion};
pub use use_resize::use_resize_tick;
pub use use_simulation::{use_simulation, FRAME_BUDGET_MS, STEPPING_ATTRIBUTE};
pub use use_visible::{use_visible, Intersection};
