//! Per-user client keys at rest: ChaCha20-Poly1305 with the configured 32-byte key, a
//! fresh random nonce per record, and the panel user id and key identifier as associated
//! data (a record copied onto another user does not open).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use ptero_api::ApiKey;

use crate::config::EncryptionKey;
use crate::error::AppError;
use crate::store::SealedKey;

const NONCE_LENGTH: usize = 12;

/// Seals and opens client keys.
#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(<redacted>)")
    }
}

fn associated_data(panel_user_id: u64, identifier: &str) -> Vec<u8> {
    format!("ptero-origin client key v1\0{panel_user_id}\0{identifier}").into_bytes()
}

impl Sealer {
    pub fn new(key: &EncryptionKey) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(&key.0.into()),
        }
    }

    pub fn seal(&self, panel_user_id: u64, key: &ApiKey, now: u64) -> Result<SealedKey, AppError> {
        let mut nonce = [0u8; NONCE_LENGTH];
        getrandom::fill(&mut nonce)
            .map_err(|error| AppError::Internal(format!("no randomness for a nonce: {error}")))?;
        let identifier = key.identifier().to_owned();
        let aad = associated_data(panel_user_id, &identifier);
        let ciphertext = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: key.expose_secret().as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| AppError::Internal("sealing a client key failed".to_owned()))?;
        Ok(SealedKey {
            panel_user_id,
            identifier,
            nonce: nonce.to_vec(),
            ciphertext,
            created_at: now,
        })
    }

    /// The key inside `sealed`; an error when the encryption key changed or the record
    /// was altered.
    pub fn open(&self, sealed: &SealedKey) -> Result<ApiKey, AppError> {
        let nonce: [u8; NONCE_LENGTH] = sealed.nonce.as_slice().try_into().map_err(|_| {
            AppError::Internal(format!(
                "the stored key of panel user {} has a broken nonce",
                sealed.panel_user_id
            ))
        })?;
        let aad = associated_data(sealed.panel_user_id, &sealed.identifier);
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| {
                AppError::Internal(format!(
                    "the stored key of panel user {} does not open: the encryption key changed or the record was altered; revoke it with `ptero-origin keys revoke {}`",
                    sealed.panel_user_id, sealed.panel_user_id
                ))
            })?;
        let text = String::from_utf8(plain)
            .map_err(|_| AppError::Internal("a stored key is not text".to_owned()))?;
        ApiKey::parse(&text)
            .map_err(|error| AppError::Internal(format!("a stored key is not a key: {error}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK";

    fn sealer(byte: u8) -> Sealer {
        Sealer::new(&EncryptionKey([byte; 32]))
    }

    #[test]
    fn a_sealed_key_opens_with_the_same_encryption_key_only() {
        let key = ApiKey::parse(KEY).expect("key");
        let sealed = sealer(1).seal(2, &key, 10).expect("seal");
        assert!(!String::from_utf8_lossy(&sealed.ciphertext).contains("AliceSecret"));
        assert_eq!(sealed.identifier, "ptlc_SbxAlice001");
        assert_eq!(sealer(1).open(&sealed).expect("open"), key);
        assert!(sealer(2).open(&sealed).is_err());
    }

    #[test]
    fn each_record_has_its_own_nonce() {
        let key = ApiKey::parse(KEY).expect("key");
        let a = sealer(1).seal(2, &key, 10).expect("seal");
        let b = sealer(1).seal(2, &key, 10).expect("seal");
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn a_record_moved_to_another_user_does_not_open() {
        let key = ApiKey::parse(KEY).expect("key");
        let mut sealed = sealer(1).seal(2, &key, 10).expect("seal");
        sealed.panel_user_id = 3;
        assert!(sealer(1).open(&sealed).is_err());
    }
}
