//! `cargo xtask <command>`: the project's set-up, build and test entry points.
//!
//! - `setup`: install what is missing (idempotent; quiet when everything is there)
//! - `test`:  every check: fmt, clippy, native tests, wasm tests in headless Chromium,
//!   release build + smoke test, end-to-end tests
//! - `demo`:  sandbox panel + origin serving the app, and a sample hosting page
//! - `dist`:  release artefacts in `dist/` (app, card, server binaries; `dist --bundles`:
//!   only the browser bundles, which is what the e2e suites need besides the debug servers)
//! - `size`:  brotli sizes of the app and card bundles
//! - `bench`: sizes, first paint, origin fan-out numbers (`--soak`: the 10-minute soak)
//! - `fuzz`:  the origin's HTTP surface under random requests (`fuzz [SECONDS]`, 300 s)

mod bench;
mod build;
mod cmd;
mod demo;
mod pwa;
mod sandbox;
mod size;
mod test;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => tools::setup().map(drop),
        Some("test") => test::run(&args[1..]),
        Some("demo") => demo::run(&args[1..]),
        Some("dist") if args.get(1).map(String::as_str) == Some("--bundles") => {
            tools::setup().and_then(|_| build::bundles())
        }
        Some("dist") => tools::setup().and_then(|t| build::dist(&t)),
        Some("size") => size::report(),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => {
            let seconds = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(300);
            test::fuzz(seconds)
        }
        _ => {
            eprintln!("usage: cargo xtask <setup|test|demo|dist|size|bench|fuzz>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: {err}");
            ExitCode::FAILURE
        }
    }
}
