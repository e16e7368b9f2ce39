// How <ptero-server-card> looks, for people: screenshots of light, dark, compact, error
// and 360 px wide cards saved under e2e/artefacts/screenshots/ (gitignored; CI keeps them
// as artefacts), and axe-core over light and dark cards, also when the host sets only the
// background (the foregrounds must follow it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, problemPage } from "./lib/browser.mjs";
import { startStack } from "./lib/stack.mjs";

const RUNNING = "1a7c3f02";
const OFFLINE = "2b8d4e13";
const SHARED = "70d2d368";
const SUSPENDED = "4dafa035";
const pages = new URL("./fixtures/host/", import.meta.url).pathname;
const shots = new URL("./artefacts/screenshots/", import.meta.url).pathname;
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let stack, browser;
before(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await startStack({ pages, players: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

async function cardsPage({ scheme = "light", width = 1000, hostCss = "" } = {}) {
  const page = await problemPage(browser);
  await page.setViewportSize({ width, height: 800 });
  await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
  await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  await page.addStyleTag({
    content: `body { margin: 0; padding: 24px; font-family: system-ui, sans-serif; background: ${scheme === "dark" ? "#0e1116" : "#f3f5f8"}; }
      #cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; max-width: 980px; } ${hostCss}`,
  });
  await page.waitForFunction(() => customElements.get("ptero-server-card") && window.addCards);
  return page;
}

/** Adds live cards and waits until each shows data and has drawn a few samples. */
async function liveCards(page, servers, attrs = {}) {
  await page.evaluate(({ servers, attrs }) => window.addCards(servers, { attrs }), { servers, attrs });
  await page.waitForFunction(
    (n) => [...document.querySelectorAll("ptero-server-card")].filter((c) => c.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent).length === n,
    servers.length,
    { timeout: 15000 },
  );
  await page.waitForTimeout(4500); // three sparkline samples
}

async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // WCAG 2.1 A/AA over the cards (landmarks and headings are the hosting page's to give).
    const { violations, incomplete } = await window.axe.run(
      { include: [["ptero-server-card"]] },
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations", "incomplete"] },
    );
    const flat = (list) => list.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} ${n.failureSummary ?? ""}`.trim()));
    return { violations: flat(violations), contrastUnsure: flat(incomplete.filter((v) => v.id === "color-contrast")) };
  });
  return result;
}

for (const scheme of ["light", "dark"]) {
  test(`${scheme}: cards look alive and pass axe-core`, async () => {
    const page = await cardsPage({ scheme });
    await liveCards(page, [RUNNING, OFFLINE, SHARED, SUSPENDED]);
    await page.screenshot({ path: `${shots}card-${scheme}.png`, fullPage: true });
    // Sparklines span the whole width from the first samples (no empty gap).
    const spans = await page.evaluate(() => [...document.querySelector("ptero-server-card").shadowRoot.querySelectorAll("polyline")].map((l) => l.getAttribute("points")));
    assert.equal(spans.length, 3, "CPU, memory and network");
    for (const points of spans) assert.match(points, /^0(\.00)?,[\d.]+ .*60(\.00)?,[\d.]+$/, points);
    const text = await page.evaluate(() => document.querySelector("ptero-server-card").shadowRoot.textContent);
    assert.match(text, /\/ (\d+(\.\d)? [KMG]iB|∞)/, "memory against its limit");
    assert.match(text, /\d+\.\d+\.\d+\.\d+:\d+/, "the address");
    const { violations } = await axe(page);
    assert.deepEqual(violations, []);
    await page.close();
  });

  test(`${scheme}: a host that sets only the background still gets readable text (axe-core)`, async () => {
    // The case: a light background on a dark-theme card (and the reverse).
    const bg = scheme === "dark" ? "#fdf6e3" : "#1d2a3a";
    const page = await cardsPage({ scheme, hostCss: `ptero-server-card { --ptero-card-bg: ${bg}; }` });
    await liveCards(page, [RUNNING, SUSPENDED]);
    await page.screenshot({ path: `${shots}card-${scheme}-host-background.png`, fullPage: true });
    const { violations, contrastUnsure } = await axe(page);
    assert.deepEqual(violations, []);
    assert.deepEqual(contrastUnsure, [], "axe could decide every contrast");
    await page.close();
  });
}

test("compact cards, an error card and a 360 px wide page", async () => {
  const page = await cardsPage();
  await liveCards(page, [RUNNING, OFFLINE], { compact: "" });
  await page.screenshot({ path: `${shots}card-compact.png`, fullPage: true });
  await page.evaluate(() => document.getElementById("cards").replaceChildren());
  await page.evaluate((s) => window.addCards(s, { lifetime: -120 }), [RUNNING]);
  await page.waitForSelector("ptero-server-card[state=error]");
  await page.evaluate((origin) => {
    const bad = document.createElement("ptero-server-card");
    bad.setAttribute("origin", `${origin}/not-an-origin`);
    bad.setAttribute("server", "1a7c3f02");
    bad.setAttribute("token", "x");
    document.getElementById("cards").append(bad);
  }, stack.origin);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${shots}card-error.png`, fullPage: true });
  await page.close();

  const narrow = await cardsPage({ width: 360 });
  await liveCards(narrow, [RUNNING]);
  await narrow.evaluate(() => document.querySelector("ptero-server-card").shadowRoot.querySelector("details")?.setAttribute("open", ""));
  await narrow.waitForTimeout(500);
  await narrow.screenshot({ path: `${shots}card-360px.png`, fullPage: true });
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `the page overflows 360 px by ${overflow} px`);
  await narrow.close();
});

