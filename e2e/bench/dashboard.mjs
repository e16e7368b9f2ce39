// Benchmark, not a test (#14 item 3): the app's server list with 200 servers, open for
// `minutes` in headless Chromium, and the requests per minute that reach the panel
// (CORS preflights counted: the sandbox logs every request as it arrives), two ways at
// once: straight on the panel (cross-origin: a preflight before each request, the limit
// headers unreadable), and through a ptero-origin's pass-through (same origin).
//
// usage: node e2e/bench/dashboard.mjs [minutes=10]
import { launch } from "../lib/browser.mjs";
import { serveStatic } from "../lib/serve.mjs";
import { freePort, startProcess, stop } from "../lib/procs.mjs";
import { startStack } from "../lib/stack.mjs";

const minutes = Number(process.argv[2] ?? 10);
const ALICE = "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK";
const bin = (name) => (process.env.PTERO_BIN_DIR ? `${process.env.PTERO_BIN_DIR}/${name}` : new URL(`../../target/debug/${name}`, import.meta.url).pathname);
const pages = new URL("../fixtures/host/", import.meta.url).pathname;
// Alice's six seeded servers and 194 more: 200.
const EXTRA = "194";

const app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
const port = await freePort();
const direct = `http://127.0.0.1:${port}`;
const sandbox = await startProcess("sandbox (direct)", bin("ptero-sandbox"), [
  "--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--node-allowed-origin", app.url, "--extra-servers", EXTRA,
], { readyUrl: `${direct}/api/client` });
const stack = await startStack({ pages, sandboxArgs: ["--extra-servers", EXTRA] });
const browser = await launch();

async function openList(appUrl, panel, viaOrigin) {
  const context = await browser.newContext();
  await context.addInitScript(({ panel, key, viaOrigin }) => {
    sessionStorage.setItem("ptero-web.credentials", JSON.stringify({ panel, key, via_origin: viaOrigin }));
  }, { panel, key: ALICE, viaOrigin });
  const page = await context.newPage();
  await page.goto(`${appUrl}/`);
  await page.waitForFunction(() => document.querySelectorAll(".server-row").length >= 200, null, { timeout: 60000 });
  return page;
}

const log = async (panel) => await (await fetch(`${panel}/__sandbox/requests/log`)).json();
const reset = (panel) => fetch(`${panel}/__sandbox/requests`, { method: "DELETE" });
const count = (entries) => {
  const api = entries.filter((e) => e.target.startsWith("/api/client"));
  return { all: api.length, preflights: api.filter((e) => e.method === "OPTIONS").length };
};

const straight = await openList(app.url, direct, null);
const through = await openList(stack.origin, stack.panel, stack.origin);
const rows = await straight.evaluate(() => {
  const height = window.innerHeight;
  return [...document.querySelectorAll(".server-row")].filter((row) => {
    const rect = row.getBoundingClientRect();
    return rect.bottom > 0 && rect.top < height;
  }).length;
});
console.log(`200 servers in the list, ${rows} rows on screen; measuring ${minutes} min`);
await reset(direct);
await reset(stack.panel);
const started = Date.now();
for (let minute = 1; minute <= minutes; minute++) {
  await new Promise((ok) => setTimeout(ok, started + minute * 60_000 - Date.now()));
  const [a, b] = [count(await log(direct)), count(await log(stack.panel))];
  console.log(
    `after ${minute} min: straight on the panel ${(a.all / minute).toFixed(1)} requests/min (${(a.preflights / minute).toFixed(1)} of them preflights); ` +
      `through the origin ${(b.all / minute).toFixed(1)} requests/min at the panel (${(b.preflights / minute).toFixed(1)} preflights, the origin's own polling included)`,
  );
}
await browser.close();
await stack.close();
stop(sandbox);
await app.close();
