//! The Wings websocket codec on any frame: decoding never panics, and what decodes
//! encodes to a frame that decodes to the same event (stats aside, whose floats are
//! serde_json's business).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ptero_api::{Inbound, Outbound};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(inbound) = Inbound::decode(text) {
        let again = Inbound::decode(&inbound.encode()).expect("own frame decodes");
        if !matches!(inbound, Inbound::Stats(_)) {
            assert_eq!(again, inbound);
        }
    }
    if let Ok(outbound) = Outbound::decode(text) {
        assert_eq!(Outbound::decode(&outbound.encode()), Ok(outbound));
    }
});
