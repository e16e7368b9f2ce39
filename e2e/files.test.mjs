// The file manager (the server page's bundle) against the sandbox in headless Chromium:
// the editor, new files and folders, uploads through Wings' signed URL, downloads,
// rename/move, copy, chmod, archives, deletes, the selection's bulk actions and pulls;
// a subuser without the permissions sees no such controls; a throttled pull says so.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launch } from "./lib/browser.mjs";
import { ALICE, BOB, RUNNING, SHARED, fileText, listing, openServer, openTab, serveApp, startSandbox } from "./lib/manager.mjs";
import { startStack } from "./lib/stack.mjs";
import { FLAVOR } from "./lib/flavor.mjs";

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

async function filesOf(server = RUNNING, key) {
  const page = await openServer(browser, { app: app.url, panel: sandbox.url, server, ...(key ? { key } : {}) });
  await openTab(page, "Files");
  await page.waitForSelector(".file-table");
  return page;
}

const row = (page, name) => page.locator(`.file-row[data-name='${name}']`);

async function menu(page, name, action) {
  await row(page, name).locator("summary").click();
  await row(page, name).locator(`button[role=menuitem]:has-text('${action}')`).click();
}

test("the editor: line numbers, colours, search, Ctrl+S saves, unsaved changes are guarded", async () => {
  const page = await filesOf();
  await row(page, "server.properties").locator(".file-name").click();
  const area = page.locator("[data-testid=editor-text]");
  await page.waitForFunction(() => document.querySelector("[data-testid=editor-text]")?.value.includes("max-players"));
  // Monospace, numbered lines, the mirror coloured by the properties rules.
  assert.match(await area.evaluate((el) => getComputedStyle(el).fontFamily), /mono/i);
  const lines = (await area.inputValue()).split("\n").length;
  assert.equal((await page.textContent(".gutter")).split("\n").length, lines);
  assert.ok(await page.locator(".mirror .code-line span.tok-key").count() >= 3, "keys are coloured");
  // Search within the file.
  await page.fill("#editor-find", "MAX-PLAYERS");
  await page.waitForSelector("[data-testid=find-count]:has-text('1 of 1')");
  // An edit is unsaved until Ctrl+S.
  await area.focus();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("view-distance=12\n");
  await page.waitForSelector("[data-testid=editor-status]:has-text('Unsaved')");
  // Leaving asks first; declining stays in the editor.
  let asked = null;
  page.once("dialog", (dialog) => { asked = dialog.message(); dialog.dismiss(); });
  await page.click("button[role=tab]:has-text('Console')");
  assert.match(asked ?? "", /unsaved/i);
  assert.equal(await page.getAttribute("button[role=tab]:has-text('Files')", "aria-selected"), "true");
  await area.focus();
  await page.keyboard.press("Control+s");
  await page.waitForSelector("[data-testid=editor-status]:has-text('Saved')");
  const saved = await fileText(sandbox.url, RUNNING, "/server.properties");
  assert.match(saved.text, /view-distance=12/);
  // Saved: leaving no longer asks.
  await page.click("button:has-text('Close')");
  await page.waitForSelector(".file-table");
});

test("new folder and new file; a file over the editor's limit is refused with the panel's sentence", async () => {
  const page = await filesOf();
  await page.click(".file-toolbar button:has-text('New folder')");
  await page.fill("#toolbar-input", "mods");
  await page.click(".toolbar-form button:has-text('Create')");
  await page.waitForSelector(".file-row[data-name='mods']");
  await row(page, "mods").locator(".file-name").click();
  await page.waitForSelector(".crumbs [aria-current=location]:has-text('mods')");
  await page.click(".file-toolbar button:has-text('New file')");
  await page.fill("#new-file-name", "config.yml");
  await page.fill("[data-testid=editor-text]", "enabled: true\nlevel: 3\n");
  await page.locator("[data-testid=editor-text]").press("Control+s");
  await page.waitForSelector("[data-testid=editor-status]:has-text('Saved')");
  assert.equal((await fileText(sandbox.url, RUNNING, "/mods/config.yml")).text, "enabled: true\nlevel: 3\n");
  await page.click("button:has-text('Close')");
  await page.waitForSelector(".file-row[data-name='config.yml']");
  // Uploaded past 4 MiB, then refused by the editor before any read.
  await page.setInputFiles("#upload-input", [{ name: "huge.log", mimeType: "text/plain", buffer: Buffer.alloc(5 * 1024 * 1024, "a") }]);
  await page.waitForSelector(".upload[data-upload='huge.log'].done", { timeout: 20000 });
  await page.waitForSelector(".file-row[data-name='huge.log']");
  await row(page, "huge.log").locator(".file-name").click();
  await page.waitForSelector("[data-testid=editor-refused]:has-text('too large to view')");
});

