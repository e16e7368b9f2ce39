// Accessibility and small screens, in headless Chromium at 360 px wide, light and dark:
// every control is named, text meets WCAG AA contrast, nothing overflows sideways, and
// the connect form is operable from the keyboard. The app and the card both.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { startStack } from "./lib/stack.mjs";
import { auditPage } from "./lib/a11y.mjs";

const ALICE = "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK";
const RUNNING = "1a7c3f02";
const OFFLINE = "2b8d4e13";
const SUSPENDED = "4dafa035";
const pages = new URL("./fixtures/host/", import.meta.url).pathname;
const SCHEMES = ["light", "dark"];

let browser, app, stack;
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

async function narrowPage(colorScheme) {
  const page = await problemPage(browser);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
  return page;
}

test("the connect form is operable by keyboard in order", async () => {
  const page = await narrowPage("light");
  await page.goto(`${app.url}/connect`);
  await page.waitForSelector("#panel-url");
  const order = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.localName));
  }
  const url = order.indexOf("panel-url");
  const key = order.indexOf("api-key");
  assert.ok(url >= 0 && key > url, `panel URL then key in tab order: ${order.join(" → ")}`);
  // Enter in the key field submits the form (no mouse needed).
  await page.fill("#panel-url", stack.panel);
  await page.fill("#api-key", ALICE);
  await page.press("#api-key", "Enter");
  await page.waitForSelector("[data-testid=server-list]");
  await page.close();
});

for (const scheme of SCHEMES) {
  test(`app at 360 px, ${scheme}: connect, list and server page pass the audit`, async () => {
    const page = await narrowPage(scheme);
    await page.goto(`${app.url}/connect`);
    await page.waitForSelector("#panel-url");
    assert.deepEqual(await page.evaluate(auditPage), [], "connect page");
    await page.fill("#panel-url", stack.panel);
    await page.fill("#api-key", ALICE);
    await page.click("button[type=submit]");
    await page.waitForSelector(`.server-row[data-identifier='${RUNNING}'] [data-state=running]`);
    assert.deepEqual(await page.evaluate(auditPage), [], "server list");
    await page.click(`.server-row[data-identifier='${RUNNING}'] a`);
    await page.waitForSelector(`.server-page[data-identifier='${RUNNING}']`);
    await page.waitForTimeout(500);
    assert.deepEqual(await page.evaluate(auditPage), [], "server page");
    // Each section of the server page, the editor and the open menus and forms too.
    for (const [tab, ready] of [["Files", ".file-table"], ["Backups", ".backup-list"], ["Startup", "#var-MAX_PLAYERS"], ["Settings", "[data-testid=sftp-link]"]]) {
      await page.click(`button[role=tab]:has-text('${tab}')`);
      await page.waitForSelector(ready);
      if (tab === "Files") {
        await page.check(".file-row[data-name='eula.txt'] input[type=checkbox]");
        await page.click(".file-row[data-name='ops.json'] summary");
        assert.deepEqual(await page.evaluate(auditPage), [], "files, a menu open, one selected");
        await page.click(".file-row[data-name='ops.json'] button[role=menuitem]:has-text('Permissions')");
        assert.deepEqual(await page.evaluate(auditPage), [], "files, a row's form");
        await page.click(".file-row[data-name='server.properties'] .file-name");
        await page.waitForSelector("[data-testid=editor] .mirror .code-line");
      }
      if (tab === "Backups") await page.click("details.create-backup summary");
      assert.deepEqual(await page.evaluate(auditPage), [], tab === "Files" ? "editor" : tab);
    }
    await page.close();
  });

  test(`card at 360 px, ${scheme} (theme auto): named controls, AA contrast, no overflow`, async () => {
    const page = await narrowPage(scheme);
    await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
    await page.waitForFunction(() => customElements.get("ptero-server-card") && window.addCards);
    await page.evaluate((servers) => window.addCards(servers, { attrs: { theme: "auto" } }), [RUNNING, OFFLINE, SUSPENDED]);
    await page.waitForFunction(
      (n) => [...document.querySelectorAll("ptero-server-card")].filter((c) => c.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent).length === n,
      3,
      { timeout: 15000 },
    );
    // The console pane open too, so its controls are audited.
    await page.evaluate(() => document.querySelectorAll("ptero-server-card").forEach((c) => c.shadowRoot.querySelector("details")?.setAttribute("open", "")));
    assert.deepEqual(await page.evaluate(auditPage), []);
    // State changes are announced: a polite live region carries the state.
    const live = await page.evaluate((s) => document.querySelector(`ptero-server-card[server='${s}']`).shadowRoot.querySelector("[aria-live=polite]")?.textContent, RUNNING);
    assert.match(live ?? "", /running/);
    // prefers-reduced-motion (emulated as "reduce"): the meters do not animate.
    const transition = await page.evaluate(() => getComputedStyle(document.querySelector("ptero-server-card").shadowRoot.querySelector(".meter-fill")).transitionDuration);
    assert.equal(transition, "0s");
    await page.close();
  });
}
