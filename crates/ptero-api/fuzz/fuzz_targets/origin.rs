//! `Origin::parse` and the allow-list on any text: never panics, normalisation is
//! idempotent, and an origin is allowed by a list of itself only.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ptero_api::{Origin, OriginAllowList};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Origin::parse(text) {
        Ok(origin) => {
            let written = origin.to_string();
            let again = Origin::parse(&written).expect("a normalised origin parses");
            assert_eq!(again, origin);
            assert_eq!(again.to_string(), written);
            let list =
                OriginAllowList::parse([written.as_str()]).expect("own output is a valid entry");
            assert!(list.allows(text));
            assert!(!list.allows(&format!("{written}.evil.io")));
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    let _ = OriginAllowList::parse_separated(text);
});
