//! The standalone app's entry point (built by trunk from `index.html`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ptero_web::app::App);
}
