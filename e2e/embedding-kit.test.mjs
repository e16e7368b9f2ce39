// The embedding kit (docs/embedding.md, examples/): each example mints a hand-off token
// the origin accepts, in a real browser. The PHP one is a whole hosting page served by
// Debian's php-cli (`php -S`), with the CSP lines the docs give; the Node and Rust ones
// print a token that a card on the test host uses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launch, problemPage } from "./lib/browser.mjs";
import { freePort, startProcess, stop } from "./lib/procs.mjs";
import { startStack, SITE_SECRET } from "./lib/stack.mjs";

const RUNNING = "1a7c3f02";
const SHARED = "70d2d368";
const repo = new URL("../", import.meta.url).pathname;
const pages = new URL("./fixtures/host/", import.meta.url).pathname;

let stack, browser, php, phpUrl;
before(async () => {
  const phpPort = await freePort();
  phpUrl = `http://127.0.0.1:${phpPort}`;
  stack = await startStack({ pages, extraOrigins: [phpUrl] });
  // php -S passes the environment on to the scripts it runs.
  php = await startProcess("php", "php", ["-S", `127.0.0.1:${phpPort}`, "-t", `${repo}examples/php`], {
    env: { ...kitEnv([RUNNING, SHARED]), PTERO_ORIGIN: stack.origin },
    readyUrl: `${phpUrl}/handoff.php`,
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  stop(php);
  await stack?.close();
});

function kitEnv(servers) {
  return {
    PTERO_SITE: "e2e",
    PTERO_SECRET: SITE_SECRET,
    PTERO_AUDIENCE: stack.origin,
    PTERO_SERVERS: servers.join(","),
    PTERO_ACTIONS: "start stop restart",
  };
}

const ready = (page, server) =>
  page.waitForFunction(
    (s) => document.querySelector(`ptero-server-card[server='${s}']`)?.shadowRoot?.querySelector("[data-testid=card-ready] .name")?.textContent,
    server,
    { timeout: 15000 },
  );

test("the PHP example's page embeds live cards with a token minted by hash_hmac", async () => {
  const page = await problemPage(browser);
  const violations = [];
  page.on("console", (msg) => /Content Security Policy|Refused to/i.test(msg.text()) && violations.push(msg.text()));
  const response = await page.goto(`${phpUrl}/index.php`);
  assert.match(response.headers()["content-security-policy"], /wasm-unsafe-eval/);
  await ready(page, RUNNING);
  await ready(page, SHARED);
  const html = await page.content();
  assert.ok(!html.includes(SITE_SECRET), "the site's secret stays on the server");
  assert.deepEqual(violations, []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

for (const [name, command, args] of [
  ["Node", "node", [`${repo}examples/node/handoff.mjs`]],
  ["Rust", "cargo", ["run", "--quiet", "-p", "ptero-handoff-example"]],
]) {
  test(`the ${name} example's token is accepted by the origin in a card`, async () => {
    const token = execFileSync(command, args, { env: { ...process.env, ...kitEnv([RUNNING]) }, cwd: repo })
      .toString()
      .trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const page = await problemPage(browser);
    await page.goto(`${stack.host.url}/cards.html?origin=${encodeURIComponent(stack.origin)}`);
    await page.waitForFunction(() => customElements.get("ptero-server-card"));
    await page.evaluate(
      ({ origin, server, token }) => {
        const card = document.createElement("ptero-server-card");
        card.setAttribute("origin", origin);
        card.setAttribute("server", server);
        card.setAttribute("token", token);
        document.getElementById("cards").append(card);
      },
      { origin: stack.origin, server: RUNNING, token },
    );
    await ready(page, RUNNING);
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}
