// The sample hosting site: serves public/ (a page of cards) and mints hand-off tokens at
// /token, as a billing panel's backend would for its signed-in customer. It runs on its
// own loopback port, so the cards are embedded cross-origin like on a real site.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { handoffToken } from "./handoff.mjs";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

/**
 * Starts the host. `site`, `secret` and `audience` (the origin's public URL) must match
 * the origin's configuration for this site. Resolves to `{ url, counters, headers, close }`;
 * `headers` maps a page's path to more response headers (a test's Content-Security-Policy),
 * sent as a real server sends them.
 */
export async function startHost({ root, listen = 0, site, secret, audience, viewer = "demo-viewer", email = "alice@example.com" }) {
  const base = resolve(root);
  const counters = { tokens: 0 };
  // `/token?once=KEY`: only the first request naming KEY gets a token; later ones are
  // refused (a hosting site whose viewer signed out), for renewal failures.
  const spent = new Set();
  const headers = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://host");
    if (url.pathname === "/token") {
      counters.tokens += 1;
      const once = url.searchParams.get("once");
      if (once && spent.has(once)) {
        res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
        res.setHeader("access-control-allow-credentials", "true");
        res.writeHead(403, { "content-type": "text/plain" }).end("signed out");
        return;
      }
      if (once) spent.add(once);
      const servers = (url.searchParams.get("servers") ?? "").split(",").filter(Boolean);
      const actions = (url.searchParams.get("actions") ?? "start stop restart kill").split(/[ ,]+/).filter(Boolean);
      const lifetime = Number(url.searchParams.get("lifetime") ?? 300);
      // A page's own fetch or a card's `token-url` (sent with the site's cookies).
      res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
      res.setHeader("access-control-allow-credentials", "true");
      const token = handoffToken({ site, secret, audience, viewer, email, servers, actions, lifetime });
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ token }));
      return;
    }
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === "/demo-config.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ origin: audience }));
      return;
    }
    const file = normalize(join(base, url.pathname === "/" ? "index.html" : url.pathname));
    if (!file.startsWith(base)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", ...headers.get(url.pathname) }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(listen, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, counters, headers, close: () => new Promise((ok) => server.close(ok)) };
}
