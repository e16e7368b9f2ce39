// <ptero-server-card> (release build) on a hosting page of its own origin, talking only
// to ptero-origin, which talks to the sandbox panel: real sockets, headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { startHost } from "./lib/host.mjs";
import { startStack, SITE_SECRET } from "./lib/stack.mjs";

const RUNNING = "1a7c3f02";
const OFFLINE = "2b8d4e13";
const SHARED = "70d2d368";
const SUSPENDED = "4dafa035";
const pages = new URL("./fixtures/host/", import.meta.url).pathname;

let stack, browser;
before(async () => {
  stack = await startStack({ pages });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

async function cardPage(hostUrl = stack.host.url) {
  const page = await problemPage(browser);
  page.requestsSeen = [];
  page.on("request", (r) => page.requestsSeen.push(r));
  await page.goto(`${hostUrl}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  await page.waitForFunction(() => customElements.get("ptero-server-card") && window.addCards);
  return page;
}

const cardText = (page, server) =>
  page.evaluate((s) => document.querySelector(`ptero-server-card[server='${s}']`)?.shadowRoot?.textContent ?? "", server);

async function waitReady(page, server) {
  await page.waitForFunction(
    (s) => document.querySelector(`ptero-server-card[server='${s}']`)?.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent,
    server,
    { timeout: 15000 },
  );
}

test("cards show live data and share one session exchange and one stream", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(s), [RUNNING, OFFLINE, SHARED]);
  for (const s of [RUNNING, OFFLINE, SHARED]) await waitReady(page, s);
  assert.match(await cardText(page, RUNNING), /Survival/);
  await page.waitForFunction(() => window.events.filter((e) => e.name === "ptero-ready").length === 3);
  const urls = page.requestsSeen.map((r) => new URL(r.url()).pathname);
  assert.equal(urls.filter((p) => p === "/v1/session").length, 1, urls.join("\n"));
  assert.equal(urls.filter((p) => p === "/v1/stream").length, 1, urls.join("\n"));
  assert.deepEqual(page.problems, []);
});

test("no ptlc_/ptla_ key ever reaches the page, its requests or its storage", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(s), [RUNNING, SHARED]);
  await waitReady(page, RUNNING);
  await new Promise((ok) => setTimeout(ok, 1500)); // let a few stream events arrive
  const seen = [];
  for (const r of page.requestsSeen) {
    seen.push(r.url(), JSON.stringify(await r.allHeaders()), r.postData() ?? "");
    const response = await r.response().catch(() => null);
    if (response && !r.url().includes("/v1/stream") && !r.url().endsWith(".wasm")) seen.push(await response.text().catch(() => ""));
  }
  seen.push(await page.content());
  seen.push(await page.evaluate(() => [...document.querySelectorAll("ptero-server-card")].map((c) => c.shadowRoot.innerHTML).join("")));
  seen.push(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie));
  const leaks = seen.filter((text) => /(ptl[ac]|pacc|papp)_/.test(text));
  assert.deepEqual(leaks, []);
});

test("power: start on an offline card reports ptero-power and follows the state", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(s), [OFFLINE]);
  await waitReady(page, OFFLINE);
  await page.click(`ptero-server-card[server='${OFFLINE}'] button[data-signal=start]`);
  await page.waitForFunction(() => window.events.some((e) => e.name === "ptero-power" && e.detail.signal === "start" && e.detail.outcome === "accepted"));
  await page.waitForFunction(
    () => window.events.some((e) => e.name === "ptero-state-change" && e.detail.old === "offline"),
    null,
    { timeout: 15000 },
  );
});

test("a card may only do what its token grants", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(s, { actions: "start" }), [RUNNING]);
  await waitReady(page, RUNNING);
  const signals = await page.$$eval(`ptero-server-card[server='${RUNNING}'] button[data-signal]`, (b) => b.map((x) => x.dataset.signal));
  assert.deepEqual(signals, ["start"]);
  assert.equal(await page.evaluate((s) => document.querySelector(`ptero-server-card[server='${s}']`).power("kill"), RUNNING), false);
});

test("an expired hand-off token renders an explanation and fires ptero-error and ptero-session-expired", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(s, { lifetime: -120 }), [SUSPENDED]);
  await page.waitForFunction(() => window.events.some((e) => e.name === "ptero-session-expired"), null, { timeout: 10000 });
  const codes = await page.evaluate(() => window.events.filter((e) => e.name === "ptero-error").map((e) => e.detail.code));
  assert.ok(codes.includes("token_expired"), codes.join(","));
  assert.match(await cardText(page, SUSPENDED), /expire/i);
});

test("a page whose origin is not allowed gets an explanation, not a blank card", async () => {
  const stranger = await startHost({ root: pages, site: "e2e", secret: SITE_SECRET, audience: stack.origin });
  try {
    const page = await cardPage(stranger.url);
    await page.evaluate((s) => window.addCards(s), [RUNNING]);
    await page.waitForFunction(() => window.events.some((e) => e.name === "ptero-error"), null, { timeout: 10000 });
    const text = await cardText(page, RUNNING);
    assert.match(text, /allowed|reach/i, text);
  } finally {
    await stranger.close();
  }
});

test("adding and removing 100 cards leaves nothing mounted and no stream open", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(Array(100).fill(s[0])), [RUNNING]);
  await page.waitForFunction(() => customElements.get("ptero-server-card").stats().streams === 1, null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => customElements.get("ptero-server-card").stats().mounted), 100);
  await page.evaluate(() => document.getElementById("cards").replaceChildren());
  await page.waitForFunction(() => {
    const s = customElements.get("ptero-server-card").stats();
    return s.mounted === 0 && s.streams === 0;
  });
  // Re-adding works.
  await page.evaluate((s) => window.addCards(s), [RUNNING]);
  await waitReady(page, RUNNING);
});

test("a suspended server's card shows its badge and offers no power", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(s), [SUSPENDED]);
  await waitReady(page, SUSPENDED);
  await page.waitForSelector(`ptero-server-card[server='${SUSPENDED}'] [data-state=suspended]`);
  const enabled = await page.$$eval(`ptero-server-card[server='${SUSPENDED}'] button[data-signal]`, (b) => b.filter((x) => !x.disabled).length);
  assert.equal(enabled, 0);
});

test("Open in panel signs the viewer into the panel in a new tab, through a one-time page", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(s), [RUNNING]);
  await waitReady(page, RUNNING);
  const oneTimeUrls = [];
  page.context().on("request", (r) => r.url().includes("/sso/") && oneTimeUrls.push(r.url()));
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    page.evaluate(
      (s) => document.querySelector(`ptero-server-card[server='${s}']`).shadowRoot.querySelector("[part=sso-button]").click(),
      RUNNING,
    ),
  ]);
  // The one-time page asks first (a link preview spends nothing), then posts the token to
  // the panel, which signs Alice in.
  await tab.waitForSelector("text=Sign in to the panel?");
  assert.ok((await tab.textContent("#who")).includes("alice@example.com"));
  await tab.click("button[type=submit]");
  await tab.waitForURL((url) => url.origin === stack.panel, { timeout: 15000 });
  await tab.waitForFunction(() => document.body?.textContent?.includes("alice"), null, { timeout: 15000 });
  assert.equal(await tab.evaluate(() => window.opener), null, "the panel tab cannot reach the hosting page");
  // The hosting page never saw the SSO token, and the one-time URL is spent.
  const ticketUrl = (await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name)))
    .find((u) => u.endsWith("/sso"));
  assert.ok(ticketUrl, "the card asked the origin for a ticket");
  const seen = await page.evaluate(() => JSON.stringify(window.events) + document.documentElement.outerHTML);
  assert.ok(!seen.includes("pteroca_sso_token"));
  assert.equal(new Set(oneTimeUrls).size, 1, oneTimeUrls.join(" "));
  assert.ok(oneTimeUrls[0].startsWith(`${stack.origin}/sso/`), oneTimeUrls[0]);
  const replay = await fetch(oneTimeUrls[0]);
  assert.equal(replay.status, 410, "a spent one-time URL is refused");
  assert.ok(!(await replay.text()).includes("pteroca_sso_token"));
  await tab.close();
  await page.close();
});

test("changing server or token at run time re-targets the card without a reload", async () => {
  const page = await cardPage();
  await page.evaluate((s) => window.addCards(s), [RUNNING]);
  await waitReady(page, RUNNING);
  const name = () => page.evaluate(() => document.querySelector("ptero-server-card").shadowRoot.querySelector("[data-testid=card-ready] .name")?.textContent ?? "");
  const shown = () => page.evaluate(() => document.querySelector("ptero-server-card").shadowRoot.querySelector("[data-testid=card-ready]")?.dataset.server);
  const first = await name();

  // A new token granting another server, then the property: the card follows both.
  await page.evaluate(async (other) => {
    const { token } = await (await fetch(`/token?servers=${other}&actions=start`)).json();
    const card = document.querySelector("ptero-server-card");
    card.token = token;
    card.server = other;
  }, OFFLINE);
  await page.waitForFunction((s) => document.querySelector("ptero-server-card").shadowRoot.querySelector("[data-testid=card-ready]")?.dataset.server === s, OFFLINE, { timeout: 15000 });
  assert.equal(await shown(), OFFLINE);
  assert.notEqual(await name(), first);
  assert.equal(await page.evaluate(() => document.querySelector("ptero-server-card").getAttribute("server")), OFFLINE, "property reflected");
  // Still one card mounted and one stream, and the page never reloaded. Both tokens' sessions
  // are kept: each token is single-use, so a card given the first one again reuses its session.
  assert.deepEqual(await page.evaluate(() => { const { mounted, streams, sessions } = customElements.get("ptero-server-card").stats(); return { mounted, streams, sessions }; }), { mounted: 1, streams: 1, sessions: 2 });
  // The old session's stream is closed on purpose (ERR_ABORTED); nothing else went wrong.
  assert.deepEqual(page.problems.filter((p) => !p.includes("status of 4") && !/\/v1\/stream.*ERR_ABORTED/.test(p)), []);
  await page.close();
});
