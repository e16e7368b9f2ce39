// The standalone app (release build) against the sandbox panel over real HTTP, in
// headless Chromium: the connect screen's diagnoses and the server list.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { freePort, startProcess, stop } from "./lib/procs.mjs";

const ALICE = "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK";
const APPLICATION = "ptla_SbxApplic01ApplicSecret123456789ABCDEFGHIJK";
const bin = (name) => new URL(`../target/debug/${name}`, import.meta.url).pathname;

let browser, app, sandbox, panel, blockedPanel, blockedSandbox;

before(async () => {
  app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
  const port = await freePort();
  panel = `http://127.0.0.1:${port}`;
  sandbox = await startProcess("sandbox", bin("ptero-sandbox"), ["--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--resources-cache-secs", "0"], {
    readyUrl: `${panel}/api/client`,
  });
  // A second panel whose CORS does not allow the app (the default of real panels).
  const other = await freePort();
  blockedPanel = `http://127.0.0.1:${other}`;
  blockedSandbox = await startProcess("sandbox (no CORS)", bin("ptero-sandbox"), ["--listen", `127.0.0.1:${other}`], {
    readyUrl: `${blockedPanel}/api/client`,
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  stop(sandbox);
  stop(blockedSandbox);
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
  assert.match(await page.textContent("#api-key-hint"), /ptlc_/);
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
  // The key stays in sessionStorage by default, never localStorage.
  const stored = await page.evaluate(() => [sessionStorage.length, localStorage.length]);
  assert.deepEqual(stored, [1, 0]);
});
