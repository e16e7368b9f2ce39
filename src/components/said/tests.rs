//! In English, each error says exactly what its `Display` says (the logs and the page
//! agree, and the e2e suites' English expectations hold).

use super::Said;
use crate::api::ApiError;
use ptero_api::error::{ConflictReason, FieldError, ForbiddenReason};
use ptero_api::{ApiKey, HostError, KeyError, OriginError, PanelError, PanelUrl};

fn same(error: &(impl Said + std::fmt::Display)) {
    assert_eq!(error.said(), error.to_string());
}

#[test]
fn api_and_panel_errors_say_their_display_in_english() {
    for error in [
        ApiError::Unreachable {
            url: "https://panel.example.com".into(),
        },
        ApiError::CorsBlocked {
            page_origin: "https://app.example.com".into(),
        },
        ApiError::Decode("expected value".into()),
        ApiError::Aborted,
        ApiError::Offline,
        ApiError::Wings {
            status: 413,
            detail: "too big".into(),
        },
        ApiError::WingsUnreachable {
            host: "wings.example.com".into(),
        },
    ] {
        same(&error);
    }
    let validation = vec![
        FieldError::new("name", "required", "The name field is required."),
        FieldError::new("", "", "Something else."),
    ];
    for error in [
        PanelError::Unauthenticated,
        PanelError::NotFound,
        PanelError::Validation { errors: vec![] },
        PanelError::Validation { errors: validation },
        PanelError::RateLimited { retry_after: None },
        PanelError::RateLimited {
            retry_after: Some(30),
        },
        PanelError::Throttled {
            detail: "Only 2 backups.".into(),
            retry_after: Some(60),
        },
        PanelError::Throttled {
            detail: "Only 2 backups.".into(),
            retry_after: None,
        },
        PanelError::Daemon {
            status: 504,
            detail: String::new(),
        },
        PanelError::Daemon {
            status: 500,
            detail: "boom".into(),
        },
        PanelError::Offline,
        PanelError::Refused {
            detail: "No.".into(),
        },
        PanelError::TwoFactorRequired,
        PanelError::LoginRedirect,
        PanelError::NotApi { status: 403 },
        PanelError::Unavailable { status: 503 },
        PanelError::Other {
            status: 500,
            detail: String::new(),
        },
        PanelError::Other {
            status: 418,
            detail: "teapot".into(),
        },
    ] {
        same(&error);
        same(&ApiError::Panel(error));
    }
    for reason in [
        ForbiddenReason::ApplicationKeyOnClientApi,
        ForbiddenReason::IpNotAllowed {
            ip: Some("192.0.2.1".into()),
        },
        ForbiddenReason::IpNotAllowed { ip: None },
        ForbiddenReason::NotAdmin,
        ForbiddenReason::MissingPermission {
            detail: "This action is unauthorized.".into(),
        },
        ForbiddenReason::Other(String::new()),
        ForbiddenReason::Other("nope".into()),
    ] {
        same(&PanelError::Forbidden(reason));
    }
    for reason in [
        ConflictReason::Suspended,
        ConflictReason::Installing,
        ConflictReason::Transferring,
        ConflictReason::Restoring,
        ConflictReason::Maintenance,
        ConflictReason::Other("busy".into()),
    ] {
        same(&PanelError::Conflict { reason });
    }
}

#[test]
fn typed_keys_and_addresses_say_their_display_in_english() {
    for key in [
        "",
        "Bearer ptlc_abc",
        "ptlc_abc def",
        "zzzz_0123456789012345678901234567890123456789012",
        "ptlc_01234567890123456789012345678901234567890-",
        "ptlc_0123",
        &"ptlc_0123456789012345678901234567890123456789012".repeat(2),
        &"ptlc_0123456789012345678901234567890123456789012".repeat(3),
    ] {
        let Err::<_, KeyError>(error) = ApiKey::parse(key) else {
            panic!("{key:?} is refused");
        };
        same(&error);
    }
    for key in [
        "ptla_0123456789012345678901234567890123456789012",
        "papp_0123456789012345678901234567890123456789012",
    ] {
        let Err(wrong) = ApiKey::parse(key).expect("a key").check_client_api() else {
            panic!("{key} is no client key");
        };
        same(&wrong);
    }
    for url in [
        "",
        "null",
        "panel.example.com",
        "ftp://panel.example.com",
        "https://pan el.example.com",
        "https:\\\\panel.example.com",
        "https://user@panel.example.com",
        "https://",
        "https://a..b",
        "https://panel.example.com:99999",
        "https://panel.example.com/api/client",
        "https://panel.example.com/server/1a2b3c4d",
        "https://panel.example.com/admin",
        "https://panel.example.com/?x",
        "https://panel.example.com/#x",
    ] {
        let Err(error) = PanelUrl::parse(url) else {
            panic!("{url:?} is refused");
        };
        same(&error);
    }
    let insecure = PanelUrl::parse("http://panel.example.com").expect("a URL");
    same(&insecure.warnings()[0]);
    let origin_only = OriginError::Path { path: "/x".into() };
    same(&origin_only);
    for reason in [
        HostError::EmptyLabel,
        HostError::LabelTooLong,
        HostError::TooLong,
        HostError::BadCharacter('!'),
        HostError::HyphenAtEdge,
        HostError::BadIpv4,
        HostError::BadIpv6,
        HostError::BadPunycode,
    ] {
        same(&reason);
        same(&OriginError::BadHost {
            host: "x".into(),
            reason,
        });
    }
    same(&OriginError::Query);
    same(&OriginError::Fragment);
}

#[test]
fn an_error_on_its_own_starts_with_a_capital() {
    let error = ApiError::Panel(PanelError::Unauthenticated);
    assert!(error.said().starts_with("the panel rejected the key"));
    assert!(error.sentence().starts_with("The panel rejected the key"));
    assert_eq!(ApiError::Offline.sentence(), ApiError::Offline.said());
}
