//! The code editor: a text area over a coloured mirror of its text (the common
//! "textarea + overlay" technique), line numbers, search, Ctrl+S to save, and a guard
//! that asks before unsaved changes are dropped. Files over the panel's editor limit are
//! refused with the panel's own sentence, before and after asking it.
//!
//! Hand-written rather than CodeMirror or Monaco: either is 150 KB+ of script on top of
//! this bundle, for editing configuration files.
//!
//! Longer than ~300 lines: the editor and its editing surface share their signals; split
//! apart they would need a context of their own for what is one view.

use crate::i18n::ui::{t, tf, tp};
use leptos::html::{Div, Input, Pre, Textarea};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::controller::Files;
use super::highlight::{self, Language};
use crate::api::ApiError;
use crate::components::dom;

/// `PTERODACTYL_FILES_MAX_EDIT_SIZE`'s default: larger files are not opened.
pub const MAX_EDIT_BYTES: u64 = 4 * 1024 * 1024;
/// The panel's sentence for a file over that size (`FileSizeTooLargeException`); the
/// editor says it in the viewer's language (`editor.too_large`).
pub const TOO_LARGE: &str =
    "The file you are attempting to open is too large to view in the file editor.";
/// Past this many bytes the mirror is not coloured (typing stays fast).
const HIGHLIGHT_LIMIT: usize = 256 * 1024;

/// A highlighting's name as the menu shows it (the formats' own names stay).
fn language_label(language: Language) -> &'static str {
    match language {
        Language::Plain => t("editor.plain"),
        other => other.name(),
    }
}

/// Where each occurrence of `query` starts in `text` (case-insensitive, ASCII folding).
pub fn occurrences(text: &str, query: &str) -> Vec<usize> {
    if query.is_empty() {
        return Vec::new();
    }
    let haystack = text.to_lowercase();
    let needle = query.to_lowercase();
    if haystack.len() != text.len() {
        // Case folding changed byte lengths: search as typed.
        return text.match_indices(query).map(|(at, _)| at).collect();
    }
    haystack.match_indices(&needle).map(|(at, _)| at).collect()
}

/// The UTF-16 offset of byte `at` (what the text area's selection counts).
fn utf16_at(text: &str, at: usize) -> u32 {
    text[..at.min(text.len())].encode_utf16().count() as u32
}

/// What to open: an existing file (with its listed size) or a new one.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    /// The directory and, for an existing file, its name.
    pub directory: String,
    pub name: Option<String>,
    pub size: u64,
}

