//! The card's views, built on the DOM: they render the controller's [`Phase`] and send
//! what the viewer clicks to the controller's pieces (the power sender, the origin
//! client); they keep no state machine of their own.
//!
//! Not Leptos' typed views (`view!`): those instantiate build and rebuild code for every
//! shape, and the card has a 90 KB budget. Without them the card carries no `tachys`
//! renderer at all (90.8 → 79.9 KB brotli); signals and effects keep each node current, and every
//! listener and task belongs to the owner of the phase it was built in. Text goes in as
//! text (`textContent`), never as HTML: it is server data.

use std::rc::Rc;

use leptos::prelude::*;
use ptero_api::PowerSignal;
use send_wrapper::SendWrapper;
use web_sys::{Element, HtmlElement};

use super::actions::{console_into, sso_into};
use super::config::{lang_of, CardConfig};
use super::connection::{self, usable_state, Live, Phase};
use super::error::{origin_text, CardError};
use super::events::CardEvent;
use super::locale;
use super::panel::summary_into;
use super::power::PowerSender;
use crate::api::Scope;
use crate::components::dom::{attrs, child, show_text, text_child};
use crate::components::{power_row_into, PowerControl};
use crate::i18n::Texts;

#[derive(Clone, PartialEq)]
enum Kind {
    Connecting,
    Live,
    Failed(CardError),
}

/// Builds the whole card for `host` into `root` and keeps it current, in the current
/// owner: each phase is built in the owner of the effect that follows the phase, so what
/// it set up goes when the phase does; within it, the DOM is built again in the card's
/// language once its catalog arrives (English until then).
pub fn card_into(root: &Element, host: HtmlElement, scope: &Scope, power: PowerSender) {
    let lang = lang_of(&host);
    let words = Words {
        catalog: locale::catalog(&lang),
        lang,
    };
    let config = match CardConfig::from_element(&host) {
        Ok(config) => config,
        Err(error) => {
            power.disarm(Some(error.clone()));
            CardEvent::Error(&error).dispatch(&host);
            // For the page's developer, in detail and in English, whatever the card's language.
            web_sys::console::warn_1(
                &["<ptero-server-card>: ", &error.to_string()]
                    .concat()
                    .into(),
            );
            let root = SendWrapper::new(root.clone());
            Effect::new(move |_| {
                root.set_text_content(None);
                message_into(&root, &error, &words.texts());
            });
            return;
        }
    };
    let compact = config.compact;
    let phase = connection::start(config, host.clone(), scope, power.clone());
    let watched = phase.clone();
    let kind = Memo::new(move |_| {
        watched.with(|phase| match phase {
            Phase::Connecting => Kind::Connecting,
            Phase::Live(_) => Kind::Live,
            Phase::Failed(error) => Kind::Failed(error.clone()),
        })
    });
    let held = SendWrapper::new((root.clone(), host, power));
    Effect::new(move |_| {
        let (root, host, power) = &*held;
        let kind = kind.get();
        let root = SendWrapper::new(root.clone());
        let words = words.clone();
        match kind {
            Kind::Connecting => {
                Effect::new(move |_| {
                    root.set_text_content(None);
                    if let Some(card) = child(&root, "div", "card") {
                        attrs(&card, &[("part", "base"), ("aria-busy", "true")]);
                        text_child(&card, "p", "muted", words.texts().get("card.connecting"));
                    }
                });
            }
            Kind::Failed(error) => {
                Effect::new(move |_| {
                    root.set_text_content(None);
                    message_into(&root, &error, &words.texts());
                });
            }
            Kind::Live => {
                let live = phase.with_untracked(|phase| match phase {
                    Phase::Live(live) => Some((**live).clone()),
                    _ => None,
                });
                let Some(live) = live else { return };
                // Once per phase, whatever the language: the events and the state attribute.
                connection::follow(&live, host, power);
                // The session moves on renewal; the card stays.
                let now = phase.clone();
                let session = Signal::derive(move || {
                    now.with(|phase| match phase {
                        Phase::Live(live) => live.session.clone(),
                        _ => String::new(),
                    })
                });
                let held = SendWrapper::new((live, power.clone()));
                Effect::new(move |_| {
                    let (live, power) = &*held;
                    let texts = Rc::new(words.texts());
                    root.set_text_content(None);
                    live_into(&root, live.clone(), power, session, compact, texts);
                });
            }
        }
    });
}

