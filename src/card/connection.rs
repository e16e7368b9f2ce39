//! The card's controller: token → session → live watch → renewal, as a task of the card's
//! [`Scope`] (stopped, with its timers and requests, when the card is removed). Its state
//! is the [`Phase`] the views render; failures are [`CardError`]s, reported once through
//! `ptero-error` (and `ptero-session-expired` when the session ended).
//!
//! With a `token-url`, the session is renewed before it expires (a fresh token from the
//! hosting site, a fresh session, the watch moved over to it), and also when the origin
//! stops carrying it early (revoked). With a plain `token`, an ended session ends the card.

use futures::future::{select, Either};
use leptos::prelude::*;
use ptero_api::claims::Action;
use ptero_api::origin::{ServerSummary, SessionGrant};
use ptero_api::{PowerSignal, PowerState};
use web_sys::HtmlElement;

use super::config::CardConfig;
use super::error::CardError;
use super::events::CardEvent;
use super::feed::Feed;
use super::hub;
use super::link::{self, Health, Watch};
use super::power::{PowerSender, Target};
use crate::api::{OriginClient, Scope};
use crate::components::PowerControl;
use crate::live::sleep;

/// What the card shows.
#[derive(Clone)]
pub enum Phase {
    Connecting,
    Live(Box<Live>),
    Failed(CardError),
}

/// A live card's data: the page-wide feed of its server and the session it watches under.
#[derive(Clone)]
pub struct Live {
    pub client: OriginClient,
    pub session: String,
    pub server: String,
    pub feed: Feed,
    pub health: ArcRwSignal<Health>,
    pub clock: ArcRwSignal<f64>,
    /// Signals the session grants and the card's `actions` allow.
    pub allowed: Vec<PowerSignal>,
    pub console: bool,
    pub sso: bool,
}

/// The card's grant: what the session grants, narrowed by the card's own `actions`.
pub fn allows(grant: &SessionGrant, narrowed: Option<&[Action]>, action: Action) -> bool {
    grant.actions.contains(&action) && narrowed.is_none_or(|n| n.contains(&action))
}

/// Starts the card's controller in `scope`; the phase it keeps up to date is returned.
pub fn start(
    config: CardConfig,
    host: HtmlElement,
    scope: &Scope,
    power: PowerSender,
) -> ArcRwSignal<Phase> {
    let phase = ArcRwSignal::new(Phase::Connecting);
    let card = Card {
        config,
        host,
        phase: phase.clone(),
        power,
    };
    scope.spawn(async move { card.run().await });
    phase
}

struct Card {
    config: CardConfig,
    host: HtmlElement,
    phase: ArcRwSignal<Phase>,
    power: PowerSender,
}

/// Why the card left its live watch.
enum Next {
    Renew,
    Ended(CardError),
}

impl Card {
    async fn run(self) {
        let origin = self.config.origin.clone();
        let mut stale: Option<String> = None;
        // Held while live; replaced only after the next one watches (no gap in the stream).
        let mut _watch: Option<Watch> = None;
        loop {
            let token = match (&self.config.token, &self.config.token_url) {
                (Some(token), _) => token.clone(),
                (None, Some(url)) => match hub::token(url, stale.as_deref()).answer().await {
                    Ok(token) => token,
                    Err(error) => return self.fail(CardError::Token(error)),
                },
                (None, None) => return,
            };
            let grant = match hub::session(&origin, &token, self.config.actions.as_deref())
                .answer()
                .await
            {
                Ok(grant) => grant,
                Err(failure) => {
                    hub::forget_session(&origin, &token);
                    return self.fail(CardError::Origin(failure));
                }
            };
            let server = self.config.server.clone();
            if !grant.servers.contains(&server) {
                return self.fail(CardError::ServerNotGranted { server });
            }
            let watch = link::watch(&origin, &grant.session, &server);
            let ended = watch.ended();
            let live = self.live(&grant, &watch);
            _watch = Some(watch);
            // The renewed-from token's session is spent: no card will ask for it again.
            if let Some(spent) = stale.take() {
                hub::forget_session(&origin, &spent);
            }
            self.power.aim(Target {
                client: live.client.clone(),
                session: live.session.clone(),
                server: live.server.clone(),
                allowed: live.allowed.clone(),
            });
            self.phase.set(Phase::Live(Box::new(live)));

            let renews = self.config.token_url.is_some();
            let next = if renews {
                let due = std::pin::pin!(sleep(hub::renew_after(grant.expires_in_secs)));
                match select(due, ended).await {
                    Either::Left(_) => Next::Renew,
                    Either::Right((Ok(_), _)) => Next::Renew,
                    Either::Right((Err(_), _)) => return,
                }
            } else {
                match ended.await {
                    Ok(failure) => Next::Ended(CardError::Origin(failure)),
                    Err(_) => return,
                }
            };
            match next {
                Next::Renew => stale = Some(token),
                Next::Ended(error) => {
                    hub::forget_session(&origin, &token);
                    return self.fail(error);
                }
            }
        }
    }

