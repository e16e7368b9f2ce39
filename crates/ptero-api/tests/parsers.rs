//! What people paste: API keys, panel URLs, server identifiers, origins and action lists.

use ptero_api::{
    Action, ApiKey, Host, KeyError, KeyKind, Origin, OriginError, PanelUrl, PanelUrlError,
    PanelUrlWarning, ServerId, ServerIdError, UnknownActions, WrongKeyKind,
};

const SECRET: &str = "0123456789abcdefABCDEF0123456789";

fn key(prefix: &str) -> String {
    let id_tail = "Ab3dE6gH9jKLmNoP";
    let identifier = format!("{prefix}{}", &id_tail[..16 - prefix.len()]);
    format!("{identifier}{SECRET}")
}

#[test]
fn every_key_kind_parses() {
    for (prefix, kind) in [
        ("ptlc_", KeyKind::Client),
        ("ptla_", KeyKind::Application),
        ("pacc_", KeyKind::PelicanClient),
        ("papp_", KeyKind::PelicanApplication),
        ("", KeyKind::Legacy),
    ] {
        let text = key(prefix);
        assert_eq!(text.len(), 48);
        let parsed = ApiKey::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed.kind(), kind);
        assert_eq!(parsed.identifier(), &text[..16]);
        assert_eq!(parsed.expose_secret(), text);
        assert_eq!(parsed.bearer(), format!("Bearer {text}"));
    }
}

#[test]
fn key_outer_whitespace_is_trimmed() {
    let text = key("ptlc_");
    let parsed = ApiKey::parse(&format!("  {text}\n")).unwrap();
    assert_eq!(parsed.expose_secret(), text);
}

#[test]
fn key_inner_whitespace_is_reported_with_its_position() {
    let text = key("ptlc_");
    let pasted = format!("{} {}", &text[..20], &text[20..]);
    assert_eq!(
        ApiKey::parse(&pasted),
        Err(KeyError::Whitespace { position: 21 })
    );
}

#[test]
fn truncated_key_is_too_short() {
    let text = key("ptlc_");
    let error = ApiKey::parse(&text[..40]).unwrap_err();
    assert_eq!(error, KeyError::TooShort { len: 40 });
    assert!(error.to_string().contains("truncated"));
}

#[test]
fn two_keys_pasted_together_are_too_long() {
    let text = key("ptlc_");
    let error = ApiKey::parse(&format!("{text}{text}")).unwrap_err();
    assert_eq!(error, KeyError::TooLong { len: 96 });
    assert!(error.to_string().contains("two keys"));
    assert_eq!(
        ApiKey::parse(&format!("{text}x")),
        Err(KeyError::TooLong { len: 49 })
    );
}

#[test]
fn bad_character_is_reported_with_its_position() {
    let mut text = key("ptlc_");
    text.replace_range(29..30, "*");
    assert_eq!(
        ApiKey::parse(&text),
        Err(KeyError::BadCharacter {
            position: 30,
            found: '*'
        })
    );
    let masked = format!("ptlc_{}", "•".repeat(43));
    assert!(matches!(
        ApiKey::parse(&masked),
        Err(KeyError::BadCharacter {
            position: 6,
            found: '•'
        })
    ));
}

#[test]
fn empty_bearer_and_unknown_prefix_are_diagnosed() {
    assert_eq!(ApiKey::parse("   "), Err(KeyError::Empty));
    assert_eq!(
        ApiKey::parse(&format!("Bearer {}", key("ptlc_"))),
        Err(KeyError::BearerPrefix)
    );
    assert_eq!(
        ApiKey::parse(&key("abcd_")),
        Err(KeyError::UnknownPrefix {
            prefix: "abcd_".into()
        })
    );
}

