//! Start / stop / restart / kill, enabled per state and permission, with an optimistic
//! pending state and a confirmation step for kill.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use ptero_api::{PowerSignal, PowerState};
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::dom;
use crate::i18n::Texts;

/// Which buttons a viewer has and which the current state enables.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PowerControl {
    /// Signals the viewer may send (from `user_permissions` or the card's grant).
    pub allowed: Vec<PowerSignal>,
}

impl PowerControl {
    pub const ORDER: [PowerSignal; 4] = [
        PowerSignal::Start,
        PowerSignal::Restart,
        PowerSignal::Stop,
        PowerSignal::Kill,
    ];

    /// From the panel's `user_permissions` (`*` or `control.start` …).
    pub fn from_permissions(permissions: &[String]) -> Self {
        let has = |p: &str| permissions.iter().any(|x| x == "*" || x == p);
        let allowed = Self::ORDER
            .into_iter()
            .filter(|s| has(s.permission()))
            .collect();
        Self { allowed }
    }

    /// Whether `signal` makes sense in `state` (mirrors the panel UI's rules).
    pub fn enabled(signal: PowerSignal, state: PowerState) -> bool {
        match signal {
            PowerSignal::Start => state == PowerState::Offline,
            PowerSignal::Restart | PowerSignal::Stop => {
                matches!(state, PowerState::Running | PowerState::Starting)
            }
            PowerSignal::Kill => state != PowerState::Offline,
        }
    }
}

fn label(signal: PowerSignal) -> &'static str {
    match signal {
        PowerSignal::Start => "power.start",
        PowerSignal::Restart => "power.restart",
        PowerSignal::Stop => "power.stop",
        PowerSignal::Kill => "power.kill",
    }
}

/// The button row. `pending` is the signal in flight (shown at once, cleared by the
/// caller when the real state arrives); kill needs a second, explicit click.
///
/// Built on the DOM (see `dom.rs` for why): one delegated click listener on the row, and
/// one effect that keeps each button's enabled state, text and `aria-busy` current.
#[component]
pub fn PowerButtons(
    #[prop(into)] control: Signal<PowerControl>,
    #[prop(into)] state: Signal<Option<PowerState>>,
    #[prop(into)] pending: Signal<Option<PowerSignal>>,
    on_signal: Callback<PowerSignal>,
) -> impl IntoView {
    dom::imperative("power-row", move |row| {
        let texts = crate::i18n::ui::shared();
        fill_row(row, control, state, pending, on_signal, texts)
    })
}

/// [`PowerButtons`] appended to `parent` straight away (for views built on the DOM).
pub fn power_row_into(
    parent: &Element,
    control: Signal<PowerControl>,
    state: Signal<Option<PowerState>>,
    pending: Signal<Option<PowerSignal>>,
    on_signal: Callback<PowerSignal>,
    texts: Rc<Texts>,
) {
    if let Some(row) = dom::child(parent, "div", "power-row") {
        fill_row(&row, control, state, pending, on_signal, texts);
    }
}

fn fill_row(
    row: &Element,
    control: Signal<PowerControl>,
    state: Signal<Option<PowerState>>,
    pending: Signal<Option<PowerSignal>>,
    on_signal: Callback<PowerSignal>,
    texts: Rc<Texts>,
) {
    {
        dom::attr(row, "role", "group");
        dom::attr(row, "aria-label", texts.get("power.group"));
        let row = SendWrapper::new(row.clone());
        let buttons: SendWrapper<RefCell<Vec<(PowerSignal, Element)>>> =
            SendWrapper::new(RefCell::default());
        let clicks = row.clone();
        let words = SendWrapper::new(texts.clone());
        listen(&row, move |target: Element| {
            click(&clicks, &target, on_signal, &words)
        });
        let texts = SendWrapper::new(texts);
        Effect::new(move |_| {
            let allowed = control.with(|c| c.allowed.clone());
            let mut buttons = buttons.borrow_mut();
            if buttons.iter().map(|(s, _)| *s).ne(allowed.iter().copied()) {
                for (_, button) in buttons.drain(..) {
                    button.remove();
                }
                for signal in allowed {
                    if let Some(button) = power_button(&row, signal) {
                        buttons.push((signal, button));
                    }
                }
            }
            let (state, pending) = (state.get(), pending.get());
            for (signal, button) in buttons.iter() {
                let busy = pending == Some(*signal);
                let disabled =
                    pending.is_some() || state.is_none_or(|s| !PowerControl::enabled(*signal, s));
                let _ = button.toggle_attribute_with_force("disabled", disabled);
                dom::attr(button, "aria-busy", if busy { "true" } else { "false" });
                let text = texts.get(label(*signal));
                button.set_text_content(Some(&if busy {
                    [text, "…"].concat()
                } else {
                    text.to_owned()
                }));
            }
        });
    }
}

