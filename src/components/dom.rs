//! Views that update often, written straight on the DOM: usage meters with sparklines,
//! and console lines appended as they arrive (the power buttons in `power.rs` too). Leptos'
//! typed views instantiate their build/rebuild code per shape; for the card (a 90 KB
//! budget) these were about 20 KB of it, so they are built once here with `web_sys` and
//! kept current by one effect each. Text goes in as text (`textContent`), never as HTML:
//! it is server data.

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

use super::ansi;
use super::format::fixed;
use super::History;

const SVG: &str = "http://www.w3.org/2000/svg";

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// `<tag class=class>` appended to `parent`.
pub fn child(parent: &Element, tag: &str, class: &str) -> Option<Element> {
    let el = document()?.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    parent.append_child(&el).ok()?;
    Some(el)
}

fn svg_child(parent: &Element, tag: &str) -> Option<Element> {
    let el = document()?.create_element_ns(Some(SVG), tag).ok()?;
    parent.append_child(&el).ok()?;
    Some(el)
}

pub fn attr(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// Each `(name, value)` of `attrs` set on `el`.
pub fn attrs(el: &Element, attrs: &[(&str, &str)]) {
    for (name, value) in attrs {
        attr(el, name, value);
    }
}

/// `<tag class=class>` with `text` as its text, appended to `parent`.
pub fn text_child(parent: &Element, tag: &str, class: &str, text: &str) -> Option<Element> {
    let el = child(parent, tag, class)?;
    el.set_text_content(Some(text));
    Some(el)
}

/// Calls `handler` with each `event` at `el`; the listener is removed when the current
/// owner is cleaned up.
pub fn on(el: &Element, event: &'static str, handler: impl FnMut(web_sys::Event) + 'static) {
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
    let _ = el.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    let held = SendWrapper::new((el.clone(), listener));
    on_cleanup(move || {
        let (el, listener) = held.take();
        let _ = el.remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    });
}

/// `el` shows `text` as its text, hidden while it is empty (an effect of the current
/// owner).
pub fn show_text(el: Element, text: Signal<String>) {
    let el = SendWrapper::new(el);
    Effect::new(move |_| {
        text.with(|text| {
            el.set_text_content(Some(text));
            let _ = el.toggle_attribute_with_force("hidden", text.is_empty());
        })
    });
}

/// A `<div class=class>` whose content `fill` builds once it is mounted (in the current
/// owner; effects `fill` creates belong to it).
pub fn imperative(class: &'static str, fill: impl FnOnce(&Element) + 'static) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    let fill = SendWrapper::new(std::cell::Cell::new(Some(
        Box::new(fill) as Box<dyn FnOnce(&Element)>
    )));
    Effect::new(move |_| {
        if let (Some(el), Some(fill)) = (node.get(), std::cell::Cell::take(&*fill)) {
            fill(&el);
        }
    });
    view! { <div class=class node_ref=node></div> }
}

/// What one meter shows now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reading {
    pub used: f64,
    /// 0: unlimited (no fill).
    pub limit: f64,
    pub text: String,
}

/// One meter of a [`meter_row`]: a label, and a sparkline when `history` is given.
pub struct Metric {
    pub label: &'static str,
    /// The sparkline's accessible name ("CPU history").
    pub history_label: String,
    pub reading: Box<dyn Fn() -> Reading>,
    /// The sparkline's samples and the value it is scaled to (0: the largest sample).
    pub history: Option<(Box<dyn Fn() -> History>, f64)>,
    /// No bar: only the text (a rate has no limit).
    pub bar: bool,
}

struct Built {
    box_: Element,
    text: Element,
    track: Option<(Element, Element)>,
    chart: Option<(Element, Element)>,
}