/// `writable`: the viewer may save (`file.create`, which the panel asks of every write);
/// without it the text is read-only and there is no Save.
#[component]
pub fn Editor(files: Files, opened: Opened, writable: bool) -> impl IntoView {
    let is_new = opened.name.is_none();
    // A new file, once saved, is an existing one (no more name field, nothing unsaved).
    let created = RwSignal::new(false);
    let name = RwSignal::new(opened.name.clone().unwrap_or_default());
    let path = {
        let directory = opened.directory.clone();
        Signal::derive(move || ptero_api::join_path(&directory, &name.get()))
    };
    let text = RwSignal::new(String::new());
    let saved = RwSignal::new(String::new());
    let loaded = RwSignal::new(None::<Result<(), String>>);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<&'static str>);
    let language = RwSignal::new(Language::of(&name.get_untracked()));
    let confirm_close = RwSignal::new(false);

    if is_new {
        loaded.set(Some(Ok(())));
    } else if opened.size > MAX_EDIT_BYTES {
        loaded.set(Some(Err(t("editor.too_large").to_owned())));
    } else {
        let file = path.get_untracked();
        files.spawn(async move {
            match files.client().file_contents(&files.server(), &file).await {
                Ok(content) => {
                    text.set(content.clone());
                    saved.set(content);
                    loaded.set(Some(Ok(())));
                }
                Err(ApiError::Aborted) => {}
                Err(failure) => loaded.set(Some(Err(super::controller::sentence(&failure)))),
            }
        });
    }
    let dirty = Signal::derive(move || {
        let changed = text.with(|t| saved.with(|s| t != s))
            || (is_new && !created.get() && !name.with(String::is_empty));
        changed.then(|| name.get())
    });
    crate::manager::unsaved::guard(dirty);

    let save = move || {
        if !writable {
            return;
        }
        let file = path.get_untracked();
        if name.with_untracked(|n| n.trim().is_empty()) {
            error.set(Some(t("editor.name_first").to_owned()));
            return;
        }
        let content = text.get_untracked();
        status.set(Some(t("editor.saving")));
        error.set(None);
        files.spawn(async move {
            match files
                .client()
                .write_file(&files.server(), &file, content.clone())
                .await
            {
                Ok(()) => {
                    saved.set(content);
                    created.set(true);
                    status.set(Some(t("editor.saved")));
                    files.reload();
                }
                Err(failure) => {
                    status.set(None);
                    error.set(Some(super::controller::sentence(&failure)));
                }
            }
        });
    };
    let close = move || {
        if dirty.get_untracked().is_some() {
            confirm_close.set(true);
        } else {
            files.close_editor();
        }
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            save();
        }
    };

    view! {
        <section class="editor" aria-label=move || tf("editor.label", &[&path.get()]) on:keydown=keys data-testid="editor">
            <div class="editor-bar">
                {move || if is_new && !created.get() {
                    view! {
                        <label class="sr-only" for="new-file-name">{t("editor.file_name")}</label>
                        <input id="new-file-name" type="text" class="editor-name" placeholder="name.yml" bind:value=name
                            on:input=move |_| language.set(Language::of(&name.get_untracked()))/>
                    }.into_any()
                } else {
                    view! { <strong class="editor-path">{move || path.get()}</strong> }.into_any()
                }}
                <label class="sr-only" for="editor-language">{t("editor.highlighting")}</label>
                <select id="editor-language" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some(l) = Language::ALL.into_iter().find(|l| l.name() == chosen) {
                        language.set(l);
                    }
                }>
                    {Language::ALL.map(|l| view! {
                        <option value=l.name() selected=move || language.get() == l>{language_label(l)}</option>
                    }).collect_view()}
                </select>
                <span class="editor-status" aria-live="polite" data-testid="editor-status">
                    {move || if dirty.get().is_some() && status.get() != Some(t("editor.saving")) { Some(t("editor.unsaved")) } else { status.get() }}
                </span>
                {if writable {
                    view! {
                        <button type="button" class="primary" on:click=move |_| save()
                            disabled=move || !matches!(loaded.get(), Some(Ok(())))
                            title="Ctrl+S">{t("common.save")}</button>
                    }.into_any()
                } else {
                    view! { <span class="tag">{t("editor.read_only")}</span> }.into_any()
                }}
                <button type="button" on:click=move |_| close()>{t("editor.close")}</button>
            </div>
            <Show when=move || confirm_close.get()>
                <div class="confirm-row" role="alertdialog" aria-label=t("editor.unsaved")>
                    <span>{move || tf("editor.discard_confirm", &[&name.get()])}</span>
                    <button type="button" class="danger" on:click=move |_| { crate::manager::unsaved::mark(None); files.close_editor(); }>{t("editor.discard")}</button>
                    <button type="button" on:click=move |_| confirm_close.set(false)>{t("editor.keep")}</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="editor-error">{e}</p> })}
            {move || match loaded.get() {
                None => view! { <p class="loading">{t("editor.opening")}</p> }.into_any(),
                Some(Err(refusal)) => view! { <p class="error" role="alert" data-testid="editor-refused">{refusal}</p> }.into_any(),
                Some(Ok(())) => view! { <Code text language writable/> }.into_any(),
            }}
        </section>
    }
}

