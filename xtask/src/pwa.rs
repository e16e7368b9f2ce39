//! The installable app, written into `dist/` after the app and the manager are built:
//! a web app manifest, its icon, and a service worker (`sw.js`, a stable name, so the
//! browser's update check finds a new release) that
//!
//! - precaches the first load (index.html and its hashed js, wasm and css) in a cache
//!   named by the release's version (a hash of every file it serves), and caches the
//!   manager bundle and the language catalogs the first time a page loads them;
//! - answers navigations from the network, and from the cached `index.html` when the
//!   network fails (the app then shows the last list it saw, with its age);
//! - answers the release's own files from its cache first;
//! - never touches another origin (the panel's API, Wings, the origin server);
//! - on a new release installs at once, takes over the open pages and deletes the
//!   caches of older releases.
//!
//! `index.html` gets `<link rel="manifest">`, the theme colour and
//! `<meta name="ptero-service-worker">`, which `src/pwa.rs` registers.

use crate::cmd::{Result, StepError};
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::Path;

const MANIFEST: &str = "manifest.webmanifest";
const ICON: &str = "icon.svg";
const WORKER: &str = "sw.js";
const THEME: &str = "#1d4ed8";

const ICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="96" fill="#1d4ed8"/><path d="M136 376V136h120a80 80 0 0 1 0 160h-56v80z" fill="none" stroke="#fff" stroke-width="44" stroke-linejoin="round"/><circle cx="376" cy="352" r="32" fill="#fff"/></svg>"##;

/// Writes the manifest, the icon and the worker, and names them in `index.html`.
pub fn write(dist: &Path, manager_prefix: &str) -> Result {
    let index = dist.join("index.html");
    let page = fs::read_to_string(&index).map_err(io("reading index.html"))?;
    if page.contains("ptero-service-worker") {
        return Err(StepError(
            "index.html already names a service worker".into(),
        ));
    }
    let head = format!(
        "<link rel=\"manifest\" href=\"/{MANIFEST}\" />\
         <meta name=\"theme-color\" content=\"{THEME}\" />\
         <link rel=\"icon\" href=\"/{ICON}\" type=\"image/svg+xml\" />\
         <meta name=\"ptero-service-worker\" content=\"/{WORKER}\" />"
    );
    let page = page.replacen("</head>", &format!("{head}</head>"), 1);
    fs::write(&index, &page).map_err(io("writing index.html"))?;
    fs::write(dist.join(ICON), ICON_SVG).map_err(io("writing the icon"))?;
    fs::write(dist.join(MANIFEST), manifest()).map_err(io("writing the manifest"))?;

    let (mut shell, mut on_use) = (vec!["/index.html".to_owned()], Vec::new());
    let mut names: Vec<String> = fs::read_dir(dist)
        .map_err(io("reading dist"))?
        .flatten()
        .filter(|entry| entry.path().is_file())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .filter(|name| name != "index.html" && name != WORKER)
        .collect();
    names.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for name in &names {
        let bytes = fs::read(dist.join(name)).map_err(io("reading a release file"))?;
        (name, bytes).hash(&mut hasher);
        if name.starts_with(manager_prefix) || name.ends_with(".txt") {
            on_use.push(format!("/{name}"));
        } else {
            shell.push(format!("/{name}"));
        }
    }
    // The shared components' language catalogs, cached the first time a page fetches one
    // (as the app's and the manager's, top-level `.txt`), so a language other than
    // English works offline too.
    for folder in ["card"] {
        let mut catalogs: Vec<String> = fs::read_dir(dist.join(folder))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
            .filter(|name| name.ends_with(".txt"))
            .collect();
        catalogs.sort();
        for name in catalogs {
            let bytes = fs::read(dist.join(folder).join(&name)).map_err(io("reading a catalog"))?;
            (&name, bytes).hash(&mut hasher);
            on_use.push(format!("/{folder}/{name}"));
        }
    }
    page.hash(&mut hasher);
    let version = format!("{:016x}", hasher.finish());
    fs::write(dist.join(WORKER), worker(&version, &shell, &on_use))
        .map_err(io("writing the service worker"))
}

fn manifest() -> String {
    format!(
        r##"{{
  "name": "ptero-web",
  "short_name": "ptero-web",
  "description": "Your Pterodactyl and Pelican game servers, from every panel you use.",
  "start_url": "/",
  "scope": "/",
  "display": "standalone",
  "background_color": "#f4f5f9",
  "theme_color": "{THEME}",
  "icons": [{{ "src": "/{ICON}", "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable" }}]
}}
"##
    )
}

fn js_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

fn worker(version: &str, shell: &[String], on_use: &[String]) -> String {
    format!(
        r#"// ptero-web's service worker (written by `cargo xtask dist`): see xtask/src/pwa.rs.
const VERSION = "{version}";
const CACHE = `ptero-web-shell-${{VERSION}}`;
const SHELL = {shell};
const ON_USE = {on_use};
const OWN = new Set([...SHELL, ...ON_USE]);

self.addEventListener("install", (event) => {{
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, {{ cache: "reload" }}))))
      .then(() => self.skipWaiting()),
  );
}});

self.addEventListener("activate", (event) => {{
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ptero-web-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
}});

self.addEventListener("fetch", (event) => {{
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {{
    event.respondWith(
      fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match("/index.html")).then((hit) => hit ?? Response.error())),
    );
    return;
  }}
  if (!OWN.has(url.pathname)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(url.pathname).then(
        (hit) =>
          hit ??
          fetch(request).then((response) => {{
            if (response.ok) cache.put(url.pathname, response.clone());
            return response;
          }}),
      ),
    ),
  );
}});
"#,
        shell = js_list(shell),
        on_use = js_list(on_use),
    )
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> StepError {
    move |e| StepError(format!("{what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_the_shell_and_names_its_cache_by_version() {
        let js = worker(
            "abc",
            &["/index.html".into(), "/app.css".into()],
            &["/ptero-manager-1.js".into()],
        );
        assert!(js.contains(r#"const VERSION = "abc";"#));
        assert!(js.contains(r#"const SHELL = ["/index.html", "/app.css"];"#));
        assert!(js.contains(r#"const ON_USE = ["/ptero-manager-1.js"];"#));
        assert!(js.contains("url.origin !== self.location.origin"));
    }
}
