//! `ServerId::parse` on any text: never panics, and its output parses to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ptero_api::ServerId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ServerId::parse(text) {
        Ok(id) => {
            assert_eq!(ServerId::parse(id.as_str()).as_ref(), Ok(&id));
            assert_eq!(id.short().len(), 8);
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
