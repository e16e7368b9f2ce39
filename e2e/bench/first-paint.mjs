// Benchmark, not a test: prints how long the card takes from its module script being
// loaded to showing live data, and the app from navigation to a rendered server list,
// against the sandbox + origin on loopback. Release bundles from `cargo xtask dist`.
//
// usage: node e2e/bench/first-paint.mjs [runs]
import { launch } from "../lib/browser.mjs";
import { serveStatic } from "../lib/serve.mjs";
import { startStack } from "../lib/stack.mjs";

const runs = Number(process.argv[2] ?? 20);
const pages = new URL("../fixtures/host/", import.meta.url).pathname;
const stack = await startStack({ pages, sandboxArgs: ["--cors-origin", "http://127.0.0.1:1"] });
const browser = await launch();

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, min ${s[0].toFixed(1)} ms (n=${s.length})`;
};

// Card: from the script's load event to the first card showing its server's name.
const card = [];
const phases = { session: [] };
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext(); // cold cache each run
  const page = await context.newPage();
  await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  await page.waitForFunction(() => customElements.get("ptero-server-card"));
  const ms = await page.evaluate(async () => {
    const { token } = await (await fetch("/token?servers=1a7c3f02")).json();
    const script = [...document.scripts].find((s) => s.src.includes("ptero-server-card.js"));
    const loaded = performance.getEntriesByName(script.src)[0]?.responseEnd ?? 0;
    const start = performance.now();
    const el = document.createElement("ptero-server-card");
    el.setAttribute("origin", new URLSearchParams(location.search).get("origin"));
    el.setAttribute("server", "1a7c3f02");
    el.setAttribute("token", token);
    document.body.append(el);
    await new Promise((ok) => {
      const check = () => (el.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent ? ok() : requestAnimationFrame(check));
      check();
    });
    const entry = (part) => performance.getEntriesByType("resource").find((e) => e.name.includes(part));
    const session = entry("/v1/session");
    return {
      paint: performance.now() - start,
      wasmReady: start - loaded,
      session: session ? session.responseEnd - start : NaN,
    };
  });
  card.push(ms.paint);
  phases.session.push(ms.session);
  await context.close();
}
console.log(`card first paint with live data (element added → name shown): ${stats(card)}`);
console.log(`  of which: session exchanged after ${stats(phases.session)}`);

// App: navigation to a rendered server list (credentials already stored, via the origin's pass-through).
const app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
const list = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.origin}/connect`);
  await page.evaluate(([panel]) => {
    sessionStorage.setItem("ptero-web.credentials", JSON.stringify({
      panel, key: "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK", via_origin: location.origin,
    }));
  }, [stack.panel]);
  const t0 = Date.now();
  await page.goto(`${stack.origin}/`);
  await page.waitForSelector(".server-row");
  list.push(Date.now() - t0);
  await context.close();
}
console.log(`app navigation → server list rendered (via the origin's pass-through): ${stats(list)}`);
await app.close();
await browser.close();
await stack.close();
