// The soak: 20 live cards added to a hosting page, then all removed, again and again for
// `seconds`. After each round the page is measured as a person's browser would keep it:
// JS heap after a full GC, and what is left of timers, event listeners, sockets, open
// streams and requests in flight. The page's own wrappers count those (every timer and
// listener any script makes), next to the card's counters (`PteroServerCard.stats()`).
import { launch } from "./browser.mjs";
import { startStack } from "./stack.mjs";

const SERVERS = ["1a7c3f02", "2b8d4e13", "70d2d368", "4dafa035", "5eb0b146"];
const pages = new URL("../fixtures/host/", import.meta.url).pathname;

// Installed before any page script: counts what is still registered right now.
function instrument() {
  const live = { timers: new Set(), listeners: 0, sockets: 0 };
  const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = window;
  window.setTimeout = (fn, ms, ...args) => {
    const id = st((...a) => {
      live.timers.delete(id);
      return typeof fn === "function" ? fn(...a) : undefined;
    }, ms, ...args);
    live.timers.add(id);
    return id;
  };
  window.clearTimeout = (id) => {
    live.timers.delete(id);
    ct(id);
  };
  window.setInterval = (...args) => {
    const id = si(...args);
    live.timers.add(id);
    return id;
  };
  window.clearInterval = (id) => {
    live.timers.delete(id);
    ci(id);
  };
  const registered = new WeakMap();
  const key = (type, options) => `${type}:${typeof options === "boolean" ? options : Boolean(options?.capture)}`;
  const { addEventListener: add, removeEventListener: remove } = EventTarget.prototype;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (listener) {
      let byKey = registered.get(this);
      if (!byKey) registered.set(this, (byKey = new Map()));
      const k = key(type, options);
      const set = byKey.get(k) ?? new Set();
      byKey.set(k, set);
      if (!set.has(listener) && !options?.once) {
        set.add(listener);
        live.listeners += 1;
      }
    }
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    const set = registered.get(this)?.get(key(type, options));
    if (set?.delete(listener)) live.listeners -= 1;
    return remove.call(this, type, listener, options);
  };
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      live.sockets += 1;
      add.call(this, "close", () => (live.sockets -= 1));
    }
  };
  window.soakCounts = () => ({ pageTimers: live.timers.size, listeners: live.listeners, sockets: live.sockets });
}

async function measure(page, cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const counts = await page.evaluate(() => ({ ...window.soakCounts(), ...customElements.get("ptero-server-card").stats() }));
  return { heap: usedSize, ...counts };
}

async function round(page, origin) {
  await page.evaluate(async ({ servers, origin }) => {
    // 20 cards: 10 tokens of two cards each, over five servers.
    const tokens = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const server = servers[i % servers.length];
      return { server, token: (await (await fetch(`/token?servers=${server}&actions=start,stop,console`)).json()).token };
    }));
    for (const { server, token } of tokens) {
      for (let copy = 0; copy < 2; copy++) {
        const card = Object.assign(document.createElement("ptero-server-card"), { origin, server, token });
        document.getElementById("cards").append(card);
      }
    }
  }, { servers: SERVERS, origin });
  await page.waitForFunction(
    () => [...document.querySelectorAll("ptero-server-card")].filter((c) => c.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent).length === 20,
    null,
    { timeout: 20000 },
  );
  await page.waitForTimeout(2500); // live for a moment: stream events, samples, console lines
  // The test page logs every ptero-* event it sees (window.events), and the browser keeps
  // up to 250 resource timings of any page: neither is the card's memory, so both are
  // emptied and the heap measures the card.
  await page.evaluate(() => {
    document.getElementById("cards").replaceChildren();
    window.events.length = 0;
    performance.clearResourceTimings();
  });
  // What removal stops settles within a task or two (aborted requests, dropped tasks).
  await page.waitForFunction(() => {
    const s = customElements.get("ptero-server-card").stats();
    return s.mounted === 0 && s.streams === 0 && s.requests === 0 && s.timers === 0;
  }, null, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);
}

/** Runs the soak for `seconds`; resolves to the first measure, the last, and the rounds. */
export async function soak({ seconds, log = () => {} }) {
  const stack = await startStack({ pages });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.addInitScript(instrument);
    await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
    await page.waitForFunction(() => customElements.get("ptero-server-card") && window.addCards);
    const cdp = await page.context().newCDPSession(page);
    // Three rounds first, so one-time setup (Leptos' delegated listeners, the wasm's heap,
    // the idle sessions kept for reuse at their bound) is in the baseline.
    for (let i = 0; i < 3; i++) await round(page, stack.origin);
    const first = await measure(page, cdp);
    log(`baseline after the first round: ${JSON.stringify(first)}`);
    const until = Date.now() + seconds * 1000;
    let rounds = 3;
    let last = first;
    while (Date.now() < until) {
      await round(page, stack.origin);
      rounds += 1;
      if (rounds % 5 === 0 || Date.now() >= until) {
        last = await measure(page, cdp);
        log(`round ${rounds}: heap ${(last.heap / 1e6).toFixed(2)} MB (${((last.heap / first.heap - 1) * 100).toFixed(1)} %), ${JSON.stringify({ ...last, heap: undefined })}`);
      }
    }
    last = await measure(page, cdp);
    return { first, last, rounds };
  } finally {
    await browser.close();
    await stack.close();
  }
}

/** What must hold after a soak: the heap within ±10 % of its start, and nothing left. */
export function leftovers({ first, last }) {
  const problems = [];
  const drift = last.heap / first.heap - 1;
  if (Math.abs(drift) > 0.1) problems.push(`JS heap ${(drift * 100).toFixed(1)} % from its start`);
  for (const what of ["pageTimers", "listeners", "sockets"]) {
    if (last[what] !== first[what]) problems.push(`${what}: ${last[what]} registered, ${first[what]} at the start`);
  }
  for (const what of ["mounted", "streams", "requests"]) {
    if (last[what] !== 0) problems.push(`${what}: ${last[what]} left`);
  }
  if (last.timers !== 0) problems.push(`the card's own timers: ${last.timers} left`);
  return problems;
}