test("a running game's players, and the live mark while Wings feeds the card", async () => {
  const page = await cardsPage();
  await liveCards(page, [RUNNING, OFFLINE]);
  const shown = () => page.evaluate(() => [...document.querySelectorAll("ptero-server-card")].map((card) => {
    const part = (name) => card.shadowRoot.querySelector(`[part=${name}]`);
    return {
      server: card.getAttribute("server"),
      players: part("players")?.hidden === false ? part("players").textContent : null,
      live: part("live")?.hidden === false && getComputedStyle(part("live")).display !== "none",
    };
  }));
  // The origin asks the game every 15 s; the first answer comes with the first feed.
  await page.waitForFunction(
    (server) => document.querySelector(`ptero-server-card[server="${server}"]`).shadowRoot.querySelector("[part=players]:not([hidden])"),
    RUNNING,
    { timeout: 20000 },
  );
  const [running, offline] = await shown();
  assert.equal(running.server, RUNNING);
  assert.equal(running.players, "12 / 20 players1.21.4 · A Pterodactyl sandbox server");
  assert.equal(running.live, true, "the running server is fed by its Wings socket");
  assert.equal(offline.players, null, "a stopped game has no players line");
  assert.equal(offline.live, true, "an offline server's socket is live too");
  await page.screenshot({ path: `${shots}card-players.png`, clip: await page.locator("ptero-server-card").first().boundingBox() });

  // A game that stops answering loses only its players line.
  const faults = `${stack.panel}/__sandbox/faults`;
  await fetch(faults, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ silent_games: [RUNNING] }) });
  try {
    await page.waitForFunction(
      (server) => document.querySelector(`ptero-server-card[server="${server}"]`).shadowRoot.querySelector("[part=players]").hidden,
      RUNNING,
      { timeout: 40000 },
    );
    const text = await page.evaluate((server) => document.querySelector(`ptero-server-card[server="${server}"]`).shadowRoot.textContent, RUNNING);
    assert.match(text, /CPU/, "the rest of the card stays");
    assert.equal((await shown())[0].live, true);
  } finally {
    await fetch(faults, { method: "DELETE" });
  }
  await page.close();
});

test("a crash: every card of the server fires ptero-alert once and shows a banner until dismissed; the recovery replaces it", async () => {
  const page = await cardsPage();
  await liveCards(page, [RUNNING, RUNNING]);
  await page.evaluate(() => {
    window.alerts = [];
    document.addEventListener("ptero-alert", (e) => window.alerts.push({ ...e.detail, from: e.target.getAttribute("server") }));
  });
  const banners = () => page.evaluate(() => [...document.querySelectorAll("ptero-server-card")].map((card) => {
    const banner = card.shadowRoot.querySelector("[part=alert]");
    return banner && !banner.hidden ? { kind: banner.dataset.kind, text: banner.textContent, role: banner.getAttribute("role") } : null;
  }));
  assert.deepEqual(await banners(), [null, null], "no banner before anything happened");
  const crash = await fetch(`${stack.panel}/__sandbox/servers/${RUNNING}/crash`, { method: "POST" });
  assert.ok(crash.ok, `crash: ${crash.status}`);
  await page.waitForFunction(() => window.alerts.length >= 2, null, { timeout: 5000 });
  await page.waitForTimeout(500);
  const alerts = await page.evaluate(() => window.alerts);
  assert.equal(alerts.length, 2, `one event per card: ${JSON.stringify(alerts)}`);
  for (const alert of alerts) {
    assert.equal(alert.kind, "crash");
    assert.equal(alert.server, RUNNING);
    assert.ok(Math.abs(Date.parse(alert.at) - Date.now()) < 60_000, `a recent ISO time: ${alert.at}`);
  }
  await page.waitForFunction(() => document.querySelector("ptero-server-card").shadowRoot.querySelector("[part=alert]:not([hidden])"));
  const [first] = await banners();
  assert.equal(first.kind, "crash");
  assert.equal(first.role, "alert");
  assert.match(first.text, /^The server crashed · \d{1,2}:\d{2}/);
  await page.screenshot({ path: `${shots}card-alert.png`, clip: await page.locator("ptero-server-card").first().boundingBox() });
  const { violations } = await axe(page);
  assert.deepEqual(violations, [], "the banner passes axe-core");
  // Dismissed on one card, the other keeps its banner.
  await page.locator("ptero-server-card").first().locator("[part=alert] button").click();
  const [gone, kept] = await banners();
  assert.equal(gone, null);
  assert.equal(kept.kind, "crash");
  // Started again: the recovery replaces the crash on both (news is shown again).
  await page.evaluate(() => document.querySelector("ptero-server-card").power("start"));
  await page.waitForFunction(
    () => [...document.querySelectorAll("ptero-server-card")].every((card) => card.shadowRoot.querySelector("[part=alert]:not([hidden])")?.dataset.kind === "recovered"),
    null,
    { timeout: 15000 },
  );
  const recovered = await page.evaluate(() => window.alerts.filter((a) => a.kind === "recovered").length);
  assert.equal(recovered, 2);
  await page.close();
});

