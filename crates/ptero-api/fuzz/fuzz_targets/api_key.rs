//! `ApiKey::parse` on any text: never panics, and a parsed key never shows its secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ptero_api::ApiKey;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ApiKey::parse(text) {
        Ok(key) => {
            let secret = key.expose_secret().get(16..).unwrap_or_default();
            assert_eq!(secret.len(), 32);
            assert!(!key.to_string().contains(secret));
            assert!(!format!("{key:?}").contains(secret));
            assert_eq!(ApiKey::parse(key.expose_secret()).as_ref(), Ok(&key));
            let _ = key.check_client_api();
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
