//! The charts' data: one sample a second of CPU, memory and the network's receive and
//! send rates, the last 60 seconds, from the Wings socket's `stats` (about one a second)
//! or, while the socket is down, the latest polled `/resources`. Rates come from the
//! byte counters' change between two readings over the time between them.

use leptos::prelude::*;
use ptero_api::Resources;

use crate::components::History;

/// Readings closer together than this do not make a rate.
const MIN_RATE_SECONDS: f64 = 0.5;

/// One reading of the counters.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    pub cpu: f64,
    pub memory: f64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// When it was read, in milliseconds (any monotonic clock).
    pub at_ms: f64,
}

impl Sample {
    pub fn of(resources: &Resources, at_ms: f64) -> Self {
        Self {
            cpu: resources.cpu_absolute,
            memory: resources.memory_bytes as f64,
            rx_bytes: resources.network_rx_bytes,
            tx_bytes: resources.network_tx_bytes,
            at_ms,
        }
    }
}

/// The four series and what they were computed from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub cpu: History,
    pub memory: History,
    pub rx: History,
    pub tx: History,
    /// The reading before the latest, for rates.
    previous: Option<Sample>,
    latest: Option<Sample>,
    /// The last rates computed (kept between readings).
    rates: (f64, f64),
}

impl Series {
    /// A new reading (Wings' stats or a poll); readings that did not change the
    /// counters' time are ignored.
    pub fn read(&mut self, sample: Sample) {
        if self.latest.is_some_and(|l| l.at_ms >= sample.at_ms) {
            return;
        }
        if let Some(latest) = self.latest {
            let seconds = (sample.at_ms - latest.at_ms) / 1000.0;
            // Two readings close together (the page's poll, then the socket's first stats
            // a moment later) cannot time a rate: a second's traffic over a tenth of one
            // reads as ten times the real rate. Keep the older counters as the base.
            if seconds < MIN_RATE_SECONDS {
                self.latest = Some(Sample {
                    rx_bytes: latest.rx_bytes,
                    tx_bytes: latest.tx_bytes,
                    at_ms: latest.at_ms,
                    ..sample
                });
                return;
            }
            // A counter that went down (a restart) starts the rate over.
            let rate = |now: u64, before: u64| {
                if now >= before && seconds > 0.0 {
                    (now - before) as f64 / seconds
                } else {
                    0.0
                }
            };
            self.rates = (
                rate(sample.rx_bytes, latest.rx_bytes),
                rate(sample.tx_bytes, latest.tx_bytes),
            );
        }
        self.previous = self.latest;
        self.latest = Some(sample);
        // The first reading shows at once, not at the next tick.
        if self.cpu.is_empty() {
            self.tick();
        }
    }

    /// One tick of the 1 Hz clock: each series gets the latest values (nothing before the
    /// first reading).
    pub fn tick(&mut self) {
        let Some(latest) = self.latest else {
            return;
        };
        self.cpu.push(latest.cpu);
        self.memory.push(latest.memory);
        self.rx.push(self.rates.0);
        self.tx.push(self.rates.1);
    }

    /// The current receive and send rates, bytes a second.
    pub fn rates(&self) -> (f64, f64) {
        self.rates
    }

    pub fn has_data(&self) -> bool {
        !self.cpu.is_empty()
    }
}

/// The series, fed by `reading` (tracked) and ticked each second while the page shows.
pub fn use_series(reading: Signal<Option<Resources>>) -> RwSignal<Series> {
    let series = RwSignal::new(Series::default());
    Effect::new(move |_| {
        if let Some(resources) = reading.get() {
            let now = js_sys::Date::now();
            series.update(|s| s.read(Sample::of(&resources, now)));
        }
    });
    crate::live::use_polling(std::time::Duration::from_secs(1), move || {
        series.update(Series::tick);
    });
    series
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: f64, rx: u64, tx: u64) -> Sample {
        Sample {
            cpu: 10.0,
            memory: 100.0,
            rx_bytes: rx,
            tx_bytes: tx,
            at_ms: ms,
        }
    }

    #[test]
    fn rates_are_bytes_per_second_between_readings() {
        let mut series = Series::default();
        series.tick();
        assert!(!series.has_data(), "nothing before the first reading");
        series.read(at(0.0, 1_000, 5_000));
        series.tick();
        assert_eq!(series.rates(), (0.0, 0.0));
        series.read(at(2_000.0, 5_000, 6_000));
        series.tick();
        assert_eq!(series.rates(), (2_000.0, 500.0));
        assert_eq!(series.rx.last(), Some(2_000.0));
        // A stale or repeated reading changes nothing; a counter reset reads as 0.
        series.read(at(2_000.0, 9_999, 9_999));
        assert_eq!(series.rates(), (2_000.0, 500.0));
        series.read(at(3_000.0, 10, 6_500));
        assert_eq!(series.rates(), (0.0, 500.0));
    }

    #[test]
    fn readings_a_moment_apart_do_not_spike_the_rate() {
        let mut series = Series::default();
        series.read(at(0.0, 0, 0));
        series.read(at(1_000.0, 1_000, 1_000));
        assert_eq!(series.rates(), (1_000.0, 1_000.0));
        // 100 ms later, another source's reading: no 10× rate, its CPU is taken.
        series.read(Sample {
            cpu: 55.0,
            ..at(1_100.0, 2_000, 2_000)
        });
        assert_eq!(series.rates(), (1_000.0, 1_000.0));
        series.tick();
        assert_eq!(series.cpu.last(), Some(55.0));
        // The next reading times its rate from the kept base.
        series.read(at(2_000.0, 2_000, 2_000));
        assert_eq!(series.rates(), (1_000.0, 1_000.0));
    }

    #[test]
    fn a_minute_of_ticks_is_kept() {
        let mut series = Series::default();
        series.read(at(0.0, 0, 0));
        for _ in 0..75 {
            series.tick();
        }
        assert_eq!(series.cpu.len(), 60);
        assert_eq!(series.tx.len(), 60);
    }
}
