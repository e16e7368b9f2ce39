//! Installs what the build and tests need, each only when missing: the wasm target and
//! rust-src,
//! trunk 0.21, wasm-bindgen-cli matching Cargo.lock, npm's binaryen, terser and playwright-core,
//! and Debian's chromium, chromium-driver, redis-server and php-cli.

use crate::cmd::{self, command, output, run, step, Result, StepError};
use std::path::Path;

/// Where the system tools live once set up.
pub struct Tools {
    pub chromedriver: &'static str,
}

const APT_PACKAGES: &[(&str, &str)] = &[
    ("chromium", "/usr/bin/chromium"),
    ("chromium-driver", "/usr/bin/chromedriver"),
    ("redis-server", "/usr/bin/redis-server"),
    // The embedding kit's PHP example runs as a hosting site in the end-to-end tests.
    ("php-cli", "/usr/bin/php"),
];

pub fn setup() -> Result<Tools> {
    wasm_target()?;
    rust_src()?;
    trunk()?;
    wasm_bindgen()?;
    npm_tools()?;
    apt_packages()?;
    Ok(Tools {
        chromedriver: "/usr/bin/chromedriver",
    })
}

fn wasm_target() -> Result {
    let installed =
        output(command("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target (rustup)");
    run(
        "installing the wasm32 target",
        command("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
    )
}

/// The standard library's sources: the browser bundles rebuild std for size
/// (see `build::SizeBuild`).
fn rust_src() -> Result {
    let installed =
        output(command("rustup").args(["component", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim().starts_with("rust-src")) {
        return Ok(());
    }
    step("installing the rust-src component (rustup)");
    run(
        "installing rust-src",
        command("rustup").args(["component", "add", "rust-src"]),
    )
}

fn trunk() -> Result {
    if output(command("trunk").arg("--version")).is_some_and(|v| v.starts_with("trunk 0.21.")) {
        return Ok(());
    }
    // 0.22 needs a newer rustc than this machine's.
    step("installing trunk 0.21 (cargo install, a few minutes on 2 cores)");
    run(
        "installing trunk",
        command("cargo").args(["install", "trunk", "--version", "~0.21", "--locked"]),
    )
}

fn wasm_bindgen() -> Result {
    let wanted = locked_version("wasm-bindgen")?;
    let have = output(command("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have == format!("wasm-bindgen {wanted}") {
        return Ok(());
    }
    // Not --locked: one of the CLI's locked dependencies is missing from the registry.
    step(&format!(
        "installing wasm-bindgen-cli {wanted} (must equal Cargo.lock's wasm-bindgen)"
    ));
    run(
        "installing wasm-bindgen-cli",
        command("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={wanted}"),
            "--force",
        ]),
    )
}

/// The version of `package` in Cargo.lock (generating the lock file if absent).
pub fn locked_version(package: &str) -> Result<String> {
    let lock_path = cmd::root().join("Cargo.lock");
    if !lock_path.exists() {
        run(
            "resolving dependencies",
            command("cargo").args(["generate-lockfile", "--offline"]),
        )
        .or_else(|_| {
            run(
                "resolving dependencies",
                command("cargo").arg("generate-lockfile"),
            )
        })?;
    }
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| StepError(format!("reading Cargo.lock: {e}")))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    lock.find(&needle)
        .and_then(|at| lock[at + needle.len()..].split('"').next())
        .map(str::to_string)
        .ok_or_else(|| StepError(format!("Cargo.lock has no `{package}` entry")))
}

fn npm_tools() -> Result {
    let e2e = cmd::root().join("e2e");
    let stamp = e2e.join("node_modules/.package-lock.json");
    if stamp.exists()
        && e2e.join("node_modules/.bin/wasm-opt").exists()
        && newer(&stamp, &e2e.join("package-lock.json"))
    {
        return Ok(());
    }
    step("installing binaryen (wasm-opt), terser and playwright-core from npm");
    run(
        "installing npm tools",
        command("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&e2e),
    )
}

fn newer(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(a), Some(b)) if a >= b)
}

fn apt_packages() -> Result {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .filter(|(_, bin)| !Path::new(bin).exists())
        .map(|(pkg, _)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(&format!(
        "installing {} from Debian (apt-get)",
        missing.join(", ")
    ));
    let sudo = output(command("id").arg("-u")).is_some_and(|uid| uid != "0");
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            command("sudo")
        } else {
            command("apt-get")
        };
        if sudo {
            c.args(["-n", "apt-get"]);
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run("apt-get update", &mut apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q"]);
    install.args(&missing);
    run("installing Debian packages", &mut install)
}
