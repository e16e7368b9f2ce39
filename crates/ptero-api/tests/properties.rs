//! Properties over generated input: normalisation is idempotent, secrets never show,
//! codecs round-trip, and no parser panics.

use proptest::prelude::*;
use ptero_api::{
    punycode, ApiKey, BackupCompleted, Inbound, NetworkStats, Origin, Outbound, PanelError,
    PanelUrl, PowerSignal, PowerState, ServerId, WingsStats,
};

fn scheme() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("http"), Just("https"), Just("HTTPS"), Just("Http")]
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?",
        "[a-zäöüßéñ]{1,8}",
        "[例えテスト日本語]{1,4}",
        "xn--[a-z0-9]{1,8}",
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(label(), 1..4).prop_map(|labels| labels.join(".")),
        (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        any::<[u16; 8]>().prop_map(|parts| format!("[{}]", std::net::Ipv6Addr::from(parts))),
    ]
}

fn origin_text() -> impl Strategy<Value = String> {
    (
        scheme(),
        host(),
        prop::option::of(0u32..70000),
        prop::bool::ANY,
    )
        .prop_map(|(scheme, host, port, slash)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let slash = if slash { "/" } else { "" };
            format!("{scheme}://{host}{port}{slash}")
        })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{0,60}", "\\PC{0,60}"]
}

fn line() -> impl Strategy<Value = String> {
    any::<String>()
}

fn power_state() -> impl Strategy<Value = PowerState> {
    prop::sample::select(PowerState::ALL.to_vec())
}

fn power_signal() -> impl Strategy<Value = PowerSignal> {
    prop::sample::select(PowerSignal::ALL.to_vec())
}

/// An event name none of the typed variants claims.
fn unknown_event() -> impl Strategy<Value = String> {
    "x-[a-z ]{0,12}"
}

fn wings_stats() -> impl Strategy<Value = WingsStats> {
    (
        any::<u64>(),
        any::<u64>(),
        0u32..10_000_000,
        any::<u64>(),
        any::<u64>(),
        any::<u64>(),
        power_state(),
        any::<u64>(),
    )
        .prop_map(
            |(memory, limit, cpu, rx, tx, uptime, state, disk)| WingsStats {
                memory_bytes: memory,
                memory_limit_bytes: limit,
                // Tenths, as Wings reports them; arbitrary floats would test serde_json's
                // float parsing, not this codec.
                cpu_absolute: f64::from(cpu) / 10.0,
                network: NetworkStats {
                    rx_bytes: rx,
                    tx_bytes: tx,
                },
                uptime,
                state,
                disk_bytes: disk,
            },
        )
}

fn outbound() -> impl Strategy<Value = Outbound> {
    prop_oneof![
        line().prop_map(Outbound::Auth),
        line().prop_map(Outbound::SendCommand),
        power_signal().prop_map(Outbound::SetState),
        Just(Outbound::SendLogs),
        Just(Outbound::SendStats),
        (unknown_event(), prop::collection::vec(line(), 0..3))
            .prop_map(|(event, args)| Outbound::Other { event, args }),
    ]
}

fn inbound() -> impl Strategy<Value = Inbound> {
    prop_oneof![
        Just(Inbound::AuthSuccess),
        power_state().prop_map(Inbound::Status),
        line().prop_map(Inbound::ConsoleOutput),
        wings_stats().prop_map(Inbound::Stats),
        Just(Inbound::TokenExpiring),
        Just(Inbound::TokenExpired),
        line().prop_map(Inbound::JwtError),
        line().prop_map(Inbound::DaemonError),
        line().prop_map(Inbound::DaemonMessage),
        line().prop_map(Inbound::InstallOutput),
        Just(Inbound::InstallStarted),
        Just(Inbound::InstallCompleted),
        (line(), any::<bool>(), line(), any::<u64>()).prop_map(|(uuid, ok, sum, size)| {
            Inbound::BackupCompleted(BackupCompleted {
                uuid,
                is_successful: ok,
                checksum: sum,
                checksum_type: "sha1".into(),
                file_size: size,
            })
        }),
        Just(Inbound::BackupRestoreCompleted),
        line().prop_map(Inbound::TransferLogs),
        line().prop_map(Inbound::TransferStatus),
        Just(Inbound::Deleted),
        line().prop_map(Inbound::Throttled),
        (unknown_event(), prop::collection::vec(line(), 0..3))
            .prop_map(|(event, args)| Inbound::Other { event, args }),
    ]
}

proptest! {
    #[test]
    fn origin_normalisation_is_idempotent(input in prop_oneof![origin_text(), text()]) {
        if let Ok(origin) = Origin::parse(&input) {
            let written = origin.to_string();
            let again = Origin::parse(&written).expect("a normalised origin parses");
            prop_assert_eq!(&again, &origin);
            prop_assert_eq!(again.to_string(), written);
        }
    }

    #[test]
    fn panel_url_normalisation_is_idempotent(input in prop_oneof![origin_text(), text()]) {
        if let Ok(url) = PanelUrl::parse(&input) {
            let again = PanelUrl::parse(url.as_str()).expect("a normalised URL parses");
            prop_assert_eq!(again, url);
        }
    }

    #[test]
    fn key_display_never_contains_the_secret(
        prefix in prop::sample::select(vec!["ptlc_", "ptla_", "pacc_", "papp_", ""]),
        body in "[A-Za-z0-9]{48}",
    ) {
        let text: String = format!("{prefix}{body}").chars().take(48).collect();
        let key = ApiKey::parse(&text).expect("a well-formed key");
        let secret = &text[16..];
        for shown in [key.to_string(), format!("{key:?}"), format!("{key:#?}")] {
            prop_assert!(!shown.contains(secret), "{}", shown);
        }
    }

    #[test]
    fn outbound_encode_decode_is_identity(message in outbound()) {
        prop_assert_eq!(Outbound::decode(&message.encode()), Ok(message));
    }

    #[test]
    fn inbound_encode_decode_is_identity(message in inbound()) {
        prop_assert_eq!(Inbound::decode(&message.encode()), Ok(message));
    }

    #[test]
    fn punycode_round_trips(label in "\\PC{1,30}") {
        let encoded = punycode::encode(&label).expect("encodes");
        prop_assert!(encoded.is_ascii());
        prop_assert_eq!(punycode::decode(&encoded), Some(label));
    }

    #[test]
    fn punycode_decode_never_panics(input in text()) {
        let _ = punycode::decode(&input);
    }

    #[test]
    fn parsers_never_panic(input in text(), status in any::<u16>(), retry in any::<Option<u64>>()) {
        let _ = ApiKey::parse(&input);
        let _ = PanelUrl::parse(&input);
        let _ = Origin::parse(&input);
        let _ = ServerId::parse(&input);
        let _ = Inbound::decode(&input);
        let _ = Outbound::decode(&input);
        let error = PanelError::from_response(status, &input, retry);
        prop_assert!(!error.to_string().is_empty());
    }
}
