//! The card's one power sender: the buttons and `element.power()` both go through
//! [`PowerSender::send`]. It is plain Rust state (no reactive callback that a disposed view
//! could leave dangling): the controller points it at the live session, or at why there
//! is none, and it answers `false` with a `ptero-error` whenever it cannot send.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use ptero_api::PowerSignal;
use web_sys::HtmlElement;

use super::error::CardError;
use super::events::CardEvent;
use crate::api::{OriginClient, Scope};

/// Where signals go while the card is live.
#[derive(Clone)]
pub struct Target {
    pub client: OriginClient,
    pub session: String,
    pub server: String,
    /// What the session grants and the card's `actions` allow.
    pub allowed: Vec<PowerSignal>,
}

enum Aim {
    Live(Target),
    /// Not live; `None` while connecting.
    Down(Option<CardError>),
}

struct Inner {
    host: HtmlElement,
    /// The card's scope: a signal in flight is abandoned with the card.
    scope: Scope,
    aim: RefCell<Aim>,
    /// The signal in flight (the buttons show it).
    pending: ArcRwSignal<Option<PowerSignal>>,
    /// The last send's failure, shown under the buttons in the card's language.
    problem: ArcRwSignal<Option<CardError>>,
}

#[derive(Clone)]
pub struct PowerSender(Rc<Inner>);

impl PowerSender {
    pub fn new(host: HtmlElement, scope: Scope) -> Self {
        Self(Rc::new(Inner {
            host,
            scope,
            aim: RefCell::new(Aim::Down(None)),
            pending: ArcRwSignal::new(None),
            problem: ArcRwSignal::new(None),
        }))
    }

    pub fn pending(&self) -> ArcRwSignal<Option<PowerSignal>> {
        self.0.pending.clone()
    }

    pub fn problem(&self) -> ArcRwSignal<Option<CardError>> {
        self.0.problem.clone()
    }

    /// Points the sender at a live session.
    pub fn aim(&self, target: Target) {
        *self.0.aim.borrow_mut() = Aim::Live(target);
    }

    /// The card is not live any more (or not yet), because of `why`.
    pub fn disarm(&self, why: Option<CardError>) {
        *self.0.aim.borrow_mut() = Aim::Down(why);
        self.0.pending.set(None);
    }

    /// The real state arrived: the signal in flight has done its part.
    pub fn settle(&self) {
        if self.0.pending.with_untracked(Option::is_some) {
            self.0.pending.set(None);
        }
    }

    /// Sends `signal` (a word from `element.power()` or a button). False, with a
    /// `ptero-error`, when the card cannot; false without one when the page cancelled
    /// `ptero-power-request`.
    pub fn send(&self, signal: &str) -> bool {
        match self.try_send(signal) {
            Ok(sent) => sent,
            Err(error) => {
                CardEvent::Error(&error).dispatch(&self.0.host);
                false
            }
        }
    }

    fn try_send(&self, word: &str) -> Result<bool, CardError> {
        let target = match &*self.0.aim.borrow() {
            Aim::Live(target) => target.clone(),
            Aim::Down(why) => {
                return Err(CardError::NotConnected {
                    because: why.clone().map(Box::new),
                })
            }
        };
        let signal = word
            .parse::<PowerSignal>()
            .ok()
            .filter(|signal| target.allowed.contains(signal))
            .ok_or_else(|| CardError::NotGranted {
                signal: word.to_string(),
            })?;
        if !(CardEvent::PowerRequest { signal }).dispatch(&self.0.host) {
            return Ok(false);
        }
        self.0.problem.set(None);
        self.0.pending.set(Some(signal));
        let inner = self.0.clone();
        self.0.scope.spawn(async move {
            let result = target
                .client
                .power(&target.session, &target.server, signal)
                .await;
            let outcome = match &result {
                Ok(()) => "accepted",
                Err(failure) => failure.code(),
            };
            CardEvent::Power { signal, outcome }.dispatch(&inner.host);
            if let Err(failure) = result {
                let error = CardError::Origin(failure);
                CardEvent::Error(&error).dispatch(&inner.host);
                inner.pending.set(None);
                inner.problem.set(Some(error));
            }
        });
        Ok(true)
    }
}

/// Sends on behalf of a card the page no longer has (`element.power()` after removal).
pub fn refuse_unmounted(host: &HtmlElement) -> bool {
    CardEvent::Error(&CardError::Removed).dispatch(host);
    false
}
