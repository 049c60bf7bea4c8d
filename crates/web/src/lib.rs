//! poolsim's interactive explainer page. Only this crate touches the DOM; every number it shows
//! comes from `poolsim-model`, through the adapter in `sim`.

pub mod app;
pub mod challenges;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod claims;
pub mod components;
#[cfg(not(target_arch = "wasm32"))]
pub mod content;
pub mod embed;
pub mod explain_app;
pub mod export;
pub mod format;
pub mod hooks;
pub mod lazy;
pub mod live;
pub mod outline;
#[cfg(not(target_arch = "wasm32"))]
pub mod prerender;
pub mod presenter;
pub mod scale;
pub mod sections;
pub mod sim;
pub mod state;
pub mod url_state;

pub use app::App;
pub use explain_app::start_explanation;

/// Mounts [`App`] on the element with id `app` (in place of the static masthead there), or on
/// `<body>`.
pub fn start() {
    let document = gloo::utils::document();
    match document.get_element_by_id("app") {
        Some(root) => {
            root.set_text_content(None);
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