#[test]
fn key_debug_and_display_never_show_the_secret() {
    for prefix in ["ptlc_", "ptla_", ""] {
        let parsed = ApiKey::parse(&key(prefix)).unwrap();
        let shown = format!("{parsed} {parsed:?} {parsed:#?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(&SECRET[..8]), "{shown}");
        assert!(shown.contains(parsed.identifier()));
    }
}

#[test]
fn application_key_is_refused_for_the_client_api() {
    let parsed = ApiKey::parse(&key("ptla_")).unwrap();
    let error = parsed.check_client_api().unwrap_err();
    assert_eq!(
        error,
        WrongKeyKind::ApplicationKeyOnClientApi {
            kind: KeyKind::Application
        }
    );
    assert!(error
        .to_string()
        .starts_with("this is an application key; the client API needs a ptlc_ client key"));
    assert!(ApiKey::parse(&key("ptlc_"))
        .unwrap()
        .check_client_api()
        .is_ok());
    assert!(ApiKey::parse(&key("")).unwrap().check_client_api().is_ok());
    assert!(ApiKey::parse(&key("papp_"))
        .unwrap()
        .check_client_api()
        .unwrap_err()
        .to_string()
        .contains("pacc_"));
}

#[test]
fn every_prefix_is_accepted_where_it_belongs_and_refused_elsewhere_with_the_right_advice() {
    use ptero_api::{Family, KeyUse};
    let cases = [
        ("ptlc_", KeyUse::ClientApi, Family::Pterodactyl),
        ("ptla_", KeyUse::ApplicationApi, Family::Pterodactyl),
        ("pacc_", KeyUse::ClientApi, Family::Pelican),
        ("papp_", KeyUse::ApplicationApi, Family::Pelican),
    ];
    for (prefix, belongs, family) in cases {
        let parsed = ApiKey::parse(&key(prefix)).unwrap();
        assert_eq!(parsed.check_use(belongs, Some(family)), Ok(()), "{prefix}");
        assert_eq!(parsed.check_use(belongs, None), Ok(()), "{prefix}");
        // The other API: refused, naming the right prefix of the same family.
        let other = match belongs {
            KeyUse::ClientApi => KeyUse::ApplicationApi,
            KeyUse::ApplicationApi => KeyUse::ClientApi,
        };
        let wrong_api = parsed.check_use(other, None).unwrap_err().to_string();
        assert!(
            wrong_api.contains(family.prefix(other)),
            "{prefix}: {wrong_api}"
        );
        // The other project's panel: refused, naming that panel's prefix.
        let panel = match family {
            Family::Pterodactyl => Family::Pelican,
            Family::Pelican => Family::Pterodactyl,
        };
        let error = parsed.check_use(belongs, Some(panel)).unwrap_err();
        assert_eq!(
            error,
            WrongKeyKind::OtherFamily {
                kind: parsed.kind(),
                panel,
                api: belongs
            }
        );
        let text = error.to_string();
        assert!(text.contains(panel.prefix(belongs)), "{prefix}: {text}");
        assert!(text.contains(&panel.to_string()), "{prefix}: {text}");
    }
    // Legacy keys cannot be told apart and pass everywhere.
    let legacy = ApiKey::parse(&key("")).unwrap();
    for api in [KeyUse::ClientApi, KeyUse::ApplicationApi] {
        for family in [Family::Pterodactyl, Family::Pelican] {
            assert_eq!(legacy.check_use(api, Some(family)), Ok(()));
        }
    }
}

#[test]
fn a_pelican_client_key_in_the_application_key_field_is_told_to_use_papp() {
    use ptero_api::KeyUse;
    let text = ApiKey::parse(&key("pacc_"))
        .unwrap()
        .check_use(KeyUse::ApplicationApi, None)
        .unwrap_err()
        .to_string();
    assert!(text.contains("papp_"), "{text}");
    assert!(!text.contains("ptla_"), "{text}");
}

#[test]
fn key_deserialises_through_the_parser() {
    let json = format!("\"{}\"", key("ptlc_"));
    let parsed: ApiKey = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.kind(), KeyKind::Client);
    assert!(serde_json::from_str::<ApiKey>("\"short\"").is_err());
}

