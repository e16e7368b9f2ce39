//! Loading data for a view: one request per change of what it depends on, the answer kept
//! in a signal the view reads.
//!
//! It does what the app used of Leptos' `LocalResource` + `<Transition>`, at a fraction of
//! their code: until the first answer the view shows its "Loading…" line; while a reload
//! runs it keeps showing the previous answer; an answer overtaken by a newer request is
//! dropped, and aborted: each request runs in a [`Scope`] of the effect, which its next
//! run or the view's disposal stops.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;

use super::{ApiError, Scope};

/// What a request for a `T` answered.
pub type Answer<T> = Result<T, ApiError>;

/// A request kept up to date with the signals it reads (see [`Load::new`]). Copy, like a
/// signal; it lives as long as the reactive owner it was created in.
pub struct Load<T: Send + Sync + 'static> {
    answer: RwSignal<Option<Answer<T>>>,
    loading: RwSignal<bool>,
    again: RwSignal<()>,
}

impl<T: Send + Sync + 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Load<T> {}

impl<T: Clone + Send + Sync + 'static> Load<T> {
    /// Calls `request` now and again whenever a signal it reads changes (or on
    /// [`reload`](Self::reload)), and runs the future it returns. Only the latest request's
    /// answer is kept.
    pub fn new<F>(request: impl Fn() -> F + 'static) -> Self
    where
        F: Future<Output = Answer<T>> + 'static,
    {
        let load = Load {
            answer: RwSignal::new(None),
            loading: RwSignal::new(true),
            again: RwSignal::new(()),
        };
        let latest = Rc::new(Cell::new(0u64));
        Effect::new(move |_| {
            load.again.track();
            // Registered with this run of the effect: stopped when it re-runs or the view goes.
            let scope = Scope::new();
            let future = request();
            let this = latest.get() + 1;
            latest.set(this);
            load.loading.set(true);
            let latest = latest.clone();
            scope.spawn(async move {
                let answer = future.await;
                if latest.get() == this {
                    load.answer.try_set(Some(answer));
                    load.loading.try_set(false);
                }
            });
        });
        load
    }

    /// The latest answer, `None` before the first (tracked; a reload that has not answered
    /// yet does not change it).
    pub fn answer(&self) -> Option<Answer<T>> {
        self.answer.get()
    }

    /// Whether a request is running (tracked).
    pub fn loading(&self) -> bool {
        self.loading.get()
    }

    /// Asks again with the same inputs (a "Try again" button).
    pub fn reload(&self) {
        self.again.set(());
    }
}
