//! Release builds: the app with trunk, the card with trunk plus its element class, and
//! the native server binaries. Artefacts land in `dist/`:
//!
//! - `dist/`                          the app's first load (index.html + hashed js/wasm/css)
//! - `dist/ptero-manager-HASH.js`     the server page's bundle (+ `_bg.wasm`), loaded on
//!   demand; `index.html` names it in a `<meta>`
//! - `dist/sw.js`, `dist/manifest.webmanifest`, `dist/icon.svg`: the installable app
//!   (see `pwa.rs`)
//! - `dist/card/ptero-server-card.js` the card's one module script (stable name)
//! - `dist/card/ptero-server-card_bg.wasm`
//! - `dist/card/locale-<tag>.txt` the card's language catalogs beyond English
//! - `dist/app-<tag>.txt`, `dist/manager-<tag>.txt`: the app's and the manager's
//!   catalogs beyond English
//! - `dist/bin/ptero-origin`, `dist/bin/ptero-sandbox`

use crate::cmd::{command, root, run, step, Result, StepError};
use crate::tools::Tools;
use std::fs;
use std::path::{Path, PathBuf};

pub fn dist(_tools: &Tools) -> Result {
    let dist = root().join("dist");
    app(&dist)?;
    manager(&dist)?;
    card(&dist.join("card"))?;
    catalogs(&dist)?;
    crate::pwa::write(&dist, MANAGER_PREFIX)?;
    servers(&dist.join("bin"))?;
    eprintln!("\nartefacts in {}", dist.display());
    Ok(())
}

/// Builds only the two browser bundles (what the smoke test needs).
pub fn bundles() -> Result {
    let dist = root().join("dist");
    app(&dist)?;
    manager(&dist)?;
    card(&dist.join("card"))?;
    catalogs(&dist)?;
    crate::pwa::write(&dist, MANAGER_PREFIX)
}

/// The app's and the manager's catalogs beyond English (built into each bundle), as
/// `dist/app-<tag>.txt` and `dist/manager-<tag>.txt`, fetched by a bundle before it renders.
fn catalogs(out: &Path) -> Result {
    for bundle in ["app", "manager"] {
        let folder = root().join("i18n").join(bundle);
        for entry in fs::read_dir(&folder).map_err(io("reading i18n/"))? {
            let name = entry.map_err(io("reading i18n/"))?.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".txt") && name != "en.txt" {
                copy(&folder.join(&*name), &out.join(format!("{bundle}-{name}")))?;
            }
        }
    }
    Ok(())
}

/// How a browser bundle's standard library is built. Both rebuild std with the bundle's
/// own size settings (`-Zbuild-std`, on stable through `RUSTC_BOOTSTRAP`); the card also
/// drops panic messages and formatting (`panic=immediate-abort`, −12 KB brotli), since a
/// card cannot show them anyway: its element script reports a wasm trap in every card.
/// The app keeps `panic=abort` so its panic hook can show what went wrong.
#[derive(Clone, Copy)]
enum Panics {
    Report,
    ImmediateAbort,
}

fn size_build_env(cmd: &mut std::process::Command, panics: Panics) {
    cmd.env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort");
    let flags = match panics {
        Panics::Report => "",
        Panics::ImmediateAbort => {
            // Other flags, other artefacts: a target dir of its own keeps the app's and
            // the card's builds from invalidating each other.
            cmd.env(
                "CARGO_TARGET_DIR",
                root().join("target/wasm-immediate-abort"),
            );
            "-Zunstable-options -Cpanic=immediate-abort"
        }
    };
    cmd.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", flags);
}

/// Compiles `bin` for the browser with cargo first: trunk builds offline, and a std build
/// needs std's own dependencies fetched once from the registry.
fn prebuild(bin: &str, panics: Panics) -> Result {
    let mut cmd = command("cargo");
    cmd.args([
        "build",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
        "--bin",
        bin,
    ]);
    size_build_env(&mut cmd, panics);
    run(&format!("compiling {bin} for the browser"), &mut cmd)
}