fn power_button(row: &Element, signal: PowerSignal) -> Option<Element> {
    let button = dom::child(row, "button", &["power power-", signal.as_str()].concat())?;
    dom::attr(&button, "type", "button");
    dom::attr(&button, "part", "power-button");
    dom::attr(&button, "data-signal", signal.as_str());
    Some(button)
}

/// A click in the row: a power button (kill asks first) or the confirmation's Cancel.
fn click(row: &Element, target: &Element, on_signal: Callback<PowerSignal>, texts: &Texts) {
    let confirm = row.query_selector(".confirm").ok().flatten();
    if target.class_name() == "link" {
        if let Some(confirm) = confirm {
            confirm.remove();
        }
        return;
    }
    let Some(signal) = target
        .get_attribute("data-signal")
        .and_then(|word| word.parse::<PowerSignal>().ok())
    else {
        return;
    };
    if signal == PowerSignal::Kill && confirm.is_none() {
        if let Some(confirm) = dom::child(row, "span", "confirm") {
            dom::attr(&confirm, "role", "alertdialog");
            dom::attr(&confirm, "aria-label", texts.get("power.confirm_label"));
            confirm.set_text_content(Some(&[texts.get("power.confirm"), " "].concat()));
            if let Some(cancel) = dom::child(&confirm, "button", "link") {
                dom::attr(&cancel, "type", "button");
                cancel.set_text_content(Some(texts.get("power.cancel")));
            }
        }
        return;
    }
    if let Some(confirm) = confirm {
        confirm.remove();
    }
    // `try_run`: a click that lands as the owner goes must not reach a disposed callback.
    let _ = on_signal.try_run(signal);
}

/// Calls `on_click` with the clicked (enabled) button of `row`; the listener goes with the
/// owner.
fn listen(row: &Element, on_click: impl Fn(Element) + 'static) {
    dom::on(row, "click", move |event: web_sys::Event| {
        let button = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button").ok().flatten());
        if let Some(button) = button.filter(|b| !b.has_attribute("disabled")) {
            on_click(button);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_decide_which_buttons_exist() {
        let owner = PowerControl::from_permissions(&["*".into()]);
        assert_eq!(owner.allowed, PowerControl::ORDER.to_vec());
        let sub =
            PowerControl::from_permissions(&["control.start".into(), "control.console".into()]);
        assert_eq!(sub.allowed, vec![PowerSignal::Start]);
        // stop and kill share control.stop, as on the panel.
        let stopper = PowerControl::from_permissions(&["control.stop".into()]);
        assert_eq!(stopper.allowed, vec![PowerSignal::Stop, PowerSignal::Kill]);
    }

    #[test]
    fn state_enables_only_sensible_signals() {
        use PowerState::*;
        assert!(PowerControl::enabled(PowerSignal::Start, Offline));
        assert!(!PowerControl::enabled(PowerSignal::Start, Running));
        assert!(PowerControl::enabled(PowerSignal::Stop, Running));
        assert!(!PowerControl::enabled(PowerSignal::Stop, Offline));
        assert!(PowerControl::enabled(PowerSignal::Kill, Stopping));
        assert!(!PowerControl::enabled(PowerSignal::Kill, Offline));
    }
}
