// Benchmark, not a test (#15 item 3): Pterodactyl 1.12's websocket limits met by many
// browser viewers of one server, in headless Chromium against the sandbox (1.12, real
// 10-minute tokens) and the origin on loopback.
//
// - 40 card viewers of RUNNING through the origin (40 pages, one card each): Wings
//   sockets held, and each websocket token request's time, over `viewerMinutes`.
// - 40 app tabs of SHARED straight on the panel: per sample, how many are live, how many
//   are down and why, whether every tab still shows (polled) numbers, and the panel's
//   requests per minute for that server, over `tabMinutes`.
//
// usage: node e2e/bench/tabs.mjs [viewerMinutes=10] [tabMinutes=3] [tabs=40]
import { launch } from "../lib/browser.mjs";
import { serveStatic } from "../lib/serve.mjs";
import { startStack } from "../lib/stack.mjs";

const viewerMinutes = Number(process.argv[2] ?? 10);
const tabMinutes = Number(process.argv[3] ?? 3);
const tabs = Number(process.argv[4] ?? 40);
const RUNNING = "1a7c3f02";
const SHARED = "70d2d368";
const ALICE = "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK";
const pages = new URL("../fixtures/host/", import.meta.url).pathname;

const app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
const stack = await startStack({ pages, sandboxArgs: ["--cors-origin", app.url, "--node-allowed-origin", app.url] });
const browser = await launch();
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const started = Date.now();
const at = () => ((Date.now() - started) / 1000).toFixed(0);

async function panelCounts(server) {
  const counts = await (await fetch(`${stack.panel}/__sandbox/requests`)).json();
  const of = (suffix) => counts.filter((c) => c.path === `/api/client/servers/${server}${suffix}`).reduce((n, c) => n + c.count, 0);
  return { tokens: of("/websocket"), resources: of("/resources"), all: counts.filter((c) => c.server === server).reduce((n, c) => n + c.count, 0) };
}
const sockets = async () => await (await fetch(`${stack.panel}/__sandbox/sockets`)).json();

// Every token request for RUNNING (the origin's), with the time it was first seen.
const tokenTimes = [];
let lastTokens = 0;
const watchTokens = setInterval(async () => {
  const { tokens } = await panelCounts(RUNNING);
  for (let n = lastTokens; n < tokens; n++) tokenTimes.push(Number(at()));
  lastTokens = Math.max(lastTokens, tokens);
}, 1000);

// 40 card viewers through the origin, each in a context of its own: a browser keeps at
// most 6 connections per host, and every viewer holds a stream open.
const viewerPages = [];
for (let i = 0; i < 40; i++) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  await page.waitForFunction(() => customElements.get("ptero-server-card") && window.addCards);
  await page.evaluate((s) => window.addCards(s), [RUNNING]);
  viewerPages.push(page);
}
for (const page of viewerPages) {
  await page.waitForFunction(
    (s) => document.querySelector(`ptero-server-card[server='${s}']`)?.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent,
    RUNNING,
    { timeout: 30000 },
  );
}
console.log(`[${at()} s] 40 card viewers of ${RUNNING} through the origin are ready`);

// 40 app tabs straight on the panel, signed in as Alice.
const tabContext = await browser.newContext();
await tabContext.addInitScript(({ panel, key }) => {
  sessionStorage.setItem("ptero-web.credentials", JSON.stringify({ panel, key, via_origin: null }));
}, { panel: stack.panel, key: ALICE });
const tabPages = [];
for (let i = 0; i < tabs; i++) {
  const page = await tabContext.newPage();
  await page.goto(`${app.url}/server/${SHARED}`);
  tabPages.push(page);
}
console.log(`[${at()} s] ${tabs} app tabs of ${SHARED} opened straight on the panel`);

async function tabSample() {
  const states = await Promise.all(
    tabPages.map((page) =>
      page.evaluate(() => {
        const status = document.querySelector(".link-status");
        return {
          link: status?.dataset.link ?? "none",
          problem: status?.dataset.problem ?? "",
          reason: status?.textContent ?? "",
          numbers: /%/.test(document.querySelector(".charts")?.textContent ?? ""),
        };
      }),
    ),
  );
  const tally = {};
  for (const s of states) {
    const key = s.link === "down" ? `down (${s.problem})` : s.link;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  // The same reason with another countdown is one reason.
  const reasons = [...new Set(states.filter((s) => s.link === "down").map((s) => s.reason.replace(/\d+ s\./, "N s.")))];
  return { tally, numbers: states.filter((s) => s.numbers).length, reasons };
}

let tabsDone = false;
let tabsStart = await panelCounts(SHARED);
const tabsT0 = Date.now();
const viewerEnd = started + viewerMinutes * 60_000;
const tabEnd = tabsT0 + tabMinutes * 60_000;
let nextTabSample = tabsT0 + 15_000;
while (Date.now() < Math.max(viewerEnd, tabEnd)) {
  if (!tabsDone && Date.now() >= nextTabSample) {
    const sample = await tabSample();
    const counts = await panelCounts(SHARED);
    const minutes = (Date.now() - tabsT0) / 60_000;
    console.log(
      `[${at()} s] app tabs: ${JSON.stringify(sample.tally)}, ${sample.numbers}/${tabs} show numbers; ` +
        `panel for ${SHARED}: ${((counts.all - tabsStart.all) / minutes).toFixed(0)} requests/min ` +
        `(${counts.tokens - tabsStart.tokens} token requests, ${counts.resources - tabsStart.resources} /resources so far); sockets ${JSON.stringify(await sockets())}`,
    );
    for (const reason of sample.reasons) console.log(`    reason shown: ${reason}`);
    nextTabSample = Date.now() + 30_000;
    if (Date.now() >= tabEnd) {
      tabsDone = true;
      await tabContext.close();
    }
  }
  await sleep(2000);
}

clearInterval(watchTokens);
const open = (await sockets())[RUNNING] ?? 0;
const window9 = tokenTimes.filter((t) => t < tokenTimes[0] + 540).length;
console.log(
  `40 card viewers through the origin over ${viewerMinutes} min: ${open} Wings socket(s) for ${RUNNING}; ` +
    `token requests at ${tokenTimes.map((t) => `${t} s`).join(", ") || "none"} ` +
    `(${window9} in the first 9 minutes)`,
);
await browser.close();
await stack.close();
await app.close();
