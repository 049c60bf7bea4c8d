//! Custom hooks: media queries and window resizes.

mod use_media;
mod use_resize;

pub use use_media::{use_media_query, use_prefers_dark, use_reduced_motion};
pub use use_resize::use_resize_tick;
