//! What a live card lets the viewer do besides power: open the server in the panel (SSO)
//! and send console commands, each with its failure shown beneath it in the card's
//! language; their requests run in the scope of the owner they were built in.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use super::error::origin_text;
use super::feed::{Feed, CONSOLE_LINES};
use super::view::problem_into;
use crate::api::{OriginClient, Scope};
use crate::components::dom::{attrs, child, console_lines_into, on, text_child};
use crate::i18n::Texts;

/// Who the card acts for: the origin, the session and the server.
pub type Acting = (OriginClient, Signal<String>, String);

pub fn sso_into(parent: &Element, (client, session, server): Acting, texts: &Rc<Texts>) {
    let Some(sso) = child(parent, "div", "sso") else {
        return;
    };
    let Some(button) = text_child(&sso, "button", "", texts.get("card.sso")) else {
        return;
    };
    attrs(&button, &[("type", "button"), ("part", "sso-button")]);
    let problem = RwSignal::new(String::new());
    problem_into(&sso, problem.into());
    let scope = Scope::new();
    let blocked = texts.get("card.popup_blocked");
    let words = texts.clone();
    on(&button, "click", move |_| {
        problem.set(String::new());
        // The tab opens now, inside the click, or popup blockers refuse it; it is sent
        // to the one-time URL once the origin has minted it, and closed on failure.
        let tab =
            web_sys::window().and_then(|w| w.open_with_url_and_target("", "_blank").ok().flatten());
        let (client, session, server) = (client.clone(), session.get_untracked(), server.clone());
        let words = words.clone();
        scope.spawn(async move {
            match client.sso(&session, &server).await {
                Ok(ticket) => match &tab {
                    Some(tab) => {
                        let _ = tab.set_opener(&wasm_bindgen::JsValue::NULL);
                        let _ = tab.location().replace(&ticket.url);
                    }
                    None => problem.set(blocked.into()),
                },
                Err(failure) => {
                    if let Some(tab) = &tab {
                        let _ = tab.close();
                    }
                    problem.set(origin_text(&words, &failure));
                }
            }
        });
    });
}

pub fn console_into(
    parent: &Element,
    feed: Feed,
    (client, session, server): Acting,
    texts: &Rc<Texts>,
) {
    let Some(pane) = child(parent, "details", "console") else {
        return;
    };
    attrs(&pane, &[("part", "console")]);
    text_child(&pane, "summary", "", texts.get("card.console"));
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
            ("aria-label", texts.get("card.command")),
            ("placeholder", texts.get("card.command_placeholder")),
        ],
    );
    if let Some(send) = text_child(&form, "button", "", texts.get("card.send")) {
        attrs(&send, &[("type", "submit")]);
    }
    problem_into(&pane, problem.into());
    let scope = Scope::new();
    let words = texts.clone();
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
        let words = words.clone();
        scope.spawn(async move {
            if let Err(failure) = client.command(&session, &server, &command).await {
                problem.set(origin_text(&words, &failure));
            }
        });
    });
}
