//! Entry point of the explanation module: mounts the explanation on `#explanation`. The page's
//! app adds this module when the reader scrolls near it (see `poolsim_ui::lazy`).

fn main() {
    poolsim_explain::start_explanation();
}