/// The card's language and, for one with a catalog, the catalog once it is here.
#[derive(Clone)]
struct Words {
    lang: String,
    catalog: Option<locale::Catalog>,
}

impl Words {
    /// The texts to build with now (tracks the catalog's arrival).
    fn texts(&self) -> Texts {
        match self.catalog.as_ref().and_then(|catalog| catalog.get()) {
            Some(catalog) => Texts::with_catalog(&self.lang, catalog),
            None => Texts::new(&self.lang),
        }
    }
}

fn message_into(root: &Element, error: &CardError, texts: &Texts) {
    let Some(card) = child(root, "div", "card card-error") else {
        return;
    };
    let code = error.code().to_string();
    attrs(
        &card,
        &[
            ("part", "base"),
            ("role", "alert"),
            ("data-error-code", &code),
        ],
    );
    text_child(&card, "p", "error-title", texts.get("card.cannot_show"));
    if let Some(text) = text_child(&card, "p", "", &error.localized(texts)) {
        attrs(&text, &[("part", "error")]);
    }
}

fn live_into(
    root: &Element,
    live: Live,
    power: &PowerSender,
    session: Signal<String>,
    compact: bool,
    texts: Rc<Texts>,
) {
    let Live {
        client,
        server,
        feed,
        health,
        clock,
        allowed,
        console,
        sso,
        ..
    } = live;
    let class = if compact { "card compact" } else { "card" };
    let Some(card) = child(root, "article", class) else {
        return;
    };
    attrs(
        &card,
        &[
            ("part", "base"),
            ("data-testid", "card-ready"),
            ("data-server", &server),
        ],
    );
    summary_into(&card, feed.clone(), health, clock, texts.clone());
    if let Some(actions) = child(&card, "div", "actions") {
        let s = feed.summary.clone();
        let state = Signal::derive(move || s.with(|s| s.as_ref().and_then(usable_state)));
        let sender = SendWrapper::new(power.clone());
        let on_signal = Callback::new(move |signal: PowerSignal| {
            sender.send(signal.as_str());
        });
        let control = Signal::stored(PowerControl { allowed });
        let pending = power.pending().into();
        power_row_into(&actions, control, state, pending, on_signal, texts.clone());
        if sso {
            sso_into(&actions, (client.clone(), session, server.clone()), &texts);
        }
    }
    if let Some(told) = child(&card, "div", "") {
        attrs(&told, &[("aria-live", "assertive")]);
        let (problem, words) = (power.problem(), SendWrapper::new(texts.clone()));
        let problem = Signal::derive(move || {
            problem
                .with(|e| e.as_ref().map(|e| e.localized(&words)))
                .unwrap_or_default()
        });
        problem_into(&told, problem);
        let (error, words) = (feed.error.clone(), SendWrapper::new(texts.clone()));
        let error = Signal::derive(move || {
            error
                .with(|f| f.as_ref().map(|f| origin_text(&words, f)))
                .unwrap_or_default()
        });
        problem_into(&told, error);
    }
    if console && !compact {
        console_into(&card, feed, (client, session, server), &texts);
    }
}

/// An error line, shown only while `text` is not empty.
pub(super) fn problem_into(parent: &Element, text: Signal<String>) {
    if let Some(line) = child(parent, "p", "error") {
        attrs(&line, &[("part", "error")]);
        show_text(line, text);
    }
}
