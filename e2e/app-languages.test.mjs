// The app in the viewer's language (issue 20, item 1), release build in headless Chromium
// against the sandbox panel: the language picker's setting (kept in localStorage, the page
// reloads in it), else the browser's language; English for a language the app does not
// speak and when a catalog cannot be fetched. Screenshots of the connect page and the
// server list in German and Russian go to e2e/artefacts/screenshots/languages-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { launch } from "./lib/browser.mjs";
import { serveStatic } from "./lib/serve.mjs";
import { FLAVOR, flavorKey } from "./lib/flavor.mjs";
import { freePort, startProcess, stop } from "./lib/procs.mjs";

const ALICE = flavorKey("ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK");
const RUNNING = "1a7c3f02";
const shots = new URL("./artefacts/screenshots/", import.meta.url).pathname;
const bin = (name) => new URL(`../target/debug/${name}`, import.meta.url).pathname;

let browser, app, sandbox, panel;

before(async () => {
  mkdirSync(shots, { recursive: true });
  app = await serveStatic({ "/": "dist" }, { spaFallback: "dist/index.html" });
  const port = await freePort();
  panel = `http://127.0.0.1:${port}`;
  sandbox = await startProcess("sandbox", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${port}`, "--cors-origin", app.url, "--node-allowed-origin", app.url,
    "--resources-cache-secs", "0", "--flavor", FLAVOR, "--websocket-token-limit", "0",
  ], { readyUrl: `${panel}/api/client` });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  stop(sandbox);
});

/** A page in a fresh context (`locale`: the browser's language) that records problems. */
async function openPage(locale = "en-US") {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (msg) => {
    // A 404 the test itself arranges is logged by the browser, not the app.
    if (msg.type() === "error" && !msg.text().includes("status of 404")) page.problems.push(msg.text());
  });
  page.on("pageerror", (err) => page.problems.push(`uncaught: ${err.message}`));
  return page;
}

async function connectPage(page) {
  await page.goto(`${app.url}/connect`);
  await page.waitForSelector("#connect-title");
}

const lang = (page) => page.getAttribute("html", "lang");
const title = (page) => page.textContent("#connect-title");

/** Chooses `value` in the language picker and waits for the reload it causes. */
async function choose(page, value) {
  await Promise.all([page.waitForEvent("load"), page.selectOption("#language", value)]);
  await page.waitForSelector("[data-testid=app-ready]");
}

async function signIn(page) {
  await page.fill("#panel-url", panel);
  await page.fill("#api-key", ALICE);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=server-list]");
  // A running server's meters have figures (the first stats answer).
  await page.waitForSelector(`.server-row[data-identifier='${RUNNING}'] [data-state=running]`);
}

test("an English browser gets English, and Deutsch in the picker reloads the app in German", async () => {
  const page = await openPage("en-US");
  await connectPage(page);
  assert.equal(await title(page), "Connect to your panel");
  assert.equal(await lang(page), "en");
  await signIn(page);
  assert.equal(await page.textContent("#servers-title"), "Your servers");

  await choose(page, "de");
  await page.waitForSelector("[data-testid=server-list]");
  assert.equal(await lang(page), "de");
  assert.equal(await page.textContent("#servers-title"), "Deine Server");
  assert.equal(await page.getAttribute("input[type=search]", "placeholder"), "Nach Namen filtern");
  assert.equal(await page.textContent("nav.topnav button.link:last-child"), "Abmelden");
  assert.equal(await page.inputValue("#language"), "de");
  // The shared components speak German too: the state badge, the meters' labels.
  const row = `.server-row[data-identifier='${RUNNING}']`;
  await page.waitForSelector(`${row} [data-state=running]:has-text('läuft')`);
  const labels = await page.$$eval(`${row} .meter-label span:first-child`, (s) => s.map((e) => e.textContent));
  assert.deepEqual(labels, ["CPU", "RAM", "Speicher"]);
  // Numbers and bytes the German way: a decimal comma ("1,5 GiB", "12,3%"; English
  // writes "1.5 GiB", and "1,023.5 MiB" has no comma before a last digit).
  await page.waitForFunction((row) => {
    const texts = [...document.querySelectorAll(`${row} .meter-text`)].map((e) => e.textContent);
    return texts.some((t) => /(^|[^\d.,])\d{1,3},\d( |%)/.test(t));
  }, row, { timeout: 10000 });
  await page.screenshot({ path: `${shots}languages-de-servers.png`, fullPage: true });

  // The setting stays: the connect page after a reload is German too.
  await page.goto(`${app.url}/connect`);
  await page.waitForSelector("#connect-title");
  assert.equal(await title(page), "Panel hinzufügen");
  assert.equal(await page.textContent("label[for=panel-url]"), "Panel-URL");
  await page.fill("#api-key", ALICE.slice(0, 40));
  await page.waitForSelector("#api-key-hint:not(:empty)");
  assert.match(await page.textContent("#api-key-hint"), /^40 Zeichen: Der Schlüssel wirkt abgeschnitten/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a French browser gets French without any setting, and Browser language returns to it", async () => {
  const page = await openPage("fr-FR");
  await connectPage(page);
  assert.equal(await title(page), "Connexion à votre panel");
  assert.equal(await lang(page), "fr-FR");
  assert.equal(await page.inputValue("#language"), "");
  assert.equal(await page.evaluate(() => localStorage.getItem("ptero-web.language")), null);

  await choose(page, "ru");
  assert.equal(await title(page), "Подключение к панели");
  assert.equal(await lang(page), "ru");
  await page.screenshot({ path: `${shots}languages-ru-connect.png`, fullPage: true });

  await choose(page, "");
  assert.equal(await title(page), "Connexion à votre panel");
  assert.equal(await lang(page), "fr-FR");
  assert.equal(await page.evaluate(() => localStorage.getItem("ptero-web.language")), null);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a language the app does not speak gets English", async () => {
  const page = await openPage("ja-JP");
  const asked = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  await connectPage(page);
  assert.equal(await title(page), "Connect to your panel");
  assert.equal(await lang(page), "en");
  assert.deepEqual(asked.filter((path) => path.endsWith(".txt")), [], "English needs no catalog");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a catalog that cannot be fetched gives English, with no error and no blank page", async () => {
  const page = await openPage("de-DE");
  await page.route(/\/app-de\.txt$/, (route) => route.fulfill({ status: 404, body: "not found" }));
  await connectPage(page);
  assert.equal(await title(page), "Connect to your panel");
  assert.equal(await lang(page), "en");
  assert.ok((await page.textContent("main")).includes("Panel URL"));
  // English throughout: the shared components and the numbers too.
  await signIn(page);
  assert.equal(await page.textContent("#servers-title"), "Your servers");
  const row = `.server-row[data-identifier='${RUNNING}']`;
  await page.waitForSelector(`${row} [data-state=running]:has-text('running')`);
  const labels = await page.$$eval(`${row} .meter-label span:first-child`, (s) => s.map((e) => e.textContent));
  assert.deepEqual(labels, ["CPU", "Memory", "Disk"]);
  await page.waitForFunction((row) => [...document.querySelectorAll(`${row} .meter-text`)]
    .some((e) => /(^|[^\d.,])\d{1,3}\.\d( |%)/.test(e.textContent)), row, { timeout: 10000 });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("screenshots: the connect page in German, the server list in Russian", async () => {
  const page = await openPage("de-DE");
  await connectPage(page);
  assert.equal(await title(page), "Mit deinem Panel verbinden");
  await page.check("label.check input");
  await page.fill("#api-key", "ptla_x");
  await page.waitForSelector("#api-key-hint:not(:empty)");
  await page.screenshot({ path: `${shots}languages-de-connect.png`, fullPage: true });
  await page.fill("#api-key", "");
  await signIn(page);
  await choose(page, "ru");
  await page.waitForSelector("[data-testid=server-list]");
  assert.equal(await page.textContent("#servers-title"), "Ваши серверы");
  await page.waitForSelector(`.server-row[data-identifier='${RUNNING}'] [data-state=running]:has-text('работает')`);
  await page.screenshot({ path: `${shots}languages-ru-servers.png`, fullPage: true });
  await page.goto(`${app.url}/panels`);
  await page.waitForSelector("[data-testid=panel-list]");
  await page.screenshot({ path: `${shots}languages-ru-panels.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