#[test]
fn panel_url_is_normalised() {
    for (input, expected) in [
        ("https://panel.example.com", "https://panel.example.com"),
        ("https://panel.example.com/", "https://panel.example.com"),
        (
            "  HTTPS://Panel.Example.COM:443/ ",
            "https://panel.example.com",
        ),
        (
            "https://panel.example.com:8443",
            "https://panel.example.com:8443",
        ),
        ("http://localhost:80", "http://localhost"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("https://[2001:DB8::1]:443", "https://[2001:db8::1]"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
    ] {
        let url = PanelUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(url.as_str(), expected, "{input}");
    }
}

#[test]
fn panel_url_builds_api_addresses() {
    let url = PanelUrl::parse("https://panel.example.com/").unwrap();
    assert_eq!(
        url.client_api("/account"),
        "https://panel.example.com/api/client/account"
    );
    assert_eq!(
        url.application_api("/users"),
        "https://panel.example.com/api/application/users"
    );
    assert_eq!(url.origin().to_string(), "https://panel.example.com");
}

#[test]
fn panel_url_path_junk_says_what_to_remove() {
    let error = PanelUrl::parse("https://panel.example.com/api/client").unwrap_err();
    assert_eq!(
        error,
        PanelUrlError::Path {
            path: "/api/client".into()
        }
    );
    assert!(error.to_string().contains("/api/client"));
    let error = PanelUrl::parse("https://panel.example.com/server/1a7ce997").unwrap_err();
    assert!(error.to_string().contains("one server's page"));
    assert_eq!(
        PanelUrl::parse("https://panel.example.com/?x=1"),
        Err(PanelUrlError::Query)
    );
    assert_eq!(
        PanelUrl::parse("https://panel.example.com/#top"),
        Err(PanelUrlError::Fragment)
    );
}

#[test]
fn panel_url_refuses_bad_addresses() {
    assert_eq!(
        PanelUrl::parse("https://admin:pw@panel.example.com"),
        Err(PanelUrlError::Address(OriginError::Userinfo))
    );
    assert_eq!(
        PanelUrl::parse("https://"),
        Err(PanelUrlError::Address(OriginError::EmptyHost))
    );
    assert!(matches!(
        PanelUrl::parse("panel.example.com"),
        Err(PanelUrlError::Address(OriginError::MissingScheme { ref suggestion })) if suggestion == "https://panel.example.com"
    ));
    assert!(matches!(
        PanelUrl::parse("ftp://panel.example.com"),
        Err(PanelUrlError::Address(
            OriginError::UnsupportedScheme { .. }
        ))
    ));
}

#[test]
fn plain_http_to_a_remote_panel_is_warned_about() {
    let url = PanelUrl::parse("http://panel.example.com").unwrap();
    assert_eq!(url.warnings(), vec![PanelUrlWarning::InsecureHttp]);
    assert!(PanelUrl::parse("http://localhost:8080")
        .unwrap()
        .warnings()
        .is_empty());
    assert!(PanelUrl::parse("http://127.0.0.1")
        .unwrap()
        .warnings()
        .is_empty());
    assert!(PanelUrl::parse("https://panel.example.com")
        .unwrap()
        .warnings()
        .is_empty());
}

#[test]
fn server_identifier_accepts_short_id_and_uuid() {
    assert_eq!(
        ServerId::parse("1a7ce997"),
        Ok(ServerId::Short("1a7ce997".into()))
    );
    let uuid = ServerId::parse(" 1A7CE997-259B-452E-8B4E-CECC464142CA ").unwrap();
    assert_eq!(uuid.as_str(), "1a7ce997-259b-452e-8b4e-cecc464142ca");
    assert_eq!(uuid.short(), "1a7ce997");
    assert!(uuid.matches(&ServerId::parse("1a7ce997").unwrap()));
}

#[test]
fn server_identifier_errors_are_precise() {
    assert_eq!(ServerId::parse(""), Err(ServerIdError::Empty));
    assert_eq!(
        ServerId::parse("1a7ce99"),
        Err(ServerIdError::WrongLength { len: 7 })
    );
    assert_eq!(
        ServerId::parse("1a7ce99g"),
        Err(ServerIdError::BadCharacter {
            position: 8,
            found: 'g'
        })
    );
    assert_eq!(
        ServerId::parse("1a7ce997259b-452e-8b4e-cecc464142ca-"),
        Err(ServerIdError::BadUuidLayout)
    );
    assert_eq!(
        ServerId::parse("https://panel.example.com/server/1a7ce997/files"),
        Err(ServerIdError::LooksLikeUrl { suggestion: None })
    );
    assert_eq!(
        ServerId::parse("https://panel.example.com/server/1a7ce997"),
        Err(ServerIdError::LooksLikeUrl {
            suggestion: Some("1a7ce997".into())
        })
    );
}

#[test]
fn origin_is_normalised() {
    for (input, expected) in [
        ("https://example.com", "https://example.com"),
        ("HTTPS://EXAMPLE.COM:443", "https://example.com"),
        ("http://example.com:80/", "http://example.com"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("https://example.com:", "https://example.com"),
        ("https://münchen.de", "https://xn--mnchen-3ya.de"),
        ("https://xn--mnchen-3ya.de", "https://xn--mnchen-3ya.de"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        ("http://192.0.2.10:80", "http://192.0.2.10"),
        ("https://例え.テスト", "https://xn--r8jz45g.xn--zckzah"),
    ] {
        let origin = Origin::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(origin.to_string(), expected, "{input}");
    }
}

/// Whether an origin error is the one a case expects.
type IsExpected = fn(&OriginError) -> bool;

#[test]
fn origin_refuses_what_a_browser_never_sends() {
    let cases: [(&str, IsExpected); 14] = [
        ("", |e| *e == OriginError::Empty),
        ("null", |e| *e == OriginError::Null),
        ("https://user@example.com", |e| *e == OriginError::Userinfo),
        ("https://example.com/path", |e| {
            matches!(e, OriginError::Path { .. })
        }),
        ("https://example.com?q", |e| *e == OriginError::Query),
        ("https://example.com#f", |e| *e == OriginError::Fragment),
        ("https://", |e| *e == OriginError::EmptyHost),
        ("https://:443", |e| *e == OriginError::EmptyHost),
        ("https://example.com:0", |e| {
            matches!(e, OriginError::BadPort { .. })
        }),
        ("https://example.com:65536", |e| {
            matches!(e, OriginError::BadPort { .. })
        }),
        ("https://example.com:80a", |e| {
            matches!(e, OriginError::BadPort { .. })
        }),
        ("ws://example.com", |e| {
            matches!(e, OriginError::UnsupportedScheme { .. })
        }),
        ("https://exa mple.com", |e| {
            matches!(e, OriginError::Whitespace { position: 12 })
        }),
        ("https://[::1", |e| matches!(e, OriginError::BadHost { .. })),
    ];
    for (input, check) in cases {
        let error = Origin::parse(input).expect_err(input);
        assert!(check(&error), "{input}: {error:?}");
        assert!(!error.to_string().is_empty());
    }
}

#[test]
fn origin_exposes_its_parts() {
    let origin = Origin::parse("https://[2001:db8::1]:8443").unwrap();
    assert!(matches!(origin.host(), Host::Ipv6(_)));
    assert_eq!(origin.port(), Some(8443));
    assert_eq!(origin.port_or_default(), 8443);
    let origin = Origin::parse("https://example.com").unwrap();
    assert_eq!(origin.port(), None);
    assert_eq!(origin.port_or_default(), 443);
    assert!(origin.is_potentially_trustworthy());
    assert!(!Origin::parse("http://example.com")
        .unwrap()
        .is_potentially_trustworthy());
}

#[test]
fn action_list_parses_space_separated_words() {
    assert_eq!(
        Action::parse_list("start  stop console start"),
        Ok(vec![Action::Start, Action::Stop, Action::Console])
    );
    assert_eq!(Action::parse_list(""), Ok(vec![]));
    let error = Action::parse_list("start reboot kill shutdown").unwrap_err();
    assert_eq!(
        error,
        UnknownActions(vec!["reboot".into(), "shutdown".into()])
    );
    assert!(error.to_string().contains("reboot"));
    assert_eq!(Action::join(&[Action::Start, Action::Sso]), "start sso");
}
