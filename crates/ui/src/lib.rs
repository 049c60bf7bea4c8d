//! The Yew pieces both page modules use: the live figure (`poolsim-web`) and the explanation
//! (`poolsim-explain`) each link this crate, and neither links the other. Controls (sliders,
//! toggles), canvases and the charts drawn on them, media and resize hooks, the browser side of
//! downloads, the share dialogs' small parts, and the modules' protocol through the DOM (`lazy`).
//! Every number they show comes from `poolsim-model` through `poolsim_page::sim`.

pub mod components;
pub mod export;
pub mod hooks;
pub mod lazy;
