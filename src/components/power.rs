//! Start / stop / restart / kill, enabled per state and permission, with an optimistic
//! pending state and a confirmation step for kill.

use leptos::prelude::*;
use ptero_api::{PowerSignal, PowerState};

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
        PowerSignal::Start => "Start",
        PowerSignal::Restart => "Restart",
        PowerSignal::Stop => "Stop",
        PowerSignal::Kill => "Kill",
    }
}

/// The button row. `pending` is the signal in flight (shown at once, cleared by the
/// caller when the real state arrives); kill needs a second, explicit click.
#[component]
pub fn PowerButtons(
    #[prop(into)] control: Signal<PowerControl>,
    #[prop(into)] state: Signal<Option<PowerState>>,
    #[prop(into)] pending: Signal<Option<PowerSignal>>,
    on_signal: Callback<PowerSignal>,
) -> impl IntoView {
    let confirming_kill = RwSignal::new(false);
    let button = move |signal: PowerSignal| {
        let disabled = move || {
            pending.get().is_some()
                || state
                    .get()
                    .is_none_or(|s| !PowerControl::enabled(signal, s))
        };
        let text = move || {
            if pending.get() == Some(signal) {
                format!("{}…", label(signal))
            } else {
                label(signal).to_string()
            }
        };
        let click = move |_| {
            if signal == PowerSignal::Kill && !confirming_kill.get_untracked() {
                confirming_kill.set(true);
                return;
            }
            confirming_kill.set(false);
            on_signal.run(signal);
        };
        view! {
            <button type="button" class=format!("power power-{}", signal.as_str()) part="power-button"
                data-signal=signal.as_str() disabled=disabled aria-busy=move || (pending.get() == Some(signal)).to_string()
                on:click=click>
                {text}
            </button>
        }
    };
    view! {
        <div class="power-row" role="group" aria-label="Power">
            {move || control.get().allowed.into_iter().map(button).collect_view()}
            <span class="confirm" role="alertdialog" aria-label="Confirm kill" hidden=move || !confirming_kill.get()>
                "Kill stops the process without saving. Click Kill again to confirm. "
                <button type="button" class="link" on:click=move |_| confirming_kill.set(false)>"Cancel"</button>
            </span>
        </div>
    }
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
