//! `Scope`: the work one reactive owner started (its tasks and their requests), stopped
//! together when that owner is disposed.
//!
//! `leptos::task::spawn_local` carries no owner, so an `on_cleanup` inside a spawned future
//! registers nothing: the abort must be registered where the owner is. [`Scope::new`] is
//! called there (in a component or an effect) and registers it; [`Scope::spawn`] runs a
//! future that is dropped on abort (its timers cleared, see `live::sleep`) and whose
//! requests use the scope's `AbortSignal` (set as the current signal while the future
//! is polled, read by [`Request::send`](super::Request::send)).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::future::{AbortHandle, Abortable};
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use web_sys::{AbortController, AbortSignal};

thread_local! {
    /// The signal of the scope whose task is being polled.
    static CURRENT: RefCell<Option<AbortSignal>> = const { RefCell::new(None) };
}

/// The signal of the task being polled, when it runs in a [`Scope`].
pub(crate) fn current_signal() -> Option<AbortSignal> {
    CURRENT.with(|current| current.borrow().clone())
}

struct Inner {
    controller: Option<AbortController>,
    tasks: RefCell<Vec<(AbortHandle, Rc<Cell<bool>>)>>,
    stopped: Cell<bool>,
}

/// A group of tasks and requests stopped together. Clones share it.
#[derive(Clone)]
pub struct Scope(Rc<Inner>);

impl Scope {
    /// A scope stopped when the current reactive owner is disposed (or re-runs, for an
    /// effect). Without an owner it lives until [`Scope::stop`].
    pub fn new() -> Self {
        let scope = Self::detached();
        let on_dispose = SendWrapper::new(scope.clone());
        on_cleanup(move || on_dispose.stop());
        scope
    }

    /// A scope only [`Scope::stop`] stops (page-wide controllers own theirs).
    pub fn detached() -> Self {
        Self(Rc::new(Inner {
            controller: AbortController::new().ok(),
            tasks: RefCell::default(),
            stopped: Cell::new(false),
        }))
    }

    /// Aborts the scope's requests and drops its tasks; later ones never start.
    pub fn stop(&self) {
        if self.0.stopped.replace(true) {
            return;
        }
        if let Some(controller) = &self.0.controller {
            controller.abort();
        }
        for (task, _) in self.0.tasks.take() {
            task.abort();
        }
    }

    pub fn is_stopped(&self) -> bool {
        self.0.stopped.get()
    }

    pub fn signal(&self) -> Option<AbortSignal> {
        self.0.controller.as_ref().map(AbortController::signal)
    }

    /// `future` with the scope's signal on its requests, left to end on its own (for a
    /// task that must finish its teardown, such as a socket's handlers).
    pub fn wrap<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        WithSignal {
            signal: self.signal(),
            future: Box::pin(future),
        }
    }

    /// Runs `future` until it ends or the scope stops, whichever is first.
    pub fn spawn(&self, future: impl Future<Output = ()> + 'static) {
        if self.is_stopped() {
            return;
        }
        let (handle, registration) = AbortHandle::new_pair();
        let done = Rc::new(Cell::new(false));
        {
            let mut tasks = self.0.tasks.borrow_mut();
            tasks.retain(|(_, done)| !done.get());
            tasks.push((handle, done.clone()));
        }
        let task = WithSignal {
            signal: self.signal(),
            future: Box::pin(future),
        };
        leptos::task::spawn_local(async move {
            let _ = Abortable::new(task, registration).await;
            done.set(true);
        });
    }
}

impl Default for Scope {
    fn default() -> Self {
        Self::new()
    }
}

/// Polls `future` with `signal` as the current signal.
struct WithSignal<F> {
    signal: Option<AbortSignal>,
    future: Pin<Box<F>>,
}

impl<F: Future> Future for WithSignal<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let outer = CURRENT.with(|current| current.replace(this.signal.clone()));
        let result = this.future.as_mut().poll(cx);
        CURRENT.with(|current| *current.borrow_mut() = outer);
        result
    }
}