/// The editing surface: gutter, coloured mirror and the text area, with search.
#[component]
fn Code(text: RwSignal<String>, language: RwSignal<Language>, writable: bool) -> impl IntoView {
    let area = NodeRef::<Textarea>::new();
    let mirror = NodeRef::<Pre>::new();
    let gutter = NodeRef::<Div>::new();
    let find = NodeRef::<Input>::new();
    let query = RwSignal::new(String::new());
    let at = RwSignal::new(0usize);
    let lines = Memo::new(move |_| text.with(|t| t.matches('\n').count() + 1));
    let plain = Memo::new(move |_| text.with(String::len) > HIGHLIGHT_LIMIT);

    // The mirror: one line element per line, coloured runs as text spans.
    Effect::new(move |_| {
        let (Some(el), language) = (mirror.get(), language.get()) else {
            return;
        };
        let el: &Element = &el;
        el.set_text_content(None);
        if plain.get() {
            return;
        }
        text.with(|text| {
            for line in text.split('\n') {
                let Some(row) = dom::child(el, "span", "code-line") else {
                    return;
                };
                for (class, run) in highlight::line(language, line) {
                    if let Some(span) = dom::child(&row, "span", class) {
                        span.set_text_content(Some(&run));
                    }
                }
                let _ = row.append_with_str_1("\n");
            }
        });
    });
    Effect::new(move |_| {
        let count = lines.get();
        if let Some(el) = gutter.get() {
            let numbers: Vec<String> = (1..=count).map(|n| n.to_string()).collect();
            el.set_text_content(Some(&numbers.join("\n")));
        }
    });
    let sync = move || {
        if let (Some(a), Some(m), Some(g)) = (
            area.get_untracked(),
            mirror.get_untracked(),
            gutter.get_untracked(),
        ) {
            m.set_scroll_top(a.scroll_top());
            m.set_scroll_left(a.scroll_left());
            g.set_scroll_top(a.scroll_top());
        }
    };
    let found = Memo::new(move |_| text.with(|t| occurrences(t, &query.get())));
    let select = move |index: usize| {
        let hits = found.get_untracked();
        let (Some(&start), Some(el)) = (hits.get(index), area.get_untracked()) else {
            return;
        };
        let value = text.get_untracked();
        let end = start + query.with_untracked(String::len);
        let _ = el.focus();
        let _ = el.set_selection_range(utf16_at(&value, start), utf16_at(&value, end));
        // Bring the match's line into view (the text area scrolls to the caret only on typing).
        let line = value[..start].matches('\n').count() as f64;
        let style = web_sys::window().and_then(|w| w.get_computed_style(&el).ok().flatten());
        let height = style
            .and_then(|s| s.get_property_value("line-height").ok())
            .and_then(|h| h.trim_end_matches("px").parse::<f64>().ok())
            .unwrap_or(20.0);
        el.set_scroll_top(((line * height) as i32 - el.client_height() / 2).max(0));
        sync();
        at.set(index);
    };
    let step = move |forward: bool| {
        let n = found.with_untracked(Vec::len);
        if n > 0 {
            let next = if forward {
                (at.get_untracked() + 1) % n
            } else {
                (at.get_untracked() + n - 1) % n
            };
            select(next);
        }
    };
    let find_keys = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            step(!ev.shift_key());
        }
    };
    let area_keys = move |ev: leptos::ev::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("f") {
            ev.prevent_default();
            if let Some(input) = find.get_untracked() {
                let _ = input.focus();
            }
        }
    };
    let count = move || match (query.with(String::is_empty), found.with(Vec::len)) {
        (true, _) => String::new(),
        (false, 0) => t("editor.no_matches").to_owned(),
        (false, n) => tf(
            "editor.match_of",
            &[&(at.get().min(n - 1) + 1).to_string(), &n.to_string()],
        ),
    };
    view! {
        <div class="editor-find" role="search">
            <label class="sr-only" for="editor-find">{t("editor.find_label")}</label>
            <input id="editor-find" type="search" placeholder=t("editor.find") node_ref=find bind:value=query
                on:input=move |_| { at.set(0); if found.with_untracked(|f| !f.is_empty()) { select(0); } }
                on:keydown=find_keys/>
            <span class="muted" aria-live="polite" data-testid="find-count">{count}</span>
            <button type="button" aria-label=t("editor.previous") on:click=move |_| step(false)>"↑"</button>
            <button type="button" aria-label=t("editor.next") on:click=move |_| step(true)>"↓"</button>
            <span class="muted editor-lines">{move || tp("editor.lines", lines.get() as f64, &[&lines.get().to_string()])}</span>
        </div>
        <div class="editor-body" class:plain=move || plain.get()>
            <div class="gutter" aria-hidden="true" node_ref=gutter></div>
            <div class="code">
                <pre class="mirror" aria-hidden="true" node_ref=mirror></pre>
                <textarea node_ref=area aria-label=t("editor.contents") spellcheck="false" autocapitalize="off"
                    autocomplete="off" wrap="off" data-testid="editor-text" readonly=!writable
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                            text.set(el.value());
                        }
                        sync();
                    }
                    on:scroll=move |_| sync()
                    on:keydown=area_keys></textarea>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_is_case_insensitive() {
        assert_eq!(occurrences("Max=1\nmax=2", "MAX"), [0, 6]);
        assert_eq!(occurrences("abc", ""), Vec::<usize>::new());
        assert_eq!(utf16_at("é😀x", "é😀".len()), 3);
    }
}
