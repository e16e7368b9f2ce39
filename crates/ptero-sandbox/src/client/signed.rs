//! The signed URLs the panel hands out for Wings (`{"object": "signed_url", …}`): file
//! downloads and uploads, backup downloads, each a one-time 15-minute token.

use axum::Json;
use ptero_api::{Item, SignedUrl, SignedUrlItem};

use super::access::ServerAccess;
use crate::error::ApiError;
use crate::state::AppState;
use crate::wings::token::{self, UrlGrant, UrlPurpose};

/// The signed URL for `purpose` on the server's node.
pub fn signed(
    state: &AppState,
    access: &ServerAccess,
    purpose: UrlPurpose,
) -> Result<Json<SignedUrlItem>, ApiError> {
    let url = token::signed_url(UrlGrant {
        panel_url: &state.panel_url,
        node_url: &access.node.base_url(),
        daemon_token: &access.node.daemon_token,
        server_uuid: &access.server.uuid,
        user_uuid: &access.caller.user.uuid,
        user_id: access.caller.user.id,
        unique_id: state.random_alphanumeric(16),
        purpose,
        flavor: state.config.flavor,
    })
    .map_err(|_| ApiError::unexpected())?;
    Ok(Json(Item::new("signed_url", SignedUrl { url })))
}

/// PHP's `rawurldecode`: `%XX` decoded once more (the panel decodes the already
/// decoded `file` query value again before signing it).
pub fn raw_url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| {
            bytes
                .get(at)
                .and_then(|b| char::from(*b).to_digit(16))
                .map(|d| d as u8)
        };
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(high * 16 + low);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
