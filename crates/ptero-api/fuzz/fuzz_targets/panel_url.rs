//! `PanelUrl::parse` on any text: never panics, and its output parses to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ptero_api::PanelUrl;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match PanelUrl::parse(text) {
        Ok(url) => {
            let again = PanelUrl::parse(url.as_str()).expect("a normalised URL parses");
            assert_eq!(again, url);
            let _ = url.warnings();
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
