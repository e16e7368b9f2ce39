//! The live part of a card that changes with every event (name, state badge, the live
//! indicator, uptime, address, players, the screen-reader state line, the meters with
//! their sparklines, the stale-data hint, and the alert banner of `alert.rs`), built on the DOM once and kept current by effects (see
//! `components::dom` for why: Leptos' typed views of this much cost the card a budget it
//! does not have). Text goes in as text, never as HTML.

use std::rc::Rc;

use leptos::prelude::*;
use ptero_api::origin::{PlayerCount, ServerSummary};
use send_wrapper::SendWrapper;
use web_sys::Element;

use super::alert::banner_into;
use super::connection::{badge, usable_state};
use super::feed::Feed;
use super::link::Health;
use crate::components::dom::{attr, child, meters_into, on, Metric, Reading};
use crate::components::{rate_in, usage_bytes_in, usage_percent_in, Digits, History};
use crate::i18n::Texts;

/// Data older than this gets a hint (the stream is down, or the origin cannot poll).
const STALE_MS: f64 = 10_000.0;

/// What the panel's effect writes.
struct Nodes {
    name: Element,
    badge: Element,
    live: Element,
    uptime: Element,
    players: Element,
    players_count: Element,
    players_about: Element,
    address_row: Element,
    address: Element,
    copy: Element,
    spoken: Element,
    stale: Element,
}

/// The panel of `feed`'s server, appended to `parent` and kept current by effects of the
/// current owner.
pub fn summary_into(
    parent: &Element,
    feed: Feed,
    health: ArcRwSignal<Health>,
    clock: ArcRwSignal<f64>,
    texts: Rc<Texts>,
) {
    let Some(panel) = child(parent, "div", "summary") else {
        return;
    };
    {
        let panel = &panel;
        banner_into(panel, feed.alert.clone(), texts.clone());
        let Some(nodes) = build(panel, &texts) else {
            return;
        };
        meters_into(&nodes.meters_row, metrics(&feed, &texts));
        copy_button(&nodes.nodes.copy, &nodes.nodes.address, &texts);
        let held = SendWrapper::new((nodes.nodes, texts));
        Effect::new(move |_| {
            let (nodes, texts) = &*held;
            feed.summary
                .with(|summary| show(nodes, summary.as_ref(), texts));
            let age = clock.get() - feed.current_at.get();
            let stale = feed.current_at.get_untracked() > 0.0 && age >= STALE_MS;
            let why = health.with(|h| *h != Health::Live);
            // Live: Wings' socket feeds the origin and the stream is up and current.
            let live = !why
                && !stale
                && feed.error.with(Option::is_none)
                && feed.summary.with(|s| s.as_ref().is_some_and(|s| s.live));
            set_hidden(&nodes.live, !live);
            nodes
                .stale
                .set_text_content(Some(&stale_hint(age, why, texts)));
            set_hidden(&nodes.stale, !stale);
        });
    }
}

struct Built {
    nodes: Nodes,
    meters_row: Element,
}

fn build(panel: &Element, t: &Texts) -> Option<Built> {
    let head = child(panel, "header", "card-head")?;
    attr(&head, "part", "header");
    let name = child(&head, "h3", "name")?;
    attr(&name, "part", "name");
    let badge = child(&head, "span", "badge")?;
    attr(&badge, "part", "state");
    let live = child(&head, "span", "live")?;
    for (name, value) in [
        ("part", "live"),
        ("title", t.get("card.live_title")),
        ("hidden", ""),
    ] {
        attr(&live, name, value);
    }
    live.set_text_content(Some(t.get("card.live")));
    let address_row = child(panel, "div", "address-row")?;
    let address = child(&address_row, "code", "address")?;
    attr(&address, "part", "address");
    let copy = child(&address_row, "button", "copy")?;
    let uptime = child(&address_row, "span", "uptime muted")?;
    for (name, value) in [
        ("type", "button"),
        ("part", "copy-button"),
        ("aria-label", t.get("card.copy_label")),
    ] {
        attr(&copy, name, value);
    }
    copy.set_text_content(Some(t.get("card.copy")));
    let players = child(panel, "p", "players")?;
    for (name, value) in [("part", "players"), ("hidden", "")] {
        attr(&players, name, value);
    }
    let players_count = child(&players, "span", "players-count")?;
    let players_about = child(&players, "span", "players-about muted")?;
    let spoken = child(panel, "p", "sr-only")?;
    attr(&spoken, "aria-live", "polite");
    let meters_row = child(panel, "div", "meters")?;
    let stale = child(panel, "p", "stale")?;
    for (name, value) in [("part", "stale"), ("role", "status")] {
        attr(&stale, name, value);
    }
    Some(Built {
        nodes: Nodes {
            name,
            badge,
            live,
            uptime,
            players,
            players_count,
            players_about,
            address_row,
            address,
            copy,
            spoken,
            stale,
        },
        meters_row,
    })
}

