//! poolsim's interactive explainer page. Only this crate touches the DOM; every number it shows
//! comes from `poolsim-model`.

pub mod app;
pub mod components;
pub mod format;
pub mod scale;
pub mod sections;

pub use app::App;

/// Mounts [`App`] on the element with id `app`, or on `<body>`.
pub fn start() {
    let document = gloo::utils::document();
    match document.get_element_by_id("app") {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
