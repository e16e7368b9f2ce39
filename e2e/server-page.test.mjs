// The server page's overview and terminal (the manager bundle, loaded on demand) against
// the sandbox in headless Chromium: the bundle is not in the first load; time-series
// charts of CPU, memory and network fill from Wings' per-second stats with a text
// alternative and stay readable at 360 px; the at-a-glance facts; the terminal pane
// (fixed height, ANSI colours, stick-to-bottom, search, copy).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./lib/browser.mjs";
import { ALICE, ALICE_PTERODACTYL, RUNNING, openServer, openTab, serveApp, startSandbox } from "./lib/manager.mjs";

let browser, app, sandbox;

before(async () => {
  app = await serveApp();
  sandbox = await startSandbox(app);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  sandbox?.close();
});

test("the server page's bundle loads only when a server page opens", async () => {
  const page = await browser.newPage();
  const manager = [];
  page.on("request", (req) => { if (req.url().includes("ptero-manager-")) manager.push(req.url()); });
  await page.goto(`${app.url}/connect`);
  await page.fill("#panel-url", sandbox.url);
  await page.fill("#api-key", ALICE);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=server-list]");
  assert.deepEqual(manager, [], "connect and the list load without it");
  await page.click(`.server-row[data-identifier='${RUNNING}'] a`);
  await page.waitForSelector(`.server-page[data-identifier='${RUNNING}']`);
  assert.ok(manager.some((u) => u.endsWith(".js")) && manager.some((u) => u.endsWith(".wasm")), manager.join(" "));
  // Back to the list and in again: the page comes back without loading it twice.
  await page.click("nav.back a");
  await page.waitForSelector("[data-testid=server-list]");
  await page.click(`.server-row[data-identifier='${RUNNING}'] a`);
  await page.waitForSelector(`.server-page[data-identifier='${RUNNING}'] .chart`);
  assert.equal(manager.filter((u) => u.endsWith(".js")).length, 1);
});

test("charts: CPU, memory and network fill each second from the socket, with a text alternative", async () => {
  const page = await openServer(browser, { app: app.url, panel: sandbox.url });
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
  for (const chart of ["cpu", "memory", "network"]) {
    await page.waitForSelector(`.chart[data-chart=${chart}] polyline.trace[points*=","]`);
  }
  // At 1 Hz: after ~4 s there are several points, no more than the seconds elapsed + 1.
  const count = () => page.$eval(".chart[data-chart=cpu] polyline.trace", (el) => el.getAttribute("points").trim().split(" ").length);
  const first = await count();
  await page.waitForTimeout(4000);
  const later = await count();
  assert.ok(later >= first + 2 && later <= first + 6, `${first} → ${later} points in 4 s`);
  // The network chart has two lines (in and out) and a legend; gridlines in every chart.
  assert.equal(await page.locator(".chart[data-chart=network] polyline.trace").count(), 2);
  assert.equal(await page.locator(".chart[data-chart=cpu] line.grid").count(), 4);
  assert.match(await page.textContent(".chart[data-chart=memory] [data-testid=chart-now]"), /\d.*(B|iB)\b.*of/);
  // The text alternative says the same in words.
  const summary = await page.textContent(".chart[data-chart=cpu] figcaption");
  assert.match(summary, /CPU over the last 60 seconds\. CPU: now [\d.]+%, average [\d.]+%, peak [\d.]+%/);
  const network = await page.textContent(".chart[data-chart=network] figcaption");
  assert.match(network, /In: now .*; Out: now /);
  const described = await page.getAttribute(".chart[data-chart=cpu]", "aria-describedby");
  assert.equal(await page.locator(`#${described}`).count(), 1);
  // Empty charts (before the first second) draw nothing rather than bad SVG.
  assert.deepEqual(page.problems, []);
});

test("at a glance: address with copy, uptime, CPU / memory / disk against limits, network in and out", async () => {
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await openServer(await contextBrowser(context), { app: app.url, panel: sandbox.url });
  const address = (await page.textContent("[data-testid=glance-address] code")).trim();
  assert.match(address, /^[\w.-]+:\d+$/);
  await page.click("[data-testid=glance-address] button");
  await page.waitForSelector("[data-testid=glance-address] button:has-text('Copied')");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), address);
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
  await page.waitForFunction(() => !/Offline/.test(document.querySelector("[data-testid=glance-uptime]")?.textContent ?? "Offline"));
  const meters = await page.locator(".glance-meters").textContent();
  assert.match(meters, /CPU/);
  assert.match(meters, /Memory[\s\S]*\/|of/);
  assert.match(meters, /Disk/);
  await page.waitForFunction(() => /↓.*\d[\s\S]*↑.*\d/.test(document.querySelector("[data-testid=glance-network]")?.textContent ?? ""));
  await context.close();
});

// A browser-like object whose newPage opens in `context` (openServer takes a browser).
async function contextBrowser(context) {
  return { newPage: () => context.newPage() };
}