fn set_hidden(el: &Element, hidden: bool) {
    let _ = el.toggle_attribute_with_force("hidden", hidden);
}

fn show(nodes: &Nodes, summary: Option<&ServerSummary>, t: &Texts) {
    let state = summary.map_or_else(|| "unknown".to_string(), badge);
    nodes
        .badge
        .set_class_name(&["badge badge-", &state].concat());
    attr(&nodes.badge, "data-state", &state);
    nodes.badge.set_text_content(Some(state_word(t, &state)));
    let Some(summary) = summary else { return };
    nodes.name.set_text_content(Some(&summary.name));
    let up = summary
        .resources
        .as_ref()
        .and_then(|r| r.uptime_ms)
        .filter(|up| *up > 0 && summary.state == ptero_api::PowerState::Running)
        .map(|up| t.fill("card.uptime", &[&t.duration_ms(up)]));
    let address = summary.address.as_deref().unwrap_or_default();
    nodes.address.set_text_content(Some(address));
    set_hidden(&nodes.address, address.is_empty());
    set_hidden(&nodes.copy, address.is_empty());
    set_hidden(&nodes.address_row, address.is_empty() && up.is_none());
    nodes.uptime.set_text_content(up.as_deref());
    let spoken =
        usable_state(summary).map(|s| t.fill("card.server_is", &[state_word(t, s.as_str())]));
    nodes.spoken.set_text_content(spoken.as_deref());
    let players = summary.players.as_ref();
    set_hidden(&nodes.players, players.is_none());
    if let Some(players) = players {
        let (count, about) = players_text(players, t);
        nodes.players_count.set_text_content(Some(&count));
        nodes.players_about.set_text_content(Some(&about));
        set_hidden(&nodes.players_about, about.is_empty());
    }
}

/// "12 / 20 players", and the version and MOTD (when the site shows them) after it.
fn players_text(players: &PlayerCount, t: &Texts) -> (String, String) {
    let (online, max) = (players.online as f64, players.max as f64);
    let count = t.plural(
        "card.players",
        max,
        &[&t.number(online, 0), &t.number(max, 0)],
    );
    let about: Vec<&str> = [players.version.as_deref(), players.motd.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .collect();
    (count, about.join(" · "))
}

/// The badge's word for `state` in the card's language (the state itself when the
/// catalog has no word for it: a status a newer origin sends).
fn state_word<'a>(t: &Texts, state: &'a str) -> &'a str {
    match t.get(&["state.", state].concat()) {
        "" => state,
        word => word,
    }
}

/// "Showing data from 25s ago", and why when the link is down.
fn stale_hint(age_ms: f64, reconnecting: bool, t: &Texts) -> String {
    let secs = (age_ms.max(0.0) / 1000.0) as u64;
    let ago = if secs < 120 {
        t.seconds(secs)
    } else {
        t.duration_ms(secs * 1000)
    };
    let key = if reconnecting {
        "card.stale_reconnecting"
    } else {
        "card.stale"
    };
    t.fill(key, &[&ago])
}

