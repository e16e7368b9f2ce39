//! What the app shows when a bug panics. The wasm instance stops right after the panic
//! hook (`panic = "abort"`), so the notice is plain DOM with a plain link: it must work
//! with no Rust left running. Sign-in lives in browser storage, so a reload keeps it.

use std::panic::PanicHookInfo;

/// Logs the panic to the console (with its message) and puts a notice on the page.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_notice();
    }));
}

fn show_notice() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Ok(notice), Ok(text), Ok(reload), Some(body)) = (
        document.create_element("div"),
        document.create_element("p"),
        document.create_element("a"),
        document.body(),
    ) else {
        return;
    };
    let _ = notice.set_attribute("class", "crash");
    let _ = notice.set_attribute("role", "alert");
    text.set_text_content(Some(crate::i18n::ui::t("crash.notice")));
    let _ = reload.set_attribute("href", "");
    reload.set_text_content(Some(crate::i18n::ui::t("crash.reload")));
    let _ = notice.append_child(&text);
    let _ = notice.append_child(&reload);
    let _ = body.prepend_with_node_1(&notice);
}