    fn live(&self, grant: &SessionGrant, watch: &Watch) -> Live {
        let narrowed = self.config.actions.as_deref();
        Live {
            client: OriginClient::new(&self.config.origin),
            session: grant.session.clone(),
            server: self.config.server.clone(),
            feed: watch.feed.clone(),
            health: watch.health.clone(),
            clock: watch.clock.clone(),
            allowed: PowerControl::ORDER
                .into_iter()
                .filter(|signal| allows(grant, narrowed, Action::for_signal(*signal)))
                .collect(),
            console: allows(grant, narrowed, Action::Console),
            sso: allows(grant, narrowed, Action::Sso),
        }
    }

    fn fail(&self, error: CardError) {
        self.power.disarm(Some(error.clone()));
        let _ = self.host.set_attribute("state", "error");
        if error.session_expired() {
            CardEvent::SessionExpired.dispatch(&self.host);
        }
        CardEvent::Error(&error).dispatch(&self.host);
        self.phase.set(Phase::Failed(error));
    }
}

/// What a card state shows in its badge and `state` attribute.
pub fn badge(summary: &ServerSummary) -> String {
    if summary.is_suspended {
        "suspended".into()
    } else if summary.node_under_maintenance {
        "maintenance".into()
    } else if let Some(status) = &summary.status {
        status.clone()
    } else {
        summary.state.as_str().into()
    }
}

/// A power state that takes signals: none while suspended, installing or in maintenance.
pub fn usable_state(summary: &ServerSummary) -> Option<PowerState> {
    (!(summary.is_suspended || summary.node_under_maintenance || summary.status.is_some()))
        .then_some(summary.state)
}

/// Follows a live card's data in the current (view) owner: `ptero-ready` on the first
/// summary, `ptero-state-change` on each change, the `state` attribute kept in step, the
/// pending signal settled when the state moves, and the feed's errors reported.
pub fn follow(live: &Live, host: &HtmlElement, power: &PowerSender) {
    let summary = live.feed.summary.clone();
    let (host_state, power) = (send_wrapper::SendWrapper::new(host.clone()), power.clone());
    let power = send_wrapper::SendWrapper::new(power);
    let last = StoredValue::new(None::<PowerState>);
    Effect::new(move |_| {
        let Some(summary) = summary.get() else { return };
        let _ = host_state.set_attribute("state", &badge(&summary));
        let server = summary.identifier.as_str();
        match last.get_value() {
            None => {
                CardEvent::Ready {
                    server,
                    state: summary.state,
                }
                .dispatch(&host_state);
            }
            Some(old) if old != summary.state => {
                CardEvent::StateChange {
                    server,
                    old,
                    new: summary.state,
                }
                .dispatch(&host_state);
                power.settle();
            }
            _ => {}
        }
        last.set_value(Some(summary.state));
    });
    let error = live.feed.error.clone();
    let on_error = send_wrapper::SendWrapper::new(host.clone());
    Effect::new(move |_| {
        if let Some(failure) = error.get() {
            CardEvent::Error(&CardError::Origin(failure)).dispatch(&on_error);
        }
    });
    // `ptero-alert` for each alert told after the card came (one told before it, to
    // another card of the same server, shows in the banner but is not news to this one).
    let alert = live.feed.alert.clone();
    let on_alert = send_wrapper::SendWrapper::new(host.clone());
    let server = live.server.clone();
    let known = StoredValue::new(alert.with_untracked(|a| a.as_ref().map(|a| a.at_ms)));
    Effect::new(move |_| {
        let Some(news) = alert.get().filter(|a| known.get_value() != Some(a.at_ms)) else {
            return;
        };
        known.set_value(Some(news.at_ms));
        CardEvent::Alert {
            server: &server,
            kind: news.kind,
            at_ms: news.at_ms,
        }
        .dispatch(&on_alert);
    });
}

/// Removes what a card left on its host when it goes (its reflected state).
pub fn clear_host(host: &HtmlElement) {
    let _ = host.remove_attribute("state");
}
