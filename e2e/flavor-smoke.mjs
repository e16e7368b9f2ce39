// The smoke subset run against each other panel flavour (PTERO_E2E_FLAVOR =
// pterodactyl-1.11 or pelican; `cargo xtask test e2e` runs it for both, the full suites
// run against 1.12): the app straight on the panel (its keys, the Wings socket) and a
// card through the origin (session, stream, the origin's console relay).
//
// usage: PTERO_E2E_FLAVOR=pelican node --test e2e/flavor-smoke.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { FLAVOR, flavorKey } from "./lib/flavor.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { startStack } from "./lib/stack.mjs";

const RUNNING = "1a7c3f02";
const ALICE = flavorKey("ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK");
const pages = new URL("./fixtures/host/", import.meta.url).pathname;

let stack, app, browser;
before(async () => {
  app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
  stack = await startStack({ pages, sandboxArgs: ["--cors-origin", app.url, "--node-allowed-origin", app.url] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.close();
  await app?.close();
});

test(`${FLAVOR}: the app signs in with the panel's own key and goes live on the Wings socket`, async () => {
  const page = await problemPage(browser);
  await page.goto(`${app.url}/connect`);
  await page.fill("#panel-url", stack.panel);
  await page.fill("#api-key", ALICE);
  await page.click("button[type=submit]");
  await page.waitForSelector(`.server-row[data-identifier='${RUNNING}']`, { timeout: 15000 });
  await page.click(`.server-row[data-identifier='${RUNNING}'] a`);
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
  await page.fill("#console-command", `say smoke-${FLAVOR}`);
  await page.press("#console-command", "Enter");
  await page.waitForSelector(`.term-line:has-text('smoke-${FLAVOR}')`, { timeout: 10000 });
});

test(`${FLAVOR}: a card through the origin shows live data`, async () => {
  const page = await problemPage(browser);
  await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  await page.waitForFunction(() => customElements.get("ptero-server-card") && window.addCards);
  await page.evaluate((s) => window.addCards(s), [RUNNING]);
  const name = await page.waitForFunction(
    (s) => document.querySelector(`ptero-server-card[server='${s}']`)?.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent,
    RUNNING,
    { timeout: 15000 },
  );
  assert.equal(await name.jsonValue(), "Survival");
  assert.deepEqual(page.problems, []);
});
