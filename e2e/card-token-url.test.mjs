// <ptero-server-card token-url="…">: the card fetches its hand-off token from the hosting
// site (once for all cards naming that URL) and renews its session before it expires.
// The origin here hands out 4-second sessions, so a renewal happens within the test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, problemPage } from "./lib/browser.mjs";
import { startStack } from "./lib/stack.mjs";

const RUNNING = "1a7c3f02";
const OFFLINE = "2b8d4e13";
const SESSION_SECS = 4;
const pages = new URL("./fixtures/host/", import.meta.url).pathname;

let stack, browser;
before(async () => {
  stack = await startStack({ pages, originEnv: { PTERO_ORIGIN__SESSION__TTL_SECS: String(SESSION_SECS) } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

test("cards with a token-url share one token fetch and renew their session before it expires", async () => {
  const page = await problemPage(browser);
  await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  await page.waitForFunction(() => customElements.get("ptero-server-card"));
  const before = stack.host.counters.tokens;
  await page.evaluate(({ origin, servers }) => {
    for (const server of servers) {
      const card = document.createElement("ptero-server-card");
      card.setAttribute("origin", origin);
      card.setAttribute("server", server);
      card.setAttribute("token-url", `/token?servers=${servers.join(",")}&actions=start,stop`);
      document.getElementById("cards").append(card);
    }
  }, { origin: stack.origin, servers: [RUNNING, OFFLINE] });

  const ready = (s) => `document.querySelector("ptero-server-card[server='${s}']")?.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent`;
  await page.waitForFunction(`${ready(RUNNING)} && ${ready(OFFLINE)}`, null, { timeout: 15000 });
  assert.equal(stack.host.counters.tokens - before, 1, "two cards, one token fetch");
  assert.deepEqual(await page.evaluate(() => { const { mounted, streams, sessions } = customElements.get("ptero-server-card").stats(); return { mounted, streams, sessions }; }), { mounted: 2, streams: 1, sessions: 1 });

  // Past the first session's lifetime: renewed once (3 s = ¾ of 4), still live, still one
  // stream, and the spent session let go (one held, not one per renewal).
  await page.waitForTimeout((SESSION_SECS + 1.5) * 1000);
  assert.ok(stack.host.counters.tokens - before >= 2, `a fresh token was fetched (${stack.host.counters.tokens - before})`);
  await page.waitForFunction(`${ready(RUNNING)} && ${ready(OFFLINE)}`, null, { timeout: 5000 });
  const errors = await page.evaluate(() => window.events.filter((e) => e.name === "ptero-error" || e.name === "ptero-session-expired"));
  assert.deepEqual(errors, [], "no session expiry reached the page");
  assert.deepEqual(await page.evaluate(() => { const { mounted, streams, sessions } = customElements.get("ptero-server-card").stats(); return { mounted, streams, sessions }; }), { mounted: 2, streams: 1, sessions: 1 });

  // And the renewed session works: a power signal is accepted.
  const outcome = await page.evaluate(async (s) => {
    const card = document.querySelector(`ptero-server-card[server='${s}']`);
    const done = new Promise((ok) => card.addEventListener("ptero-power", (e) => ok(e.detail.outcome), { once: true }));
    card.power("start");
    return done;
  }, OFFLINE);
  assert.equal(outcome, "accepted");
  await page.close();
});

test("when a renewal fails the card says why, and power() answers false with ptero-error (no trap)", async () => {
  const page = await problemPage(browser);
  await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  await page.waitForFunction(() => customElements.get("ptero-server-card"));
  // The hosting site hands out one token, then refuses (its viewer signed out).
  await page.evaluate(({ origin, server }) => {
    const card = document.createElement("ptero-server-card");
    card.setAttribute("origin", origin);
    card.setAttribute("server", server);
    card.setAttribute("token-url", `/token?servers=${server}&actions=start,stop&once=renewal-${Date.now()}`);
    document.getElementById("cards").append(card);
  }, { origin: stack.origin, server: OFFLINE });
  await page.waitForSelector("ptero-server-card[state]:not([state=error])", { timeout: 15000 });
  assert.equal(await page.evaluate(() => document.querySelector("ptero-server-card").power("stop")), true, "live: power goes");
  await page.waitForFunction(() => window.events.some((e) => e.name === "ptero-error" && e.detail.code === "token_unavailable"), null, { timeout: (SESSION_SECS + 3) * 1000 });
  const result = await page.evaluate(() => {
    const card = document.querySelector("ptero-server-card");
    const errors = [];
    card.addEventListener("ptero-error", (e) => errors.push(e.detail.code));
    const answer = card.power("start");
    return { answer, errors, stats: customElements.get("ptero-server-card").stats(), text: card.shadowRoot.textContent };
  });
  assert.equal(result.answer, false);
  assert.deepEqual(result.errors, ["not_connected"]);
  assert.equal(result.stats.stopped, undefined, "the wasm did not trap");
  assert.match(result.text, /token URL answered 403/);
  await page.close();
});
