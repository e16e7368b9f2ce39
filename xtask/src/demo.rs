//! `cargo xtask demo`: builds everything and runs the sandbox panel, the origin (serving
//! the app and the card) and a sample hosting page on another loopback port.

use crate::cmd::{Result, StepError};

pub fn run(_args: &[String]) -> Result {
    Err(StepError(
        "the demo needs the sandbox and the origin, which are not built yet".into(),
    ))
}
