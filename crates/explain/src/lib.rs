//! The explanation below the live figure: the second wasm module (binary `poolsim-explain`), which
//! mounts each section's figure on its island in the prerendered page and writes the live numbers
//! into the prose, and the prerender (binary `poolsim-prerender`, native) that writes the page.
//! Its prose is content (`content/en/*.md`); its pure parts (outline, live values, content
//! rendering, state, formats) are `poolsim-page`; the controls and dialogs it shares with the live
//! figure are `poolsim-web`'s. Both are re-exported here under their old paths.

pub mod explain_app;
pub mod predict_panel;
#[cfg(not(target_arch = "wasm32"))]
pub mod prerender;
pub mod sections;
pub mod share_dialogs;

#[cfg(not(target_arch = "wasm32"))]
pub use poolsim_page::content;
pub use poolsim_page::{format, live, outline, presenter, sim, state, url_state};
pub use poolsim_web::{challenges, components, export, hooks, lazy};

pub use explain_app::start_explanation;
