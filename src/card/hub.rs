//! What every card on a page shares: hand-off tokens fetched from a `token-url` (once for
//! every card naming it) and one session per hand-off token (a token's `jti` is single
//! use, so it is exchanged once). The live stream is `link.rs`'s.
//!
//! The exchange waits for the end of the current task, so every card upgraded together
//! (one `customElements.define`, one loop of appends) has said which actions it wants:
//! the session asks for their union (a card without `actions` asks for everything), and
//! each card then shows and allows only what its own attribute names. A card added after
//! its token was exchanged gets at most what that exchange asked for.
//!
//! A request still in flight when the last card waiting for it is removed is aborted.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use ptero_api::claims::Action;
use ptero_api::origin::SessionGrant;

use super::slots::Slots;
use crate::api::{fetch_token, OriginClient, OriginFailure, Scope, TokenError};
use crate::live::sleep;

pub type SessionResult = Result<Rc<SessionGrant>, OriginFailure>;
type TokenResult = Result<String, TokenError>;

/// A request shared by the cards waiting for it.
struct Pending<T: Clone + 'static> {
    future: Shared<LocalBoxFuture<'static, T>>,
    /// Tells it apart from a later request under the same key.
    id: u64,
    /// Cards holding a [`Wait`] for it.
    waiting: usize,
    scope: Scope,
}

thread_local! {
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

impl<T: Clone + 'static> Pending<T> {
    fn start(run: impl FnOnce(Scope) -> LocalBoxFuture<'static, T>) -> Self {
        let scope = Scope::detached();
        Self {
            future: run(scope.clone()).shared(),
            id: NEXT_ID.with(|next| next.replace(next.get() + 1)),
            waiting: 0,
            scope,
        }
    }

    fn wait(&mut self, key: Key) -> Wait<T> {
        self.waiting += 1;
        Wait {
            future: self.future.clone(),
            key,
            id: self.id,
        }
    }

    fn done(&self) -> bool {
        self.future.peek().is_some()
    }
}

/// What a session asks for: the union of its cards' `actions` (`None`: everything).
#[derive(Clone, Debug, Default, PartialEq)]
struct Asked(Option<Vec<Action>>);

impl Asked {
    fn add(&mut self, card: Option<&[Action]>, first: bool) {
        match (card, &mut self.0) {
            (None, _) => self.0 = None,
            (Some(actions), _) if first => self.0 = Some(actions.to_vec()),
            (Some(actions), Some(union)) => {
                for action in actions {
                    if !union.contains(action) {
                        union.push(*action);
                    }
                }
            }
            (Some(_), None) => {}
        }
    }
}

struct SessionSlot {
    pending: Pending<SessionResult>,
    asked: Asked,
}

#[derive(Default)]
struct Hub {
    tokens: Slots<String, Pending<TokenResult>>,
    sessions: Slots<(String, String), SessionSlot>,
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::new(Hub::default());
}

/// Which registry a [`Wait`] counts in.
enum Key {
    Token(String),
    Session(String, String),
}

/// A card's wait for a shared request. Dropping it (the card removed) before the answer
/// aborts the request when no other card waits for it.
pub struct Wait<T: Clone + 'static> {
    future: Shared<LocalBoxFuture<'static, T>>,
    key: Key,
    id: u64,
}

impl<T: Clone + 'static> Wait<T> {
    pub async fn answer(&self) -> T {
        self.future.clone().await
    }
}

impl<T: Clone + 'static> Drop for Wait<T> {
    fn drop(&mut self) {
        let id = self.id;
        // What is removed is dropped after the hub is released.
        let abandoned: Option<Box<dyn std::any::Any>> = HUB.with(|hub| {
            let mut hub = hub.borrow_mut();
            match &self.key {
                Key::Token(url) => release(&mut hub.tokens, url.as_str(), id, |p| p)
                    .map(|p| Box::new(p) as Box<dyn std::any::Any>),
                Key::Session(origin, token) => release(
                    &mut hub.sessions,
                    &(origin.clone(), token.clone()),
                    id,
                    |slot| &mut slot.pending,
                )
                .map(|s| Box::new(s) as Box<dyn std::any::Any>),
            }
        });
        drop(abandoned);
    }
}

/// One card fewer waits; a request nobody waits for any more is stopped and forgotten.
fn release<K: PartialEq + PartialEq<Q>, Q: ?Sized, V, T: Clone + 'static>(
    slots: &mut Slots<K, V>,
    key: &Q,
    id: u64,
    pending: impl Fn(&mut V) -> &mut Pending<T>,
) -> Option<V> {
    let slot = slots.get_mut(key)?;
    let entry = pending(slot);
    if entry.id != id {
        return None; // a later request under the same key
    }
    entry.waiting = entry.waiting.saturating_sub(1);
    if entry.waiting > 0 || entry.done() {
        return None;
    }
    entry.scope.stop();
    slots.remove(key)
}

