//! A tiny SVG time series (last 60 points) with no chart library. It always spans the
//! whole width: one sample draws a level line, none a baseline, so a new chart is never
//! an empty gap.

use std::collections::VecDeque;

use leptos::prelude::*;

/// How many points a chart keeps.
pub const HISTORY_LEN: usize = 60;

/// The last [`HISTORY_LEN`] samples of one metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History(VecDeque<f64>);

impl History {
    pub fn push(&mut self, value: f64) {
        if self.0.len() == HISTORY_LEN {
            self.0.pop_front();
        }
        self.0.push_back(if value.is_finite() {
            value.max(0.0)
        } else {
            0.0
        });
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The latest sample.
    pub fn last(&self) -> Option<f64> {
        self.0.back().copied()
    }

    /// The samples, oldest first.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.0.iter().copied()
    }

    /// The largest sample (0 when empty).
    pub fn peak(&self) -> f64 {
        self.values().fold(0.0, f64::max)
    }

    /// The mean of the samples (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.0.is_empty() {
            0.0
        } else {
            self.values().sum::<f64>() / self.0.len() as f64
        }
    }

    /// SVG `points` across a 60×20 box, scaled to `max` (or to the largest sample when
    /// 0), the samples spread over the whole width.
    pub fn points(&self, max: f64) -> String {
        let top = if max > 0.0 {
            max
        } else {
            self.0.iter().copied().fold(0.0, f64::max).max(1.0)
        };
        let y = |v: f64| super::fixed(20.0 - (v / top).min(1.0) * 20.0, 2);
        match self.0.len() {
            0 => "0,20 60,20".to_string(),
            1 => format!("0,{0} 60,{0}", y(self.0[0])),
            n => {
                let step = 60.0 / (n - 1) as f64;
                self.0
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("{},{}", super::fixed(i as f64 * step, 2), y(*v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
    }
}

/// Draws `history` scaled to `max` (0 = auto). Decorative: the numbers sit beside it.
#[component]
pub fn Sparkline(
    label: &'static str,
    #[prop(into)] history: Signal<History>,
    #[prop(into, optional)] max: Signal<f64>,
) -> impl IntoView {
    let points = Memo::new(move |_| history.with(|h| h.points(max.get())));
    view! {
        <svg class="sparkline" part="sparkline" viewBox="0 0 60 20" preserveAspectRatio="none" role="img" aria-label=label>
            <polygon class="sparkline-area" points=move || ["0,20 ", &points.get(), " 60,20"].concat()/>
            <polyline fill="none" stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke"
                stroke-linejoin="round" points=move || points.get()/>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_keeps_only_the_last_sixty_points() {
        let mut h = History::default();
        for i in 0..100 {
            h.push(i as f64);
        }
        assert_eq!(h.len(), HISTORY_LEN);
        // 40..=99 remain; auto-scaled to the largest (99), the oldest point sits at 40/99.
        assert!(
            h.points(0.0).starts_with("0.00,11.92 1.02,11.72"),
            "{}",
            h.points(0.0)
        );
        assert!(h.points(0.0).ends_with("60.00,0.00"));
    }

    #[test]
    fn a_chart_spans_the_width_from_its_first_sample_and_clamps_to_max() {
        let mut h = History::default();
        assert_eq!(
            h.points(100.0),
            "0,20 60,20",
            "a baseline before any sample"
        );
        h.push(50.0);
        assert_eq!(
            h.points(100.0),
            "0,10.00 60,10.00",
            "one sample: a level line"
        );
        h.push(500.0);
        assert_eq!(h.points(100.0), "0.00,10.00 60.00,0.00");
    }

    #[test]
    fn bad_samples_become_zero() {
        let mut h = History::default();
        h.push(f64::NAN);
        h.push(-3.0);
        assert_eq!(h.points(10.0), "0.00,20.00 60.00,20.00");
    }
}
