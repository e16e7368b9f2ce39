//! A console: live lines (ANSI colours as text spans), scrollback bounded by the feed,
//! sticking to the bottom unless the reader scrolled up, and a command line with ↑/↓
//! history.

use std::collections::VecDeque;

use leptos::html::Div;
use leptos::prelude::*;

use super::AnsiLine;

/// Commands remembered for ↑/↓.
const HISTORY: usize = 50;

#[component]
pub fn Console(
    #[prop(into)] lines: Signal<VecDeque<String>>,
    /// Sends a command; `Err` says why it was not sent.
    on_command: Callback<String, Result<(), String>>,
    #[prop(into)] enabled: Signal<bool>,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let stick = RwSignal::new(true);
    let input = RwSignal::new(String::new());
    let history = StoredValue::new(VecDeque::<String>::new());
    let cursor = StoredValue::new(None::<usize>);
    let problem = RwSignal::new(None::<String>);

    // After new lines render, follow them unless the reader scrolled up.
    Effect::new(move |_| {
        lines.track();
        if stick.get_untracked() {
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            stick.set(el.scroll_top() + el.client_height() >= el.scroll_height() - 4);
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command = input.get_untracked();
        if command.trim().is_empty() {
            return;
        }
        match on_command.run(command.clone()) {
            Ok(()) => {
                history.update_value(|h| {
                    h.push_back(command);
                    if h.len() > HISTORY {
                        h.pop_front();
                    }
                });
                cursor.set_value(None);
                input.set(String::new());
                problem.set(None);
            }
            Err(why) => problem.set(Some(why)),
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let len = history.with_value(VecDeque::len);
        let next = match (ev.key().as_str(), cursor.get_value()) {
            ("ArrowUp", None) if len > 0 => Some(len - 1),
            ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
            ("ArrowDown", Some(i)) if i + 1 < len => Some(i + 1),
            ("ArrowDown", Some(_)) => {
                cursor.set_value(None);
                input.set(String::new());
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        cursor.set_value(next);
        if let Some(i) = next {
            input.set(history.with_value(|h| h.get(i).cloned().unwrap_or_default()));
        }
    };
    view! {
        <div class="console" part="console">
            <div class="console-lines" node_ref=scroller on:scroll=on_scroll role="log" aria-label="Console output" tabindex="0">
                {move || lines.get().into_iter().map(|line| view! { <AnsiLine line/> }).collect_view()}
            </div>
            <form class="console-input" on:submit=submit>
                <label class="sr-only" for="console-command">"Command"</label>
                <input id="console-command" type="text" autocomplete="off" spellcheck="false" placeholder="Type a command, ↑ for history"
                    bind:value=input on:keydown=on_key disabled=move || !enabled.get()/>
                <button type="submit" disabled=move || !enabled.get()>"Send"</button>
            </form>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </div>
    }
}
