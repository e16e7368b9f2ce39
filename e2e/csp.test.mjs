// A hosting page with a strict Content-Security-Policy: the lines README.md gives for the
// card (script-src and connect-src naming the origin, 'wasm-unsafe-eval') are enough, and
// nothing else needs loosening: no inline styles, no eval, no frames.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { launch, problemPage } from "./lib/browser.mjs";
import { startStack } from "./lib/stack.mjs";

const RUNNING = "1a7c3f02";
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

/** The page's own inline scripts, allowed by hash (that part is the host's business). */
function inlineHashes(html) {
  return [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)]
    .map((match) => match[1])
    .filter((body) => body.trim())
    .map((body) => `'sha256-${createHash("sha256").update(body).digest("base64")}'`);
}

test("the card works on a page whose CSP allows only what README.md lists", async () => {
  const html = readFileSync(`${pages}/cards.html`, "utf8");
  // The lines README.md gives for the card, then the page's own needs.
  const policy = [
    "default-src 'none'",
    `script-src 'self' ${stack.origin} 'wasm-unsafe-eval' ${inlineHashes(html).join(" ")}`,
    `connect-src 'self' ${stack.origin}`,
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  const page = await problemPage(browser);
  const violations = [];
  page.on("console", (msg) => /Content Security Policy|Refused to/i.test(msg.text()) && violations.push(msg.text()));
  // Sent by the host itself: a page fulfilled by the browser's request interception is
  // a different thing to Chromium (its Local Network Access checks refuse its scripts).
  stack.host.headers.set("/cards.html", { "content-security-policy": policy });
  const response = await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
  assert.equal(response.headers()["content-security-policy"], policy, "the page came with its policy");
  await page.waitForFunction(() => customElements.get("ptero-server-card") && window.addCards);
  await page.evaluate((s) => window.addCards(s), [RUNNING]);
  await page.waitForFunction(
    (s) => document.querySelector(`ptero-server-card[server='${s}']`)?.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent,
    RUNNING,
    { timeout: 15000 },
  );
  // Styled, not a bare box: the shadow root's sheet applied under style-src 'self'.
  const styled = await page.evaluate((s) => {
    const root = document.querySelector(`ptero-server-card[server='${s}']`).shadowRoot;
    return root.adoptedStyleSheets.length > 0 && getComputedStyle(root.querySelector("[part~=base]") ?? root.firstElementChild).display;
  }, RUNNING);
  assert.ok(styled, "the card's styles applied");
  assert.deepEqual(violations, []);
  assert.deepEqual(page.problems, []);
  stack.host.headers.delete("/cards.html");
  await page.close();
});
