//! JWT claim sets and the origin server's public API shapes.

use ptero_api::claims::{SSO_AUTHORIZE_PATH, SSO_LIFETIME_SECS};
use ptero_api::json_view::Malformed;
use ptero_api::origin::{
    OriginErrorBody, OriginErrorCode, ServerSummary, SessionGrant, SessionRequest, SsoTicket,
    StreamEvent, SummaryLimits, SummaryResources,
};
use ptero_api::{
    check_times, Action, Audience, ConflictReason, HandoffClaims, PanelError, PowerState,
    ServerDetail, SsoClaims, StatsItem, TimeError, WingsTokenClaims,
};

fn handoff_json(actions: &str) -> String {
    format!(
        r#"{{"iss":"https://shop.example.com","aud":"https://origin.example.com","sub":"customer-42","exp":1700000300,"iat":1700000000,"jti":"b3f1c7","servers":["1a7ce997"],"actions":{actions},"email":"c@x.io"}}"#
    )
}

#[test]
fn handoff_claims_read_actions_as_list_or_words() {
    let from_list: HandoffClaims =
        serde_json::from_str(&handoff_json(r#"["start","stop","console"]"#)).unwrap();
    let from_words: HandoffClaims =
        serde_json::from_str(&handoff_json(r#""start stop console""#)).unwrap();
    assert_eq!(from_list, from_words);
    assert!(from_list.allows(Action::Console));
    assert!(!from_list.allows(Action::Kill));
    assert!(from_list.covers("1A7CE997"));
    assert!(!from_list.covers("5b0a2e41"));
    assert_eq!(from_list.nbf, None);
    assert_eq!(from_list.external_id, None);
    assert!(from_list.aud.contains("https://origin.example.com"));
    let written = serde_json::to_string(&from_list).unwrap();
    assert_eq!(
        serde_json::from_str::<HandoffClaims>(&written).unwrap(),
        from_list
    );
}

#[test]
fn handoff_claims_with_unknown_action_are_refused() {
    let error =
        serde_json::from_str::<HandoffClaims>(&handoff_json(r#""start reboot""#)).unwrap_err();
    assert!(error.to_string().contains("reboot"), "{error}");
    assert!(serde_json::from_str::<HandoffClaims>(&handoff_json(r#"["start","reboot"]"#)).is_err());
}

#[test]
fn expired_token_is_refused() {
    let claims: HandoffClaims = serde_json::from_str(&handoff_json("[]")).unwrap();
    assert_eq!(claims.check_times(1_700_000_100, 5, 600), Ok(()));
    assert_eq!(
        claims.check_times(1_700_000_400, 5, 600),
        Err(TimeError::Expired {
            exp: 1_700_000_300,
            now: 1_700_000_400
        })
    );
    assert!(matches!(
        claims.check_times(1_699_999_000, 5, 600),
        Err(TimeError::IssuedInFuture { .. })
    ));
    assert!(matches!(
        claims.check_times(1_700_000_100, 5, 60),
        Err(TimeError::LivesTooLong {
            lifetime: 300,
            max: 60
        })
    ));
}

#[test]
fn not_yet_valid_token_is_refused() {
    assert!(matches!(
        check_times(100, 0, 100, Some(150), 200, 600),
        Err(TimeError::NotYetValid { nbf: 150, now: 100 })
    ));
    assert_eq!(check_times(100, 60, 100, Some(150), 200, 600), Ok(()));
}

#[test]
fn sso_claims_round_trip_and_are_short_lived() {
    let json = r#"{"iss":"https://shop.example.com","aud":"https://panel.example.com","iat":1700000000,"exp":1700000060,"jti":"a1","user":{"id":42}}"#;
    let claims: SsoClaims = serde_json::from_str(json).unwrap();
    assert_eq!(claims.user.id, 42);
    assert_eq!(claims.check_times(1_700_000_010, 0), Ok(()));
    let written = serde_json::to_string(&claims).unwrap();
    assert_eq!(serde_json::from_str::<SsoClaims>(&written).unwrap(), claims);
    let mut long = claims.clone();
    long.exp = long.iat + SSO_LIFETIME_SECS + 1;
    assert!(long.check_times(1_700_000_010, 0).is_err());
    assert_eq!(SSO_AUTHORIZE_PATH, "/pteroca/authorize");
}

#[test]
fn wings_token_audience_is_a_list() {
    let json = r#"{"iss":"https://panel.example.com","aud":["https://node1.example.com:8080"],"jti":"abc","iat":1,"nbf":0,"exp":601,"server_uuid":"1a7ce997-259b-452e-8b4e-cecc464142ca","permissions":["*"],"user_uuid":"c4022c6c-9bf1-4a23-bff9-519cceb38335","user_id":1,"unique_id":"x"}"#;
    let claims: WingsTokenClaims = serde_json::from_str(json).unwrap();
    assert_eq!(claims.aud, Audience::one("https://node1.example.com:8080"));
    assert!(claims.can("control.console"));
    assert!(!claims.can("admin.websocket.errors"));
}

#[test]
fn session_shapes_match_the_contract() {
    let request: SessionRequest = serde_json::from_str(r#"{"token":"eyJ.x.y"}"#).unwrap();
    assert!(!format!("{request:?}").contains("eyJ"));
    let grant = SessionGrant {
        session: "s3cr3t".into(),
        expires_in_secs: 900,
        servers: vec!["1a7ce997".into()],
        actions: vec![Action::Start, Action::Console],
    };
    let value = serde_json::to_value(&grant).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"session":"s3cr3t","expires_in_secs":900,"servers":["1a7ce997"],"actions":["start","console"]})
    );
    assert!(!format!("{grant:?}").contains("s3cr3t"));
    let ticket = SsoTicket {
        url: "https://origin.example.com/sso/abc".into(),
        expires_in_secs: 60,
    };
    let written = serde_json::to_string(&ticket).unwrap();
    assert_eq!(serde_json::from_str::<SsoTicket>(&written).unwrap(), ticket);
}

#[test]
fn summary_is_built_from_panel_shapes() {
    let detail: ServerDetail =
        serde_json::from_str(include_str!("fixtures/server_detail.json")).unwrap();
    let stats: StatsItem = serde_json::from_str(include_str!("fixtures/resources.json")).unwrap();
    let summary = ServerSummary::from_panel(&detail.attributes, Some(&stats.attributes));
    assert_eq!(summary.identifier, "1a7ce997");
    assert_eq!(summary.state, PowerState::Running);
    assert_eq!(summary.status.as_deref(), Some("suspended"));
    assert!(summary.is_suspended);
    assert_eq!(
        summary.limits,
        SummaryLimits {
            memory_mib: 4096,
            disk_mib: 20480,
            cpu_percent: 0
        }
    );
    let resources = summary.resources.clone().unwrap();
    assert_eq!(resources.disk_bytes, 21_256_741_698);
    assert_eq!(resources.uptime_ms, Some(86_400_000));
    let value = serde_json::to_value(&summary).unwrap();
    for field in [
        "identifier",
        "name",
        "state",
        "status",
        "is_suspended",
        "node_under_maintenance",
        "limits",
        "resources",
    ] {
        assert!(value.get(field).is_some(), "{field}");
    }
    assert_eq!(value["resources"]["uptime_ms"], 86_400_000);
    let again: ServerSummary = serde_json::from_value(value).unwrap();
    assert_eq!(again, summary);
}

#[test]
fn stream_events_read_by_event_name_refuse_unknown_names_and_bad_data() {
    let read = |event: &str, data: serde_json::Value| StreamEvent::from_view(event, &data);
    assert_eq!(
        read("bogus", serde_json::json!({})),
        Err(Malformed("event"))
    );
    assert_eq!(
        read(
            "state",
            serde_json::json!({"server":"a","state":"exploded"})
        ),
        Err(Malformed("state"))
    );
    assert_eq!(
        read("console", serde_json::json!({"server":"a"})),
        Err(Malformed("line"))
    );
}

#[test]
fn stream_events_are_tagged_by_type() {
    let events = [
        (
            StreamEvent::State {
                server: "1a7ce997".into(),
                state: PowerState::Stopping,
            },
            serde_json::json!({"type":"state","server":"1a7ce997","state":"stopping"}),
        ),
        (
            StreamEvent::Console {
                server: "1a7ce997".into(),
                line: "Done (3.2s)!".into(),
            },
            serde_json::json!({"type":"console","server":"1a7ce997","line":"Done (3.2s)!"}),
        ),
        (
            StreamEvent::Error {
                server: Some("1a7ce997".into()),
                code: OriginErrorCode::ServerConflict,
                message: "suspended".into(),
            },
            serde_json::json!({"type":"error","server":"1a7ce997","code":"server_conflict","message":"suspended"}),
        ),
        (
            StreamEvent::Resources {
                server: "1a7ce997".into(),
                resources: SummaryResources {
                    memory_bytes: 1,
                    cpu_absolute: 2.5,
                    disk_bytes: 3,
                    network_rx_bytes: 4,
                    network_tx_bytes: 5,
                    uptime_ms: None,
                },
            },
            serde_json::json!({"type":"resources","server":"1a7ce997","resources":{"memory_bytes":1,"cpu_absolute":2.5,"disk_bytes":3,"network_rx_bytes":4,"network_tx_bytes":5,"uptime_ms":null}}),
        ),
    ];
    for (event, wire) in events {
        assert_eq!(serde_json::to_value(&event).unwrap(), wire);
        assert_eq!(
            serde_json::from_value::<StreamEvent>(wire.clone()).unwrap(),
            event
        );
        assert_eq!(
            StreamEvent::from_view(event.event_name(), &wire),
            Ok(event.clone())
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&event.to_json()).unwrap()["type"],
            event.event_name()
        );
    }
}

#[test]
fn summary_stream_event_round_trips() {
    let detail: ServerDetail =
        serde_json::from_str(include_str!("fixtures/server_detail.json")).unwrap();
    let event = StreamEvent::Summary(ServerSummary::from_panel(&detail.attributes, None));
    let json = event.to_json();
    assert!(json.starts_with(r#"{"type":"summary""#), "{json}");
    assert_eq!(serde_json::from_str::<StreamEvent>(&json).unwrap(), event);
}

#[test]
fn origin_error_body_has_code_and_message() {
    let body = OriginErrorBody::new(OriginErrorCode::OriginNotAllowed, "not on the list");
    assert_eq!(
        body.to_json(),
        r#"{"error":{"code":"origin_not_allowed","message":"not on the list"}}"#
    );
    assert_eq!(body.error.code.http_status(), 403);
    let unknown: OriginErrorBody =
        serde_json::from_str(r#"{"error":{"code":"brand_new","message":"m"}}"#).unwrap();
    assert_eq!(
        unknown.error.code,
        OriginErrorCode::Other("brand_new".into())
    );
}

#[test]
fn every_documented_origin_code_round_trips() {
    for code in [
        "bad_request",
        "invalid_token",
        "token_expired",
        "token_reused",
        "session_expired",
        "action_not_allowed",
        "server_not_allowed",
        "origin_not_allowed",
        "not_found",
        "server_conflict",
        "server_offline",
        "rate_limited",
        "panel_rejected",
        "panel_error",
        "panel_unreachable",
        "no_panel_account",
        "key_limit_reached",
        "key_conflict",
        "not_configured",
        "internal",
    ] {
        let parsed = OriginErrorCode::parse(code);
        assert!(!matches!(parsed, OriginErrorCode::Other(_)), "{code}");
        assert_eq!(parsed.as_str(), code);
        assert!((400..=504).contains(&parsed.http_status()));
    }
}

#[test]
fn panel_errors_map_to_origin_codes() {
    let cases = [
        (PanelError::Unauthenticated, OriginErrorCode::PanelRejected),
        (PanelError::NotFound, OriginErrorCode::NotFound),
        (
            PanelError::Conflict {
                reason: ConflictReason::Suspended,
            },
            OriginErrorCode::ServerConflict,
        ),
        (PanelError::Offline, OriginErrorCode::ServerOffline),
        (
            PanelError::RateLimited { retry_after: None },
            OriginErrorCode::RateLimited,
        ),
        (
            PanelError::Daemon {
                status: 504,
                detail: String::new(),
            },
            OriginErrorCode::PanelUnreachable,
        ),
    ];
    for (error, code) in cases {
        let body = OriginErrorBody::from_panel(&error);
        assert_eq!(body.error.code, code, "{error:?}");
        assert_eq!(body.error.message, error.to_string());
    }
}
