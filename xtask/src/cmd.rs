//! Running child processes with errors that name the step and the command that failed.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A failed step: what we were doing and the exact command line.
#[derive(Debug)]
pub struct StepError(pub String);

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Result<T = ()> = std::result::Result<T, StepError>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// `Command` for `program` run from the workspace root with the project's tool PATH.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root()).env("PATH", tool_path());
    cmd
}

/// PATH with the project's tools first: npm's `wasm-opt` must win over any Debian binaryen
/// (v108 writes a wasm that fails at load while trunk reports success).
pub fn tool_path() -> String {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let existing = std::env::var("PATH").unwrap_or_default();
    format!(
        "{}:{home}/.cargo/bin:{existing}",
        root().join("e2e/node_modules/.bin").display()
    )
}

fn describe(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs `cmd` with inherited output; a non-zero exit becomes "`what` failed: `cmd`".
pub fn run(what: &str, cmd: &mut Command) -> Result {
    let status = cmd.status().map_err(|e| {
        StepError(format!(
            "{what} failed: could not start `{}`: {e}",
            describe(cmd)
        ))
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(StepError(format!(
            "{what} failed ({status}): `{}`",
            describe(cmd)
        )))
    }
}

/// Runs every command at once (their output interleaves, line by line) and waits for
/// all; the first failure is reported after all have ended.
pub fn run_parallel(cmds: &mut [(&str, &mut Command)]) -> Result {
    let mut children = Vec::new();
    for (what, cmd) in cmds.iter_mut() {
        let child = cmd.spawn().map_err(|e| {
            StepError(format!(
                "{what} failed: could not start `{}`: {e}",
                describe(cmd)
            ))
        })?;
        children.push((*what, child));
    }
    let mut failure = None;
    for (what, mut child) in children {
        match child.wait() {
            Ok(status) if status.success() => {}
            Ok(status) => failure = failure.or(Some(format!("{what} failed ({status})"))),
            Err(e) => failure = failure.or(Some(format!("{what} failed: {e}"))),
        }
    }
    match failure {
        Some(message) => Err(StepError(message)),
        None => Ok(()),
    }
}

/// Runs `cmd` quietly and returns its trimmed stdout, or `None` if it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Prints a step header, so long steps show progress.
pub fn step(text: &str) {
    eprintln!("\n==> {text}");
}

/// Waits up to 20 s until something accepts TCP connections on `addr`.
pub fn wait_for(addr: &str) -> Result {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(StepError(format!("nothing answered on {addr} within 20 s")))
}

/// Background processes (servers for the demo or for tests); all are killed when this is
/// dropped, so an early return on an error does not leave them running.
#[derive(Default)]
pub struct Children(Vec<(&'static str, Child)>);

impl Children {
    pub fn spawn(&mut self, name: &'static str, cmd: &mut Command) -> Result {
        let child = cmd
            .spawn()
            .map_err(|e| StepError(format!("starting {name}: {e}")))?;
        self.0.push((name, child));
        Ok(())
    }

    /// Blocks until one process exits (Ctrl-C reaches them all, being one process group).
    pub fn wait_any(&mut self) -> Result {
        loop {
            for (name, child) in &mut self.0 {
                if let Ok(Some(status)) = child.try_wait() {
                    return if status.success() {
                        Ok(())
                    } else {
                        Err(StepError(format!("{name} stopped ({status})")))
                    };
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
