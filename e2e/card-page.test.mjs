// <ptero-server-card> on a real hosting page: many cards with one token each on one
// connection, the actions attribute narrowing the session for real, the element's
// contract (cancelable power request, reflected state), and every way power() can fail
// answering false with ptero-error instead of trapping the wasm.
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
  // 30 cards send power at once here. On 1.12's 256 client requests a minute the origin's
  // ceiling (half for everyone, a quarter for viewers' actions) refuses a few of them as
  // rate_limited, as it should (tests/limits.rs); this page is about the cards, so the
  // panel here allows what 1.11 allows.
  stack = await startStack({ pages, sandboxArgs: ["--rate-limit", "720"] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

/** A hosting page of the stack's site; `spy` records the card's requests as a page script can. */
async function hostPage({ spy = false, hostUrl = stack.host.url } = {}) {
  const page = await problemPage(browser);
  page.requestsSeen = [];
  page.on("request", (r) => page.requestsSeen.push(r));
  if (spy) {
    // Any script of the hosting page can wrap fetch before the card loads and read what
    // the card sends: the session is the page's, so the origin must enforce the grant.
    await page.addInitScript(() => {
      const original = window.fetch;
      window.spied = [];
      window.fetch = (url, init = {}) => {
        const headers = new Headers(init.headers);
        window.spied.push({ url: String(url), authorization: headers.get("authorization"), body: typeof init.body === "string" ? init.body : null });
        return original(url, init);
      };
    });
  }
  await page.goto(`${hostUrl}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  await page.waitForFunction(() => customElements.get("ptero-server-card") && window.addCards);
  return page;
}

const stats = (page) => page.evaluate(() => customElements.get("ptero-server-card").stats());
const readyCount = (page) =>
  page.evaluate(() => [...document.querySelectorAll("ptero-server-card")].filter((c) => c.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent).length);

/** Adds one card per entry of `servers`, each with a token of its own. */
async function addCardsWithOwnTokens(page, servers, actions = "start,stop,restart,kill") {
  return page.evaluate(async ({ servers, actions, origin }) => {
    const tokens = await Promise.all(servers.map(async (s) => (await (await fetch(`/token?servers=${s}&actions=${actions}`)).json()).token));
    const started = performance.now();
    servers.forEach((server, i) => {
      const card = document.createElement("ptero-server-card");
      card.setAttribute("origin", origin);
      card.setAttribute("server", server);
      card.setAttribute("token", tokens[i]);
      document.getElementById("cards").append(card);
    });
    return started;
  }, { servers, actions, origin: stack.origin });
}

test("30 cards with 30 tokens show live data within 2 s on one stream, and power works on each", async (t) => {
  const page = await hostPage();
  const servers = Array.from({ length: 30 }, (_, i) => [RUNNING, OFFLINE, SHARED][i % 3]);
  const started = await addCardsWithOwnTokens(page, servers);
  await page.waitForFunction((n) => [...document.querySelectorAll("ptero-server-card")].filter((c) => c.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent).length === n, 30, { timeout: 10000 });
  const elapsed = (await page.evaluate(() => performance.now())) - started;
  t.diagnostic(`all 30 cards live after ${elapsed.toFixed(0)} ms`);
  assert.ok(elapsed < 2000, `all 30 cards live after ${elapsed.toFixed(0)} ms`);
  const paths = page.requestsSeen.map((r) => new URL(r.url()).pathname);
  assert.equal(paths.filter((p) => p === "/v1/session").length, 30, "one exchange per token");
  // The stream opened once the exchanges were in, not once per card.
  const streams = paths.filter((p) => p === "/v1/stream").length;
  assert.ok(streams <= 2, `${streams} stream requests for one page load`);
  const s = await stats(page);
  assert.equal(s.streams, 1, "one live connection for every card and session");
  assert.equal(s.sessions, 30);
  // Every card's own session sends power.
  const outcomes = await page.evaluate(() => Promise.all([...document.querySelectorAll("ptero-server-card")].map((card) =>
    new Promise((ok) => {
      card.addEventListener("ptero-power", (e) => ok(e.detail.outcome), { once: true });
      if (!card.power("restart")) ok("refused");
    }))));
  assert.deepEqual(outcomes, Array(30).fill("accepted"));
  assert.deepEqual(page.problems.filter((p) => !/\/v1\/stream.*ERR_ABORTED/.test(p)), []);
  await page.close();
});

test("cards sharing a token exchange the union of their actions; each shows only its own; a page script cannot use the rest", async () => {
  const page = await hostPage({ spy: true });
  await page.evaluate(async ({ origin, running }) => {
    const { token } = await (await fetch(`/token?servers=${running}&actions=start,stop,restart,kill,console`)).json();
    for (const actions of ["start", "stop"]) {
      const card = document.createElement("ptero-server-card");
      Object.assign(card, { origin, server: running, token, actions });
      card.id = `card-${actions}`;
      document.getElementById("cards").append(card);
    }
  }, { origin: stack.origin, running: RUNNING });
  await page.waitForFunction(() => document.querySelectorAll("ptero-server-card").length === 2 && [...document.querySelectorAll("ptero-server-card")].every((c) => c.shadowRoot.querySelector("[data-testid=card-ready] .name")?.textContent));
  const buttons = (id) => page.$$eval(`#${id} button[data-signal]`, (b) => b.map((x) => x.dataset.signal));
  assert.deepEqual(await buttons("card-start"), ["start"]);
  assert.deepEqual(await buttons("card-stop"), ["stop"]);
  assert.equal(await page.evaluate(() => document.getElementById("card-start").power("stop")), false, "not this card's action");

  const spied = await page.evaluate(() => window.spied);
  const exchanges = spied.filter((r) => r.url.endsWith("/v1/session"));
  assert.equal(exchanges.length, 1, "one exchange for the shared token");
  assert.deepEqual(JSON.parse(exchanges[0].body).actions.sort(), ["start", "stop"]);
  // The session the page can read grants only that union: the origin refuses the rest.
  const session = JSON.parse(spied.find((r) => r.url.endsWith("/v1/stream")).body).sessions[0].session;
  const attempt = await page.evaluate(async ({ origin, running, session }) => {
    const answer = await fetch(`${origin}/v1/servers/${running}/power`, {
      method: "POST",
      headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
      body: JSON.stringify({ signal: "kill" }),
    });
    return { status: answer.status, code: (await answer.json()).error.code };
  }, { origin: stack.origin, running: RUNNING, session });
  assert.deepEqual(attempt, { status: 403, code: "action_not_allowed" });
  await page.close();
});

test("a card without an actions attribute asks for everything its token grants", async () => {
  const page = await hostPage({ spy: true });
  await page.evaluate(async ({ origin, running }) => {
    const { token } = await (await fetch(`/token?servers=${running}&actions=start,kill`)).json();
    for (const actions of ["start", null]) {
      const card = document.createElement("ptero-server-card");
      Object.assign(card, { origin, server: running, token });
      if (actions) card.actions = actions;
      document.getElementById("cards").append(card);
    }
  }, { origin: stack.origin, running: RUNNING });
  await page.waitForFunction(() => [...document.querySelectorAll("ptero-server-card")].filter((c) => c.shadowRoot.querySelector("[data-testid=card-ready]")).length === 2);
  const body = JSON.parse((await page.evaluate(() => window.spied)).find((r) => r.url.endsWith("/v1/session")).body);
  assert.equal(body.actions, undefined);
  const signals = await page.$$eval("ptero-server-card:not([actions]) button[data-signal]", (b) => b.map((x) => x.dataset.signal));
  assert.deepEqual(signals, ["start", "kill"]);
  await page.close();
});

test("ptero-power-request comes first and preventDefault() stops the signal; state is reflected", async () => {
  const page = await hostPage();
  await page.evaluate((s) => window.addCards(s), [OFFLINE]);
  await page.waitForSelector("ptero-server-card[state]:not([state=error])");
  // Earlier tests may have started it: the signal that moves it from where it is.
  const before = await page.getAttribute("ptero-server-card", "state");
  const signal = before === "offline" ? "start" : "kill";
  const result = await page.evaluate((signal) => {
    const card = document.querySelector("ptero-server-card");
    const seen = [];
    card.addEventListener("ptero-power-request", (e) => {
      seen.push(`request:${e.detail.signal}:${e.cancelable}`);
      e.preventDefault();
    }, { once: true });
    card.addEventListener("ptero-power", () => seen.push("sent"));
    const accepted = card.power(signal);
    return { accepted, seen };
  }, signal);
  assert.deepEqual(result, { accepted: false, seen: [`request:${signal}:true`] });
  await new Promise((ok) => setTimeout(ok, 500));
  assert.ok(!page.requestsSeen.some((r) => r.url().endsWith("/power")), "nothing was sent");
  // Not cancelled, it goes, and the host's CSS sees the state move.
  assert.equal(await page.evaluate((signal) => document.querySelector("ptero-server-card").power(signal), signal), true);
  await page.waitForSelector(`ptero-server-card[state]:not([state=${before}])`, { timeout: 15000 });
  await page.close();
});

/** power() on the page's only card: its answer, the ptero-error it fired, and whether the wasm trapped. */
async function powerAfter(page, card = "document.querySelector('ptero-server-card')") {
  return page.evaluate(`(() => {
    const card = ${card};
    const errors = [];
    card.addEventListener("ptero-error", (e) => errors.push(e.detail.code));
    const answer = card.power("start");
    return { answer, errors, stopped: Boolean(customElements.get("ptero-server-card").stats().stopped) };
  })()`);
}

test("power() on a card whose token expired answers false with ptero-error", async () => {
  const page = await hostPage();
  await page.evaluate((s) => window.addCards(s, { lifetime: -120 }), [RUNNING]);
  await page.waitForFunction(() => window.events.some((e) => e.name === "ptero-session-expired"));
  assert.deepEqual(await powerAfter(page), { answer: false, errors: ["not_connected"], stopped: false });
  assert.equal(await page.getAttribute("ptero-server-card", "state"), "error");
  await page.close();
});

test("power() on a card whose page origin is refused answers false with ptero-error", async () => {
  const stranger = await startHost({ root: pages, site: "e2e", secret: SITE_SECRET, audience: stack.origin });
  try {
    const page = await hostPage({ hostUrl: stranger.url });
    await page.evaluate((s) => window.addCards(s), [RUNNING]);
    await page.waitForFunction(() => window.events.some((e) => e.name === "ptero-error"));
    assert.deepEqual(await powerAfter(page), { answer: false, errors: ["not_connected"], stopped: false });
    await page.close();
  } finally {
    await stranger.close();
  }
});

test("power() on a removed card, and before it connects, answers false with ptero-error", async () => {
  const page = await hostPage();
  await page.evaluate((s) => window.addCards(s), [SHARED]);
  await page.waitForSelector("ptero-server-card[state]");
  const result = await page.evaluate(() => {
    const card = document.querySelector("ptero-server-card");
    card.remove();
    const errors = [];
    card.addEventListener("ptero-error", (e) => errors.push(e.detail.code));
    return { answer: card.power("start"), errors, state: card.getAttribute("state") };
  });
  assert.deepEqual(result, { answer: false, errors: ["not_connected"], state: null });
  // Connecting: not live yet.
  const early = await page.evaluate(async ({ origin, server }) => {
    const { token } = await (await fetch(`/token?servers=${server}`)).json();
    const card = Object.assign(document.createElement("ptero-server-card"), { origin, server, token });
    document.getElementById("cards").append(card);
    const errors = [];
    card.addEventListener("ptero-error", (e) => errors.push(e.detail.code));
    return { answer: card.power("start"), errors };
  }, { origin: stack.origin, server: SHARED });
  assert.deepEqual(early, { answer: false, errors: ["not_connected"] });
  await page.close();
});

test("a card removed mid-exchange sends nothing more", async () => {
  const page = await hostPage();
  let held;
  const arrived = new Promise((ok) => {
    page.route("**/v1/session", (route) => {
      held = route;
      ok();
    });
  });
  await page.evaluate((s) => window.addCards(s), [SUSPENDED]);
  await arrived;
  await page.evaluate(() => document.getElementById("cards").replaceChildren());
  await page.waitForFunction(() => {
    const s = customElements.get("ptero-server-card").stats();
    return s.mounted === 0 && s.sessions === 0 && s.requests === 0;
  });
  const exchange = page.requestsSeen.find((r) => r.url().endsWith("/v1/session"));
  await held.continue().catch(() => {});
  await new Promise((ok) => setTimeout(ok, 1500));
  assert.equal(exchange.failure()?.errorText, "net::ERR_ABORTED", "the exchange was aborted");
  const later = page.requestsSeen.filter((r) => r !== exchange && new URL(r.url()).origin === stack.origin && !r.url().includes("/card/"));
  assert.deepEqual(later.map((r) => r.url()), [], "no stream, no retry");
  const s = await stats(page);
  assert.deepEqual({ streams: s.streams, timers: s.timers }, { streams: 0, timers: 0 });
  await page.close();
});