/// Copies the address on click ("Copied", or how to copy by hand), back to "Copy" on blur.
/// The listeners go with the panel's owner.
fn copy_button(button: &Element, address: &Element, t: &Texts) {
    let (copied, by_hand, copy) = (
        t.get("card.copied"),
        t.get("card.copy_by_hand"),
        t.get("card.copy"),
    );
    let (target, source) = (button.clone(), address.clone());
    on(button, "click", move |_| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let text = source.text_content().unwrap_or_default();
        let written =
            wasm_bindgen_futures::JsFuture::from(window.navigator().clipboard().write_text(&text));
        let button = target.clone();
        leptos::task::spawn_local(async move {
            let said = if written.await.is_ok() {
                copied
            } else {
                by_hand
            };
            button.set_text_content(Some(said));
        });
    });
    let target = button.clone();
    on(button, "blur", move |_| target.set_text_content(Some(copy)));
}

/// CPU, memory, network and disk: usage against limits, three with a sparkline.
fn metrics(feed: &Feed, texts: &Rc<Texts>) -> Vec<Metric> {
    let reading = |read: fn(&ServerSummary, Digits) -> Reading| {
        let (summary, t) = (feed.summary.clone(), texts.clone());
        Box::new(move || {
            let digits = |value, decimals| t.number(value, decimals);
            summary.with(|s| s.as_ref().map(|s| read(s, &digits)).unwrap_or_default())
        }) as Box<dyn Fn() -> Reading>
    };
    let history = |history: &ArcRwSignal<History>| {
        let history = history.clone();
        Some((
            Box::new(move || history.get()) as Box<dyn Fn() -> History>,
            0.0,
        ))
    };
    let metric = |key: &str, reading, history, bar| {
        let label = texts.get(key);
        Metric {
            label,
            history_label: texts.fill("meter.history", &[label]),
            reading,
            history,
            bar,
        }
    };
    let (network, t) = (feed.network.clone(), texts.clone());
    let rate = Box::new(move || Reading {
        text: rate_in(
            &|value, decimals| t.number(value, decimals),
            network.with(|h| h.last().unwrap_or(0.0)),
        ),
        ..Reading::default()
    });
    vec![
        metric(
            "meter.cpu",
            reading(|s, digits| {
                let used = s.resources.as_ref().map_or(0.0, |r| r.cpu_absolute);
                Reading {
                    used,
                    limit: s.limits.cpu_percent as f64,
                    text: usage_percent_in(digits, used, s.limits.cpu_percent),
                }
            }),
            history(&feed.cpu),
            true,
        ),
        metric(
            "meter.memory",
            reading(|s, digits| {
                let used = s.resources.as_ref().map_or(0, |r| r.memory_bytes);
                bytes(digits, used, s.limits.memory_mib)
            }),
            history(&feed.memory),
            true,
        ),
        metric("meter.network", rate, history(&feed.network), false),
        metric(
            "meter.disk",
            reading(|s, digits| {
                let used = s.resources.as_ref().map_or(0, |r| r.disk_bytes);
                bytes(digits, used, s.limits.disk_mib)
            }),
            None,
            true,
        ),
    ]
}

fn bytes(digits: Digits, used: u64, limit_mib: u64) -> Reading {
    Reading {
        used: used as f64,
        limit: (limit_mib << 20) as f64,
        text: usage_bytes_in(digits, used, limit_mib << 20),
    }
}

#[cfg(test)]
mod tests {
    use super::{players_text, stale_hint};
    use crate::i18n::Texts;
    use ptero_api::origin::PlayerCount;

    #[test]
    fn players_read_as_a_count_then_version_and_motd() {
        let en = Texts::english();
        let mut players = PlayerCount {
            online: 12,
            max: 20,
            motd: None,
            version: None,
        };
        assert_eq!(
            players_text(&players, &en),
            ("12 / 20 players".to_string(), String::new())
        );
        players.motd = Some(" A Minecraft Server ".into());
        players.version = Some("1.21.4".into());
        assert_eq!(players_text(&players, &en).1, "1.21.4 · A Minecraft Server");
        players.max = 1;
        assert_eq!(players_text(&players, &en).0, "12 / 1 player");
    }

    #[test]
    fn the_stale_hint_says_how_old_and_why() {
        let en = Texts::english();
        assert_eq!(
            stale_hint(12_400.0, false, &en),
            "Showing data from 12s ago"
        );
        assert_eq!(
            stale_hint(7_500_000.0, true, &en),
            "Showing data from 2h 5m ago — reconnecting…"
        );
    }
}
