//! `PanelError::from_response` on every body the panel (or what stands in front of it)
//! sends, and the envelope builders the sandbox answers with.

use ptero_api::error::{DETAIL_APPLICATION_KEY, DETAIL_SERVER_OFFLINE};
use ptero_api::{ConflictReason, ErrorEnvelope, FieldError, ForbiddenReason, PanelError};

fn entry(code: &str, status: &str, detail: &str) -> String {
    format!(r#"{{"errors":[{{"code":"{code}","status":"{status}","detail":"{detail}"}}]}}"#)
}

#[test]
fn unauthenticated_tells_the_user_to_check_the_key() {
    let error = PanelError::from_response(
        401,
        &entry("AuthenticationException", "401", "Unauthenticated."),
        None,
    );
    assert_eq!(error, PanelError::Unauthenticated);
    assert!(error
        .to_string()
        .starts_with("the panel rejected the key: check it was copied whole and not deleted"));
    assert!(error.is_key_problem());
}

#[test]
fn application_key_on_client_api_is_recognised_by_its_detail() {
    let body = ErrorEnvelope::application_key_on_client_api().to_json();
    let error = PanelError::from_response(403, &body, None);
    assert_eq!(
        error,
        PanelError::Forbidden(ForbiddenReason::ApplicationKeyOnClientApi)
    );
    assert!(error
        .to_string()
        .starts_with("this is an application key; the client API needs a ptlc_ client key"));
    assert!(body.contains(DETAIL_APPLICATION_KEY));
}

#[test]
fn ip_not_allowed_names_the_address_when_the_panel_does() {
    let body = ErrorEnvelope::ip_not_allowed("198.51.100.7").to_json();
    let error = PanelError::from_response(403, &body, None);
    assert_eq!(
        error,
        PanelError::Forbidden(ForbiddenReason::IpNotAllowed {
            ip: Some("198.51.100.7".into())
        })
    );
    assert!(error.to_string().contains("198.51.100.7"));
}

#[test]
fn missing_permission_is_a_forbidden_reason_of_its_own() {
    let body = ErrorEnvelope::unauthorized().to_json();
    assert!(matches!(
        PanelError::from_response(403, &body, None),
        PanelError::Forbidden(ForbiddenReason::MissingPermission { .. })
    ));
    let body = ErrorEnvelope::websocket_forbidden().to_json();
    assert!(matches!(
        PanelError::from_response(403, &body, None),
        PanelError::Forbidden(ForbiddenReason::MissingPermission { .. })
    ));
}

#[test]
fn not_found_for_both_panel_sentences() {
    for body in [
        ErrorEnvelope::not_found().to_json(),
        entry(
            "NotFoundHttpException",
            "404",
            "The requested resource does not exist on this server.",
        ),
    ] {
        assert_eq!(
            PanelError::from_response(404, &body, None),
            PanelError::NotFound
        );
    }
}

#[test]
fn conflict_reasons_are_read_from_the_panel_sentence() {
    let cases = [
        ConflictReason::Suspended,
        ConflictReason::Installing,
        ConflictReason::Transferring,
        ConflictReason::Restoring,
        ConflictReason::Maintenance,
    ];
    for reason in cases {
        let body = ErrorEnvelope::conflict(&reason).to_json();
        assert_eq!(
            PanelError::from_response(409, &body, None),
            PanelError::Conflict {
                reason: reason.clone()
            },
            "{body}"
        );
    }
    let body = entry("ServerStateConflictException", "409", "Something new.");
    assert_eq!(
        PanelError::from_response(409, &body, None),
        PanelError::Conflict {
            reason: ConflictReason::Other("Something new.".into())
        }
    );
}

#[test]
fn validation_keeps_every_field_error() {
    let body = ErrorEnvelope::validation([
        FieldError::new("signal", "in", "The selected signal is invalid."),
        FieldError::new("command", "required", "The command field is required."),
    ])
    .to_json();
    let error = PanelError::from_response(422, &body, None);
    let PanelError::Validation { errors } = &error else {
        panic!("not validation: {error:?}");
    };
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].source_field, "signal");
    assert_eq!(errors[0].rule, "in");
    assert!(error
        .to_string()
        .contains("signal: The selected signal is invalid."));
}

#[test]
fn validation_envelope_has_meta_source_field_and_rule() {
    let body = ErrorEnvelope::validation([FieldError::new(
        "description",
        "unique",
        "You already have an API key with this description.",
    )]);
    let value = serde_json::to_value(&body).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"errors": [{
            "code": "ValidationException",
            "status": "422",
            "detail": "You already have an API key with this description.",
            "meta": {"source_field": "description", "rule": "unique"}
        }]})
    );
}

#[test]
fn envelope_status_is_a_string() {
    let value = serde_json::to_value(ErrorEnvelope::throttled()).unwrap();
    assert_eq!(value["errors"][0]["status"], serde_json::json!("429"));
    assert!(value["errors"][0].get("meta").is_none());
    assert_eq!(ErrorEnvelope::throttled().status(), Some(429));
}

#[test]
fn numeric_status_is_accepted_when_reading() {
    let body = r#"{"errors":[{"code":"NotFoundHttpException","status":404,"detail":"x"}]}"#;
    let envelope: ErrorEnvelope = serde_json::from_str(body).unwrap();
    assert_eq!(envelope.errors[0].status, "404");
}

