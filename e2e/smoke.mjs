// Release-build smoke test: serves dist/ (app) and dist/card (card) and loads both in
// headless Chromium. A broken wasm-opt reports success yet writes a wasm that fails at
// load, so "it built" proves nothing: the page must render real content with no error.
//
// usage: node e2e/smoke.mjs <dist-dir>
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";

const dist = process.argv[2] ?? "dist";
const fixtures = new URL("./fixtures/", import.meta.url).pathname;
const server = await serveStatic({ "/fixtures/": fixtures, "/": dist }, { spaFallback: `${dist}/index.html` });
const browser = await launch();

test.after(async () => {
  await browser.close();
  await server.close();
});

test("release app renders its shell without console errors", async () => {
  const page = await problemPage(browser);
  await page.goto(`${server.url}/`);
  // Signed out, the app routes to its connect screen.
  await page.waitForSelector("#connect-title", { timeout: 15000 });
  assert.equal(await page.textContent("#connect-title"), "Connect to your panel");
  assert.equal(new URL(page.url()).pathname, "/connect");
  assert.deepEqual(page.problems, []);
});

test("release card defines <ptero-server-card> and renders into its shadow root", async () => {
  const page = await problemPage(browser);
  await page.goto(`${server.url}/fixtures/card-smoke.html`);
  // Without origin/token attributes the card renders its configuration error.
  const text = await page.waitForFunction(
    () => document.querySelector("ptero-server-card")?.shadowRoot?.querySelector("[data-error-code=bad_attributes]")?.textContent,
    null,
    { timeout: 15000 },
  );
  assert.match(await text.jsonValue(), /needs an origin/);
  assert.ok(await page.evaluate(() => customElements.get("ptero-server-card") !== undefined));
  assert.deepEqual(page.problems, []);
});
