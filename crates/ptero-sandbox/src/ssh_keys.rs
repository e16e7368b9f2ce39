//! SSH public keys as the panel reads them (phpseclib's `PublicKeyLoader` in
//! `StoreSSHKeyRequest`): an OpenSSH line (`ssh-ed25519 AAAA… comment`, `ssh-rsa`,
//! `ecdsa-sha2-nistp256/384/521`) or an ed25519 PEM; DSA and RSA under 2048 bits are
//! refused; the fingerprint is the SHA-256 of the key blob in unpadded base64 and the
//! stored form is PKCS#8 PEM.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};

/// A key that loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedKey {
    pub fingerprint: String,
    pub pkcs8_pem: String,
}

/// Why a key is refused, with the panel's sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    NotValid,
    Dsa,
    ShortRsa,
}

impl KeyRefusal {
    pub fn detail(self) -> &'static str {
        match self {
            KeyRefusal::NotValid => "The public key provided is not valid.",
            KeyRefusal::Dsa => "DSA keys are not supported.",
            KeyRefusal::ShortRsa => "RSA keys must be at least 2048 bytes in length.",
        }
    }
}

/// Reads an SSH wire string (u32 length + bytes) off the front of `blob`.
fn take<'a>(blob: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    let value = blob.get(4..4 + len)?;
    *blob = &blob[4 + len..];
    Some(value)
}

/// DER length bytes.
fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

fn der(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(body.len()));
    out.extend_from_slice(body);
    out
}

/// An unsigned DER INTEGER from big-endian bytes.
fn der_uint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut body = Vec::new();
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        body.push(0);
    }
    body.extend(trimmed);
    der(0x02, &body)
}

fn spki(algorithm: &[u8], key: &[u8]) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend_from_slice(key);
    let mut body = der(0x30, algorithm);
    body.extend(der(0x03, &bits));
    der(0x30, &body)
}

fn pem(der: &[u8]) -> String {
    let encoded = STANDARD.encode(der);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .filter_map(|chunk| std::str::from_utf8(chunk).ok())
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
        lines.join("\n")
    )
}

const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
const RSA_ALGORITHM: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];
const EC_OID: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

fn curve_oid(curve: &[u8]) -> Option<&'static [u8]> {
    match curve {
        b"nistp256" => Some(&[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]),
        b"nistp384" => Some(&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]),
        b"nistp521" => Some(&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23]),
        _ => None,
    }
}

fn fingerprint(blob: &[u8]) -> String {
    STANDARD_NO_PAD.encode(Sha256::digest(blob))
}