#[test]
fn rate_limit_carries_retry_after() {
    let body = ErrorEnvelope::throttled().to_json();
    let error = PanelError::from_response(429, &body, Some(17));
    assert_eq!(
        error,
        PanelError::RateLimited {
            retry_after: Some(17)
        }
    );
    assert!(error.to_string().contains("17 seconds"));
    assert_eq!(
        PanelError::from_response(429, "", None),
        PanelError::RateLimited { retry_after: None }
    );
    assert!(error.is_retryable());
}

#[test]
fn unreachable_wings_is_a_daemon_error() {
    let body = ErrorEnvelope::daemon_unreachable().to_json();
    let error = PanelError::from_response(504, &body, None);
    assert!(matches!(error, PanelError::Daemon { status: 504, .. }));
    assert!(error.to_string().contains("Wings"));
}

#[test]
fn command_to_an_offline_server_is_offline() {
    let body = ErrorEnvelope::server_offline().to_json();
    assert!(body.contains(DETAIL_SERVER_OFFLINE));
    let error = PanelError::from_response(502, &body, None);
    assert_eq!(error, PanelError::Offline);
    assert!(error.to_string().contains("start it"));
}

#[test]
fn legacy_error_object_keeps_its_sentence() {
    let error = PanelError::from_response(500, r#"{"error":"Something broke."}"#, None);
    assert_eq!(
        error,
        PanelError::Other {
            status: 500,
            detail: "Something broke.".into()
        }
    );
}

#[test]
fn loose_bodies_give_their_message_or_their_json_text() {
    let detail = |body: &str| match PanelError::from_response(500, body, None) {
        PanelError::Other { detail, .. } => detail,
        other => panic!("{body} read as {other:?}"),
    };
    assert_eq!(
        detail(r#"{"message":"Server Error \"x\""}"#),
        r#"Server Error "x""#
    );
    assert_eq!(
        detail(r#"{"error":null,"message":"from message"}"#),
        "from message"
    );
    assert_eq!(
        detail(r#"{"error":{"reason":"disk"}}"#),
        r#"{"reason":"disk"}"#
    );
    assert_eq!(detail(r#"{"error":42}"#), "42");
}

#[test]
fn html_page_is_not_the_api() {
    let html = "<!DOCTYPE html><html><head><title>Login</title></head><body>…</body></html>";
    assert_eq!(
        PanelError::from_response(403, html, None),
        PanelError::NotApi { status: 403 }
    );
    assert_eq!(
        PanelError::from_response(502, "<html><body>Bad gateway</body></html>", None),
        PanelError::Unavailable { status: 502 }
    );
}

#[test]
fn redirect_is_the_login_page() {
    let error = PanelError::from_response(302, "", None);
    assert_eq!(error, PanelError::LoginRedirect);
    assert!(error.to_string().contains("Accept: application/json"));
}

#[test]
fn two_factor_requirement_is_recognised_by_code() {
    let body = entry(
        "TwoFactorAuthRequiredException",
        "400",
        "Two-factor authentication is required.",
    );
    assert_eq!(
        PanelError::from_response(400, &body, None),
        PanelError::TwoFactorRequired
    );
}

#[test]
fn empty_and_garbage_bodies_do_not_panic() {
    let bodies = [
        "",
        " ",
        "null",
        "[]",
        "{}",
        r#"{"errors":[]}"#,
        r#"{"errors":null}"#,
        r#"{"errors":[{}]}"#,
        r#"{"errors":[{"status":null,"detail":null,"meta":{"source_field":1}}]}"#,
        "\u{0}\u{ffff}",
        "é".repeat(500).as_str(),
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    ]
    .map(str::to_owned);
    for status in [
        0, 200, 302, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504, 599, 65535,
    ] {
        for body in &bodies {
            let error = PanelError::from_response(status, body, Some(1));
            assert!(!error.to_string().is_empty());
        }
    }
}

#[test]
fn other_status_without_detail_still_explains() {
    let error = PanelError::from_response(418, "", None);
    assert_eq!(
        error,
        PanelError::Other {
            status: 418,
            detail: String::new()
        }
    );
    assert!(error.to_string().contains("418"));
}

#[test]
fn long_plain_text_detail_is_shortened() {
    let body = "x".repeat(5000);
    let PanelError::Other { detail, .. } = PanelError::from_response(500, &body, None) else {
        panic!("not Other");
    };
    assert!(detail.chars().count() <= 201);
}

#[test]
fn a_per_action_throttle_keeps_the_panels_sentence() {
    let detail = "Only 2 backups may be generated within a 600 second span of time.";
    let body = ErrorEnvelope::single("TooManyRequestsHttpException", 429, detail).to_json();
    let error = PanelError::from_response(429, &body, Some(412));
    assert_eq!(
        error,
        PanelError::Throttled {
            detail: detail.to_owned(),
            retry_after: Some(412)
        }
    );
    let shown = error.to_string();
    assert!(
        shown.contains(detail) && shown.contains("412 seconds"),
        "{shown}"
    );
    assert!(error.is_retryable());
    // The request-rate limit's generic sentence stays a rate limit.
    let generic = ErrorEnvelope::throttled().to_json();
    assert_eq!(
        PanelError::from_response(429, &generic, None),
        PanelError::RateLimited { retry_after: None }
    );
}

#[test]
fn a_400_with_the_panels_sentence_is_a_refusal_that_says_why() {
    let body = entry(
        "DisplayException",
        "400",
        "You have reached the account limit for number of API keys.",
    );
    let error = PanelError::from_response(400, &body, None);
    assert_eq!(
        error,
        PanelError::Refused {
            detail: "You have reached the account limit for number of API keys.".into()
        }
    );
    assert!(error.to_string().contains("account limit"), "{error}");
    assert!(!error.is_retryable());
}
