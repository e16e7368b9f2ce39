//! A labelled usage bar against a limit (`<meter>`-like, accessible as a progressbar).

use leptos::prelude::*;

/// `used` of `limit` (both in the same unit); `limit` 0 means unlimited.
#[component]
pub fn Meter(
    label: &'static str,
    #[prop(into)] used: Signal<f64>,
    #[prop(into)] limit: Signal<f64>,
    #[prop(into)] text: Signal<String>,
) -> impl IntoView {
    let fraction = move || {
        let l = limit.get();
        if l > 0.0 {
            (used.get() / l).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let level = move || match fraction() {
        f if f >= 0.9 => "meter critical",
        f if f >= 0.75 => "meter high",
        _ => "meter",
    };
    view! {
        <div class=level part="meter">
            <div class="meter-label">
                <span>{label}</span>
                <span class="meter-text">{move || text.get()}</span>
            </div>
            <div
                class="meter-track"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || super::fixed(fraction() * 100.0, 0)
            >
                <div class="meter-fill" style:width=move || format!("{}%", super::fixed(fraction() * 100.0, 1))></div>
            </div>
        </div>
    }
}