fn build(parent: &Element, metric: &Metric) -> Option<Built> {
    let box_ = child(parent, "div", "metric")?;
    let label = child(&box_, "div", "meter-label")?;
    child(&label, "span", "")?.set_text_content(Some(metric.label));
    let text = child(&label, "span", "meter-text")?;
    let track = if metric.bar {
        let track = child(&box_, "div", "meter-track")?;
        attr(&track, "role", "progressbar");
        attr(&track, "aria-label", metric.label);
        attr(&track, "aria-valuemin", "0");
        attr(&track, "aria-valuemax", "100");
        attr(&box_, "part", "meter");
        let fill = child(&track, "div", "meter-fill")?;
        Some((track, fill))
    } else {
        None
    };
    let chart = if metric.history.is_some() {
        let svg = svg_child(&box_, "svg")?;
        for (name, value) in [
            ("class", "sparkline"),
            ("part", "sparkline"),
            ("viewBox", "0 0 60 20"),
            ("preserveAspectRatio", "none"),
            ("role", "img"),
        ] {
            attr(&svg, name, value);
        }
        attr(&svg, "aria-label", &metric.history_label);
        let area = svg_child(&svg, "polygon")?;
        attr(&area, "class", "sparkline-area");
        let line = svg_child(&svg, "polyline")?;
        for (name, value) in [
            ("fill", "none"),
            ("stroke", "currentColor"),
            ("stroke-width", "1.5"),
            ("stroke-linejoin", "round"),
            ("vector-effect", "non-scaling-stroke"),
        ] {
            attr(&line, name, value);
        }
        Some((area, line))
    } else {
        None
    };
    Some(Built {
        box_,
        text,
        track,
        chart,
    })
}

/// The meters built into `row`, each kept current by an effect of the current owner.
pub fn meters_into(row: &Element, metrics: Vec<Metric>) {
    for metric in metrics {
        let Some(built) = build(row, &metric) else {
            continue;
        };
        let built = SendWrapper::new(built);
        let metric = SendWrapper::new(metric);
        Effect::new(move |_| update(&built, &metric));
    }
}

fn update(built: &Built, metric: &Metric) {
    let reading = (metric.reading)();
    built.text.set_text_content(Some(&reading.text));
    if let Some((track, fill)) = &built.track {
        let fraction = if reading.limit > 0.0 {
            (reading.used / reading.limit).clamp(0.0, 1.0)
        } else {
            0.0
        };
        built.box_.set_class_name(match fraction {
            f if f >= 0.9 => "metric meter critical",
            f if f >= 0.75 => "metric meter high",
            _ => "metric meter",
        });
        attr(track, "aria-valuenow", &fixed(fraction * 100.0, 0));
        // Through the CSSOM, which a page's CSP allows where a style attribute is not.
        if let Some(fill) = fill.dyn_ref::<HtmlElement>() {
            let _ = fill
                .style()
                .set_property("width", &[&fixed(fraction * 100.0, 1), "%"].concat());
        }
    }
    if let (Some((area, line)), Some((history, max))) = (&built.chart, &metric.history) {
        let points = history().points(*max);
        attr(line, "points", &points);
        attr(area, "points", &["0,20 ", &points, " 60,20"].concat());
    }
}

/// Console lines appended to `<div class="console-lines">` as the log grows: `log(shown)`
/// answers how many lines were ever pushed and those of them after the first `shown`;
/// only those are built, and the oldest removed past `keep`.
pub fn console_lines(
    log: impl Fn(u64) -> (u64, Vec<String>) + 'static,
    keep: usize,
) -> impl IntoView {
    imperative("console-lines", move |box_| {
        fill_console_lines(box_, log, keep)
    })
}

/// [`console_lines`] appended to `parent` straight away (for views built on the DOM).
pub fn console_lines_into(
    parent: &Element,
    log: impl Fn(u64) -> (u64, Vec<String>) + 'static,
    keep: usize,
) {
    if let Some(box_) = child(parent, "div", "console-lines") {
        fill_console_lines(&box_, log, keep);
    }
}

fn fill_console_lines(
    box_: &Element,
    log: impl Fn(u64) -> (u64, Vec<String>) + 'static,
    keep: usize,
) {
    {
        attr(box_, "role", "log");
        attr(box_, "aria-live", "off");
        let box_ = SendWrapper::new(box_.clone());
        let shown = std::cell::Cell::new(0u64);
        let log = SendWrapper::new(log);
        Effect::new(move |_| {
            let (total, lines) = log(shown.get());
            shown.set(total);
            for line in &lines {
                let Some(row) = child(&box_, "div", "console-line") else {
                    return;
                };
                for segment in ansi::parse(line) {
                    if let Some(span) = child(&row, "span", &segment.class) {
                        span.set_text_content(Some(&segment.text));
                    }
                }
            }
            while box_.child_element_count() as usize > keep {
                if let Some(first) = box_.first_element_child() {
                    first.remove();
                }
            }
            box_.set_scroll_top(box_.scroll_height());
        });
    }
}
