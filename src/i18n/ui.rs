//! The app's texts in the viewer's language: the first load's (`i18n/app/<tag>.txt`) and
//! the server manager's (`i18n/manager/<tag>.txt`), each bundle with its English built in
//! and the other languages fetched once, before the bundle renders, from the app's folder
//! (`dist/app-<tag>.txt`, `dist/manager-<tag>.txt`; the build copies them there). The components
//! the app shares with the card (power buttons, meters, alerts) speak the card's catalog,
//! fetched from `dist/card/` alongside.
//!
//! The language is the app's setting (`localStorage`, see [`set_preference`]) else the
//! browser's first language. Changing it reloads the page: every text is chosen once, when
//! the bundle starts, so no view carries a language signal (and the bundles stay small).
//!
//! `t("key")` and friends read the texts [`start`] installed; before it (the wasm unit
//! tests) or for a key a catalog lacks, English (`tests` fail on any key a catalog lacks).

use std::cell::RefCell;
use std::rc::Rc;

use super::{catalog_tag, Texts};

/// A bundle's catalogs: each part's English text and the name its translations go by in
/// the app's folder (`<name>-<tag>.txt`). The manager speaks the first load's texts too
/// (the shell's components it renders, the errors), so it has both parts.
#[derive(Clone, Copy)]
pub struct Bundle {
    pub parts: &'static [Part],
}

/// One catalog of a bundle.
#[derive(Clone, Copy)]
pub struct Part {
    pub name: &'static str,
    pub english: &'static str,
}

/// The first load's texts: connect, the server list, the shell, errors.
pub const APP_TEXTS: Part = Part {
    name: "app",
    english: include_str!("../../i18n/app/en.txt"),
};

/// The server manager's: the server and account pages.
pub const MANAGER_TEXTS: Part = Part {
    name: "manager",
    english: include_str!("../../i18n/manager/en.txt"),
};

/// The first load.
pub const APP: Bundle = Bundle {
    parts: &[APP_TEXTS],
};

/// The server manager's bundle.
pub const MANAGER: Bundle = Bundle {
    parts: &[APP_TEXTS, MANAGER_TEXTS],
};

/// The languages the setting offers, by catalog tag, each named in its own language.
pub const NAMES: &[(&str, &str)] = &[
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("pl", "Polski"),
    ("pt-BR", "Português (Brasil)"),
    ("nl", "Nederlands"),
    ("ru", "Русский"),
];

const SETTING: &str = "ptero-web.language";

thread_local! {
    /// The bundle's texts and the shared components', once [`start`] chose them.
    static CURRENT: RefCell<Option<(Rc<Texts>, Rc<Texts>)>> = const { RefCell::new(None) };
}

/// The bundle's texts: those [`start`] installed, else English.
pub fn texts() -> Rc<Texts> {
    CURRENT
        .with(|current| current.borrow().as_ref().map(|(own, _)| own.clone()))
        .unwrap_or_else(|| Rc::new(english()))
}

/// The texts of the components shared with the card, in the same language.
pub fn shared() -> Rc<Texts> {
    CURRENT
        .with(|current| current.borrow().as_ref().map(|(_, shared)| shared.clone()))
        .unwrap_or_else(|| Rc::new(Texts::new(&language())))
}

/// The text of `key`.
pub fn t(key: &str) -> &'static str {
    CURRENT.with(|current| match current.borrow().as_ref() {
        Some((own, _)) => own.get(key),
        None => english().get(key),
    })
}

/// The text of `key` with `{0}`, `{1}` … replaced by `args`.
pub fn tf(key: &str, args: &[&str]) -> String {
    texts().fill(key, args)
}

/// The plural form of `key` for `n` (`key.one`, `key.other` …), filled with `args`.
pub fn tp(key: &str, n: f64, args: &[&str]) -> String {
    texts().plural(key, n, args)
}

/// The language in use: its tag as `Intl` takes it (empty: the browser's).
pub fn lang() -> String {
    texts().lang().to_owned()
}

