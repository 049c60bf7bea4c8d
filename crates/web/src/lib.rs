//! The live figure: poolsim's first-load module (binary `poolsim-web`). Only this crate and
//! `poolsim-explain` touch the DOM; every number they show comes from `poolsim-model`, through the
//! adapter in `poolsim_page::sim`. The pure page logic (state, URL codec, view models, formats,
//! presenter data, outline, challenges) is `poolsim-page`; the components and hooks it shares with
//! the explanation are `poolsim-ui`'s.

pub mod app;
pub mod challenges;
pub mod components;
pub mod embed;
pub mod hooks;
pub mod lazy;
pub mod presenter;

pub use app::App;

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
