// Settings on the server page against the sandbox in headless Chromium: rename and
// description (the panel's 422 next to its field), the docker image from the egg's
// list, reinstall behind a confirmation, SFTP details with copy buttons and an sftp://
// link; a subuser without settings permissions sees none of it; the panel's request
// throttle reads as a throttle.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./lib/browser.mjs";
import { ALICE, BOB, RUNNING, SHARED, openServer, openTab, serveApp, startSandbox } from "./lib/manager.mjs";

let browser, app, sandbox;

before(async () => {
  app = await serveApp();
  sandbox = await startSandbox(app);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  sandbox?.close();
});

async function server(panel = sandbox.url) {
  const answer = await fetch(`${panel}/api/client/servers/${RUNNING}`, {
    headers: { authorization: `Bearer ${ALICE}`, accept: "application/json" },
  });
  return (await answer.json()).attributes;
}

async function settingsOf(options = {}) {
  const page = await openServer(browser, { app: app.url, panel: sandbox.url, ...options });
  await openTab(page, "Settings");
  await page.waitForSelector("[data-testid=settings]");
  return page;
}

test("rename and description: saved, and an empty name gets the panel's sentence next to it", async () => {
  const page = await settingsOf();
  await page.fill("#server-name", "");
  await page.click("section[aria-labelledby=rename-title] button[type=submit]");
  await page.waitForSelector("#server-name-error:has-text('name')");
  assert.equal(await page.getAttribute("#server-name", "aria-invalid"), "true");
  await page.fill("#server-name", "Survival (renamed)");
  await page.fill("#server-description", "Our weekend world");
  await page.click("section[aria-labelledby=rename-title] button[type=submit]");
  await page.waitForSelector("section[aria-labelledby=rename-title] .ok:has-text('Saved')");
  const now = await server();
  assert.equal(now.name, "Survival (renamed)");
  assert.equal(now.description, "Our weekend world");
});

test("docker image: one of the egg's images, saved for the next start", async () => {
  const page = await settingsOf();
  await page.waitForSelector("#docker-image");
  const options = await page.$$eval("#docker-image option", (o) => o.map((x) => x.value));
  assert.deepEqual(options.sort(), ["ghcr.io/pterodactyl/yolks:java_17", "ghcr.io/pterodactyl/yolks:java_21"]);
  await page.selectOption("#docker-image", "ghcr.io/pterodactyl/yolks:java_21");
  await page.click("section[aria-labelledby=image-title] button[type=submit]");
  await page.waitForSelector("section[aria-labelledby=image-title] .ok:has-text('next start')");
  assert.equal((await server()).docker_image, "ghcr.io/pterodactyl/yolks:java_21");
});

test("SFTP: host, port and user name with copy buttons, and an sftp:// link", async () => {
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await openServer({ newPage: () => context.newPage() }, { app: app.url, panel: sandbox.url });
  await openTab(page, "Settings");
  const sftp = (await server()).sftp_details;
  const link = await page.waitForSelector("[data-testid=sftp-link]");
  assert.equal(await link.getAttribute("href"), `sftp://alice.${RUNNING}@${sftp.ip}:${sftp.port}`);
  await page.click("[data-testid=sftp] button[aria-label='Copy user name']");
  await page.waitForSelector("[data-testid=sftp] button[aria-label='Copy user name']:has-text('Copied')");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `alice.${RUNNING}`);
  await context.close();
});

test("reinstall asks first, then the server installs", async () => {
  const page = await settingsOf();
  await page.click("section[aria-labelledby=reinstall-title] button:has-text('Reinstall…')");
  await page.click("[aria-label='Confirm the reinstall'] button:has-text('Cancel')");
  assert.equal((await server()).status, null);
  await page.click("section[aria-labelledby=reinstall-title] button:has-text('Reinstall…')");
  await page.click("[aria-label='Confirm the reinstall'] button.danger");
  await page.waitForSelector("section[aria-labelledby=reinstall-title] .ok:has-text('Reinstalling')");
  assert.equal((await server()).status, "installing");
});

test("a subuser without settings permissions sees none of them; the panel refuses a rename", async () => {
  const page = await settingsOf({ key: BOB, server: SHARED });
  await page.waitForSelector("[data-testid=settings] .empty:has-text('may not change')");
  assert.equal(await page.locator("#server-name").count(), 0);
  assert.equal(await page.locator("#docker-image").count(), 0);
  assert.equal(await page.locator("section[aria-labelledby=reinstall-title]").count(), 0);
  const answer = await fetch(`${sandbox.url}/api/client/servers/${SHARED}/settings/rename`, {
    method: "POST", headers: { authorization: `Bearer ${BOB}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ name: "mine now" }),
  });
  assert.equal(answer.status, 403);
});

test("the panel's request throttle (429) reads as a throttle, and the form keeps what was typed", async () => {
  const own = await startSandbox(app, ["--rate-limit", "30"], "sandbox (rate limit 30/min)");
  try {
    const page = await openServer(browser, { app: app.url, panel: own.url });
    await openTab(page, "Settings");
    await page.fill("#server-name", "Throttled name");
    const error = page.locator("section[aria-labelledby=rename-title] .error[role=alert]");
    for (let n = 0; n < 40 && !(await error.count()); n++) {
      await page.click("section[aria-labelledby=rename-title] button[type=submit]");
      await page.waitForTimeout(50);
    }
    assert.match(await error.textContent(), /too many requests.*try again/i);
    assert.equal(await page.inputValue("#server-name"), "Throttled name");
  } finally {
    own.close();
  }
});
