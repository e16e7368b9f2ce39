//! The Wings websocket codec, both directions, against frames as Wings writes them.

use ptero_api::ws::{event, jwt_message};
use ptero_api::{
    BackupCompleted, Frame, Inbound, JwtErrorKind, NetworkStats, Outbound, PowerSignal, PowerState,
    WingsStats, WsError,
};

#[test]
fn outbound_frames_match_wings() {
    let cases = [
        (
            Outbound::Auth("jwt".into()),
            r#"{"event":"auth","args":["jwt"]}"#,
        ),
        (
            Outbound::SendCommand("say hi".into()),
            r#"{"event":"send command","args":["say hi"]}"#,
        ),
        (
            Outbound::SetState(PowerSignal::Restart),
            r#"{"event":"set state","args":["restart"]}"#,
        ),
        (Outbound::SendLogs, r#"{"event":"send logs"}"#),
        (Outbound::SendStats, r#"{"event":"send stats"}"#),
    ];
    for (message, wire) in cases {
        assert_eq!(message.encode(), wire);
        assert_eq!(Outbound::decode(wire), Ok(message));
    }
}

#[test]
fn outbound_accepts_empty_args_and_rejects_bad_signal() {
    assert_eq!(
        Outbound::decode(r#"{"event":"send logs","args":[]}"#),
        Ok(Outbound::SendLogs)
    );
    assert_eq!(
        Outbound::decode(r#"{"event":"send stats","args":null}"#),
        Ok(Outbound::SendStats)
    );
    assert!(matches!(
        Outbound::decode(r#"{"event":"set state","args":["reboot"]}"#),
        Err(WsError::BadArgument { .. })
    ));
    assert!(matches!(
        Outbound::decode(r#"{"event":"auth"}"#),
        Err(WsError::MissingArgument { .. })
    ));
}

/// The official panel UI sends `{"event":"send logs","args":[null]}`; Wings unmarshals a
/// `null` into a Go string as nothing, so it reads "" and answers. One test per event.
#[test]
fn null_argument_of_send_logs_reads_as_wings_reads_it() {
    assert_eq!(
        Outbound::decode(r#"{"event":"send logs","args":[null]}"#),
        Ok(Outbound::SendLogs)
    );
}

#[test]
fn null_argument_of_send_stats_reads_as_wings_reads_it() {
    assert_eq!(
        Outbound::decode(r#"{"event":"send stats","args":[null]}"#),
        Ok(Outbound::SendStats)
    );
}

#[test]
fn null_argument_of_send_command_is_an_empty_command() {
    assert_eq!(
        Outbound::decode(r#"{"event":"send command","args":[null]}"#),
        Ok(Outbound::SendCommand(String::new()))
    );
}

#[test]
fn null_argument_of_auth_is_an_empty_token() {
    assert_eq!(
        Outbound::decode(r#"{"event":"auth","args":[null]}"#),
        Ok(Outbound::Auth(String::new()))
    );
}

#[test]
fn null_argument_of_set_state_is_no_power_action() {
    // Wings joins the args to "", which is no power action: a daemon error, not a crash.
    assert!(matches!(
        Outbound::decode(r#"{"event":"set state","args":[null]}"#),
        Err(WsError::BadArgument { .. })
    ));
}

#[test]
fn null_arguments_join_as_empty_strings_and_other_types_stay_refused() {
    let frame = Frame::decode(r#"{"event":"send command","args":["say ",null,"hi"]}"#).unwrap();
    assert_eq!(frame.joined_args(), "say hi");
    // Go refuses a number where a string belongs, and Wings drops the frame.
    assert!(Frame::decode(r#"{"event":"send logs","args":[1]}"#).is_err());
}

#[test]
fn frames_over_wings_read_limit_are_not_encoded() {
    use ptero_api::flavor::WINGS_FRAME_LIMIT;
    let fits = Outbound::SendCommand("x".repeat(4000));
    assert!(fits.encode_within(WINGS_FRAME_LIMIT).is_ok());
    let long = Outbound::SendCommand("x".repeat(WINGS_FRAME_LIMIT));
    let error = long.encode_within(WINGS_FRAME_LIMIT).unwrap_err();
    assert!(error.bytes > WINGS_FRAME_LIMIT);
    assert!(error.to_string().contains("command is too long"), "{error}");
    // Escapes count: a quote is two bytes on the wire.
    let quotes = Outbound::SendCommand("\"".repeat(2040));
    assert!(quotes.encode_within(WINGS_FRAME_LIMIT).is_err());
}

#[test]
fn auth_debug_hides_the_token() {
    let shown = format!("{:?}", Outbound::Auth("eyJ.secret.sig".into()));
    assert!(!shown.contains("secret"), "{shown}");
}

#[test]
fn inbound_frames_from_wings_decode() {
    let cases = [
        (r#"{"event":"auth success"}"#, Inbound::AuthSuccess),
        (r#"{"event":"token expiring"}"#, Inbound::TokenExpiring),
        (r#"{"event":"token expired"}"#, Inbound::TokenExpired),
        (
            r#"{"event":"status","args":["starting"]}"#,
            Inbound::Status(PowerState::Starting),
        ),
        (
            r#"{"event":"console output","args":["\u001b[33m[Pterodactyl Daemon]:\u001b[39m Checking server disk space usage, this could take a few seconds...\r"]}"#,
            Inbound::ConsoleOutput(
                "\u{1b}[33m[Pterodactyl Daemon]:\u{1b}[39m Checking server disk space usage, this could take a few seconds...\r".into(),
            ),
        ),
        (
            r#"{"event":"jwt error","args":["jwt: exp claim is invalid"]}"#,
            Inbound::JwtError("jwt: exp claim is invalid".into()),
        ),
        (
            r#"{"event":"daemon error","args":["Error Event [1a7ce997]: another power action is currently being processed"]}"#,
            Inbound::DaemonError(
                "Error Event [1a7ce997]: another power action is currently being processed".into(),
            ),
        ),
        (
            r#"{"event":"daemon message","args":["Updating process configuration files..."]}"#,
            Inbound::DaemonMessage("Updating process configuration files...".into()),
        ),
        (
            r#"{"event":"install output","args":["Downloading paper.jar"]}"#,
            Inbound::InstallOutput("Downloading paper.jar".into()),
        ),
        (r#"{"event":"install started","args":[""]}"#, Inbound::InstallStarted),
        (r#"{"event":"install completed","args":[""]}"#, Inbound::InstallCompleted),
        (
            r#"{"event":"backup restore completed","args":[""]}"#,
            Inbound::BackupRestoreCompleted,
        ),
        (
            r#"{"event":"transfer logs","args":["Archiving server"]}"#,
            Inbound::TransferLogs("Archiving server".into()),
        ),
        (
            r#"{"event":"transfer status","args":["processing"]}"#,
            Inbound::TransferStatus("processing".into()),
        ),
        (r#"{"event":"deleted","args":["null"]}"#, Inbound::Deleted),
        (
            r#"{"event":"throttled","args":["send command"]}"#,
            Inbound::Throttled("send command".into()),
        ),
        (
            r#"{"event":"something new","args":["a","b"]}"#,
            Inbound::Other {
                event: "something new".into(),
                args: vec!["a".into(), "b".into()],
            },
        ),
    ];
    for (wire, expected) in cases {
        let decoded = Inbound::decode(wire).unwrap_or_else(|e| panic!("{wire}: {e}"));
        assert_eq!(decoded, expected, "{wire}");
        assert_eq!(Inbound::decode(&decoded.encode()), Ok(decoded), "{wire}");
    }
}

#[test]
fn stats_string_decodes_whatever_the_key_order() {
    let wire = r#"{"event":"stats","args":["{\"uptime\":3600000,\"state\":\"running\",\"network\":{\"tx_bytes\":2,\"rx_bytes\":1},\"disk_bytes\":21256741698,\"cpu_absolute\":305.6,\"memory_limit_bytes\":4294967296,\"memory_bytes\":2147483648}"]}"#;
    let Ok(Inbound::Stats(stats)) = Inbound::decode(wire) else {
        panic!("stats did not decode");
    };
    assert_eq!(stats.state, PowerState::Running);
    assert_eq!(stats.disk_bytes, 21_256_741_698);
    assert_eq!(
        stats.network,
        NetworkStats {
            rx_bytes: 1,
            tx_bytes: 2
        }
    );
    assert_eq!(stats.resources().uptime, Some(3_600_000));
    let again = Inbound::decode(&Inbound::Stats(stats.clone()).encode());
    assert_eq!(again, Ok(Inbound::Stats(stats)));
}

#[test]
fn stats_that_are_not_json_are_a_bad_argument() {
    assert!(matches!(
        Inbound::decode(r#"{"event":"stats","args":["not json"]}"#),
        Err(WsError::BadArgument { .. })
    ));
    assert!(matches!(
        Inbound::decode(r#"{"event":"stats"}"#),
        Err(WsError::MissingArgument { .. })
    ));
}

#[test]
fn backup_completed_carries_the_uuid_in_its_payload() {
    let wire = r#"{"event":"backup completed","args":["{\"uuid\":\"0c6b2a2e-0000-4000-8000-000000000001\",\"is_successful\":true,\"checksum\":\"da39a3ee\",\"checksum_type\":\"sha1\",\"file_size\":1048576}"]}"#;
    let decoded = Inbound::decode(wire).unwrap();
    assert_eq!(
        decoded,
        Inbound::BackupCompleted(BackupCompleted {
            uuid: "0c6b2a2e-0000-4000-8000-000000000001".into(),
            is_successful: true,
            checksum: "da39a3ee".into(),
            checksum_type: "sha1".into(),
            file_size: 1_048_576,
        })
    );
    assert_eq!(Inbound::decode(&decoded.encode()), Ok(decoded));
}

#[test]
fn unknown_status_word_is_a_bad_argument() {
    assert!(matches!(
        Inbound::decode(r#"{"event":"status","args":["paused"]}"#),
        Err(WsError::BadArgument { .. })
    ));
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    for text in [
        "",
        "{",
        "null",
        "[]",
        r#"{"args":["x"]}"#,
        r#"{"event":1}"#,
        r#"{"event":"console output","args":[1]}"#,
        r#"{"event":"console output","args":"x"}"#,
        "\u{0}",
    ] {
        assert!(
            matches!(Inbound::decode(text), Err(WsError::Malformed { .. })),
            "{text}"
        );
        assert!(Outbound::decode(text).is_err(), "{text}");
    }
}

#[test]
fn empty_args_are_left_out_when_encoding() {
    assert_eq!(
        Frame::new(event::AUTH_SUCCESS, vec![]).encode(),
        r#"{"event":"auth success"}"#
    );
    assert_eq!(
        Inbound::TokenExpiring.encode(),
        r#"{"event":"token expiring"}"#
    );
}

#[test]
fn jwt_errors_say_whether_to_renew_wait_for_auth_or_give_up() {
    let cases = [
        (jwt_message::EXP_INVALID, JwtErrorKind::Renew),
        (jwt_message::DENYLISTED, JwtErrorKind::Renew),
        (jwt_message::NO_JWT, JwtErrorKind::NotYetAuthenticated),
        (jwt_message::NO_CONNECT, JwtErrorKind::Refused),
        (jwt_message::UUID_MISMATCH, JwtErrorKind::Refused),
        ("jwt: something new", JwtErrorKind::Refused),
    ];
    for (message, kind) in cases {
        assert_eq!(JwtErrorKind::of(message), kind, "{message}");
        // `SendErrorJson` prefixes the same texts with an error id.
        let prefixed = format!("Error Event [0b6c1d2e-8f4a-4c3b-9d1e-2f3a4b5c6d7e]: {message}");
        assert_eq!(JwtErrorKind::of(&prefixed), kind, "{prefixed}");
    }
}

#[test]
fn wings_stats_default_missing_fields() {
    let stats: WingsStats = serde_json::from_str("{}").unwrap();
    assert_eq!(stats.state, PowerState::Offline);
    assert_eq!(stats.memory_bytes, 0);
}
