//! The server's terminal: a fixed-height, monospace, dark pane (in both themes) of console
//! lines with ANSI colours, the scrollback bounded by the feed (new lines appended, the
//! oldest dropped, never the whole list rebuilt), following the newest line unless the
//! reader scrolled up, search within the scrollback, copy, and a command line with ↑/↓
//! history. The page does not grow with the output: only the pane scrolls.
//!
//! Slightly over ~300 lines: the pane, its search and its command line are one view.

use std::collections::VecDeque;

use leptos::html::{Div, Input};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::{ansi, dom, Said};
use crate::i18n::ui::{t, tf, tp};

/// Commands remembered for ↑/↓.
const HISTORY: usize = 50;

/// Which lines match `query` (case-insensitive); empty for an empty query.
pub fn matching(lines: &[String], query: &str) -> Vec<usize> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.to_lowercase().contains(&query))
        .map(|(index, _)| index)
        .collect()
}

/// A console line without its escape sequences (what search and copy see).
pub fn plain(line: &str) -> String {
    ansi::parse(line).into_iter().map(|s| s.text).collect()
}

fn rows(pane: &Element) -> Vec<Element> {
    let children = pane.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .collect()
}

fn copy_text(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

#[component]
pub fn Terminal(
    /// The scrollback (the feed bounds it).
    #[prop(into)]
    lines: Signal<VecDeque<String>>,
    /// Lines ever received: tells the pane how many of `lines` are new.
    #[prop(into)]
    total: Signal<u64>,
    /// Sends a command; `Err` says why it was not sent.
    on_command: Callback<String, Result<(), crate::live::CommandError>>,
    #[prop(into)] enabled: Signal<bool>,
) -> impl IntoView {
    let pane = NodeRef::<Div>::new();
    let search_box = NodeRef::<Input>::new();
    let stick = RwSignal::new(true);
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<usize>::new());
    let at = RwSignal::new(0usize);
    let copied = RwSignal::new(None::<usize>);
    let shown = StoredValue::new(0u64);

    // New lines are appended as DOM nodes (text only: console output is server data).
    Effect::new(move |_| {
        let total = total.get();
        let Some(el) = pane.get() else {
            return;
        };
        let el: &Element = &el;
        lines.with(|lines| {
            let fresh = (total.saturating_sub(shown.get_value()) as usize).min(lines.len());
            for line in lines.iter().skip(lines.len() - fresh) {
                if let Some(row) = dom::child(el, "div", "term-line") {
                    for segment in ansi::parse(line) {
                        if let Some(span) = dom::child(&row, "span", &segment.class) {
                            span.set_text_content(Some(&segment.text));
                        }
                    }
                }
            }
            while el.child_element_count() as usize > lines.len() {
                match el.first_element_child() {
                    Some(first) => first.remove(),
                    None => break,
                }
            }
        });
        shown.set_value(total);
        if !query.get_untracked().trim().is_empty() {
            search(pane, query, found, at, false);
        }
        if stick.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = pane.get_untracked() {
            stick.set(el.scroll_top() + el.client_height() >= el.scroll_height() - 4);
        }
    };
    let to_latest = move |_| {
        if let Some(el) = pane.get_untracked() {
            el.set_scroll_top(el.scroll_height());
            stick.set(true);
        }
    };
    let on_search = move |_| search(pane, query, found, at, true);
    let step = move |forward: bool| {
        let n = found.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        at.update(|i| {
            *i = if forward {
                (*i + 1) % n
            } else {
                (*i + n - 1) % n
            }
        });
        show_current(pane, found, at);
    };
    let search_keys = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            step(!ev.shift_key());
        } else if ev.key() == "Escape" {
            query.set(String::new());
            search(pane, query, found, at, false);
        }
    };
    let copy_all = move |_| {
        let text = lines.with_untracked(|lines| {
            lines
                .iter()
                .map(|l| plain(l))
                .collect::<Vec<_>>()
                .join("\n")
        });
        copy_text(&text);
        copied.set(Some(lines.with_untracked(VecDeque::len)));
    };
    // Ctrl+F inside the pane searches the scrollback, not the page.
    let pane_keys = move |ev: leptos::ev::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("f") {
            ev.prevent_default();
            if let Some(input) = search_box.get_untracked() {
                let _ = input.focus();
            }
        }
    };
    let count = move || {
        let n = found.with(Vec::len);
        match (query.with(|q| q.trim().is_empty()), n) {
            (true, _) => String::new(),
            (false, 0) => t("term.no_matches").to_owned(),
            (false, n) => tf("term.match", &[&(at.get() + 1).to_string(), &n.to_string()]),
        }
    };
    view! {
        <div class="terminal" data-testid="terminal">
            <div class="term-bar" role="search">
                <label class="sr-only" for="term-search">{t("term.search")}</label>
                <input id="term-search" type="search" placeholder=t("term.search_placeholder") autocomplete="off" node_ref=search_box
                    bind:value=query on:input=on_search on:keydown=search_keys/>
                <span class="term-count" aria-live="polite" data-testid="term-count">{count}</span>
                <button type="button" aria-label=t("term.previous") on:click=move |_| step(false)>"↑"</button>
                <button type="button" aria-label=t("term.next") on:click=move |_| step(true)>"↓"</button>
                <button type="button" on:click=copy_all data-testid="term-copy">
                    {move || match copied.get() { Some(n) => tp("term.copied", n as f64, &[&n.to_string()]), None => t("term.copy").to_owned() }}
                </button>
            </div>
            <div class="term-pane" node_ref=pane on:scroll=on_scroll on:keydown=pane_keys
                role="log" aria-label=t("term.output") aria-live="off" tabindex="0" data-testid="term-pane"></div>
            <Show when=move || !stick.get()>
                <button type="button" class="term-latest" on:click=to_latest>{t("term.latest")}</button>
            </Show>
            <CommandLine on_command enabled/>
        </div>
    }
}

