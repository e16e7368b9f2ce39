//! The standalone app's entry point (built by trunk from `index.html`).

fn main() {
    ptero_web::crash::install_hook();
    leptos::mount::mount_to_body(ptero_web::app::App);
}