test("uploads (several, with progress) go to Wings' signed URL; downloads come back from it", async () => {
  const page = await filesOf();
  const wings = [];
  page.on("request", (req) => { if (req.method() === "POST" && req.url().includes("/upload/file")) wings.push(req.url()); });
  await page.setInputFiles("#upload-input", [
    { name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("first upload\n") },
    { name: "b.txt", mimeType: "text/plain", buffer: Buffer.from("second upload\n") },
  ]);
  await page.waitForSelector(".upload[data-upload='a.txt'].done");
  await page.waitForSelector(".upload[data-upload='b.txt'].done");
  assert.equal(wings.length, 2, "one signed URL per file");
  assert.ok(wings.every((url) => url.includes("token=")), wings.join(" "));
  await page.waitForSelector(".file-row[data-name='b.txt']");
  assert.equal(await page.getAttribute(".upload[data-upload='b.txt'] progress", "value"), "100");
  assert.equal((await fileText(sandbox.url, RUNNING, "/a.txt")).text, "first upload\n");
  // Dropped files upload the same way.
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["dropped\n"], "dropped.txt", { type: "text/plain" }));
    return transfer;
  });
  await page.dispatchEvent("[data-testid=files]", "dragenter", { dataTransfer: dropped });
  await page.waitForSelector(".drop-hint");
  await page.dispatchEvent("[data-testid=files]", "drop", { dataTransfer: dropped });
  await page.waitForSelector(".upload[data-upload='dropped.txt'].done");
  assert.equal(await page.locator(".drop-hint").count(), 0);
  assert.equal((await fileText(sandbox.url, RUNNING, "/dropped.txt")).text, "dropped\n");
  // Download through the menu: the browser's own download of the signed URL.
  const [download] = await Promise.all([page.waitForEvent("download"), menu(page, "eula.txt", "Download")]);
  assert.equal(await readFile(await download.path(), "utf8"), "eula=true\n");
});

test("rename and move, copy, permissions, archive and extract, delete with confirmation", async () => {
  const page = await filesOf();
  await menu(page, "ops.json", "Copy");
  await page.waitForSelector("[data-testid=files-notice]:has-text('Copied ops.json')");
  const copy = (await listing(sandbox.url, RUNNING)).find((n) => n.startsWith("ops copy"));
  assert.ok(copy, "the panel's copy name");
  await page.waitForSelector(`.file-row[data-name='${copy}']`);
  // Rename into another directory: the panel's rename is also its move.
  await menu(page, copy, "Rename or move");
  await page.fill(".row-action input", "plugins/ops-moved.json");
  await page.click(".row-action button:has-text('Rename')");
  await page.waitForSelector(`[data-testid=files-notice]:has-text('Renamed')`);
  assert.ok((await listing(sandbox.url, RUNNING, "/plugins")).includes("ops-moved.json"));
  // chmod: a bad mode is refused in place; a good one reaches the panel.
  await menu(page, "eula.txt", "Permissions");
  await page.fill(".row-action input", "9x9");
  await page.click(".row-action button:has-text('Set')");
  await page.waitForSelector(".row-action .error:has-text('octal')");
  await page.fill(".row-action input", "600");
  await page.click(".row-action button:has-text('Set')");
  await page.waitForSelector("[data-testid=files-notice]:has-text('eula.txt is now 600')");
  // Archive, then extract it into a folder of its own.
  await menu(page, "plugins", "Archive");
  await page.waitForSelector("[data-testid=files-notice]:has-text('Archived into')");
  const archive = (await listing(sandbox.url, RUNNING)).find((n) => n.endsWith(".tar.gz"));
  assert.ok(archive, "an archive was made");
  await page.waitForSelector(`.file-row[data-name='${archive}']`);
  await menu(page, archive, "Extract here");
  await page.waitForSelector(`[data-testid=files-notice]:has-text('Extracted')`);
  // Delete asks first: Cancel keeps it, Delete removes it.
  await menu(page, archive, "Delete");
  await page.click(".row-action button:has-text('Cancel')");
  assert.ok((await listing(sandbox.url, RUNNING)).includes(archive));
  await menu(page, archive, "Delete");
  await page.click(".row-action button.danger:has-text('Delete')");
  await page.waitForSelector(`.file-row[data-name='${archive}']`, { state: "detached" });
  assert.ok(!(await listing(sandbox.url, RUNNING)).includes(archive));
});

test("a refused action shows Wings' sentence next to the file it concerns", async () => {
  const page = await filesOf();
  // Renaming onto an existing name: Wings refuses.
  await menu(page, "eula.txt", "Rename or move");
  await page.fill(".row-action input", "server.properties");
  await page.click(".row-action button:has-text('Rename')");
  const error = page.locator(".file-row[data-name='eula.txt'] + .row-error [data-testid=row-error]");
  await error.waitFor();
  assert.match(await error.textContent(), /exists/i);
});