/// Before [`start`] (or [`built_in`]): the first load's English. Only its own in a
/// browser: the manager's catalog stays out of the first load's wasm. The native unit
/// tests (of the manager's code too) read both.
fn english() -> Texts {
    #[cfg(target_arch = "wasm32")]
    let english = APP_TEXTS.english;
    #[cfg(not(target_arch = "wasm32"))]
    let english = {
        thread_local! {
            static BOTH: &'static str = joined(&[APP_TEXTS.english, MANAGER_TEXTS.english]);
        }
        BOTH.with(|both| *both)
    };
    Texts::of("", english, english)
}

/// Every part of `bundle` in English, when [`start`] has not chosen texts: the one-bundle
/// `app::App` (the wasm tests) renders the manager's pages without a start.
pub fn built_in(bundle: Bundle) {
    CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        if current.is_none() {
            let parts: Vec<&str> = bundle.parts.iter().map(|part| part.english).collect();
            let english = joined(&parts);
            let own = Rc::new(Texts::of("", english, english));
            *current = Some((own, Rc::new(Texts::new(""))));
        }
    });
}

/// Catalogs as one (a key is looked up line by line), for as long as the page lives.
fn joined(parts: &[&str]) -> &'static str {
    Box::leak(parts.join("\n").into_boxed_str())
}

/// The language chosen in the setting, if one was.
pub fn preference() -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let tag = storage.get_item(SETTING).ok()??;
    NAMES.iter().any(|(known, _)| *known == tag).then_some(tag)
}

/// Keeps `tag` (`None`: follow the browser) and reloads the page in it.
pub fn set_preference(tag: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = match tag {
            Some(tag) => storage.set_item(SETTING, tag),
            None => storage.remove_item(SETTING),
        };
    }
    let _ = window.location().reload();
}

/// The language to speak: the setting, else the browser's first.
pub fn language() -> String {
    preference()
        .or_else(|| web_sys::window()?.navigator().language())
        .unwrap_or_default()
}

/// Chooses the bundle's language and fetches its catalogs (nothing for English; English
/// for what cannot be had), then sets the page's `lang`.
pub async fn start(bundle: Bundle, base: &str) {
    let mut lang = language();
    let english: Vec<&str> = bundle.parts.iter().map(|part| part.english).collect();
    let english = match english.as_slice() {
        [one] => *one,
        many => joined(many),
    };
    let (own, shared) = match catalog_tag(&lang) {
        None => (english, None),
        Some(tag) => {
            let parts = futures::future::join_all(bundle.parts.iter().map(|part| {
                let url = [base, part.name, "-", tag, ".txt"].concat();
                async move {
                    fetch_catalog(&url, probe(part.english))
                        .await
                        .unwrap_or_default()
                }
            }));
            let shared_url = [base, "card/locale-", tag, ".txt"].concat();
            let (parts, shared) = futures::join!(parts, fetch_catalog(&shared_url, "power.start"));
            if parts.iter().all(String::is_empty) {
                // Offline or not deployed: English throughout (the shared components and
                // the numbers too), and the page says so.
                lang = "en".into();
                (english, None)
            } else {
                (
                    joined(&parts.iter().map(String::as_str).collect::<Vec<_>>()),
                    shared,
                )
            }
        }
    };
    let own = Rc::new(Texts::of(&lang, english, own));
    let shared = Rc::new(match shared {
        Some(catalog) => Texts::with_catalog(&lang, leak(catalog)),
        None => Texts::new(&lang),
    });
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let tag = if own.is_english() || own.lang().is_empty() {
            "en"
        } else {
            own.lang()
        };
        let _ = root.set_attribute("lang", tag);
    }
    CURRENT.with(|current| *current.borrow_mut() = Some((own, shared)));
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The first key of `english` with its ` = `: every translation has it, so a text without
/// it (an HTML page from a single-page fallback) is no catalog.
fn probe(english: &str) -> &str {
    english
        .lines()
        .find(|line| !line.starts_with('#') && line.contains(" = "))
        .and_then(|line| line.split_once(" = "))
        .map_or("", |(key, _)| key)
}

/// A catalog, when the address has one (`probe`: a key it must have).
async fn fetch_catalog(url: &str, probe: &str) -> Option<String> {
    crate::api::fetch_locale(url).await.filter(|t| {
        t.lines()
            .any(|line| line.starts_with(probe) && line[probe.len()..].starts_with(" = "))
    })
}
