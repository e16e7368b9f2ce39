//! A time-series chart in SVG: one or two lines over the last 60 samples, gridlines at a
//! quarter of a "nice" scale, the scale's labels and the current value as HTML (so they
//! stay readable at any width), and a sentence saying the same for screen readers.
//!
//! Hand-written: charting crates bring a layout and text engine, tens of KB of wasm for
//! four small charts whose geometry is a few lines.

use leptos::prelude::*;

use super::History;
use crate::i18n::ui::{t, tf};

/// The drawing box (the SVG stretches to its container; `viewBox="0 0 600 150"`).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 150.0;
/// The points of a 60-sample minute.
const SLOTS: usize = super::sparkline::HISTORY_LEN;

/// The smallest "nice" number (1, 2, 2.5 or 5 × 10ⁿ) at or above `value`, at least `floor`.
pub fn nice_ceiling(value: f64, floor: f64) -> f64 {
    let value = if value.is_finite() {
        value.max(floor)
    } else {
        floor
    };
    if value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powi(value.log10().floor() as i32);
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= value * 0.999_999)
        .unwrap_or(10.0 * magnitude)
}

/// [`nice_ceiling`] in the binary unit `value` is shown in (bytes: B, KiB, MiB…), so a
/// byte scale reads 200 KiB rather than 195.3 KiB.
pub fn nice_binary_ceiling(value: f64) -> f64 {
    if !value.is_finite() || value <= 1024.0 {
        return nice_ceiling(value, 1.0);
    }
    let unit = 1024f64.powi((value.log2() / 10.0).floor() as i32);
    let top = nice_ceiling(value / unit, 1.0);
    // 1000 KiB and up reads better as the next unit.
    if top > 1000.0 {
        unit * 1024.0
    } else {
        top * unit
    }
}

