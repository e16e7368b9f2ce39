//! The card's views, built on the DOM: they render the controller's [`Phase`] and send
//! what the viewer clicks to the controller's pieces (the power sender, the origin
//! client); they keep no state machine of their own.
//!
//! Not Leptos' typed views (`view!`): those instantiate build and rebuild code for every
//! shape, and the card has a 90 KB budget. Without them the card carries no `tachys`
//! renderer at all (90.8 → 79.9 KB brotli); signals and effects keep each node current, and every
//! listener and task belongs to the owner of the phase it was built in. Text goes in as
//! text (`textContent`), never as HTML: it is server data.

use leptos::prelude::*;
use ptero_api::PowerSignal;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

use super::config::CardConfig;
use super::connection::{self, usable_state, Live, Phase};
use super::error::CardError;
use super::events::CardEvent;
use super::feed::{Feed, CONSOLE_LINES};
use super::panel::summary_into;
use super::power::PowerSender;
use crate::api::{OriginClient, Scope};
use crate::components::dom::{attrs, child, console_lines_into, on, show_text, text_child};
use crate::components::{power_row_into, PowerControl};

#[derive(Clone, PartialEq)]
enum Kind {
    Connecting,
    Live,
    Failed(CardError),
}

/// Builds the whole card for `host` into `root` and keeps it current, in the current
/// owner: each phase is built in the owner of the effect that follows the phase, so what
/// it set up goes when the phase does.
pub fn card_into(root: &Element, host: HtmlElement, scope: &Scope, power: PowerSender) {
    let config = match CardConfig::from_element(&host) {
        Ok(config) => config,
        Err(error) => {
            power.disarm(Some(error.clone()));
            CardEvent::Error(&error).dispatch(&host);
            message_into(root, &error);
            return;
        }
    };
    let compact = config.compact;
    let lang = config.lang.clone();
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
        root.set_text_content(None);
        match kind {
            Kind::Connecting => {
                if let Some(card) = child(root, "div", "card") {
                    attrs(&card, &[("part", "base"), ("aria-busy", "true")]);
                    text_child(&card, "p", "muted", "Connecting…");
                }
            }
            Kind::Failed(error) => message_into(root, &error),
            Kind::Live => {
                let live = phase.with_untracked(|phase| match phase {
                    Phase::Live(live) => Some((**live).clone()),
                    _ => None,
                });
                // The session moves on renewal; the card stays.
                let now = phase.clone();
                let session = Signal::derive(move || {
                    now.with(|phase| match phase {
                        Phase::Live(live) => live.session.clone(),
                        _ => String::new(),
                    })
                });
                if let Some(live) = live {
                    live_into(root, live, host, power, session, compact, lang.clone());
                }
            }
        }
    });
}

fn message_into(root: &Element, error: &CardError) {
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
    text_child(&card, "p", "error-title", "This server can't be shown");
    if let Some(text) = text_child(&card, "p", "", &error.to_string()) {
        attrs(&text, &[("part", "error")]);
    }
}

fn live_into(
    root: &Element,
    live: Live,
    host: &HtmlElement,
    power: &PowerSender,
    session: Signal<String>,
    compact: bool,
    lang: String,
) {
    connection::follow(&live, host, power);
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
    summary_into(&card, feed.clone(), health, clock, lang);
    if let Some(actions) = child(&card, "div", "actions") {
        let s = feed.summary.clone();
        let state = Signal::derive(move || s.with(|s| s.as_ref().and_then(usable_state)));
        let sender = SendWrapper::new(power.clone());
        let on_signal = Callback::new(move |signal: PowerSignal| {
            sender.send(signal.as_str());
        });
        let control = Signal::stored(PowerControl { allowed });
        power_row_into(&actions, control, state, power.pending().into(), on_signal);
        if sso {
            sso_into(&actions, client.clone(), session, server.clone());
        }
    }
    if let Some(told) = child(&card, "div", "") {
        attrs(&told, &[("aria-live", "assertive")]);
        problem_into(&told, power.problem().into());
        let error = feed.error.clone();
        let error = Signal::derive(move || {
            error
                .with(|f| f.as_ref().map(ToString::to_string))
                .unwrap_or_default()
        });
        problem_into(&told, error);
    }
    if console && !compact {
        console_into(&card, feed, client, session, server);
    }
}

/// An error line, shown only while `text` is not empty.
fn problem_into(parent: &Element, text: Signal<String>) {
    if let Some(line) = child(parent, "p", "error") {
        attrs(&line, &[("part", "error")]);
        show_text(line, text);
    }
}

fn sso_into(parent: &Element, client: OriginClient, session: Signal<String>, server: String) {
    let Some(sso) = child(parent, "div", "sso") else {
        return;
    };
    let Some(button) = text_child(&sso, "button", "", "Open in panel") else {
        return;
    };
    attrs(&button, &[("type", "button"), ("part", "sso-button")]);
    let problem = RwSignal::new(String::new());
    problem_into(&sso, problem.into());
    let scope = Scope::new();
    on(&button, "click", move |_| {
        problem.set(String::new());
        // The tab opens now, inside the click, or popup blockers refuse it; it is sent
        // to the one-time URL once the origin has minted it, and closed on failure.
        let tab =
            web_sys::window().and_then(|w| w.open_with_url_and_target("", "_blank").ok().flatten());
        let (client, session, server) = (client.clone(), session.get_untracked(), server.clone());
        scope.spawn(async move {
            match client.sso(&session, &server).await {
                Ok(ticket) => match &tab {
                    Some(tab) => {
                        let _ = tab.set_opener(&wasm_bindgen::JsValue::NULL);
                        let _ = tab.location().replace(&ticket.url);
                    }
                    None => problem.set(
                        "The browser blocked the new tab: allow pop-ups for this site and try again.".into(),
                    ),
                },
                Err(failure) => {
                    if let Some(tab) = &tab {
                        let _ = tab.close();
                    }
                    problem.set(failure.to_string());
                }
            }
        });
    });
}

fn console_into(
    parent: &Element,
    feed: Feed,
    client: OriginClient,
    session: Signal<String>,
    server: String,
) {
    let Some(pane) = child(parent, "details", "console") else {
        return;
    };
    attrs(&pane, &[("part", "console")]);
    text_child(&pane, "summary", "", "Console");
    let lines = feed.console.clone();
    console_lines_into(
        &pane,
        move |shown| lines.with(|log| log.since(shown)),
        CONSOLE_LINES,
    );
    let (Some(form), problem) = (child(&pane, "form", ""), RwSignal::new(String::new())) else {
        return;
    };
    let Some(input) = child(&form, "input", "") else {
        return;
    };
    attrs(
        &input,
        &[
            ("type", "text"),
            ("aria-label", "Command"),
            ("placeholder", "Type a command"),
        ],
    );
    if let Some(send) = text_child(&form, "button", "", "Send") {
        attrs(&send, &[("type", "submit")]);
    }
    problem_into(&pane, problem.into());
    let scope = Scope::new();
    on(&form, "submit", move |event| {
        event.prevent_default();
        let Some(input) = input.dyn_ref::<HtmlInputElement>() else {
            return;
        };
        let command = input.value();
        if command.trim().is_empty() {
            return;
        }
        problem.set(String::new());
        input.set_value("");
        let (client, session, server) = (client.clone(), session.get_untracked(), server.clone());
        scope.spawn(async move {
            if let Err(failure) = client.command(&session, &server, &command).await {
                problem.set(failure.to_string());
            }
        });
    });
}
