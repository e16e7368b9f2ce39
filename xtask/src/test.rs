//! `cargo xtask test [STEP…]`: every check the project has, in order of cost. With step
//! names (`fmt clippy native wasm smoke e2e`) only those run.
//!
//! It ends with one `N passed, N failed` line summing every runner's counts.

use crate::build;
use crate::cmd::{self, command, step, Result, StepError};
use crate::sandbox;
use crate::tools::{self, Tools};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const STEPS: &[&str] = &["fmt", "clippy", "native", "fuzz", "wasm", "smoke", "e2e"];

/// How long the test command fuzzes the origin's HTTP surface (`cargo xtask fuzz` runs
/// longer).
const FUZZ_SECONDS: u64 = 20;

pub fn run(args: &[String]) -> Result {
    if let Some(bad) = args.iter().find(|a| !STEPS.contains(&a.as_str())) {
        return Err(StepError(format!(
            "unknown test step `{bad}`; steps are: {}",
            STEPS.join(" ")
        )));
    }
    let wanted = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    let tools = tools::setup()?;
    let mut tally = Tally::default();

    if wanted("fmt") {
        step("cargo fmt --check");
        cmd::run(
            "formatting check (run `cargo fmt`)",
            command("cargo").args(["fmt", "--all", "--check"]),
        )?;
    }
    if wanted("clippy") {
        step("cargo clippy (native, whole workspace)");
        cmd::run(
            "clippy",
            command("cargo").args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )?;
        step("cargo clippy (wasm32: the app and the card)");
        cmd::run(
            "clippy for wasm32",
            command("cargo").args([
                "clippy",
                "-p",
                "ptero-web",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )?;
    }
    if wanted("native") {
        step("native tests (cargo test --workspace)");
        tally.add(counted(
            "native tests",
            command("cargo").args(["test", "--workspace"]),
        )?);
    }
    if wanted("fuzz") {
        fuzz(FUZZ_SECONDS)?;
        tally.passed += 1;
    }
    if wanted("wasm") {
        // Killed when `servers` is dropped: after the tests, or on any early return.
        let servers = sandbox::start_for_wasm_tests()?;
        step("wasm tests in headless Chromium (wasm-bindgen-test) against the sandboxes");
        let mut cmd = command("cargo");
        cmd.args([
            "test",
            "-p",
            "ptero-web",
            "--target",
            "wasm32-unknown-unknown",
            // Every test file runs, so one failing file does not hide the others' results.
            "--no-fail-fast",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", tools.chromedriver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .envs(servers.env.iter().map(|(name, value)| (name, value)));
        tally.add(counted("wasm tests", &mut cmd)?);
        drop(servers);
    }
    if wanted("smoke") {
        build::bundles()?;
        step("release smoke test: the built app and card load in headless Chromium");
        tally.add(counted(
            "release smoke test",
            command("node").args(["e2e/smoke.mjs", "dist"]),
        )?);
    }
    if wanted("e2e") {
        e2e(&tools, &mut tally, wanted("smoke"))?;
    }
    println!("\n{} passed, {} failed", tally.passed, tally.failed);
    Ok(())
}

/// `cargo xtask fuzz [SECONDS]`: the origin's public routes under random methods, paths,
/// headers, origins, tokens and bodies (`crates/ptero-origin/examples/http_fuzz.rs`): no
/// panic, no 5xx, nothing past the pass-through's routes. A failure prints its seed.
pub fn fuzz(seconds: u64) -> Result {
    step(&format!("HTTP fuzzing of the origin for {seconds} s"));
    cmd::run(
        "the origin's HTTP fuzzing",
        command("cargo").args([
            "run",
            "--quiet",
            "-p",
            "ptero-origin",
            "--example",
            "http_fuzz",
            "--",
            &seconds.to_string(),
        ]),
    )
}

/// End-to-end suites (`e2e/*.test.mjs`): the release bundles and the debug server
/// binaries, driven over loopback in headless Chromium.
fn e2e(_tools: &Tools, tally: &mut Tally, bundles_built: bool) -> Result {
    if !bundles_built {
        build::bundles()?;
    }
    step("building the servers for end-to-end tests (cargo build)");
    cmd::run(
        "building the servers",
        command("cargo").args(["build", "-p", "ptero-sandbox", "-p", "ptero-origin"]),
    )?;
    step("end-to-end tests: app, card, origin and sandbox in headless Chromium");
    let mut suites: Vec<String> = std::fs::read_dir(crate::cmd::root().join("e2e"))
        .map_err(|e| StepError(format!("reading e2e/: {e}")))?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("e2e/{name}"))
        .collect();
    suites.sort();
    // The full suites meet the default flavour (Pterodactyl 1.12); a smoke subset meets
    // the other two.
    let mut node = command("node");
    node.args(["--test", "--test-concurrency=1", "--test-reporter=tap"])
        .args(&suites)
        .env("PTERO_E2E_FLAVOR", "pterodactyl-1.12");
    tally.add(counted("end-to-end tests (Pterodactyl 1.12)", &mut node)?);
    for flavor in ["pterodactyl-1.11", "pelican"] {
        step(&format!("end-to-end smoke subset against {flavor}"));
        let mut smoke = command("node");
        smoke
            .args(["--test", "--test-reporter=tap", "e2e/flavor-smoke.mjs"])
            .env("PTERO_E2E_FLAVOR", flavor);
        tally.add(counted(
            &format!("end-to-end smoke ({flavor})"),
            &mut smoke,
        )?);
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Runs a test runner, echoing its stdout, and sums the pass/fail counts it reports
/// (cargo's and wasm-bindgen's `test result:` lines, node's `ℹ pass N` / `# pass N` and fail lines).
fn counted(what: &str, cmd: &mut Command) -> Result<Tally> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| StepError(format!("{what} failed: could not start: {e}")))?;
    let mut tally = Tally::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            println!("{line}");
            parse_counts(&line, &mut tally);
        }
    }
    let status = child
        .wait()
        .map_err(|e| StepError(format!("{what} failed: {e}")))?;
    if !status.success() {
        return Err(StepError(format!("{what} failed ({status})")));
    }
    Ok(tally)
}

fn parse_counts(line: &str, tally: &mut Tally) {
    let number_before = |text: &str, word: &str| -> Option<u64> {
        let at = text.find(word)?;
        text[..at].split_whitespace().last()?.parse().ok()
    };
    if let Some(rest) = line.trim().strip_prefix("test result:") {
        tally.passed += number_before(rest, " passed").unwrap_or(0);
        tally.failed += number_before(rest, " failed").unwrap_or(0);
    } else if let Some(n) = ["ℹ pass ", "# pass "]
        .iter()
        .find_map(|p| line.trim().strip_prefix(p))
    {
        tally.passed += n.trim().parse().unwrap_or(0);
    } else if let Some(n) = ["ℹ fail ", "# fail "]
        .iter()
        .find_map(|p| line.trim().strip_prefix(p))
    {
        tally.failed += n.trim().parse().unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_wasm_and_node_summaries() {
        let mut t = Tally::default();
        for line in [
            "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            "test result: FAILED. 3 passed; 2 failed; 0 ignored",
            "ℹ pass 4",
            "ℹ fail 1",
            "# pass 2",
            "# fail 0",
            "running 12 tests",
        ] {
            parse_counts(line, &mut t);
        }
        assert_eq!((t.passed, t.failed), (21, 3));
    }
}
