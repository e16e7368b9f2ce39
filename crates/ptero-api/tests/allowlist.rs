//! `OriginAllowList`: exact matches after normalisation, and nothing else.

use ptero_api::{AllowListError, Origin, OriginAllowList};

const CONFIGURED: &[&str] = &[
    "https://panel.example.com",
    "https://shop.example.com:8443",
    "http://localhost:3000",
    "https://[2001:db8::1]",
    "https://münchen.example",
    "http://192.0.2.10",
];

/// (Origin header, allowed?) against [`CONFIGURED`].
const TABLE: &[(&str, bool)] = &[
    // Exact and normalised spellings of listed origins.
    ("https://panel.example.com", true),
    ("https://PANEL.example.COM", true),
    ("HTTPS://panel.example.com", true),
    ("https://panel.example.com:443", true),
    ("https://panel.example.com/", true),
    ("https://shop.example.com:8443", true),
    ("http://localhost:3000", true),
    ("https://[2001:db8::1]", true),
    ("https://[2001:DB8:0::1]:443", true),
    ("https://münchen.example", true),
    ("https://xn--mnchen-3ya.example", true),
    ("https://MÜNCHEN.example", true),
    ("http://192.0.2.10", true),
    ("http://192.0.2.10:80", true),
    // Suffix, prefix and subdomain accidents.
    ("https://panel.example.com.evil.io", false),
    ("https://evil-panel.example.com", false),
    ("https://evilpanel.example.com", false),
    ("https://sub.panel.example.com", false),
    ("https://example.com", false),
    ("https://panel.example.co", false),
    ("https://panel.example.com.", false),
    ("https://panel-example.com", false),
    ("https://panel.example.community", false),
    ("https://xn--panel.example.com", false),
    // Scheme and port must match.
    ("http://panel.example.com", false),
    ("https://panel.example.com:8443", false),
    ("https://panel.example.com:80", false),
    ("https://shop.example.com", false),
    ("https://shop.example.com:443", false),
    ("http://shop.example.com:8443", false),
    ("http://localhost", false),
    ("http://localhost:3001", false),
    ("https://localhost:3000", false),
    ("http://127.0.0.1:3000", false),
    ("http://[::1]:3000", false),
    ("https://[2001:db8::2]", false),
    ("https://[2001:db8::1]:8443", false),
    ("http://192.0.2.10:8080", false),
    ("http://192.0.2.1", false),
    ("https://muenchen.example", false),
    // Not origins at all.
    ("null", false),
    ("", false),
    ("*", false),
    ("https://user@panel.example.com", false),
    ("https://panel.example.com@evil.io", false),
    ("https://evil.io@panel.example.com", false),
    ("https://panel.example.com/path", false),
    ("https://panel.example.com?x", false),
    ("https://panel.example.com#x", false),
    ("https://panel.example.com:0", false),
    ("https://panel.example.com:99999", false),
    ("panel.example.com", false),
    ("//panel.example.com", false),
    ("ws://panel.example.com", false),
    ("file://", false),
    ("https://panel.example.com\\@evil.io", false),
    ("https://panel.example.com%2eevil.io", false),
    ("https://panel.example.com\u{0}", false),
];

#[test]
fn allow_list_table() {
    assert!(TABLE.len() >= 40);
    let list = OriginAllowList::parse(CONFIGURED.iter().copied()).expect("configured list parses");
    for (header, expected) in TABLE {
        assert_eq!(list.allows(header), *expected, "Origin: {header:?}");
    }
}

#[test]
fn star_allows_every_well_formed_origin_but_never_null() {
    let list = OriginAllowList::parse(["*"]).unwrap();
    assert!(list.is_any());
    assert!(list.allows("https://anything.example"));
    assert!(list.allows("http://localhost:1234"));
    assert!(!list.allows("null"));
    assert!(!list.allows(""));
    assert!(!list.allows("https://a.example/path"));
}

#[test]
fn star_is_only_honoured_when_configured() {
    let list = OriginAllowList::parse(["https://panel.example.com"]).unwrap();
    assert!(!list.is_any());
    assert!(!list.allows("https://other.example"));
}

#[test]
fn empty_list_allows_nothing() {
    let list = OriginAllowList::new();
    assert!(list.is_empty());
    assert!(!list.allows("https://panel.example.com"));
}

#[test]
fn subdomain_wildcards_are_refused_at_configuration() {
    let error = OriginAllowList::parse(["https://a.example", "https://*.example.com"]).unwrap_err();
    assert!(matches!(error, AllowListError::Wildcard { index: 1, .. }));
    assert!(error.to_string().contains("allowed origin 2"));
}

#[test]
fn invalid_entries_are_refused_with_their_position() {
    let error = OriginAllowList::parse(["https://a.example/path"]).unwrap_err();
    assert!(matches!(error, AllowListError::Invalid { index: 0, .. }));
    assert!(error.to_string().contains("/path"));
}

#[test]
fn separated_list_reads_commas_and_whitespace() {
    let list = OriginAllowList::parse_separated(
        " https://a.example, https://b.example:8443\nhttp://localhost:3000,,",
    )
    .unwrap();
    assert_eq!(list.origins().len(), 3);
    assert!(list.allows("https://b.example:8443"));
    assert!(!list.allows("https://b.example"));
}

#[test]
fn duplicates_collapse_after_normalisation() {
    let list = OriginAllowList::parse(["https://A.example", "https://a.example:443/"]).unwrap();
    assert_eq!(list.origins().len(), 1);
    assert!(list.allows_origin(&Origin::parse("https://a.example").unwrap()));
}