fn trunk_release(
    what: &str,
    target: &str,
    out: &Path,
    extra: &[&str],
    (bin, panics): (&str, Panics),
) -> Result {
    step(&format!(
        "building {what} (trunk, release, std rebuilt, wasm-opt)"
    ));
    prebuild(bin, panics)?;
    let mut cmd = command("trunk");
    size_build_env(&mut cmd, panics);
    cmd.args([
        "build",
        "--release",
        "--cargo-profile",
        "wasm-release",
        "--offline=true",
        target,
        "--dist",
    ])
    .arg(out)
    .args(extra);
    // trunk reads NO_COLOR="true"/"false" only; other values make it fail.
    cmd.env_remove("NO_COLOR");
    run(&format!("building {what}"), &mut cmd)
}

fn app(dist: &Path) -> Result {
    trunk_release(
        "the app",
        "index.html",
        dist,
        &["--public-url", "/"],
        ("ptero-web", Panics::Report),
    )?;
    let glue = fs::read_dir(dist)
        .map_err(io("reading dist"))?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("ptero-web-") && name.ends_with(".js")
        })
        .ok_or_else(|| StepError("trunk left no ptero-web-*.js in dist/".into()))?;
    minify(&glue, Some(&dist.join("index.html")))
}

/// The prefix of the server page's files in `dist/` (`cargo xtask size` counts them
/// apart from the first load).
pub const MANAGER_PREFIX: &str = "ptero-manager-";

/// The server page's bundle: trunk's output for `manager.html`, its glue and element
/// class in one module, named by a hash of its contents beside the app's files, and
/// named in `index.html` (`<meta name="ptero-manager">`) for the first load to find.
fn manager(dist: &Path) -> Result {
    let staging = root().join("target/manager-build");
    trunk_release(
        "the server page",
        "manager.html",
        &staging,
        &["--public-url", "/", "--filehash=false"],
        ("manager", Panics::Report),
    )?;
    let glue = read(&staging.join("manager.js"))?;
    let element = read(&root().join("manager/element.js"))?;
    let wasm =
        fs::read(staging.join("manager_bg.wasm")).map_err(io("reading the manager's wasm"))?;
    if staging.join("snippets").exists() {
        return Err(StepError(
            "the server page's wasm-bindgen output has JS snippets; it must stay one module + one wasm".into(),
        ));
    }
    let module = format!("{glue}\n{element}");
    let hash = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        module.hash(&mut hasher);
        wasm.hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    };
    for old in fs::read_dir(dist).map_err(io("reading dist"))?.flatten() {
        if old
            .file_name()
            .to_string_lossy()
            .starts_with(MANAGER_PREFIX)
        {
            let _ = fs::remove_file(old.path());
        }
    }
    let name = format!("{MANAGER_PREFIX}{hash}");
    let module_path = dist.join(format!("{name}.js"));
    write(&module_path, &module)?;
    minify(&module_path, None)?;
    fs::write(dist.join(format!("{name}_bg.wasm")), &wasm)
        .map_err(io("writing the manager's wasm"))?;
    let index = dist.join("index.html");
    let page = read(&index)?;
    let meta = format!("<meta name=\"ptero-manager\" content=\"/{name}.js\" />");
    let page = match page.find("<meta name=\"ptero-manager\"") {
        Some(_) => {
            return Err(StepError(
                "index.html already names a server page bundle".into(),
            ))
        }
        None => page.replacen("</head>", &format!("{meta}</head>"), 1),
    };
    write(&index, &page)
}

/// Minifies a built module in place (terser via e2e/tools/minify.mjs); `page` gets the
/// module's new subresource-integrity hash.
fn minify(module: &Path, page: Option<&Path>) -> Result {
    let mut cmd = command("node");
    cmd.arg(root().join("e2e/tools/minify.mjs")).arg(module);
    if let Some(page) = page {
        cmd.arg(page);
    }
    run(&format!("minifying {}", module.display()), &mut cmd)
}

