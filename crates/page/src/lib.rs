//! The page's pure logic, shared by the figure's module (`poolsim-web`), the explanation's module
//! (`poolsim-explain`) and the build-time prerender: the page's state and its reducer, the URL
//! codec, the adapter from the model to plain view models (`sim`), formats and scales, the CSV
//! exports, the presenter's data, the challenges, the reproduce kit, the explanation's outline, its
//! live numbers and (natively only) the rendering of its Markdown content. No DOM: everything here is tested natively.
//!
//! The `yew` feature adds Yew's `Reducible` for [`state::PageState`] (the figure's `use_reducer`);
//! nothing else here knows Yew.

pub mod challenges;
pub mod chosen;
#[cfg(not(target_arch = "wasm32"))]
pub mod content;
pub mod export;
pub mod format;
pub mod live;
pub mod outline;
pub mod predict;
pub mod presenter;
pub mod reproduce;
pub mod scale;
pub mod sim;
pub mod size;
pub mod snippets;
pub mod state;
pub mod teach;
pub mod url_state;
