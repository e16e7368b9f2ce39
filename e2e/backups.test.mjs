// Backups on the server page against the sandbox in headless Chromium: the list with the
// server's limit, create (name, ignored files, locked) with progress from Wings' event,
// download, lock/unlock, restore (confirmed, optional truncate), delete (confirmed); the
// panel's backup throttle is shown as a throttle; a subuser without backup.* gets no tab.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./lib/browser.mjs";
import { ALICE, BOB, RUNNING, SHARED, openServer, openTab, serveApp, startSandbox } from "./lib/manager.mjs";

let browser, app, sandbox;

before(async () => {
  app = await serveApp();
  // The panel's throttle (2 per 600 s) is the default; the suite's own sandbox counts them.
  sandbox = await startSandbox(app);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  sandbox?.close();
});

async function backupsOf() {
  const page = await openServer(browser, { app: app.url, panel: sandbox.url });
  await openTab(page, "Backups");
  await page.waitForSelector(".backup-list");
  return page;
}

async function backups(panel = sandbox.url) {
  const answer = await fetch(`${panel}/api/client/servers/${RUNNING}/backups`, {
    headers: { authorization: `Bearer ${ALICE}`, accept: "application/json" },
  });
  return (await answer.json()).data.map((b) => b.attributes);
}

const item = (page, name) => page.locator(".backup", { has: page.locator(`.backup-name:text-is('${name}')`) });

test("the list shows the limit; a new backup (name, ignored, locked) runs until Wings says it is done", async () => {
  const page = await backupsOf();
  assert.match(await page.textContent("[data-testid=backup-count]"), /2 of 5 used/);
  await page.click("details.create-backup summary");
  await page.fill("#backup-name", "Before the update");
  await page.fill("#backup-ignored", "*.log\ncache/");
  await page.check(".create-backup input[type=checkbox]");
  await page.click(".create-backup button[type=submit]");
  await page.waitForSelector("[data-testid=backup-notice]:has-text('started')");
  await item(page, "Before the update").waitFor();
  // Completed once Wings' `backup completed` arrives over the socket.
  await page.waitForSelector(".backup[data-state=completed]:has(.backup-name:text-is('Before the update'))", { timeout: 20000 });
  await page.waitForSelector("[data-testid=backup-count]:has-text('3 of 5')");
  const made = (await backups()).find((b) => b.name === "Before the update");
  assert.equal(made.is_locked, true);
  assert.equal(made.ignored_files.join("\n"), "*.log\ncache/");
  // Locked: its Delete is disabled until unlocked.
  assert.equal(await item(page, "Before the update").locator("button:has-text('Delete')").isDisabled(), true);
  await item(page, "Before the update").locator("button:has-text('Unlock')").click();
  await page.waitForSelector("[data-testid=backup-notice]:has-text('Unlocked')");
  await item(page, "Before the update").locator("button:has-text('Lock')").waitFor();
  assert.equal((await backups()).find((b) => b.name === "Before the update").is_locked, false);
});

test("download, restore with confirmation (truncate), delete with confirmation", async () => {
  const page = await backupsOf();
  const [name] = (await backups()).filter((b) => !b.is_locked && b.completed_at).map((b) => b.name);
  const row = item(page, name);
  const [download] = await Promise.all([page.waitForEvent("download"), row.locator("button:has-text('Download')").click()]);
  assert.ok(download.url().includes("/download/backup?token="), download.url());
  await row.locator("button:has-text('Restore')").click();
  await row.locator("[aria-label='Confirm the restore']").waitFor();
  await row.locator("[aria-label='Confirm the restore'] input[type=checkbox]").check();
  await row.locator("[aria-label='Confirm the restore'] button.danger").click();
  await page.waitForSelector("[data-testid=backup-notice]:has-text('Restoring')");
  // Delete: Cancel keeps it; confirming removes it.
  await row.locator("button:has-text('Delete')").click();
  await row.locator("[aria-label='Confirm the deletion'] button:has-text('Cancel')").click();
  assert.ok((await backups()).some((b) => b.name === name));
  // The server is restoring until Wings' `backup restore completed`; deleting waits for it.
  await waitUntil(async () => {
    await row.locator("button:has-text('Delete')").click();
    await row.locator("[aria-label='Confirm the deletion'] button.danger").click();
    await page.waitForTimeout(500);
    return !(await backups()).some((b) => b.name === name);
  });
  await row.waitFor({ state: "detached" });
});

async function waitUntil(check, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  throw new Error("timed out");
}

test("the panel's backup throttle is shown as a throttle with its wait", async () => {
  const own = await startSandbox(app, ["--backup-throttle-limit", "1"], "sandbox (backup throttle)");
  try {
    const page = await openServer(browser, { app: app.url, panel: own.url });
    await openTab(page, "Backups");
    await page.waitForSelector(".backup-list");
    await page.click("details.create-backup summary");
    await page.click(".create-backup button[type=submit]");
    await page.waitForSelector("[data-testid=backup-notice]:has-text('started')");
    await page.click(".create-backup button[type=submit]");
    const error = await page.waitForSelector("[data-testid=backup-error]");
    // The panel's own sentence; its Retry-After is not exposed to a cross-origin page (the
    // panel's CORS lists no exposed headers), so the wait is "later" here.
    assert.match(await error.textContent(), /^Only 1 backups may be generated within a 600 second span of time\. Try again (later|in \d+ (minutes|seconds))\.$/);
  } finally {
    own.close();
  }
});

test("a subuser without backup permissions has no Backups tab, and the panel refuses the list", async () => {
  const page = await openServer(browser, { app: app.url, panel: sandbox.url, key: BOB, server: SHARED });
  await page.waitForSelector("button[role=tab]:has-text('Files')");
  assert.equal(await page.locator("button[role=tab]:has-text('Backups')").count(), 0);
  const answer = await fetch(`${sandbox.url}/api/client/servers/${SHARED}/backups`, {
    headers: { authorization: `Bearer ${BOB}`, accept: "application/json" },
  });
  assert.equal(answer.status, 403);
});
