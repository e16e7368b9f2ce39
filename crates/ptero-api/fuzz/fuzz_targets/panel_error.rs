//! `PanelError::from_response` on any status and body: never panics and always explains.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ptero_api::PanelError;

fuzz_target!(|data: &[u8]| {
    let (head, body) = data.split_at(data.len().min(3));
    let status = head
        .iter()
        .take(2)
        .fold(0u16, |acc, b| (acc << 8) | u16::from(*b));
    let retry_after = head.get(2).map(|b| u64::from(*b));
    let body = String::from_utf8_lossy(body);
    let error = PanelError::from_response(status, &body, retry_after);
    assert!(!error.to_string().is_empty());
    let _ = (error.is_retryable(), error.is_key_problem());
});
