//! The standalone app's entry point (built by trunk from `index.html`): connect and the
//! server list; the server page is its own bundle (`src/bin/manager.rs`).

fn main() {
    ptero_web::crash::install_hook();
    leptos::mount::mount_to_body(ptero_web::app::LazyApp);
}
