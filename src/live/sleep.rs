//! `sleep`: a timer future on the browser's `setTimeout`, plus backoff with jitter.

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Resolves after `duration` (immediately if there is no window).
pub async fn sleep(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let ms = duration.as_millis().min(i32::MAX as u128) as i32;
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Exponential backoff for attempt `n` (0-based): 1 s, 2 s, 4 s … capped at 30 s, with
/// ±25 % jitter so many clients dropped together do not return together.
pub fn backoff(attempt: u32) -> Duration {
    let base = 1000.0 * 2f64.powi(attempt.min(5) as i32);
    let capped = base.min(30_000.0);
    let jitter = 0.75 + js_sys::Math::random() * 0.5;
    Duration::from_millis((capped * jitter) as u64)
}
