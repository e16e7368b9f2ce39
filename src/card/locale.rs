//! The card's catalogs beyond English: `locale-<tag>.txt` next to the card's module
//! (`dist/card/`, copied there from `i18n/card/` by the build), fetched once per page per
//! language and shared by every card that speaks it. Until it arrives, or when it cannot
//! be had, a card speaks English; a fetched catalog lives as long as the page (at most
//! seven, a few KB each).

use std::cell::RefCell;

use leptos::prelude::*;

use crate::api::fetch_locale;
use crate::i18n::catalog_tag;

/// A catalog on its way: `None` until it is here (or when it could not be had).
pub type Catalog = ArcRwSignal<Option<&'static str>>;

thread_local! {
    /// Where the card's module was loaded from (`cardBase`, called by its element script).
    static BASE: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The catalogs asked for, by tag: `None` while loading (or when it failed).
    static CATALOGS: RefCell<Vec<(&'static str, Catalog)>> =
        const { RefCell::new(Vec::new()) };
}

/// The URL of the folder the card's module came from.
pub fn set_base(url: String) {
    BASE.with(|base| *base.borrow_mut() = Some(url));
}

/// The catalog for `lang`, once it is here (tracked); `None` for English, a language
/// without a catalog, or a page that did not say where the card lives.
pub fn catalog(lang: &str) -> Option<Catalog> {
    let tag = catalog_tag(lang)?;
    let base = BASE.with(|base| base.borrow().clone())?;
    let known = CATALOGS.with(|all| {
        all.borrow()
            .iter()
            .find(|(known, _)| *known == tag)
            .map(|(_, signal)| signal.clone())
    });
    if let Some(signal) = known {
        return Some(signal);
    }
    let signal = ArcRwSignal::new(None);
    CATALOGS.with(|all| all.borrow_mut().push((tag, signal.clone())));
    let arrived = signal.clone();
    // Page-wide, owned by no card: the first card that asks may go before it arrives.
    leptos::task::spawn_local(async move {
        let url = [base.as_str(), "locale-", tag, ".txt"].concat();
        // Something else at that address (an HTML page) is no catalog.
        let text = fetch_locale(&url)
            .await
            .filter(|t| t.contains("\npower.start = "));
        if let Some(text) = text {
            arrived.set(Some(&*Box::leak(text.into_boxed_str())));
        }
    });
    Some(signal)
}
