// The installable app in headless Chromium: the release's manifest and service worker;
// with the network cut (the browser offline and the app's own server gone) the app
// opens from its cache, shows the last list it saw with its age and says it is offline;
// a new release replaces the cached shell on the next visit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, problemPage } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { FLAVOR, flavorKey } from "./lib/flavor.mjs";
import { freePort, startProcess, stop } from "./lib/procs.mjs";

const ALICE = flavorKey("ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK");
const bin = (name) => new URL(`../target/debug/${name}`, import.meta.url).pathname;
let browser, sandbox, panel, site, root, port;

/** The release in `root`, served at `port` (the same origin each time). */
async function serve() {
  site = await serveStatic({ "/": root }, { spaFallback: join(root, "index.html"), port });
  port = site.port;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), "ptero-web-pwa-"));
  await cp("dist", root, { recursive: true, filter: (src) => !src.includes("/bin") });
  await serve();
  const sandboxPort = await freePort();
  panel = `http://127.0.0.1:${sandboxPort}`;
  sandbox = await startProcess("sandbox", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${sandboxPort}`, "--cors-origin", site.url, "--node-allowed-origin", site.url, "--flavor", FLAVOR,
    "--websocket-token-limit", "0",
  ], { readyUrl: `${panel}/api/client` });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  stop(sandbox);
  if (root) await rm(root, { recursive: true, force: true });
});

/** Waits until the page's service worker is active and controls it. */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

async function cutNetwork(context) {
  await context.setOffline(true);
  await site.close();
}

async function restoreNetwork(context) {
  await serve();
  await context.setOffline(false);
}

test("the release names a manifest an installer can use and a worker for its shell", async () => {
  const page = await problemPage(browser);
  await page.goto(site.url);
  const href = await page.getAttribute("link[rel=manifest]", "href");
  const manifest = JSON.parse(await (await fetch(new URL(href, site.url))).text());
  assert.equal(manifest.start_url, "/");
  assert.equal(manifest.display, "standalone");
  assert.ok(manifest.icons.length > 0 && manifest.name);
  const worker = await (await fetch(`${site.url}/sw.js`)).text();
  const index = await readFile(join(root, "index.html"), "utf8");
  for (const [, file] of index.matchAll(/(?:href|src)="\/([^"]+\.(?:js|wasm|css))"/g)) assert.ok(worker.includes(`"/${file}"`), file);
  await page.close();
});

test("offline, the app opens from its cache with the last list, its age, and says it is offline", async () => {
  const context = await browser.newContext();
  const page = await problemPage(context);
  await page.goto(`${site.url}/connect`);
  await page.fill("#panel-url", panel);
  await page.fill("#api-key", ALICE);
  await page.check("input[type=checkbox]");
  await page.click("button[type=submit]");
  await page.waitForSelector(".server-row[data-identifier='1a7c3f02']");
  const online = await page.$$eval(".server-row", (rows) => rows.map((r) => r.dataset.identifier).sort());
  await controlled(page);
  await page.waitForTimeout(1200);

  await cutNetwork(context);
  const offline = await context.newPage();
  await offline.goto(site.url);
  const note = await offline.waitForSelector("[data-testid=offline-note]");
  assert.match(await note.textContent(), /offline/i);
  assert.match(await note.textContent(), /second|minute/);
  assert.ok(Number(await note.getAttribute("data-age-ms")) >= 1000);
  const rows = await offline.$$eval("[data-identifier]", (r) => [...new Set(r.map((x) => x.dataset.identifier))].sort());
  assert.deepEqual(rows.filter((id) => online.includes(id)), online);
  await restoreNetwork(context);
  await context.close();
});

test("a new release replaces the cached shell on the next visit", async () => {
  const context = await browser.newContext();
  const page = await problemPage(context);
  await page.goto(site.url);
  await controlled(page);
  const before = await page.evaluate(() => caches.keys());
  assert.equal(before.length, 1, before.join());

  // The next release: another page, another worker version (as `cargo xtask dist` writes them).
  const index = await readFile(join(root, "index.html"), "utf8");
  await writeFile(join(root, "index.html"), index.replace("</head>", '<meta name="ptero-release" content="next" /></head>'));
  const worker = await readFile(join(root, "sw.js"), "utf8");
  await writeFile(join(root, "sw.js"), worker.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1next"'));

  const next = await context.newPage();
  await next.goto(site.url);
  // The new worker installs, takes over and leaves only its own cache.
  const deadline = Date.now() + 20000;
  let keys;
  do {
    await next.waitForTimeout(100);
    keys = await next.evaluate(() => caches.keys());
  } while (!(keys.length === 1 && keys[0].endsWith("next")) && Date.now() < deadline);
  assert.equal(keys.length, 1, keys.join());
  assert.ok(keys[0].endsWith("next"), keys[0]);
  await cutNetwork(context);
  const offline = await context.newPage();
  await offline.goto(site.url);
  assert.equal(await offline.getAttribute("meta[name=ptero-release]", "content"), "next");
  await offline.waitForSelector("[data-testid=app-ready]");
  await restoreNetwork(context);
  await context.close();
});
