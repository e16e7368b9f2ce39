//! `use_polling`: run a task now and every `period`, skipping ticks while the page is
//! hidden and catching up at once when it is shown again.

use std::time::Duration;

use leptos::prelude::*;

use super::use_page_visible;

/// Calls `tick` immediately, then every `period` while the page is visible. The interval
/// is cleared when the calling component's owner is disposed.
pub fn use_polling(period: Duration, tick: impl Fn() + Clone + 'static) {
    let visible = use_page_visible();
    let on_interval = tick.clone();
    let handle = set_interval_with_handle(
        move || {
            if visible.get_untracked() {
                on_interval();
            }
        },
        period,
    );
    if let Ok(handle) = handle {
        on_cleanup(move || handle.clear());
    }
    // Runs at mount and again whenever the page becomes visible.
    Effect::new(move |_| {
        if visible.get() {
            tick();
        }
    });
}
