//! The banner of the newest alert the origin told about a card's server ("The server
//! crashed · 14:03"), with a button that dismisses it; a newer alert (a recovery after the
//! crash) replaces it and shows again. Texts in the card's language; the time is the
//! browser's (`Intl`). Built on the DOM like the rest of the live panel (see `panel.rs`): a typed
//! Leptos view of it cost the card about 1.5 KB brotli.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use ptero_api::alerts::AlertKind;
use send_wrapper::SendWrapper;
use web_sys::Element;

use super::feed::FeedAlert;
use crate::components::dom::{attr, child, on};
use crate::components::{clock_time, severity_class};
use crate::i18n::Texts;

/// "The server crashed", in the card's language.
pub fn sentence(kind: AlertKind, t: &Texts) -> &'static str {
    t.get(&["alert.", kind.as_str()].concat())
}

/// Adds the (hidden) banner to `panel` and keeps it showing `alert`, in the current owner.
pub fn banner_into(panel: &Element, alert: ArcRwSignal<Option<FeedAlert>>, texts: Rc<Texts>) {
    let Some(banner) = child(panel, "div", "") else {
        return;
    };
    let (Some(text), Some(dismiss)) = (
        child(&banner, "span", "alert-text"),
        child(&banner, "button", "link"),
    ) else {
        return;
    };
    for (name, value) in [("part", "alert"), ("role", "alert"), ("hidden", "")] {
        attr(&banner, name, value);
    }
    for (name, value) in [
        ("type", "button"),
        ("aria-label", texts.get("alert.dismiss_label")),
    ] {
        attr(&dismiss, name, value);
    }
    dismiss.set_text_content(Some(texts.get("alert.dismiss")));
    // The time of the alert the viewer dismissed.
    let dismissed = Rc::new(Cell::new(None::<u64>));
    let (shown, hide) = (alert.clone(), banner.clone());
    let gone = dismissed.clone();
    on(&dismiss, "click", move |_| {
        gone.set(shown.with_untracked(|a| a.as_ref().map(|a| a.at_ms)));
        let _ = hide.toggle_attribute_with_force("hidden", true);
    });
    let nodes = SendWrapper::new((banner, text, dismissed, texts));
    Effect::new(move |_| {
        let (banner, text, dismissed, texts) = &*nodes;
        let current = alert.get().filter(|a| dismissed.get() != Some(a.at_ms));
        let _ = banner.toggle_attribute_with_force("hidden", current.is_none());
        if let Some(FeedAlert { kind, at_ms }) = current {
            banner.set_class_name(&["alert alert-", severity_class(kind.severity())].concat());
            attr(banner, "data-kind", kind.as_str());
            let when = clock_time(at_ms as f64, texts.lang());
            text.set_text_content(Some(&[sentence(kind, texts), " · ", &when].concat()));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_sentence() {
        let en = Texts::english();
        for kind in AlertKind::ALL {
            assert!(sentence(kind, &en).starts_with("The server "));
        }
        assert_eq!(sentence(AlertKind::Crash, &en), "The server crashed");
    }
}