/// Marks the lines matching the query (`match`, the current one `current`); `jump`
/// shows the first match.
fn search(
    pane: NodeRef<Div>,
    query: RwSignal<String>,
    found: RwSignal<Vec<usize>>,
    at: RwSignal<usize>,
    jump: bool,
) {
    let Some(el) = pane.get_untracked() else {
        return;
    };
    let rows = rows(&el);
    let texts: Vec<String> = rows
        .iter()
        .map(|row| row.text_content().unwrap_or_default())
        .collect();
    let hits = matching(&texts, &query.get_untracked());
    for (index, row) in rows.iter().enumerate() {
        let _ = row
            .class_list()
            .toggle_with_force("match", hits.binary_search(&index).is_ok());
    }
    if jump || at.get_untracked() >= hits.len() {
        at.set(hits.len().saturating_sub(1));
    }
    found.set(hits);
    if jump {
        show_current(pane, found, at);
    } else {
        mark_current(&rows, found, at);
    }
}

fn mark_current(rows: &[Element], found: RwSignal<Vec<usize>>, at: RwSignal<usize>) {
    let current = found.with_untracked(|f| f.get(at.get_untracked()).copied());
    for (index, row) in rows.iter().enumerate() {
        let _ = row
            .class_list()
            .toggle_with_force("current", Some(index) == current);
    }
}

/// Scrolls the current match into the middle of the pane (which stops following).
fn show_current(pane: NodeRef<Div>, found: RwSignal<Vec<usize>>, at: RwSignal<usize>) {
    let Some(el) = pane.get_untracked() else {
        return;
    };
    let rows = rows(&el);
    mark_current(&rows, found, at);
    let current = found.with_untracked(|f| f.get(at.get_untracked()).copied());
    if let Some(row) = current.and_then(|i| rows.get(i)) {
        if let Some(row) = row.dyn_ref::<web_sys::HtmlElement>() {
            let top = row.offset_top() - el.client_height() / 2;
            el.set_scroll_top(top.max(0));
        }
    }
}

#[component]
fn CommandLine(
    on_command: Callback<String, Result<(), crate::live::CommandError>>,
    enabled: Signal<bool>,
) -> impl IntoView {
    let input = RwSignal::new(String::new());
    let history = StoredValue::new(VecDeque::<String>::new());
    let cursor = StoredValue::new(None::<usize>);
    let problem = RwSignal::new(None::<String>);
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
            Err(why) => problem.set(Some(why.said())),
        }
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
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
        <form class="term-input" on:submit=submit>
            <span class="term-prompt" aria-hidden="true">"$"</span>
            <label class="sr-only" for="console-command">{t("term.command")}</label>
            <input id="console-command" type="text" autocomplete="off" spellcheck="false"
                placeholder=move || if enabled.get() { t("term.placeholder") } else { t("term.connecting") }
                bind:value=input on:keydown=keys disabled=move || !enabled.get()/>
            <button type="submit" disabled=move || !enabled.get()>{t("term.send")}</button>
        </form>
        {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_ignores_case_and_escapes() {
        let lines: Vec<String> = ["[INFO] Done", "warn: disk", "\u{1b}[33mDONE\u{1b}[0m"]
            .map(plain)
            .to_vec();
        assert_eq!(matching(&lines, "done"), [0, 2]);
        assert_eq!(matching(&lines, "  "), Vec::<usize>::new());
        assert_eq!(plain("\u{1b}[1;31mred\u{1b}[0m text"), "red text");
    }
}
