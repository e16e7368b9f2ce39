// Several panels in one app, in headless Chromium: two sandboxes (another flavour for
// the second), each connection named and kept under the remember-me rule, the switcher,
// the list of every panel with each row tagged, and a panel that fails showing its own
// error without hiding the other's servers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { FLAVOR, flavorKey } from "./lib/flavor.mjs";
import { freePort, startProcess, stop } from "./lib/procs.mjs";

const bin = (name) => new URL(`../target/debug/${name}`, import.meta.url).pathname;
const OTHER = FLAVOR === "pelican" ? "pterodactyl-1.12" : "pelican";
const ALICE = flavorKey("ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK");
const CAROL_OTHER = (OTHER === "pelican" ? "pacc_" : "ptlc_") + "SbxCarol001CarolSecret0123456789ABCDEFGHIJK";
let browser, app, home, away, homeSandbox, awaySandbox;

async function sandbox(name, flavor) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startProcess(name, bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--node-allowed-origin", app.url, "--flavor", flavor,
    "--websocket-token-limit", "0",
  ], { readyUrl: `${url}/api/client` });
  return [url, child];
}

before(async () => {
  app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
  [home, homeSandbox] = await sandbox("sandbox (home)", FLAVOR);
  [away, awaySandbox] = await sandbox("sandbox (away)", OTHER);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  stop(homeSandbox);
  stop(awaySandbox);
});

async function addPanel(page, url, key, name, remember = false) {
  await page.goto(`${app.url}/connect`);
  await page.fill("#panel-url", url);
  await page.fill("#api-key", key);
  await page.fill("#panel-name", name);
  if (remember) await page.check("input[type=checkbox]");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=server-list] .server-row");
}

const rows = (page) => page.$$eval(".server-row", (r) => r.map((x) => [x.dataset.identifier, x.querySelector(".panel-tag")?.textContent ?? null]));

test("two panels: switch between them, list both tagged, keys kept where each owner chose", async () => {
  const context = await browser.newContext();
  const page = await problemPage(context);
  await addPanel(page, home, ALICE, "Home host");
  await addPanel(page, away, CAROL_OTHER, "Away host", true);
  // The one added last is in use: Carol's one server.
  assert.deepEqual((await rows(page)).map(([id]) => id), ["81e3e479"]);
  const options = await page.$$eval("#panel-switch option", (o) => o.map((x) => x.textContent));
  assert.deepEqual(options.sort(), ["Away host", "Home host"]);
  // Switch to home: Alice's six.
  const homeId = await page.$eval("#panel-switch", (s) => [...s.options].find((o) => o.textContent === "Home host").value);
  await page.selectOption("#panel-switch", homeId);
  await page.waitForFunction(() => document.querySelectorAll(".server-row").length === 6);
  // Every panel: seven rows, each tagged with its panel.
  await page.click("button.segment:has-text('All panels')");
  await page.waitForFunction(() => document.querySelectorAll(".server-row").length === 7);
  const tagged = await rows(page);
  assert.deepEqual(tagged.find(([id]) => id === "81e3e479"), ["81e3e479", "Away host"]);
  assert.equal(tagged.filter(([, tag]) => tag === "Home host").length, 6);
  // Only the remembered one is in localStorage; neither key appears in the page.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(stored.includes("Away host"), "the away panel is remembered on this device");
  assert.ok(!stored.includes(ALICE), "the home key stays in this tab's storage");
  assert.ok(!(await page.content()).includes(ALICE));
  // The panels page: two, one in use, where each is kept.
  await page.click("nav a[href='/panels']");
  const items = await page.$$eval(".panel-item", (i) => i.map((x) => x.textContent));
  assert.equal(items.length, 2);
  assert.ok(items.some((t) => t.includes("Away host") && t.includes("remembered on this device")));
  assert.ok(items.some((t) => t.includes("Home host") && t.includes("this tab only") && t.includes("in use")));
  await context.close();
});

test("a failing panel shows its own error beside the other panel's servers", async () => {
  const context = await browser.newContext();
  const page = await problemPage(context);
  await addPanel(page, home, ALICE, "Home host");
  await addPanel(page, away, CAROL_OTHER, "Away host");
  await page.click("button.segment:has-text('All panels')");
  await page.waitForFunction(() => document.querySelectorAll(".server-row").length === 7);
  // The away panel starts answering 500s.
  await fetch(`${away}/__sandbox/faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ server_error: true }) });
  await page.reload();
  await page.click("button.segment:has-text('All panels')");
  const error = await page.waitForSelector(".panel-error");
  assert.match(await error.textContent(), /Away host/);
  await page.waitForFunction(() => document.querySelectorAll(".server-row").length === 6);
  assert.ok((await rows(page)).every(([, tag]) => tag === "Home host"));
  await fetch(`${away}/__sandbox/faults`, { method: "DELETE" });
  await context.close();
});
