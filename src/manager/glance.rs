//! At a glance, what the official console page shows beside its console: the address
//! (with a copy button), uptime, CPU, memory and disk against their limits, and the
//! network's traffic in and out (totals and current rates).

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::{Resources, Server};

use super::format::{bytes, duration_ms, rate, usage_bytes, usage_percent};
use super::series::Series;
use crate::components::Meter;

/// The primary allocation as people type it: its alias when it has one.
pub fn address(server: &Server) -> Option<String> {
    server.default_allocation().map(|allocation| {
        let host = allocation
            .ip_alias
            .as_deref()
            .filter(|alias| !alias.is_empty())
            .unwrap_or(&allocation.ip);
        format!("{host}:{}", allocation.port)
    })
}

pub fn copy_text(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// A value with a copy button that says when it copied.
#[component]
pub fn CopyValue(label: &'static str, value: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = value.clone();
    view! {
        <code class="copy-value">{value}</code>
        <button type="button" class="copy" aria-label=tf("copy.label", &[label])
            on:click=move |_| { copy_text(&text); copied.set(true); }>
            {move || if copied.get() { t("copy.copied") } else { t("copy.copy") }}
        </button>
    }
}

#[component]
pub fn Glance(
    server: Server,
    #[prop(into)] resources: Signal<Resources>,
    series: RwSignal<Series>,
) -> impl IntoView {
    let limits = server.limits.clone();
    let (cpu_limit, memory_limit, disk_limit) = (
        limits.cpu.max(0) as u64,
        limits.memory.max(0) as u64 * 1024 * 1024,
        limits.disk.max(0) as u64 * 1024 * 1024,
    );
    let address = address(&server);
    let r = move || resources.get();
    view! {
        <section class="glance" aria-labelledby="glance-title">
            <h2 id="glance-title" class="sr-only">{t("glance.title")}</h2>
            <dl class="glance-list">
                <div class="glance-item">
                    <dt>{t("glance.address")}</dt>
                    <dd data-testid="glance-address">
                        {match address {
                            Some(address) => view! { <CopyValue label=t("glance.the_address") value=address/> }.into_any(),
                            None => view! { <span class="muted">{t("glance.address_hidden")}</span> }.into_any(),
                        }}
                    </dd>
                </div>
                <div class="glance-item">
                    <dt>{t("glance.uptime")}</dt>
                    <dd data-testid="glance-uptime">{move || match r().uptime {
                        Some(ms) if ms > 0 => duration_ms(ms),
                        _ => t("glance.offline").to_owned(),
                    }}</dd>
                </div>
                <div class="glance-item">
                    <dt>{t("glance.network")}</dt>
                    <dd data-testid="glance-network">
                        <span title=t("glance.received")>"↓ " {move || bytes(r().network_rx_bytes)}</span>
                        " "
                        <span class="muted">{move || rate(series.with(|s| s.rates().0))}</span>
                        <br/>
                        <span title=t("glance.sent")>"↑ " {move || bytes(r().network_tx_bytes)}</span>
                        " "
                        <span class="muted">{move || rate(series.with(|s| s.rates().1))}</span>
                    </dd>
                </div>
            </dl>
            <div class="glance-meters">
                <Meter label=t("glance.cpu") used=Signal::derive(move || r().cpu_absolute) limit=cpu_limit as f64
                    text=Signal::derive(move || usage_percent(r().cpu_absolute, cpu_limit))/>
                <Meter label=t("glance.memory") used=Signal::derive(move || r().memory_bytes as f64) limit=memory_limit as f64
                    text=Signal::derive(move || usage_bytes(r().memory_bytes, memory_limit))/>
                <Meter label=t("glance.disk") used=Signal::derive(move || r().disk_bytes as f64) limit=disk_limit as f64
                    text=Signal::derive(move || usage_bytes(r().disk_bytes, disk_limit))/>
            </div>
        </section>
    }
}
