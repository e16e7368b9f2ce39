//! The four charts of the last minute: CPU (against the CPU limit), memory (against the
//! memory limit), and the network's receive and send rates.

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::Limits;

use super::format::{bytes, percent, rate};
use super::series::Series;
use crate::components::{Line, TimeSeries};

fn cpu_text(value: f64) -> String {
    percent(value)
}

fn memory_text(value: f64) -> String {
    bytes(value.max(0.0) as u64)
}

fn rate_text(value: f64) -> String {
    rate(value)
}

#[component]
pub fn Charts(
    series: RwSignal<Series>,
    limits: Limits,
    /// Wings' memory limit when it told one, else 0 (the server's limit is used).
    #[prop(into)]
    memory_limit: Signal<f64>,
) -> impl IntoView {
    let cpu_limit = limits.cpu.max(0) as f64;
    let server_memory = limits.memory.max(0) as f64 * 1024.0 * 1024.0;
    let memory_top = Signal::derive(move || {
        let told = memory_limit.get();
        if told > 0.0 {
            told
        } else {
            server_memory
        }
    });
    let line = |label, class, pick: fn(&Series) -> crate::components::History| Line {
        label,
        class,
        history: Signal::derive(move || series.with(pick)),
    };
    let cpu_of = move || {
        if cpu_limit > 0.0 {
            tf("charts.of", &[&percent(cpu_limit)])
        } else {
            t("charts.no_limit").to_owned()
        }
    };
    view! {
        <section class="charts" aria-label=t("charts.label")>
            <TimeSeries title=t("glance.cpu") format=cpu_text limit=cpu_limit
                of=Signal::derive(cpu_of)
                lines=vec![line(t("glance.cpu"), "series-a", |s| s.cpu.clone())]/>
            <TimeSeries title=t("glance.memory") format=memory_text limit=memory_top binary=true
                of=Signal::derive(move || if memory_top.get() > 0.0 { tf("charts.of", &[&memory_text(memory_top.get())]) } else { t("charts.no_limit").to_owned() })
                lines=vec![line(t("glance.memory"), "series-a", |s| s.memory.clone())]/>
            <TimeSeries title=t("glance.network") format=rate_text limit=0.0 binary=true
                lines=vec![
                    line(t("charts.in"), "series-a", |s| s.rx.clone()),
                    line(t("charts.out"), "series-b", |s| s.tx.clone()),
                ]/>
        </section>
    }
}