fn card(out: &Path) -> Result {
    let staging = root().join("target/card-build");
    trunk_release(
        "the card",
        "card.html",
        &staging,
        &["--public-url", "/card/", "--filehash=false"],
        ("card", Panics::ImmediateAbort),
    )?;
    fs::create_dir_all(out).map_err(io("creating dist/card"))?;
    let glue = read(&staging.join("card.js"))?;
    let element = read(&root().join("card/element.js"))?;
    let css = read(&root().join("style/card.css"))?;
    // One module: wasm-bindgen's glue, the stylesheet, then the element class that
    // initialises the wasm and defines <ptero-server-card>.
    let module = format!(
        "{glue}\nconst PTERO_CARD_CSS = {};\n{element}",
        js_string(&minify_css(&css))
    );
    let module_path = out.join("ptero-server-card.js");
    write(&module_path, &module)?;
    minify(&module_path, None)?;
    copy(
        &staging.join("card_bg.wasm"),
        &out.join("ptero-server-card_bg.wasm"),
    )?;
    // The catalogs beyond English (built in), fetched by the card when a page asks.
    let catalogs = root().join("i18n/card");
    for entry in fs::read_dir(&catalogs).map_err(io("reading i18n/card"))? {
        let name = entry.map_err(io("reading i18n/card"))?.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".txt") && name != "en.txt" {
            copy(&catalogs.join(&*name), &out.join(format!("locale-{name}")))?;
        }
    }
    let snippets = staging.join("snippets");
    if snippets.exists() {
        return Err(StepError(
            "the card's wasm-bindgen output has JS snippets; the card must stay one module + one wasm".into(),
        ));
    }
    Ok(())
}

/// Release builds of the two server binaries, left in `target/release/`.
pub fn release_servers() -> Result {
    step("building ptero-origin and ptero-sandbox (cargo, release)");
    run(
        "building the server binaries",
        command("cargo").args([
            "build",
            "--release",
            "-p",
            "ptero-origin",
            "-p",
            "ptero-sandbox",
        ]),
    )
}

fn servers(out: &Path) -> Result {
    release_servers()?;
    fs::create_dir_all(out).map_err(io("creating dist/bin"))?;
    for bin in ["ptero-origin", "ptero-sandbox"] {
        copy(&root().join("target/release").join(bin), &out.join(bin))?;
    }
    Ok(())
}

/// `css` without comments and with whitespace collapsed (around `{};,>` removed): the
/// sheet ships inside the card's module, where terser does not reach it. Spaces inside
/// values stay (`calc(1px + 2px)` needs them).
fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    out.push_str(rest);
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut tight = String::with_capacity(collapsed.len());
    let bytes: Vec<char> = collapsed.chars().collect();
    for (i, c) in bytes.iter().enumerate() {
        let around = |j: Option<usize>| {
            j.and_then(|j| bytes.get(j))
                .is_some_and(|c| "{};,>".contains(*c))
        };
        if *c == ' ' && (around(i.checked_sub(1)) || around(Some(i + 1))) {
            continue;
        }
        tight.push(*c);
    }
    tight
}

/// A JS string literal for `text` (JSON strings are valid JS string literals).
fn js_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> StepError {
    move |e| StepError(format!("{what}: {e}"))
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| StepError(format!("reading {}: {e}", path.display())))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| StepError(format!("writing {}: {e}", path.display())))
}

fn copy(from: &Path, to: &PathBuf) -> Result {
    fs::copy(from, to).map(|_| ()).map_err(|e| {
        StepError(format!(
            "copying {} to {}: {e}",
            from.display(),
            to.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn css_loses_comments_and_spacing_but_not_meaning() {
        let css = "/* a */ .a , .b > p {\n  width: calc(1px + 2px);\n  /* b */ color : red ;\n}\n";
        assert_eq!(
            super::minify_css(css),
            ".a,.b>p{width: calc(1px + 2px);color : red;}"
        );
    }
}