test("multi-select: bulk move, archive and delete", async () => {
  for (const name of ["bulk-1.txt", "bulk-2.txt", "bulk-3.txt"]) {
    await fetch(`${sandbox.url}/api/client/servers/${RUNNING}/files/write?file=${encodeURIComponent("/" + name)}`, {
      method: "POST", headers: { authorization: `Bearer ${ALICE}`, "content-type": "text/plain" }, body: name,
    });
  }
  const page = await filesOf();
  await page.waitForSelector(".file-row[data-name='bulk-3.txt']");
  const select = async (name) => row(page, name).locator("input[type=checkbox]").check();
  await select("bulk-1.txt");
  await select("bulk-2.txt");
  await page.waitForSelector(".bulk-bar:has-text('2 selected')");
  await page.click(".bulk-bar button:has-text('Archive')");
  await page.waitForSelector("[data-testid=files-notice]:has-text('Archived into')");
  await select("bulk-1.txt");
  await select("bulk-2.txt");
  await page.click(".bulk-bar button:has-text('Move')");
  await page.fill("#toolbar-input", "/world");
  await page.click(".toolbar-form button:has-text('Move')");
  await page.waitForSelector(".file-row[data-name='bulk-1.txt']", { state: "detached" });
  const world = await listing(sandbox.url, RUNNING, "/world");
  assert.ok(world.includes("bulk-1.txt") && world.includes("bulk-2.txt"), world.join(","));
  await select("bulk-3.txt");
  await page.click(".bulk-bar button:has-text('Delete')");
  await page.waitForSelector(".toolbar-form:has-text('Delete 1 selected')");
  await page.click(".toolbar-form button.danger");
  await page.waitForSelector(".file-row[data-name='bulk-3.txt']", { state: "detached" });
});

test("pull from a URL, and the pull throttle's answer shown as a throttle", async () => {
  const own = await startSandbox(app, [], "sandbox (pulls)");
  try {
    const page = await openServer(browser, { app: app.url, panel: own.url });
    await openTab(page, "Files");
    await page.waitForSelector(".file-table");
    // Pterodactyl 1.11: 10 per 5 min per user; 1.12 and Pelican: 5 per 10 min per server.
    const limit = FLAVOR === "pterodactyl-1.11" ? 10 : 5;
    for (let n = 1; n <= limit + 1; n++) {
      await page.click(".file-toolbar button:has-text('Pull from URL')");
      await page.fill("#toolbar-input", `https://downloads.example.com/plugin-${n}.jar`);
      await page.click(".toolbar-form button:has-text('Pull')");
      if (n <= limit) {
        await page.waitForSelector("[data-testid=files-notice]:has-text('Wings is downloading')");
        await page.waitForSelector(`.file-row[data-name='plugin-${n}.jar']`);
      }
    }
    const error = await page.waitForSelector("[data-testid=files-error]");
    assert.match(await error.textContent(), /too many|try again/i);
  } finally {
    own.close();
  }
});

test("a subuser with read permissions only sees no create, change or delete controls", async () => {
  const page = await filesOf(SHARED, BOB);
  assert.equal(await page.locator(".file-toolbar button").count(), 0, "no new file/folder/pull");
  assert.equal(await page.locator("#upload-input").count(), 0);
  await row(page, "eula.txt").locator("summary").click();
  const items = await row(page, "eula.txt").locator("button[role=menuitem]").allTextContents();
  assert.deepEqual(items, ["Edit", "Download"]);
  // The panel refuses the same change made directly (403).
  const answer = await fetch(`${sandbox.url}/api/client/servers/${SHARED}/files/delete`, {
    method: "POST", headers: { authorization: `Bearer ${BOB}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ root: "/", files: ["eula.txt"] }),
  });
  assert.equal(answer.status, 403);
  // The editor opens read-only: no Save.
  await row(page, "eula.txt").locator(".file-name").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=editor-text]")?.value.includes("eula"));
  assert.equal(await page.locator("[data-testid=editor] button:has-text('Save')").count(), 0);
  assert.equal(await page.getAttribute("[data-testid=editor-text]", "readonly"), "");
});

test("through the origin's pass-through: listing, saving and uploading work the same", async () => {
  const stack = await startStack({ pages: "e2e/fixtures", sandboxArgs: ["--node-allowed-origin", "*", "--websocket-token-limit", "0"] });
  try {
    const page = await openServer(browser, { app: stack.origin, panel: stack.panel, origin: stack.origin });
    await openTab(page, "Files");
    await page.waitForSelector(".file-row[data-name='eula.txt']");
    await page.click(".file-toolbar button:has-text('New file')");
    await page.fill("#new-file-name", "via-origin.txt");
    await page.fill("[data-testid=editor-text]", "through the origin\n");
    await page.locator("[data-testid=editor-text]").press("Control+s");
    await page.waitForSelector("[data-testid=editor-status]:has-text('Saved')");
    await page.click("button:has-text('Close')");
    await page.setInputFiles("#upload-input", [{ name: "up.txt", mimeType: "text/plain", buffer: Buffer.from("up\n") }]);
    await page.waitForSelector(".upload[data-upload='up.txt'].done");
    const names = await listing(stack.panel, RUNNING);
    assert.ok(names.includes("via-origin.txt") && names.includes("up.txt"), names.join(","));
  } finally {
    await stack.close();
  }
});
