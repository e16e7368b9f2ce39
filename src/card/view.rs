//! The card's views: they render the controller's [`Phase`] and send what the viewer
//! clicks to the controller's pieces (the power sender, the origin client); they keep no
//! state machine of their own.

use leptos::prelude::*;
use ptero_api::PowerSignal;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::config::CardConfig;
use super::connection::{self, usable_state, Live, Phase};
use super::error::CardError;
use super::events::CardEvent;
use super::feed::Feed;
use super::feed::CONSOLE_LINES;
use super::panel::summary_panel;
use super::power::PowerSender;
use crate::api::{OriginClient, Scope};
use crate::components::dom::console_lines;
use crate::components::{PowerButtons, PowerControl};

#[derive(Clone, PartialEq)]
enum Kind {
    Connecting,
    Live,
    Failed(CardError),
}

/// The whole card for `host`.
#[component]
pub fn ServerCard(
    host: SendWrapper<HtmlElement>,
    scope: SendWrapper<Scope>,
    power: SendWrapper<PowerSender>,
) -> impl IntoView {
    let config = match CardConfig::from_element(&host) {
        Ok(config) => config,
        Err(error) => {
            power.disarm(Some(error.clone()));
            CardEvent::Error(&error).dispatch(&host);
            return view! { <CardMessage error/> }.into_any();
        }
    };
    let compact = config.compact;
    let lang = config.lang.clone();
    let phase = connection::start(config, (*host).clone(), &scope, (*power).clone());
    let watched = phase.clone();
    let kind = Memo::new(move |_| {
        watched.with(|phase| match phase {
            Phase::Connecting => Kind::Connecting,
            Phase::Live(_) => Kind::Live,
            Phase::Failed(error) => Kind::Failed(error.clone()),
        })
    });
    view! {
        {move || match kind.get() {
            Kind::Connecting => view! {
                <div class="card" part="base" aria-busy="true"><p class="muted">"Connecting…"</p></div>
            }.into_any(),
            Kind::Failed(error) => view! { <CardMessage error/> }.into_any(),
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
                live.map(|live| view! {
                    <LiveCard live host=host.clone() power=power.clone() session compact lang=lang.clone()/>
                })
                .into_any()
            }
        }}
    }
    .into_any()
}

#[component]
fn CardMessage(error: CardError) -> impl IntoView {
    let message = error.to_string();
    view! {
        <div class="card card-error" part="base" role="alert" data-error-code=error.code().to_string()>
            <p class="error-title">"This server can't be shown"</p>
            <p part="error">{message}</p>
        </div>
    }
}

#[component]
fn LiveCard(
    live: Live,
    host: SendWrapper<HtmlElement>,
    power: SendWrapper<PowerSender>,
    session: Signal<String>,
    compact: bool,
    lang: String,
) -> impl IntoView {
    connection::follow(&live, &host, &power);
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
    let s = feed.summary.clone();
    let state = Signal::derive(move || s.with(|s| s.as_ref().and_then(usable_state)));
    let sender = power.clone();
    let on_signal = Callback::new(move |signal: PowerSignal| {
        sender.send(signal.as_str());
    });
    let control = PowerControl { allowed };
    let pending = power.pending();
    let problem = power.problem();
    let error = feed.error.clone();

    view! {
        <article class=if compact { "card compact" } else { "card" } part="base" data-testid="card-ready" data-server=server.clone()>
            {summary_panel(feed.clone(), health, clock, lang)}
            <div class="actions">
                <PowerButtons control state pending on_signal/>
                {sso.then(|| view! { <SsoButton client=client.clone() session server=server.clone()/> })}
            </div>
            <div aria-live="assertive">
                <Problem text=problem.into()/>
                <Problem text=Signal::derive(move || error.with(|f| f.as_ref().map(ToString::to_string)).unwrap_or_default())/>
            </div>
            {(console && !compact).then(|| view! { <ConsolePane feed=feed.clone() client=client.clone() session server=server.clone()/> })}
        </article>
    }
}

/// An error line, there only while `text` is not empty.
#[component]
fn Problem(text: Signal<String>) -> impl IntoView {
    view! { <p class="error" part="error" hidden=move || text.with(String::is_empty)>{text}</p> }
}

#[component]
fn SsoButton(client: OriginClient, session: Signal<String>, server: String) -> impl IntoView {
    let problem = RwSignal::new(String::new());
    let scope = SendWrapper::new(Scope::new());
    let open = move |_| {
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
    };
    view! {
        <div class="sso">
            <button type="button" part="sso-button" on:click=open>"Open in panel"</button>
            <Problem text=problem.into()/>
        </div>
    }
}

#[component]
fn ConsolePane(
    feed: Feed,
    client: OriginClient,
    session: Signal<String>,
    server: String,
) -> impl IntoView {
    let lines = feed.console.clone();
    let problem = RwSignal::new(String::new());
    let scope = SendWrapper::new(Scope::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The form's one text field, read and emptied as it is sent.
        let input = ev
            .target()
            .and_then(|form| form.dyn_into::<web_sys::Element>().ok())
            .and_then(|form| form.query_selector("input").ok().flatten())
            .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(input) = input else { return };
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
    };
    view! {
        <details class="console" part="console">
            <summary>"Console"</summary>
            {console_lines(move |shown| lines.with(|log| log.since(shown)), CONSOLE_LINES)}
            <form on:submit=submit>
                <input type="text" aria-label="Command" placeholder="Type a command"/>
                <button type="submit">"Send"</button>
            </form>
            <Problem text=problem.into()/>
        </details>
    }
}
