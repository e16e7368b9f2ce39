// Alerts in the standalone app (release build) against the sandbox over real HTTP, in
// headless Chromium: a crash seen on a server page's Wings socket or in the server list's
// refreshes becomes an in-page notice and, once the person allowed it, a browser
// notification; a stop sent from the app is no crash. The browser's Notification is
// wrapped (not replaced) to record what the page showed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { launch, problemPage } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { FLAVOR, flavorKey } from "./lib/flavor.mjs";
import { freePort, startProcess, stop } from "./lib/procs.mjs";

const ALICE = flavorKey("ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK");
const RUNNING = "1a7c3f02";
const SHARED = "70d2d368";
const bin = (name) => new URL(`../target/debug/${name}`, import.meta.url).pathname;
const shots = new URL("./artefacts/screenshots/", import.meta.url).pathname;

let browser, app, sandbox, panel;

before(async () => {
  mkdirSync(shots, { recursive: true });
  app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
  const port = await freePort();
  panel = `http://127.0.0.1:${port}`;
  sandbox = await startProcess("sandbox", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--node-allowed-origin", app.url,
    "--resources-cache-secs", "0", "--power-delay-ms", "800", "--flavor", FLAVOR, "--websocket-token-limit", "0",
  ], { readyUrl: `${panel}/api/client` });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  stop(sandbox);
});

const crash = async (server) => {
  const answer = await fetch(`${panel}/__sandbox/servers/${server}/crash`, { method: "POST" });
  assert.ok(answer.ok, `crash: ${answer.status}`);
};
const start = (server) =>
  fetch(`${panel}/api/client/servers/${server}/power`, {
    method: "POST",
    headers: { authorization: `Bearer ${ALICE}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ signal: "start" }),
  });

/** A signed-in page whose browser notifications are recorded in `window.shown`. */
async function signedIn({ allow = false } = {}) {
  const context = await browser.newContext();
  if (allow) await context.grantPermissions(["notifications"], { origin: app.url });
  await context.addInitScript(() => {
    window.shown = [];
    const Real = window.Notification;
    if (!Real) return;
    const Recorded = function (title, options) {
      window.shown.push({ title, tag: options?.tag });
      return new Real(title, options);
    };
    Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
    Recorded.requestPermission = (...args) => Real.requestPermission(...args);
    Recorded.prototype = Real.prototype;
    window.Notification = Recorded;
  });
  const page = await problemPage(context);
  await page.goto(`${app.url}/connect`);
  await page.fill("#panel-url", panel);
  await page.fill("#api-key", ALICE);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=server-list]");
  return page;
}

const notices = (page) =>
  page.$$eval("[data-testid=notices] .notice", (rows) => rows.map((row) => ({ kind: row.dataset.kind, text: row.querySelector("a").textContent })));

test("a crash seen on the server page's socket: one notice, one browser notification; the restart is news too", async () => {
  const page = await signedIn({ allow: true });
  await page.waitForSelector("[data-testid=notify-on]");
  await page.click(`.server-row[data-identifier='${RUNNING}'] a`);
  await page.waitForSelector(".server-head [data-state=running]");
  await page.waitForTimeout(3500); // past the socket's replay of old logs
  const crashed = Date.now();
  await crash(RUNNING);
  await page.waitForSelector("[data-testid=notices] .notice[data-kind=crash]", { timeout: 5000 });
  console.log(`crash → notice in ${Date.now() - crashed} ms`);
  const [notice] = await notices(page);
  assert.match(notice.text, / crashed$/);
  await page.screenshot({ path: `${shots}app-alert.png` });
  const shown = await page.evaluate(() => window.shown);
  assert.equal(shown.length, 1, JSON.stringify(shown));
  assert.equal(shown[0].title, notice.text);
  assert.equal(shown[0].tag, `${RUNNING}:crash`);
  await page.waitForTimeout(1500);
  assert.equal((await notices(page)).length, 1, "one notice for one crash");
  // Started again: the recovery.
  assert.ok((await start(RUNNING)).ok);
  await page.waitForSelector("[data-testid=notices] .notice[data-kind=recovered]", { timeout: 10000 });
  // Dismissed notices go.
  await page.click("[data-testid=notices] .notice[data-kind=crash] button");
  assert.deepEqual((await notices(page)).map((n) => n.kind), ["recovered"]);
  assert.deepEqual(page.problems.filter((p) => !p.includes("status of 4")), []);
  await page.context().close();
});

test("a stop sent from the app is no crash", async () => {
  const page = await signedIn();
  await page.click(`.server-row[data-identifier='${SHARED}'] a`);
  await page.waitForSelector(".server-head [data-state=running]");
  await page.click("button[data-signal=stop]");
  await page.waitForSelector(".server-head [data-state=offline]", { timeout: 20000 });
  await page.waitForTimeout(1500);
  assert.deepEqual(await notices(page), []);
  assert.ok((await start(SHARED)).ok);
  await page.context().close();
});

test("the server list's refreshes notice a crash too; notifications are asked for with a click", async () => {
  const page = await signedIn();
  await page.waitForSelector(`.server-row[data-identifier='${RUNNING}'] [data-state=running]`);
  // Not allowed yet: the switch asks; the browser's answer shows.
  const ask = page.locator("[data-testid=notify-me]");
  await ask.waitFor();
  await page.context().grantPermissions(["notifications"], { origin: app.url });
  await ask.click();
  await page.waitForSelector("[data-testid=notify-on]");
  await crash(RUNNING);
  const crashed = Date.now();
  // The list refreshes each row no faster than the panel caches it (20 s).
  await page.waitForSelector("[data-testid=notices] .notice[data-kind=crash]", { timeout: 45000 });
  console.log(`crash → notice from the list in ${Date.now() - crashed} ms`);
  assert.equal((await page.evaluate(() => window.shown)).length, 1);
  assert.ok((await start(RUNNING)).ok);
  await page.context().close();
});
