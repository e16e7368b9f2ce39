// What the management suites share: a sandbox with room for tests that change servers
// (each test a server of its own: Alice's "Bench NNN" are `be000NNN`), the app served
// from dist/, signing in through the connect page, the Client API called directly (to
// prepare what a test needs, or to change rights behind the page's back), and opening a
// server's tab.
import { launch, problemPage } from "./browser.mjs";
import { serveStatic } from "./serve.mjs";
import { FLAVOR, flavorKey } from "./flavor.mjs";
import { freePort, startProcess, stop } from "./procs.mjs";

export const KEYS = {
  alice: flavorKey("ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK"),
  bob: flavorKey("ptlc_SbxBob00001BobSecret000123456789ABCDEFGHIJK"),
  carol: flavorKey("ptlc_SbxCarol001CarolSecret0123456789ABCDEFGHIJK"),
};
export const SERVERS = { running: "1a7c3f02", shared: "70d2d368" };
export const BOB_UUID = "0a1b2c3d-0000-4000-a000-000000000003";
/** Alice's n-th extra server. */
export const bench = (n) => `be${n.toString(16).padStart(6, "0")}`;

const bin = (name) => new URL(`../../target/debug/${name}`, import.meta.url).pathname;

/** The app, a sandbox of the flavour under test with `extra` extra servers, a browser. */
export async function startStack({ extra = 12, args = [] } = {}) {
  const app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
  const port = await freePort();
  const panel = `http://127.0.0.1:${port}`;
  const sandbox = await startProcess("sandbox", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--node-allowed-origin", app.url,
    "--flavor", FLAVOR, "--websocket-token-limit", "0", "--power-delay-ms", "300",
    "--extra-servers", String(extra), "--rate-limit", "100000", ...args,
  ], { readyUrl: `${panel}/api/client` });
  const browser = await launch();
  return {
    app, panel, sandbox, browser,
    async close() {
      await browser.close();
      await app.close();
      stop(sandbox);
    },
  };
}

/** A Client API call as `key`: `{ status, body }`. */
export async function api(stack, key, method, path, body) {
  const res = await fetch(`${stack.panel}/api/client${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, accept: "application/json", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

/** A new page signed in with `key` (the tab keeps it in sessionStorage). */
export async function signIn(stack, key = KEYS.alice) {
  const page = await problemPage(stack.browser);
  await page.setViewportSize({ width: 1200, height: 1000 });
  await page.goto(`${stack.app.url}/connect`);
  await page.fill("#panel-url", stack.panel);
  await page.fill("#api-key", key);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=server-list]");
  return page;
}

/** Opens `server`'s page (the manager bundle) and its `tab` (`data-tab`). */
export async function openTab(page, stack, server, tab) {
  await page.goto(`${stack.app.url}/server/${server}`);
  await page.waitForSelector(`.server-page[data-identifier='${server}']`);
  await page.click(`button[role=tab][data-tab=${tab}]`);
}

/** Bob's permissions on the shared server set to `permissions` by its owner. */
export async function setBob(stack, permissions) {
  const res = await api(stack, KEYS.alice, "POST", `/servers/${SERVERS.shared}/users/${BOB_UUID}`, { permissions });
  if (res.status !== 200) throw new Error(`setting Bob's permissions: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The error an action left in `scope` (a selector), with its kind. */
export async function actionError(page, scope) {
  const error = await page.waitForSelector(`${scope} .action-error [role=alert]`);
  return { kind: await error.getAttribute("data-error"), text: await error.textContent() };
}

/** Clicks a two-step destructive button (its aria-label) and confirms. */
export async function confirm(page, scope, label, verb) {
  await page.click(`${scope} button[aria-label='${label}']`);
  await page.click(`${scope} .confirm-row button:has-text('${verb}')`);
}
