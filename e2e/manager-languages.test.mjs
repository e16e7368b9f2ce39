// The server manager in the viewer's language, against the sandbox in headless Chromium:
// with the language setting German the server page's tabs, the files list, the backups
// section and the account page speak German and dates are written the German way; the
// browser's own language (no setting) chooses it too; plurals take the form each
// language's rules choose (Russian and Polish one/few/many); and a manager catalog that
// cannot be had leaves the manager in English, without an error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch } from "./lib/browser.mjs";
import { RUNNING, openServer, serveApp, startSandbox } from "./lib/manager.mjs";

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

/** A catalog of i18n/manager as `key → text`. */
function catalog(tag) {
  const text = readFileSync(new URL(`../i18n/manager/${tag}.txt`, import.meta.url), "utf8");
  return Object.fromEntries(
    text.split("\n").filter((l) => l.includes(" = ") && !l.startsWith("#")).map((l) => {
      const at = l.indexOf(" = ");
      return [l.slice(0, at).trim(), l.slice(at + 3).trim()];
    }),
  );
}

/**
 * A browser context with the language setting `setting` (none: the browser's `locale`),
 * `prepare` run on it (routes), and the server page open in it.
 */
async function serverPageIn({ setting = null, locale = "en-US", prepare = async () => {} }) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  if (setting) await context.addInitScript((tag) => localStorage.setItem("ptero-web.language", tag), setting);
  await prepare(context);
  const page = await openServer({ newPage: () => context.newPage() }, { app: app.url, panel: sandbox.url });
  await page.waitForSelector(".tabs button[role=tab]");
  return { context, page };
}

const tabs = (page) => page.locator(".tabs button[role=tab]").allTextContents();
const openTab = async (page, key) => {
  await page.click(`button[role=tab][data-tab=${key}]`);
  await page.waitForSelector(`button[role=tab][data-tab=${key}][aria-selected=true]`);
};

