//! API key authentication, as the panel's `AuthenticateKey`, `AuthenticateIPAccess` and
//! `AuthenticateApplicationUser` middleware do it: a [`Caller`] in the request's
//! extensions, or the panel's 401/403.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;

use crate::clock;
use crate::error::ApiError;
use crate::state::{lock, AppState};
use crate::world::User;

/// Who is calling: the key's user and the key.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub key_identifier: String,
}

fn bearer(request: &Request) -> Option<&str> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

fn peer_ip(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

/// Finds the key and its user; checks the key's IP allow-list.
fn authenticate(state: &AppState, request: &Request, client_api: bool) -> Result<Caller, ApiError> {
    let presented = bearer(request).ok_or_else(ApiError::unauthenticated)?;
    let ip = peer_ip(request);
    let mut world = lock(&state.world);
    let key = world
        .key_mut(presented)
        .ok_or_else(ApiError::unauthenticated)?;
    if client_api && key.kind.is_application() {
        return Err(ApiError::application_key_on_client_api());
    }
    if !key.allowed_ips.is_empty() && !key.allowed_ips.iter().any(|entry| ip_matches(ip, entry)) {
        return Err(ApiError::ip_not_allowed(&ip.to_string()));
    }
    key.last_used_at = Some(clock::now_unix());
    let (user_id, key_identifier) = (key.user_id, key.identifier.clone());
    let user = world
        .user(user_id)
        .cloned()
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(Caller {
        user,
        key_identifier,
    })
}

/// Client API: client keys only.
pub async fn client(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let caller = authenticate(&state, &request, true)?;
    request.extensions_mut().insert(caller);
    Ok(next.run(request).await)
}

/// Application API: application keys, or a root admin's client key; the user must be a
/// root admin.
pub async fn application(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let caller = authenticate(&state, &request, false)?;
    if !caller.user.root_admin {
        return Err(ApiError::not_admin());
    }
    request.extensions_mut().insert(caller);
    Ok(next.run(request).await)
}

/// Whether `ip` is `entry` (an address) or inside it (a CIDR range).
pub fn ip_matches(ip: IpAddr, entry: &str) -> bool {
    let (address, prefix) = match entry.trim().split_once('/') {
        Some((address, prefix)) => (address, prefix.parse::<u32>().ok()),
        None => (entry.trim(), None),
    };
    let Ok(network) = address.parse::<IpAddr>() else {
        return false;
    };
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(network)) => {
            let bits = prefix.unwrap_or(32).min(32);
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(ip) & mask == u32::from(network) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(network)) => {
            let bits = prefix.unwrap_or(128).min(128);
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(ip) & mask == u128::from(network) & mask
        }
        _ => false,
    }
}

/// Whether `entry` is an IP address or CIDR range (for `allowed_ips` validation).
pub fn is_ip_or_cidr(entry: &str) -> bool {
    let (address, prefix) = match entry.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (entry, None),
    };
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|p| p <= 32)),
        Ok(IpAddr::V6(_)) => prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|p| p <= 128)),
        Err(_) => false,
    }
}

impl axum::extract::FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &AppState,
    ) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(ApiError::unauthenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_ranges_match_their_addresses_only() {
        let ip: IpAddr = "10.1.2.3".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert!(ip_matches(ip, "10.0.0.0/8"));
        assert!(ip_matches(ip, "10.1.2.3"));
        assert!(!ip_matches(ip, "10.1.2.4"));
        assert!(!ip_matches(ip, "192.168.0.0/16"));
        assert!(ip_matches(ip, "0.0.0.0/0"));
        assert!(!ip_matches(ip, "not an ip"));
        assert!(is_ip_or_cidr("::1/128") && !is_ip_or_cidr("10.0.0.0/33"));
    }
}
