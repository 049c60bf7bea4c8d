//! Entry point of the page: mounts the app on `#app` (or on `<body>` when missing).

fn main() {
    poolsim_web::start();
}
