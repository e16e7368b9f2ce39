//! The account's own credentials on the Client API: SSH keys (`/account/ssh-keys`),
//! two-factor status (`/account/two-factor`), email and password changes
//! (`PUT /account/email`, `/account/password`). API keys (`/account/api-keys`) share
//! the shapes of [`crate::application`]'s `UserApiKey` (the same `ApiKeyTransformer`).
//! Panel `SSHKeyController`, `TwoFactorController`, `AccountController`,
//! `Requests/Api/Client/Account/*`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::envelope::{Item, List};

/// `GET /account/ssh-keys` (not paged).
pub type SshKeyList = List<SshKey>;
/// `POST /account/ssh-keys`.
pub type SshKeyItem = Item<SshKey>;

/// Keys an account may hold in the panel's UI (`ApiKeyController::store`).
pub const API_KEY_LIMIT: usize = 25;
/// Allowed IPs a key may list (`allowed_ips` `max:50`).
pub const MAX_ALLOWED_IPS: usize = 50;
/// A key's description (`memo` `max:500`).
pub const MAX_KEY_DESCRIPTION: usize = 500;
/// The shortest new password (`min:8`).
pub const MIN_PASSWORD: usize = 8;

/// `attributes` of an `ssh_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshKey {
    pub name: String,
    /// SHA-256 of the key, base64 without padding (as `ssh-keygen -l` shows after `SHA256:`).
    pub fingerprint: String,
    /// The key as PKCS#8 PEM (the panel converts what was pasted).
    #[serde(default)]
    pub public_key: String,
    #[serde(default)]
    pub created_at: String,
}

/// `POST /account/ssh-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSshKeyRequest {
    pub name: String,
    pub public_key: String,
}

/// `POST /account/ssh-keys/remove` (Pterodactyl; Pelican uses
/// `DELETE /account/ssh-keys/{fingerprint}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveSshKeyRequest {
    pub fingerprint: String,
}

/// `PUT /account/email`: the new address and the current password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateEmailRequest {
    pub email: String,
    pub password: String,
}

/// `PUT /account/password`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdatePasswordRequest {
    pub current_password: String,
    pub password: String,
    pub password_confirmation: String,
}

impl fmt::Debug for UpdateEmailRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateEmailRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for UpdatePasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UpdatePasswordRequest(<redacted>)")
    }
}

/// `GET /account/two-factor` answer when two-factor is off: what to scan to turn it on.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    pub data: TwoFactorSetupData,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetupData {
    /// An `otpauth://` URL.
    pub image_url_data: String,
    pub secret: String,
}

impl fmt::Debug for TwoFactorSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TwoFactorSetup(<redacted>)")
    }
}

/// The 400 sentence of `GET /account/two-factor` when two-factor is already on.
pub const TWO_FACTOR_ALREADY_ENABLED: &str =
    "Two-factor authentication is already enabled on this account.";

/// Whether the account uses two-factor authentication, as far as the panel says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoFactorStatus {
    Enabled,
    Disabled,
    /// The panel has no two-factor routes for keys (Pelican).
    Unknown,
}

/// What a pasted public key looks like before it is sent: the panel judges the key
/// itself (and refuses DSA and short RSA keys); this catches what is clearly not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKeyProblem {
    Empty,
    /// A private key was pasted.
    Private,
    /// Not `ssh-… AAAA…` nor a PEM public key.
    NotAKey,
    Dsa,
}

impl fmt::Display for PublicKeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PublicKeyProblem::Empty => "Paste the public key (the contents of a .pub file).",
            PublicKeyProblem::Private => {
                "This is a private key: never paste it anywhere. Paste the .pub file's contents instead."
            }
            PublicKeyProblem::NotAKey => {
                "This is not an SSH public key: it should start with ssh-ed25519, ssh-rsa or ecdsa-sha2-…"
            }
            PublicKeyProblem::Dsa => "DSA keys are not supported: make an ed25519 key (ssh-keygen -t ed25519).",
        })
    }
}

/// Checks the shape of a pasted public key.
pub fn public_key_problem(text: &str) -> Option<PublicKeyProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Some(PublicKeyProblem::Empty);
    }
    if text.contains("PRIVATE KEY") {
        return Some(PublicKeyProblem::Private);
    }
    if text.starts_with("-----BEGIN PUBLIC KEY-----") {
        return None;
    }
    let mut words = text.split_whitespace();
    let (kind, body) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if kind == "ssh-dss" {
        return Some(PublicKeyProblem::Dsa);
    }
    let known = ["ssh-ed25519", "ssh-rsa"].contains(&kind)
        || kind.starts_with("ecdsa-sha2-")
        || kind.starts_with("sk-");
    (!(known && body.starts_with("AAAA"))).then_some(PublicKeyProblem::NotAKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_keys_are_recognised_before_sending() {
        assert_eq!(
            public_key_problem("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice@laptop"),
            None
        );
        assert_eq!(public_key_problem("  "), Some(PublicKeyProblem::Empty));
        assert_eq!(
            public_key_problem("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blb..."),
            Some(PublicKeyProblem::Private)
        );
        assert_eq!(
            public_key_problem("ssh-dss AAAAB3Nza"),
            Some(PublicKeyProblem::Dsa)
        );
        assert_eq!(public_key_problem("hello"), Some(PublicKeyProblem::NotAKey));
    }
}