/// Loads a pasted public key.
pub fn parse(text: &str) -> Result<LoadedKey, KeyRefusal> {
    let text = text.trim();
    if let Some(body) = text
        .strip_prefix("-----BEGIN PUBLIC KEY-----")
        .and_then(|rest| rest.strip_suffix("-----END PUBLIC KEY-----"))
    {
        let compact: String = body.split_whitespace().collect();
        let der = STANDARD.decode(compact).map_err(|_| KeyRefusal::NotValid)?;
        // Only ed25519 PEM keys (44 bytes: the fixed header and 32 key bytes).
        let key = der
            .strip_prefix(
                &[
                    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
                ][..],
            )
            .filter(|key| key.len() == 32)
            .ok_or(KeyRefusal::NotValid)?;
        let mut blob = Vec::new();
        for part in [&b"ssh-ed25519"[..], key] {
            blob.extend((part.len() as u32).to_be_bytes());
            blob.extend_from_slice(part);
        }
        return Ok(LoadedKey {
            fingerprint: fingerprint(&blob),
            pkcs8_pem: pem(&der),
        });
    }
    let mut words = text.split_whitespace();
    let kind = words.next().ok_or(KeyRefusal::NotValid)?;
    let blob = words
        .next()
        .and_then(|body| STANDARD.decode(body).ok())
        .ok_or(KeyRefusal::NotValid)?;
    let mut rest = &blob[..];
    let inner_kind = take(&mut rest).ok_or(KeyRefusal::NotValid)?;
    if inner_kind != kind.as_bytes() {
        return Err(KeyRefusal::NotValid);
    }
    let der = match kind {
        "ssh-dss" => return Err(KeyRefusal::Dsa),
        "ssh-ed25519" => {
            let key = take(&mut rest)
                .filter(|k| k.len() == 32)
                .ok_or(KeyRefusal::NotValid)?;
            spki(ED25519_OID, key)
        }
        "ssh-rsa" => {
            let e = take(&mut rest).ok_or(KeyRefusal::NotValid)?;
            let n = take(&mut rest).ok_or(KeyRefusal::NotValid)?;
            let significant: Vec<u8> = n.iter().copied().skip_while(|b| *b == 0).collect();
            let bits = significant.first().map_or(0, |top| {
                (significant.len() - 1) * 8 + (8 - top.leading_zeros() as usize)
            });
            if bits < 2048 {
                return Err(KeyRefusal::ShortRsa);
            }
            let mut numbers = der_uint(n);
            numbers.extend(der_uint(e));
            spki(RSA_ALGORITHM, &der(0x30, &numbers))
        }
        ecdsa if ecdsa.starts_with("ecdsa-sha2-") => {
            let curve = take(&mut rest).ok_or(KeyRefusal::NotValid)?;
            let point = take(&mut rest).ok_or(KeyRefusal::NotValid)?;
            let oid = curve_oid(curve).ok_or(KeyRefusal::NotValid)?;
            if point.first() != Some(&0x04) {
                return Err(KeyRefusal::NotValid);
            }
            let mut algorithm = EC_OID.to_vec();
            algorithm.extend_from_slice(oid);
            spki(&algorithm, point)
        }
        _ => return Err(KeyRefusal::NotValid),
    };
    if !rest.is_empty() {
        return Err(KeyRefusal::NotValid);
    }
    Ok(LoadedKey {
        fingerprint: fingerprint(&blob),
        pkcs8_pem: pem(&der),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn openssh(parts: &[&[u8]]) -> String {
        let mut blob = Vec::new();
        for part in parts {
            blob.extend((part.len() as u32).to_be_bytes());
            blob.extend_from_slice(part);
        }
        let kind = std::str::from_utf8(parts[0]).unwrap_or_default();
        format!("{kind} {} test@host", STANDARD.encode(blob))
    }

    #[test]
    fn ed25519_keys_load_in_both_spellings_with_one_fingerprint() {
        let key = [7u8; 32];
        let line = parse(&openssh(&[b"ssh-ed25519", &key])).unwrap();
        assert!(line
            .pkcs8_pem
            .starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
        let from_pem = parse(&line.pkcs8_pem).unwrap();
        assert_eq!(from_pem, line);
        assert_eq!(line.fingerprint.len(), 43, "unpadded base64 of 32 bytes");
    }

    #[test]
    fn dsa_short_rsa_and_garbage_are_refused_as_the_panel_refuses_them() {
        assert_eq!(
            parse(&openssh(&[b"ssh-dss", b"p", b"q"])),
            Err(KeyRefusal::Dsa)
        );
        let short = [0xc1u8; 128];
        assert_eq!(
            parse(&openssh(&[b"ssh-rsa", &[1, 0, 1], &short])),
            Err(KeyRefusal::ShortRsa)
        );
        let long = [0xc1u8; 256];
        assert!(parse(&openssh(&[b"ssh-rsa", &[1, 0, 1], &long])).is_ok());
        assert_eq!(parse("ssh-ed25519 notbase64!"), Err(KeyRefusal::NotValid));
        assert_eq!(
            parse(&openssh(&[b"ssh-rsa", b"x"])),
            Err(KeyRefusal::NotValid)
        );
        assert_eq!(parse(""), Err(KeyRefusal::NotValid));
        let mut point = vec![4u8];
        point.extend([9u8; 64]);
        assert!(parse(&openssh(&[b"ecdsa-sha2-nistp256", b"nistp256", &point])).is_ok());
    }
}
