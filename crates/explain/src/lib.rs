//! The explanation below the live figure: the second wasm module (binary `poolsim-explain`), which
//! mounts each section's figure on its island in the prerendered page and writes the live numbers
//! into the prose. Its prose is content (`content/en/*.md`); its pure parts (outline, live values,
//! content rendering, state, formats) are `poolsim-page`; the controls and canvases it shares with
//! the live figure are `poolsim-ui`'s. The `ssr` feature (enabled by `poolsim-prerender` only)
//! adds the figures' server rendering for the prerender: none of it is in the wasm.

pub mod explain_app;
pub mod predict_panel;
pub mod sections;
pub mod share_dialogs;

pub use explain_app::start_explanation;
