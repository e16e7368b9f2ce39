// The standalone app (release build) against the sandbox panel over real HTTP, in
// headless Chromium: the connect screen's diagnoses and the server list.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { FLAVOR, flavorKey } from "./lib/flavor.mjs";
import { freePort, startProcess, stop } from "./lib/procs.mjs";

const ALICE_PTERODACTYL = "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK";
const ALICE = flavorKey(ALICE_PTERODACTYL);
const APPLICATION = flavorKey("ptla_SbxApplic01ApplicSecret123456789ABCDEFGHIJK");
const bin = (name) => new URL(`../target/debug/${name}`, import.meta.url).pathname;

let browser, app, sandbox, panel, blockedPanel, blockedSandbox, noWingsPanel, noWingsSandbox, refreshPanel, refreshSandbox;

before(async () => {
  app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
  const port = await freePort();
  panel = `http://127.0.0.1:${port}`;
  // The flavour under test, except its 5 websocket tokens a minute per server: this suite
  // opens the same server's page more often than that (the limit has its own tests:
  // tests/app_limits.rs, and `cargo xtask bench`'s 40 tabs).
  sandbox = await startProcess("sandbox", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--node-allowed-origin", app.url,
    "--resources-cache-secs", "0", "--power-delay-ms", "1500", "--flavor", FLAVOR, "--websocket-token-limit", "0",
  ], {
    readyUrl: `${panel}/api/client`,
  });
  // 8 s tokens renewed every second: past 1.12's token budget and auth throttle, so the
  // renewal mechanics run on 1.11.
  const refresh = await freePort();
  refreshPanel = `http://127.0.0.1:${refresh}`;
  refreshSandbox = await startProcess("sandbox (1.11, short tokens)", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${refresh}`, "--cors-origin", app.url, "--node-allowed-origin", app.url, "--flavor", "pterodactyl-1.11",
    "--resources-cache-secs", "0", "--token-lifetime-secs", "8", "--token-check-secs", "1",
  ], { readyUrl: `${refreshPanel}/api/client` });
  // A second panel whose CORS does not allow the app (the default of real panels).
  const other = await freePort();
  blockedPanel = `http://127.0.0.1:${other}`;
  blockedSandbox = await startProcess("sandbox (no CORS)", bin("ptero-sandbox"), ["--listen", `127.0.0.1:${other}`, "--flavor", FLAVOR], {
    readyUrl: `${blockedPanel}/api/client`,
  });
  // A third panel that allows the app by CORS but whose Wings does not list its origin.
  const third = await freePort();
  noWingsPanel = `http://127.0.0.1:${third}`;
  noWingsSandbox = await startProcess("sandbox (Wings origin not allowed)", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${third}`, "--cors-origin", app.url, "--resources-cache-secs", "0", "--flavor", FLAVOR,
  ], { readyUrl: `${noWingsPanel}/api/client` });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  stop(sandbox);
  stop(blockedSandbox);
  stop(noWingsSandbox);
  stop(refreshSandbox);
});

async function connect(panelUrl, key) {
  const page = await problemPage(browser);
  await page.goto(`${app.url}/connect`);
  await page.fill("#panel-url", panelUrl);
  await page.fill("#api-key", key);
  await page.click("button[type=submit]");
  return page;
}

test("a ptla_ application key is refused before any request, with what to use instead", async () => {
  const page = await problemPage(browser);
  await page.goto(`${app.url}/connect`);
  await page.fill("#api-key", APPLICATION);
  await page.waitForSelector("#api-key-hint:has-text('application')");
  assert.match(await page.textContent("#api-key-hint"), FLAVOR === "pelican" ? /pacc_/ : /ptlc_/);
});

test("a truncated key is diagnosed as typed", async () => {
  const page = await problemPage(browser);
  await page.goto(`${app.url}/connect`);
  await page.fill("#api-key", ALICE.slice(0, 40));
  await page.waitForSelector("#api-key-hint:not(:empty)");
  assert.match(await page.textContent("#api-key-hint"), /truncated|short|40/i);
});

test("a wrong key is reported as rejected by the panel (401)", async () => {
  const wrong = ALICE.slice(0, 47) + "X";
  const page = await connect(panel, wrong);
  const error = await page.waitForSelector("[data-error=unauthenticated]");
  assert.match(await error.textContent(), /key/i);
});

test("a panel that does not allow this origin is diagnosed as CORS, naming the setting", async () => {
  const page = await connect(blockedPanel, ALICE);
  const error = await page.waitForSelector("[data-error=cors]", { timeout: 10000 });
  assert.match(await error.textContent(), /APP_CORS_ALLOWED_ORIGINS/);
});

test("nothing listening is diagnosed as unreachable", async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const page = await connect(dead, ALICE);
  const error = await page.waitForSelector("[data-error=unreachable]", { timeout: 10000 });
  assert.match(await error.textContent(), /Nothing answered/);
});

test("a good key signs in and lists every server of the account with live state", async () => {
  const page = await connect(panel, ALICE);
  await page.waitForSelector("[data-testid=server-list]");
  assert.equal(new URL(page.url()).pathname, "/");
  const names = await page.$$eval(".server-row", (rows) => rows.map((r) => r.dataset.identifier));
  // Alice owns six servers (and is no subuser elsewhere); Carol's stays invisible.
  assert.equal(names.length, 6, names.join(","));
  assert.ok(!names.includes("81e3e479"));
  await page.waitForSelector(".server-row[data-identifier='1a7c3f02'] [data-state=running]");
  assert.deepEqual(page.problems.filter((p) => !p.includes("status of 4")), []);
  // The key stays in sessionStorage by default (with the tab's connections and their last
  // lists), never localStorage.
  const [session, local] = await page.evaluate(() => [JSON.stringify({ ...sessionStorage }), localStorage.length]);
  assert.ok(session.includes(ALICE.slice(16)), "the key is in this tab's storage");
  assert.equal(local, 0);
});

async function signedInServerPage(identifier, panelUrl = panel) {
  const page = await connect(panelUrl, panelUrl === refreshPanel ? ALICE_PTERODACTYL : ALICE);
  await page.waitForSelector("[data-testid=server-list]");
  await page.click(`.server-row[data-identifier='${identifier}'] a`);
  await page.waitForSelector(`.server-page[data-identifier='${identifier}']`);
  return page;
}

test("files: directories browse with breadcrumbs, symlinks are marked", async () => {
  const page = await signedInServerPage("1a7c3f02");
  await page.click("button[role=tab]:has-text('Files')");
  await page.waitForSelector(".file-table");
  const row = (name) => page.locator(`.file-row[data-name='${name}']`);
  assert.match(await row("latest.log").textContent(), /link/);
  await row("logs").locator(".file-name").click();
  await page.waitForSelector(".crumbs [aria-current=location]:has-text('logs')");
  await page.click(".crumbs button:has-text('/')");
  await page.waitForSelector(".file-row[data-name='eula.txt']");
});

test("startup: a value breaking the egg's rule shows the panel's 422 next to the field", async () => {
  const page = await signedInServerPage("1a7c3f02");
  await page.click("button[role=tab]:has-text('Startup')");
  await page.waitForSelector("#var-MAX_PLAYERS");
  assert.equal(await page.getAttribute("#var-QUERY_PORT", "readonly"), "");
  await page.fill("#var-MAX_PLAYERS", "9999");
  await page.locator(".variable", { has: page.locator("#var-MAX_PLAYERS") }).locator("button[type=submit]").click();
  const message = await page.waitForSelector("#var-MAX_PLAYERS-hint .error");
  assert.match(await message.textContent(), /between|500/i);
  assert.equal(await page.getAttribute("#var-MAX_PLAYERS", "aria-invalid"), "true");
  await page.fill("#var-MAX_PLAYERS", "42");
  await page.locator(".variable", { has: page.locator("#var-MAX_PLAYERS") }).locator("button[type=submit]").click();
  await page.waitForSelector("#var-MAX_PLAYERS-hint .ok");
});

test("power: stop shows its pending state at once and settles on the real state", async () => {
  const page = await signedInServerPage("70d2d368");
  const stop = page.locator("button[data-signal=stop]");
  await stop.waitFor();
  await page.waitForSelector(".server-head [data-state=running]");
  // Optimistic: the button turns busy ("Stop…") at once, before any answer; the socket may
  // settle it within milliseconds, so watch for it rather than poll.
  await page.evaluate(() => {
    window.sawBusy = false;
    new MutationObserver(() => {
      if (document.querySelector("button[data-signal=stop][aria-busy=true]")) window.sawBusy = true;
    }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  });
  await stop.click();
  await page.waitForFunction(() => window.sawBusy === true, null, { timeout: 5000 });
  await page.waitForSelector(".server-head [data-state=offline], .server-head [data-state=stopping]", { timeout: 20000 });
});

test("kill asks for confirmation before sending anything", async () => {
  const page = await signedInServerPage("1a7c3f02");
  const kill = page.locator("button[data-signal=kill]");
  await page.waitForSelector(".server-head [data-state=running]");
  await kill.click();
  await page.waitForSelector("[role=alertdialog]:has-text('Click Kill again')");
  await page.click("[role=alertdialog] button:has-text('Cancel')");
  assert.equal(await page.locator("[role=alertdialog]").count(), 0);
});

test("console: live lines over the Wings socket, a command echoes, ↑ recalls it", async () => {
  const page = await signedInServerPage("1a7c3f02");
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
  await page.waitForSelector(".term-line");
  await page.fill("#console-command", "say hello-from-e2e");
  await page.press("#console-command", "Enter");
  await page.waitForSelector(".term-line:has-text('hello-from-e2e')");
  await page.press("#console-command", "ArrowUp");
  assert.equal(await page.inputValue("#console-command"), "say hello-from-e2e");
});

test("console: an expiring token is refreshed on the same socket, which keeps working", async () => {
  const page = await signedInServerPage("1a7c3f02", refreshPanel);
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
  // Tokens live 8 s here; Wings warns when ≤ 60 s remain, so re-auth happens at once.
  await page.waitForFunction(() => Number(document.querySelector(".link-status")?.dataset.reauths) >= 1, null, { timeout: 10000 });
  await new Promise((ok) => setTimeout(ok, 9000)); // past the first token's expiry
  assert.equal(await page.getAttribute(".link-status", "data-link"), "live");
  await page.fill("#console-command", "say after-refresh");
  await page.press("#console-command", "Enter");
  await page.waitForSelector(".term-line:has-text('after-refresh')");
});

test("console: a dropped socket reconnects with backoff", async () => {
  const page = await signedInServerPage("1a7c3f02");
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
  const faults = `${panel}/__sandbox/faults`;
  await fetch(faults, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ drop_websockets: true }) });
  await page.waitForSelector(".link-status[data-link=down]", { timeout: 10000 });
  await fetch(faults, { method: "DELETE" });
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 20000 });
});

test("a Wings that refuses the page's origin is explained, and polling keeps the numbers live", async () => {
  const page = await signedInServerPage("1a7c3f02", noWingsPanel);
  const status = await page.waitForSelector(".link-status[data-link=down]", { timeout: 15000 });
  assert.match(await status.textContent(), /allowed_origins/);
  await page.waitForSelector(".server-head [data-state=running]");
});