/// SVG `points` of `history` in the box, scaled to `top`; the newest sample sits at the
/// right edge and older ones to its left, one slot a second, so a chart fills up from
/// the right as a minute goes by.
pub fn points(history: &History, top: f64) -> String {
    let n = history.len();
    if n == 0 || top <= 0.0 {
        return String::new();
    }
    let step = WIDTH / (SLOTS - 1) as f64;
    let start = (SLOTS - n) as f64 * step;
    history
        .values()
        .enumerate()
        .map(|(i, v)| {
            let y = HEIGHT - (v / top).clamp(0.0, 1.0) * HEIGHT;
            format!(
                "{},{}",
                super::fixed(start + i as f64 * step, 1),
                super::fixed(y, 1)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The area under [`points`], closed along the bottom; none without points (an empty
/// or partial `points` attribute is an SVG error).
fn area(line: &str) -> Option<String> {
    if line.is_empty() {
        return None;
    }
    let (Some(first), Some(last)) = (line.split(' ').next(), line.split(' ').next_back()) else {
        return None;
    };
    let x = |point: &str| point.split(',').next().unwrap_or("0").to_owned();
    Some(format!("{},150 {line} {},150", x(first), x(last)))
}

/// One line of a chart.
#[derive(Clone)]
pub struct Line {
    pub label: &'static str,
    /// `series-a` or `series-b` (the colours).
    pub class: &'static str,
    pub history: Signal<History>,
}

/// A chart of `lines`: `format` writes values (the scale, the current value and the
/// summary); `limit` is the scale's top when there is one (memory's limit), else the
/// scale follows the largest sample.
#[component]
pub fn TimeSeries(
    title: &'static str,
    lines: Vec<Line>,
    format: fn(f64) -> String,
    #[prop(into)] limit: Signal<f64>,
    /// A value's context for the header: "of 400%", "of 4 GiB".
    #[prop(into, optional)]
    of: Signal<String>,
    /// Values are bytes: the scale's steps are nice in KiB/MiB, not in thousands.
    #[prop(optional)]
    binary: bool,
) -> impl IntoView {
    let id = title.to_ascii_lowercase().replace(' ', "-");
    let summary_lines = lines.clone();
    let scale_lines = lines.clone();
    let top = Memo::new(move |_| {
        let limit = limit.get();
        if limit > 0.0 {
            return limit;
        }
        let peak = scale_lines
            .iter()
            .map(|line| line.history.with(History::peak))
            .fold(0.0, f64::max);
        if binary {
            nice_binary_ceiling(peak)
        } else {
            nice_ceiling(peak, 1.0)
        }
    });
    let empty = {
        let lines = lines.clone();
        move || {
            lines
                .iter()
                .all(|line| line.history.with(History::is_empty))
        }
    };
    let current = {
        let lines = lines.clone();
        move || {
            lines
                .iter()
                .map(|line| {
                    let value = line.history.with(History::last).unwrap_or(0.0);
                    if lines.len() > 1 {
                        format!("{} {}", line.label, format(value))
                    } else {
                        format(value)
                    }
                })
                .collect::<Vec<_>>()
                .join(" · ")
        }
    };
    let summary = move || {
        let parts: Vec<String> = summary_lines
            .iter()
            .map(|line| {
                line.history.with(|h| {
                    let (now, mean) = (format(h.last().unwrap_or(0.0)), format(h.mean()));
                    let peak = format(h.peak());
                    tf("chart.line", &[line.label, &now, &mean, &peak])
                })
            })
            .collect();
        tf("chart.summary", &[title, &parts.join("; ")])
    };
    let legend = (lines.len() > 1).then(|| {
        lines
            .iter()
            .map(|line| {
                view! { <span class=format!("legend {}", line.class)>{line.label}</span> }
            })
            .collect_view()
    });
    view! {
        <figure class="chart" role="group" aria-labelledby=format!("{id}-title")
            aria-describedby=format!("{id}-summary") data-chart=id.clone()>
            <div class="chart-head">
                <span class="chart-title" id=format!("{id}-title")>{title}</span>
                <span class="chart-now" data-testid="chart-now">{current} " " <span class="muted">{move || of.get()}</span></span>
            </div>
            <div class="chart-plot">
                <span class="chart-scale top" aria-hidden="true">{move || format(top.get())}</span>
                <span class="chart-scale middle" aria-hidden="true">{move || format(top.get() / 2.0)}</span>
                <span class="chart-scale bottom" aria-hidden="true">{format(0.0)}</span>
                <svg viewBox="0 0 600 150" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                    {["37.5", "75", "112.5"].map(|y| view! {
                        <line class="grid" x1="0" x2="600" y1=y y2=y vector-effect="non-scaling-stroke"/>
                    }).collect_view()}
                    <line class="grid base" x1="0" x2="600" y1="150" y2="150" vector-effect="non-scaling-stroke"/>
                    {lines.into_iter().map(|line| {
                        let history = line.history;
                        let drawn = Memo::new(move |_| history.with(|h| points(h, top.get())));
                        view! {
                            <polygon class=format!("area {}", line.class) points=move || area(&drawn.get())/>
                            <polyline class=format!("trace {}", line.class) fill="none" vector-effect="non-scaling-stroke"
                                stroke-linejoin="round" points=move || Some(drawn.get()).filter(|p| !p.is_empty())/>
                        }
                    }).collect_view()}
                </svg>
                {move || empty().then(|| view! { <span class="chart-waiting">{t("chart.waiting")}</span> })}
            </div>
            <div class="chart-foot" aria-hidden="true"><span>{t("chart.start")}</span>{legend}<span>{t("chart.now")}</span></div>
            <figcaption class="sr-only" id=format!("{id}-summary")>{summary}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_nice_numbers() {
        assert_eq!(nice_ceiling(0.0, 1.0), 1.0);
        assert_eq!(nice_ceiling(37.0, 1.0), 50.0);
        assert_eq!(nice_ceiling(101.0, 1.0), 200.0);
        assert_eq!(nice_ceiling(230.0, 1.0), 250.0);
        assert_eq!(nice_ceiling(1500.0, 1.0), 2000.0);
        assert_eq!(nice_ceiling(f64::NAN, 100.0), 100.0);
        assert_eq!(nice_binary_ceiling(500.0), 500.0);
        assert_eq!(nice_binary_ceiling(190.0 * 1024.0), 200.0 * 1024.0);
        assert_eq!(
            nice_binary_ceiling(1.9 * 1024.0 * 1024.0),
            2.0 * 1024.0 * 1024.0
        );
        assert_eq!(nice_binary_ceiling(1010.0 * 1024.0), 1024.0 * 1024.0);
    }

    #[test]
    fn a_new_chart_fills_from_the_right() {
        let mut h = History::default();
        assert_eq!(points(&h, 100.0), "");
        h.push(50.0);
        assert_eq!(points(&h, 100.0), "600.0,75.0");
        h.push(100.0);
        assert_eq!(points(&h, 100.0), "589.8,75.0 600.0,0.0");
        assert_eq!(
            area("589.8,75.0 600.0,0.0").as_deref(),
            Some("589.8,150 589.8,75.0 600.0,0.0 600.0,150")
        );
        assert_eq!(area(""), None);
        for _ in 0..100 {
            h.push(500.0);
        }
        assert!(
            points(&h, 100.0).starts_with("0.0,0.0 "),
            "clamped to the top"
        );
    }
}
