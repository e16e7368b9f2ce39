// The server manager's suites: the release app (dist/, with its on-demand server-page
// bundle) served on loopback, a sandbox panel that allows it by CORS and whose Wings
// accept its origin, and helpers to sign in and open a server's tab.
import { problemPage } from "./browser.mjs";
import { serveStatic } from "./serve.mjs";
import { FLAVOR, flavorKey } from "./flavor.mjs";
import { freePort, startProcess, stop } from "./procs.mjs";

/** Alice's key as Pterodactyl issues it (for a 1.11 sandbox whatever the suite's flavour). */
export const ALICE_PTERODACTYL = "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK";
export const ALICE = flavorKey("ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK");
export const BOB = flavorKey("ptlc_SbxBob00001BobSecret000123456789ABCDEFGHIJK");
/** Alice's running server on FRA (owner: every permission). */
export const RUNNING = "1a7c3f02";
/** Alice's server on NYC where Bob is a subuser with file.read and file.read-content only. */
export const SHARED = "70d2d368";
const bin = (name) => new URL(`../../target/debug/${name}`, import.meta.url).pathname;

/** The app on loopback. */
export async function serveApp() {
  return serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
}

/**
 * A sandbox for `app` (its CORS and Wings' allowed origins list the app); `args` adds
 * flags. Websocket tokens are unthrottled: suites open the same page many times.
 */
export async function startSandbox(app, args = [], name = "sandbox") {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startProcess(name, bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--node-allowed-origin", app.url,
    "--resources-cache-secs", "0", "--power-delay-ms", "1000",
    ...(args.includes("--flavor") ? [] : ["--flavor", FLAVOR]),
    "--websocket-token-limit", "0", ...args,
  ], { readyUrl: `${url}/api/client` });
  return { url, close: () => stop(child) };
}

/** Signs in at `app` to `panel` (optionally through `origin`) and opens `server`'s page. */
export async function openServer(browser, { app, panel, key = ALICE, server = RUNNING, origin = null }) {
  const page = await problemPage(browser);
  await page.goto(`${app}/connect`);
  await page.fill("#panel-url", panel);
  await page.fill("#api-key", key);
  if (origin) {
    await page.click("summary:has-text('ptero-origin')");
    await page.fill("#via-origin", origin);
  }
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=server-list]");
  await page.click(`.server-row[data-identifier='${server}'] a`);
  await page.waitForSelector(`.server-page[data-identifier='${server}']`, { timeout: 30000 });
  return page;
}

/** Opens one of the server page's tabs. */
export async function openTab(page, label) {
  await page.click(`button[role=tab]:has-text('${label}')`);
  await page.waitForSelector(`button[role=tab][aria-selected=true]:has-text('${label}')`);
}

/** The sandbox's own view of a file (through the panel API, as Alice). */
export async function fileText(panel, server, path, key = ALICE) {
  const answer = await fetch(`${panel}/api/client/servers/${server}/files/contents?file=${encodeURIComponent(path)}`, {
    headers: { authorization: `Bearer ${key}`, accept: "application/json" },
  });
  return { status: answer.status, text: await answer.text() };
}

/** The names in a directory, from the panel API. */
export async function listing(panel, server, directory = "/", key = ALICE) {
  const answer = await fetch(`${panel}/api/client/servers/${server}/files/list?directory=${encodeURIComponent(directory)}`, {
    headers: { authorization: `Bearer ${key}`, accept: "application/json" },
  });
  const body = await answer.json();
  return body.data.map((f) => f.attributes.name);
}