test("with the setting German, the tabs, the files list and the backups speak German, dates the German way", async () => {
  const de = catalog("de");
  const { context, page } = await serverPageIn({ setting: "de" });
  try {
    assert.equal(await page.getAttribute("html", "lang"), "de");
    assert.deepEqual(await tabs(page), [
      "Konsole", "Dateien", "Backups", "Start", "Einstellungen",
      "Zeitpläne", "Datenbanken", "Benutzer", "Netzwerk", "Aktivität",
    ]);
    assert.equal(await page.textContent("[data-testid=glance-address] button.copy"), de["copy.copy"]);

    await openTab(page, "files");
    await page.waitForSelector(".file-table .file-row");
    assert.deepEqual(
      (await page.locator(".file-table thead th").allTextContents()).slice(1, 4),
      ["Name", "Größe", "Geändert"],
    );
    assert.deepEqual(
      await page.locator(".file-toolbar > button, .file-toolbar > label").allTextContents(),
      ["Neue Datei", "Neuer Ordner", "Hochladen", "Von URL laden"],
    );
    // The modified time as Intl writes it in German ("16.01.2024, 09:30"), from its own attribute.
    const time = page.locator(".file-row[data-name='server.properties'] td.modified time");
    const shown = (await time.textContent()).trim();
    assert.match(shown, /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    const expected = await time.evaluate((el) =>
      new Intl.DateTimeFormat("de", { dateStyle: "medium", timeStyle: "short" }).format(new Date(el.getAttribute("datetime"))));
    assert.equal(shown, expected);
    // Sizes with the German decimal comma.
    assert.match(await page.textContent(".file-row[data-name='server.jar'] td.size"), /^\d+,\d MiB$/);

    await openTab(page, "backups");
    await page.waitForSelector(".backup-list .backup");
    assert.equal(await page.textContent("#backups-title"), "Backups");
    assert.equal(await page.textContent("[data-testid=backup-count]"), "2 von 5 belegt");
    assert.equal(await page.textContent("details.create-backup summary"), de["backups.create"]);
    const done = page.locator(".backup[data-state=completed]").first();
    assert.equal(await done.locator(".badge").textContent(), "Fertig");
    assert.equal(await done.locator(".backup-actions button").first().textContent(), "Herunterladen");
    assert.match(await done.locator(".backup-details").textContent(), /^\d+,\d MiB · \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);

    // A schedule's times in German words, the weekday named by Intl.
    await openTab(page, "schedules");
    await page.waitForSelector("[data-testid=cron-words]");
    assert.deepEqual(await page.locator("[data-testid=cron-words]").allTextContents(), [
      "täglich um 04:00",
      "jeden Sonntag um 03:30",
    ]);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test("with the setting German, the account page speaks German", async () => {
  const de = catalog("de");
  const { context, page } = await serverPageIn({ setting: "de" });
  try {
    await page.goto(`${app.url}/account`);
    await page.waitForSelector("[data-testid=account-page] [data-testid=account-email]");
    assert.equal(await page.textContent("#account-title"), "Konto");
    assert.equal(await page.textContent("#api-keys-title"), "API-Schlüssel");
    assert.equal(await page.textContent("#ssh-keys-title"), "SSH-Schlüssel");
    assert.equal(await page.textContent("#credentials-title"), de["credentials.title"]);
    assert.equal(await page.textContent("#activity-title"), "Kontoaktivität");
    await page.waitForSelector("[data-testid=activity] .log-entry");
    // The panel's event sentence in German, its name as the panel's identifier.
    const login = page.locator(".log-entry[data-event='auth:success']").first();
    assert.equal(await login.locator(".log-sentence").textContent(), "Angemeldet");
    assert.equal(await login.locator("code.event").textContent(), "auth:success");
    assert.match(await page.textContent("[data-testid=activity-count]"), /^\d+ von \d+ Einträgen$/);
    assert.match(await page.textContent("[data-testid=api-keys] .card p.small"), /^Erstellt am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test("without a setting, the browser's language (de-DE) chooses German", async () => {
  const { context, page } = await serverPageIn({ locale: "de-DE" });
  try {
    assert.equal((await tabs(page))[1], "Dateien");
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

/** The toolbar's delete question with the first `n` entries of the root selected. */
async function deleteQuestion(page, n) {
  await page.locator(".file-row input[type=checkbox]").first().waitFor();
  const boxes = page.locator(".file-row input[type=checkbox]");
  for (let i = 0; i < n; i++) await boxes.nth(i).check();
  await page.click(".bulk-bar button.danger-outline");
  const question = (await page.textContent(".toolbar-form .confirm")).trim();
  await page.click(".toolbar-form button[type=button]");
  await page.click(".bulk-bar button.link");
  return question;
}

test("plurals take each language's form: Russian and Polish one, few and many", async () => {
  for (const [tag, forms] of [
    ["ru", { 1: "Удалить 1 выбранный элемент?", 2: "Удалить 2 выбранных элемента?", 5: "Удалить 5 выбранных элементов?" }],
    ["pl", { 1: "Usunąć 1 zaznaczony element?", 3: "Usunąć 3 zaznaczone elementy?", 5: "Usunąć 5 zaznaczonych elementów?" }],
  ]) {
    const { context, page } = await serverPageIn({ setting: tag });
    try {
      await openTab(page, "files");
      for (const [n, start] of Object.entries(forms)) {
        const question = await deleteQuestion(page, Number(n));
        assert.ok(question.startsWith(start), `${tag} ${n}: ${question}`);
      }
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  }
});

test("a manager catalog that cannot be had leaves the manager in English, without an error", async () => {
  let asked = 0;
  const { context, page } = await serverPageIn({
    setting: "de",
    prepare: (context) =>
      context.route("**/manager-de.txt", (route) => {
        asked += 1;
        return route.fulfill({ status: 404, contentType: "text/plain", body: "not here" });
      }),
  });
  try {
    assert.ok(asked >= 1, "the manager asked for its German catalog");
    assert.deepEqual((await tabs(page)).slice(0, 5), ["Console", "Files", "Backups", "Startup", "Settings"]);
    await openTab(page, "backups");
    await page.waitForSelector(".backup-list .backup");
    assert.equal(await page.textContent("[data-testid=backup-count]"), "2 of 5 used");
    await page.waitForSelector(`.server-page[data-identifier='${RUNNING}']`);
    // The browser reports the 404 itself; nothing else went wrong.
    const problems = page.problems.filter((p) => !/Failed to load resource: .*404/.test(p));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
