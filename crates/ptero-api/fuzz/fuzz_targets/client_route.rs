//! `client_routes::resolve` on any method and raw path: never panics, and a path it
//! forwards is made of safe characters only, stays relative to `/api/client`, and
//! resolves to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ptero_api::client_routes::resolve;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (method, path) = text.split_once(' ').unwrap_or(("GET", text));
    if let Ok(resolved) = resolve(method, path) {
        assert!(resolved.path.is_empty() || resolved.path.starts_with('/'));
        assert!(resolved
            .path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_')));
        assert!(!resolved.path.contains("//"));
        assert_eq!(resolve(method, &resolved.path).map(|again| again.path), Ok(resolved.path.clone()));
    }
});
