// Screenshots of every screen of the app for docs/app.md, light and dark at 1280 px and
// the list at 360 px: the connect screen, the server list, a server's page and each of
// its sections (whatever tabs the page offers). Saved under e2e/artefacts/screenshots/
// as app-*.png; docs/screenshots/ holds the copies the docs show (refresh them with
// `cp e2e/artefacts/screenshots/app-*.png docs/screenshots/`). Each screen must render
// something (no blank page) and leave no console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { FLAVOR, flavorKey } from "./lib/flavor.mjs";
import { freePort, startProcess, stop } from "./lib/procs.mjs";

const ALICE = flavorKey("ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK");
const RUNNING = "1a7c3f02";
const shots = new URL("./artefacts/screenshots/", import.meta.url).pathname;
const bin = (name) => new URL(`../target/debug/${name}`, import.meta.url).pathname;

let browser, app, sandbox, panel;

before(async () => {
  app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
  const port = await freePort();
  panel = `http://127.0.0.1:${port}`;
  sandbox = await startProcess("sandbox", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--node-allowed-origin", app.url,
    "--flavor", FLAVOR, "--websocket-token-limit", "0",
  ], { readyUrl: `${panel}/api/client` });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  stop(sandbox);
});

async function signedIn(scheme, width = 1280) {
  const page = await problemPage(browser);
  await page.setViewportSize({ width, height: 860 });
  await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
  await page.goto(`${app.url}/connect`);
  await page.fill("#panel-url", panel);
  await page.fill("#api-key", ALICE);
  const size = width === 1280 ? "" : `-${width}px`;
  await page.screenshot({ path: `${shots}app-connect-${scheme}${size}.png` });
  await page.click("button[type=submit]");
  await page.waitForSelector(`.server-row[data-identifier='${RUNNING}']`, { timeout: 15000 });
  return page;
}

/** Some text is on screen: the app rendered, not a blank page. */
async function rendered(page, what) {
  const text = await page.evaluate(() => document.body.innerText.trim().length);
  assert.ok(text > 40, `${what} shows something (${text} characters)`);
}

for (const scheme of ["light", "dark"]) {
  test(`${scheme}: connect, the server list, a server's page and each of its sections`, async () => {
    const page = await signedIn(scheme);
    await page.waitForTimeout(1500); // live states and meters in
    await rendered(page, "the server list");
    await page.screenshot({ path: `${shots}app-servers-${scheme}.png`, fullPage: true });
    await page.click(`.server-row[data-identifier='${RUNNING}'] a`);
    await page.waitForLoadState("networkidle").catch(() => {});
    await page.waitForTimeout(3000); // the socket's first samples
    await rendered(page, "the server page");
    await page.screenshot({ path: `${shots}app-server-${scheme}.png`, fullPage: true });
    const tabs = await page.$$eval("[role=tab]", (tabs) => tabs.map((t) => t.textContent.trim()));
    assert.ok(tabs.length > 0, "the server page has sections");
    for (const [index, label] of tabs.entries()) {
      await page.locator("[role=tab]").nth(index).click();
      await page.waitForTimeout(1200);
      await rendered(page, `the ${label} section`);
      const name = label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
      await page.screenshot({ path: `${shots}app-server-${name}-${scheme}.png`, fullPage: true });
    }
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}

test("the server list at 360 px", async () => {
  const page = await signedIn("light", 360);
  await page.waitForTimeout(1500);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`);
  await page.screenshot({ path: `${shots}app-servers-360px.png`, fullPage: true });
  await page.close();
});
