//! What is wrong with a key or an address someone typed.

use ptero_api::{
    Family, HostError, KeyError, KeyKind, KeyUse, OriginError, PanelUrlError, PanelUrlWarning,
    WrongKeyKind,
};

use super::Said;
use crate::i18n::ui::{t, tf};

/// A panel key's length (`ptero_api::key`).
const KEY_LENGTH: usize = 48;

impl Said for KeyError {
    fn said(&self) -> String {
        let n = |n: &usize| n.to_string();
        let full = KEY_LENGTH.to_string();
        match self {
            KeyError::Empty => t("key.empty").into(),
            KeyError::BearerPrefix => t("key.bearer").into(),
            KeyError::Whitespace { position } => tf("key.whitespace", &[&n(position)]),
            KeyError::UnknownPrefix { prefix } => {
                tf("key.unknown_prefix", &[&format!("{prefix:?}")])
            }
            KeyError::BadCharacter { position, found } => {
                tf("key.bad_character", &[&n(position), &format!("{found:?}")])
            }
            KeyError::TooShort { len } => tf("key.too_short", &[&n(len), &full]),
            KeyError::TooLong { len } if *len == 2 * KEY_LENGTH => {
                tf("key.two_keys", &[&n(len), &full])
            }
            KeyError::TooLong { len } => tf("key.too_long", &[&n(len), &full]),
        }
    }
}

/// "a client key", "an application key" …
fn noun(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Client => t("key.kind.client"),
        KeyKind::Application => t("key.kind.application"),
        KeyKind::PelicanClient => t("key.kind.pelican_client"),
        KeyKind::PelicanApplication => t("key.kind.pelican_application"),
        KeyKind::Legacy => t("key.kind.legacy"),
    }
}

/// "a Pterodactyl client key (ptlc_)", "a Pelican application key (papp_)" …
fn noun_with_origin(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Client => t("key.kind.pterodactyl_client"),
        KeyKind::Application => t("key.kind.pterodactyl_application"),
        KeyKind::PelicanClient => t("key.kind.pelican_client_prefix"),
        KeyKind::PelicanApplication => t("key.kind.pelican_application_prefix"),
        KeyKind::Legacy => t("key.kind.legacy_prefix"),
    }
}

fn api(api: KeyUse) -> &'static str {
    match api {
        KeyUse::ClientApi => t("key.api.client"),
        KeyUse::ApplicationApi => t("key.api.application"),
    }
}

impl Said for WrongKeyKind {
    fn said(&self) -> String {
        // The panel's menu names stay as the panel writes them.
        match *self {
            WrongKeyKind::ApplicationKeyOnClientApi { kind } => {
                let family = kind.family().unwrap_or(Family::Pterodactyl);
                let (prefix, place) = (
                    family.prefix(KeyUse::ClientApi),
                    family.where_to_create(KeyUse::ClientApi),
                );
                tf("key.application_on_client", &[noun(kind), prefix, place])
            }
            WrongKeyKind::ClientKeyOnApplicationApi { kind } => {
                let family = kind.family().unwrap_or(Family::Pterodactyl);
                let (prefix, place) = (
                    family.prefix(KeyUse::ApplicationApi),
                    family.where_to_create(KeyUse::ApplicationApi),
                );
                tf("key.client_on_application", &[noun(kind), prefix, place])
            }
            WrongKeyKind::OtherFamily {
                kind,
                panel,
                api: used,
            } => {
                let (kind, name, api) = (noun_with_origin(kind), panel.to_string(), api(used));
                let (prefix, place) = (panel.prefix(used), panel.where_to_create(used));
                tf("key.other_family", &[kind, &name, api, prefix, place])
            }
        }
    }
}

impl Said for PanelUrlError {
    fn said(&self) -> String {
        match self {
            PanelUrlError::Address(error) => error.said(),
            PanelUrlError::Path { path } if path.starts_with("/api") => {
                tf("url.api_path", &[&format!("{path:?}")])
            }
            PanelUrlError::Path { path } if path.starts_with("/server/") => {
                tf("url.server_path", &[&format!("{path:?}")])
            }
            PanelUrlError::Path { path } => tf("url.path", &[&format!("{path:?}")]),
            PanelUrlError::Query => t("url.query").into(),
            PanelUrlError::Fragment => t("url.fragment").into(),
        }
    }
}

impl Said for PanelUrlWarning {
    fn said(&self) -> String {
        match self {
            PanelUrlWarning::InsecureHttp => t("url.insecure").into(),
        }
    }
}

impl Said for OriginError {
    fn said(&self) -> String {
        let quoted = |text: &String| format!("{text:?}");
        match self {
            OriginError::Empty => t("origin.empty").into(),
            OriginError::Null => t("origin.null").into(),
            OriginError::MissingScheme { suggestion } => {
                tf("origin.no_scheme", &[suggestion.as_str()])
            }
            OriginError::UnsupportedScheme { scheme } => tf("origin.scheme", &[&quoted(scheme)]),
            OriginError::Whitespace { position } => {
                tf("origin.whitespace", &[&position.to_string()])
            }
            OriginError::Backslash => t("origin.backslash").into(),
            OriginError::Userinfo => t("origin.userinfo").into(),
            OriginError::EmptyHost => t("origin.no_host").into(),
            OriginError::BadHost { host, reason } => {
                tf("origin.bad_host", &[&quoted(host), &reason.said()])
            }
            OriginError::BadPort { port } => tf("origin.port", &[&quoted(port)]),
            OriginError::Path { path } => tf("origin.path", &[&quoted(path)]),
            OriginError::Query => t("origin.query").into(),
            OriginError::Fragment => t("origin.fragment").into(),
        }
    }
}

impl Said for HostError {
    fn said(&self) -> String {
        match self {
            HostError::EmptyLabel => t("host.empty_label").into(),
            HostError::LabelTooLong => t("host.label_too_long").into(),
            HostError::TooLong => t("host.too_long").into(),
            HostError::BadCharacter(c) => tf("host.bad_character", &[&format!("{c:?}")]),
            HostError::HyphenAtEdge => t("host.hyphen").into(),
            HostError::BadIpv4 => t("host.ipv4").into(),
            HostError::BadIpv6 => t("host.ipv6").into(),
            HostError::BadPunycode => t("host.punycode").into(),
        }
    }
}
