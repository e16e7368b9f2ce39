//! The standalone app's entry point (built by trunk from `index.html`): connect and the
//! server list; the server page is its own bundle (`src/bin/manager.rs`).

fn main() {
    ptero_web::crash::install_hook();
    // The texts first (nothing to fetch in English): every view chooses its texts once.
    wasm_bindgen_futures::spawn_local(async {
        ptero_web::i18n::ui::start(ptero_web::i18n::ui::APP, "/").await;
        leptos::mount::mount_to_body(ptero_web::app::LazyApp);
    });
}