/// A hand-off token from the hosting site's `url`, fetched once for every card that names
/// it (so they share one session). `stale` is the token a card wants replaced: a new one
/// is fetched unless another card already did.
pub fn token(url: &str, stale: Option<&str>) -> Wait<TokenResult> {
    HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        let usable = hub
            .tokens
            .get(url)
            .is_some_and(|cached| match cached.future.peek() {
                None => true,
                Some(Ok(token)) => stale != Some(token.as_str()),
                Some(Err(_)) => false,
            });
        let key = Key::Token(url.to_string());
        if let (true, Some(pending)) = (usable, hub.tokens.get_mut(url)) {
            return pending.wait(key);
        }
        let owned = url.to_string();
        let mut pending = Pending::start(move |scope| {
            async move {
                let signal = scope.signal().ok_or(TokenError::Aborted)?;
                fetch_token(&owned, &signal).await
            }
            .boxed_local()
        });
        let wait = pending.wait(key);
        hub.tokens.insert(url.to_string(), pending);
        wait
    })
}

/// When a session of `lifetime_secs` should be renewed: a minute before it ends, or at
/// three quarters of it for short sessions.
pub fn renew_after(lifetime_secs: u64) -> Duration {
    let secs = if lifetime_secs > 240 {
        lifetime_secs - 60
    } else {
        lifetime_secs * 3 / 4
    };
    Duration::from_millis(secs.max(1) * 1000)
}

/// The session for `token` at `origin`, exchanged at most once per page, for a card
/// asking for `actions` (`None`: everything the token grants).
pub fn session(origin: &str, token: &str, actions: Option<&[Action]>) -> Wait<SessionResult> {
    let key = (origin.to_string(), token.to_string());
    HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        let wait_key = Key::Session(key.0.clone(), key.1.clone());
        if let Some(slot) = hub.sessions.get_mut(&key) {
            if !slot.pending.done() {
                slot.asked.add(actions, false);
            }
            return slot.pending.wait(wait_key);
        }
        let (origin, token) = key.clone();
        let mut slot = SessionSlot {
            pending: Pending::start(move |scope| exchange(origin, token, scope)),
            asked: Asked::default(),
        };
        slot.asked.add(actions, true);
        let wait = slot.pending.wait(wait_key);
        hub.sessions.insert(key, slot);
        forget_idle(&mut hub.sessions);
        wait
    })
}

/// Sessions kept while no card uses them (a card given the same token again reuses its
/// session; the token itself is spent). The oldest idle ones go past this.
const IDLE_SESSIONS: usize = 16;

fn forget_idle(sessions: &mut Slots<(String, String), SessionSlot>) {
    let idle = |slot: &SessionSlot| slot.pending.waiting == 0 && slot.pending.done();
    let mut extra = sessions
        .values()
        .filter(|slot| idle(slot))
        .count()
        .saturating_sub(IDLE_SESSIONS);
    // Slots keep insertion order: the first idle one is the oldest.
    while extra > 0 {
        let Some(key) = sessions
            .iter()
            .find(|(_, slot)| idle(slot))
            .map(|(key, _)| key.clone())
        else {
            break;
        };
        sessions.remove(&key);
        extra -= 1;
    }
}

fn exchange(origin: String, token: String, scope: Scope) -> LocalBoxFuture<'static, SessionResult> {
    async move {
        // The other cards upgraded in this task say what they want first.
        sleep(Duration::ZERO).await;
        let asked = HUB.with(|hub| {
            let hub = hub.borrow();
            hub.sessions
                .get(&(origin.clone(), token.clone()))
                .map(|slot| slot.asked.clone())
                .unwrap_or_default()
        });
        let signal = scope.signal().ok_or(OriginFailure::Aborted)?;
        OriginClient::new(&origin)
            .exchange(&token, asked.0.as_deref(), &signal)
            .await
            .map(Rc::new)
    }
    .boxed_local()
}

/// Forgets a session (expired, refused, or spent by a renewal) so the next card
/// exchanges afresh.
pub fn forget_session(origin: &str, token: &str) {
    let removed = HUB.with(|hub| {
        hub.borrow_mut()
            .sessions
            .remove(&(origin.to_string(), token.to_string()))
    });
    drop(removed);
}

/// Exchanges still in flight at `origin` (the stream waits for them, see `link.rs`).
pub fn exchanging(origin: &str) -> usize {
    HUB.with(|hub| {
        hub.borrow()
            .sessions
            .iter()
            .filter(|((o, _), slot)| o == origin && !slot.pending.done())
            .count()
    })
}

/// How many sessions the page holds (tests check a renewal lets go of the old one).
pub fn cached_sessions() -> usize {
    HUB.with(|hub| hub.borrow().sessions.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_asks_for_the_union_of_its_cards_actions() {
        let mut asked = Asked::default();
        asked.add(Some(&[Action::Start]), true);
        asked.add(Some(&[Action::Stop, Action::Start]), false);
        assert_eq!(asked, Asked(Some(vec![Action::Start, Action::Stop])));
        // A card without the attribute asks for everything, whenever it comes.
        asked.add(None, false);
        assert_eq!(asked, Asked(None));
        asked.add(Some(&[Action::Kill]), false);
        assert_eq!(asked, Asked(None));
    }

    #[test]
    fn renewal_comes_a_minute_early_or_at_three_quarters() {
        assert_eq!(renew_after(900), Duration::from_secs(840));
        assert_eq!(renew_after(4), Duration::from_secs(3));
        assert_eq!(renew_after(0), Duration::from_secs(1));
    }
}