test("readable at 360 px: nothing overflows sideways and the charts fit", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await openServer(await contextBrowser(context), { app: app.url, panel: sandbox.url });
  await page.waitForSelector(".chart[data-chart=network]");
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    charts: [...document.querySelectorAll(".chart")].map((c) => c.getBoundingClientRect().width),
  }));
  assert.ok(widths.page <= 360, `page is ${widths.page}px wide`);
  assert.ok(widths.charts.every((w) => w > 250 && w <= 360), widths.charts.join(","));
  await context.close();
});

test("terminal: a fixed-height dark monospace pane with ANSI colours; the page does not grow", async () => {
  const page = await openServer(browser, { app: app.url, panel: sandbox.url });
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
  await page.waitForSelector(".term-line");
  const pane = page.locator("[data-testid=term-pane]");
  assert.match(await pane.evaluate((el) => getComputedStyle(el).fontFamily), /mono/i);
  const before = await page.evaluate(() => document.documentElement.scrollHeight);
  const height = await pane.evaluate((el) => el.clientHeight);
  for (let n = 0; n < 9; n++) {
    await page.fill("#console-command", `say line-${n}`);
    await page.press("#console-command", "Enter");
  }
  await page.waitForSelector(".term-line:has-text('line-8')");
  // A restart writes the daemon's coloured lines.
  await page.click("button[data-signal=restart]");
  await page.waitForSelector(".term-line span.ansi-fg-3", { timeout: 15000 });
  assert.equal(await pane.evaluate((el) => el.clientHeight), height, "the pane keeps its height");
  assert.equal(await page.evaluate(() => document.documentElement.scrollHeight), before, "the page does not grow");
  // Stuck to the bottom while new lines arrive.
  assert.ok(await pane.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 4));
  // Light theme or dark, the pane is dark.
  const background = await pane.evaluate((el) => getComputedStyle(el.closest(".terminal")).backgroundColor);
  const [r, g, b] = background.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 150, background);
});

test("terminal: scrolled up it stays put and offers the newest line; search and copy", async () => {
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await openServer(await contextBrowser(context), { app: app.url, panel: sandbox.url });
  await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
  for (let n = 0; n < 10; n++) {
    await page.fill("#console-command", `say fill-${n} ${"x".repeat(40)}`);
    await page.press("#console-command", "Enter");
  }
  await page.waitForSelector(".term-line:has-text('fill-9')");
  const pane = page.locator("[data-testid=term-pane]");
  await pane.evaluate((el) => { el.style.height = "6rem"; el.scrollTop = 0; el.dispatchEvent(new Event("scroll")); });
  await page.waitForSelector(".term-latest");
  await page.waitForTimeout(1200); // new lines come in (commands wait their turn under Wings' throttle)
  await page.fill("#console-command", "say while-scrolled-up");
  await page.press("#console-command", "Enter");
  await page.waitForSelector(".term-line:has-text('while-scrolled-up')");
  assert.equal(await pane.evaluate((el) => el.scrollTop), 0, "not pulled down");
  await page.click(".term-latest");
  assert.ok(await pane.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 4));
  // Search marks the matches and counts them.
  await page.fill("#term-search", "FILL-");
  await page.waitForSelector("[data-testid=term-count]:has-text('of')");
  const matched = await page.locator(".term-line.match").count();
  assert.ok(matched >= 10, `${matched} matches`);
  assert.equal(await page.locator(".term-line.current").count(), 1);
  await page.fill("#term-search", "no-such-text");
  await page.waitForSelector("[data-testid=term-count]:has-text('No matches')");
  // Copy: the scrollback as plain text (no escape codes).
  await page.click("[data-testid=term-copy]");
  await page.waitForSelector("[data-testid=term-copy]:has-text('Copied')");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /fill-9/);
  assert.ok(!copied.includes("\u001b"), "no escape codes");
  await context.close();
});

test("terminal: the scrollback is bounded (1,000 lines): the oldest go, the pane keeps its size", async () => {
  // Pterodactyl 1.11's Wings does not throttle commands, so 1,100 arrive in seconds.
  const own = await startSandbox(app, ["--flavor", "pterodactyl-1.11"], "sandbox (1.11)");
  try {
    const page = await openServer(browser, { app: app.url, panel: own.url, key: ALICE_PTERODACTYL });
    await page.waitForSelector(".link-status[data-link=live]", { timeout: 15000 });
    const height = await page.locator("[data-testid=term-pane]").evaluate((el) => el.clientHeight);
    await page.evaluate(() => {
      const input = document.querySelector("#console-command");
      for (let n = 0; n < 1100; n++) {
        input.value = `say bounded-${n}`;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.form.requestSubmit();
      }
    });
    await page.waitForSelector(".term-line:has-text('bounded-1099')", { timeout: 30000 });
    const lines = await page.locator(".term-line").count();
    assert.ok(lines <= 1000 && lines >= 990, `${lines} lines kept`);
    const oldest = await page.$$eval(".term-line", (rows) => rows.some((r) => / bounded-0$/.test(r.textContent)));
    assert.equal(oldest, false, "the oldest lines are gone");
    assert.equal(await page.locator("[data-testid=term-pane]").evaluate((el) => el.clientHeight), height);
  } finally {
    own.close();
  }
});