test("when the origin cannot poll the server, the card says how old its data is", async () => {
  const page = await cardsPage();
  await liveCards(page, [RUNNING]);
  const faults = `${stack.panel}/__sandbox/faults`;
  await fetch(faults, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ daemon_down: true }) });
  try {
    const hint = await page.waitForFunction(
      () => {
        const stale = document.querySelector("ptero-server-card").shadowRoot.querySelector("[part=stale]");
        return stale && !stale.hidden && stale.textContent;
      },
      null,
      { timeout: 30000 },
    );
    assert.match(await hint.jsonValue(), /^Showing data from \d+ ?s ago/);
    const live = await page.evaluate(() => document.querySelector("ptero-server-card").shadowRoot.querySelector("[part=live]").hidden);
    assert.equal(live, true, "no live mark on old data");
    const error = await page.evaluate(() => document.querySelector("ptero-server-card").shadowRoot.querySelector("[part=error]:not([hidden])")?.textContent);
    assert.ok(error, "the reason is shown too");
    await page.screenshot({ path: `${shots}card-stale.png` });
  } finally {
    await fetch(faults, { method: "DELETE" });
  }
  // Back to current once the origin polls again.
  await page.waitForFunction(() => document.querySelector("ptero-server-card").shadowRoot.querySelector("[part=stale]").hidden, null, { timeout: 30000 });
  await page.close();
});

test("a card speaks its locale (else the page's lang): texts, plurals and numbers; an unknown one is English", async () => {
  const page = await cardsPage();
  await page.evaluate(() => { document.documentElement.lang = "fr"; });
  await liveCards(page, [RUNNING, RUNNING, RUNNING, RUNNING], {});
  await page.evaluate(() => {
    const cards = document.querySelectorAll("ptero-server-card");
    cards[0].setAttribute("locale", "de-DE");
    cards[1].setAttribute("locale", "pl");
    cards[3].setAttribute("locale", "tlh");
  });
  await page.waitForFunction(() => [...document.querySelectorAll("ptero-server-card")].every((c) => c.shadowRoot.querySelector("[data-testid=card-ready] [part=meter] .meter-text")?.textContent));
  const seen = await page.evaluate(() => [...document.querySelectorAll("ptero-server-card")].map((card) => {
    const root = card.shadowRoot;
    return {
      buttons: [...root.querySelectorAll("button[data-signal]")].map((b) => b.textContent),
      badge: root.querySelector("[part=state]").textContent,
      memory: root.querySelectorAll("[part=meter] .meter-text")[1].textContent,
      copy: root.querySelector("[part=copy-button]").textContent,
    };
  }));
  const [de, pl, fr, fallback] = seen;
  const english = ["Start", "Restart", "Stop", "Kill"];
  for (const [name, card] of Object.entries({ de, pl, fr })) {
    assert.notDeepEqual(card.buttons, english, `${name}: the buttons are translated`);
    assert.notEqual(card.copy, "Copy", `${name}: the copy button is translated`);
  }
  assert.deepEqual(fallback.buttons, english, "an unknown locale is English");
  assert.equal(fallback.badge, "running");
  assert.notEqual(de.badge, "running");
  // Intl's decimal sign: German and Polish write a comma, English a point.
  assert.match(de.memory, /^\d+(,\d)? \/ \d+(,\d)? [KMGT]iB$/, de.memory);
  assert.doesNotMatch(de.memory, /\d\.\d/);
  assert.match(fallback.memory, /^\d+(\.\d)? \/ \d+(\.\d)? [KMGT]iB$/, fallback.memory);
  await page.screenshot({ path: `${shots}card-locales.png`, fullPage: true });
  await page.close();
});
