// A static file server for built bundles on loopback (correct wasm/js MIME types, so
// the browser takes the streaming-instantiation path that production uses).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".webmanifest": "application/manifest+json",
};

/**
 * Serves folders on 127.0.0.1 at a free port; resolves to `{ url, close }`.
 * `mounts` maps URL prefixes to folders, longest prefix first: `{ "/fixtures/": "e2e/fixtures", "/": "dist" }`.
 * `port` serves on that port (a site coming back at the same origin); `close` also ends
 * the browser's kept-alive connections, so the site is really gone.
 */
export async function serveStatic(mounts, { spaFallback = null, port = 0 } = {}) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    const fullPath = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const [prefix, base] = table.find(([p]) => fullPath.startsWith(p)) ?? table[table.length - 1];
    const path = fullPath.slice(prefix.length - 1);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      if (spaFallback) {
        res.writeHead(200, { "content-type": TYPES[".html"] }).end(await readFile(resolve(spaFallback)));
      } else {
        res.writeHead(404).end("not found");
      }
    }
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  const close = () =>
    new Promise((ok) => {
      server.close(ok);
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${server.address().port}`, port: server.address().port, close };
}
