//! Timers on the browser's `setTimeout`/`setInterval` that are cleared when dropped, so a
//! task stopped mid-wait (its scope disposed) leaves no timer behind; [`pending_timers`]
//! counts the live ones (the soak benchmark checks it returns to zero). Plus backoff
//! with jitter.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

thread_local! {
    static PENDING: Cell<usize> = const { Cell::new(0) };
}

/// Timers set by this module and not yet fired or cleared.
pub fn pending_timers() -> usize {
    PENDING.with(Cell::get)
}

fn count(delta: isize) {
    PENDING.with(|pending| pending.set(pending.get().saturating_add_signed(delta)));
}

fn millis(duration: Duration) -> i32 {
    duration.as_millis().min(i32::MAX as u128) as i32
}

/// Resolves after `duration`; dropping it first clears the timer.
pub fn sleep(duration: Duration) -> Sleep {
    let (done, fired) = oneshot::channel();
    let mut done = Some(done);
    let live = Rc::new(Cell::new(true));
    let on_fire = live.clone();
    let callback = Closure::<dyn FnMut()>::new(move || {
        if on_fire.replace(false) {
            count(-1);
        }
        if let Some(done) = done.take() {
            let _ = done.send(());
        }
    });
    let id = web_sys::window().and_then(|window| {
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                millis(duration),
            )
            .ok()
    });
    if id.is_some() {
        count(1);
    } else {
        live.set(false);
    }
    Sleep {
        id,
        live,
        fired,
        _callback: callback,
    }
}

/// The future of [`sleep`].
pub struct Sleep {
    id: Option<i32>,
    live: Rc<Cell<bool>>,
    fired: oneshot::Receiver<()>,
    _callback: Closure<dyn FnMut()>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.id.is_none() {
            return Poll::Ready(()); // no window: nothing to wait for
        }
        Pin::new(&mut self.fired).poll(cx).map(drop)
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if self.live.replace(false) {
            count(-1);
            if let (Some(id), Some(window)) = (self.id, web_sys::window()) {
                window.clear_timeout_with_handle(id);
            }
        }
    }
}

/// A repeating timer, cleared when dropped.
pub struct Ticker {
    id: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Ticker {
    /// Calls `tick` every `period` until dropped.
    pub fn every(period: Duration, tick: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(tick);
        let id = web_sys::window().and_then(|window| {
            window
                .set_interval_with_callback_and_timeout_and_arguments_0(
                    callback.as_ref().unchecked_ref(),
                    millis(period),
                )
                .ok()
        });
        if id.is_some() {
            count(1);
        }
        Self {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.id.take(), web_sys::window()) {
            window.clear_interval_with_handle(id);
            count(-1);
        }
    }
}

/// Exponential backoff for attempt `n` (0-based): 1 s, 2 s, 4 s … capped at 30 s, with
/// ±25 % jitter so many clients dropped together do not return together.
pub fn backoff(attempt: u32) -> Duration {
    let base = 1000.0 * 2f64.powi(attempt.min(5) as i32);
    let capped = base.min(30_000.0);
    let jitter = 0.75 + js_sys::Math::random() * 0.5;
    Duration::from_millis((capped * jitter) as u64)
}
