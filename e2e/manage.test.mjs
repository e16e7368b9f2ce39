// The server page's management screens (the manager bundle) against the sandbox in
// headless Chromium: schedules and tasks, databases, users, network, activity. Each
// family: its actions, one limit or throttle, and one refusal of a right the page
// thought the account had (the owner takes it away after the page loaded).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { FLAVOR } from "./lib/flavor.mjs";
import { auditPage } from "./lib/a11y.mjs";
import { KEYS, SERVERS, api, actionError, bench, confirm, openTab, setBob, signIn, startStack } from "./lib/manage.mjs";

const throttles = FLAVOR !== "pterodactyl-1.11";
let stack, bobAsSeeded;

before(async () => {
  stack = await startStack();
  const users = await api(stack, KEYS.alice, "GET", `/servers/${SERVERS.shared}/users`);
  bobAsSeeded = users.body.data.find((u) => u.attributes.username === "bob").attributes.permissions;
});

after(async () => {
  await stack?.close();
});

/** Bob with `extra` rights on the shared server, on its `tab`; then Alice takes `revoked` back. */
async function bobLosesRights(tab, extra, revoked) {
  await setBob(stack, [...bobAsSeeded, ...extra]);
  const page = await signIn(stack, KEYS.bob);
  await openTab(page, stack, SERVERS.shared, tab);
  await page.waitForSelector(`[data-testid=${tab}]`);
  await setBob(stack, [...bobAsSeeded, ...extra.filter((p) => !revoked.includes(p))]);
  return page;
}

test("schedules: a preset and typed fields read in words; create, edit, tasks in order, run now, delete", async () => {
  const page = await signIn(stack);
  await openTab(page, stack, bench(1), "schedules");
  await page.waitForSelector("[data-testid=schedules] .empty");
  await page.click("button:has-text('New schedule')");
  await page.fill("#schedule-new-name", "Restart");
  await page.click(".presets button:has-text('Every Monday at 04:00')");
  assert.equal(await page.inputValue("#schedule-new-day_of_week"), "1");
  assert.match(await page.textContent("[data-testid=cron-preview]"), /Monday at 04:00/);
  await page.fill("#schedule-new-hour", "25");
  await page.waitForSelector("#schedule-new-hour[aria-invalid=true]");
  await page.click("button:has-text('Create schedule')");
  assert.equal(await page.$$eval("[data-schedule]", (c) => c.length), 0, "nothing is sent with a bad field");
  await page.fill("#schedule-new-hour", "4");
  await page.click("button:has-text('Create schedule')");
  const card = await page.waitForSelector("[data-schedule]");
  const id = await card.getAttribute("data-schedule");
  const scope = `[data-schedule='${id}']`;
  assert.match(await page.textContent(`${scope} [data-testid=cron-words]`), /every Monday at 04:00/);
  // Tasks: a command, then a power action 60 s later; moved into the other order.
  for (const [action, value, offset] of [["command", "say bye", "0"], ["power", "restart", "60"]]) {
    await page.click(`${scope} button.add-task`);
    await page.selectOption(`${scope} .task-form select[id$=-action]`, action);
    if (action === "command") await page.fill(`${scope} .task-form input[id$=-command]`, value);
    else await page.selectOption(`${scope} .task-form select[id$=-signal]`, value);
    await page.fill(`${scope} .task-form input[id$=-offset]`, offset);
    await page.click(`${scope} .task-form button[type=submit]`);
    await page.waitForSelector(`${scope} .task-form`, { state: "detached" });
  }
  await page.waitForSelector(`${scope} .task[data-sequence='2']:has-text('Power action: restart, 1 min after')`);
  await page.click(`${scope} .task[data-sequence='2'] button[aria-label='Move up']`);
  await page.waitForSelector(`${scope} .task[data-sequence='1']:has-text('Power action')`);
  const tasks = await api(stack, KEYS.alice, "GET", `/servers/${bench(1)}/schedules/${id}`);
  const order = tasks.body.attributes.relationships.tasks.data.map((t) => [t.attributes.sequence_id, t.attributes.action]);
  assert.deepEqual(order.sort(), [[1, "power"], [2, "command"]]);
  // Run now: the panel takes it (202) and the list shows it running.
  await page.click(`${scope} button:has-text('Run now')`);
  await page.waitForSelector(`${scope} .badge:has-text('running')`);
  // Edit: inactive, every 15 minutes.
  await page.click(`${scope} button:has-text('Edit')`);
  await page.click(`${scope} .presets button:has-text('Every 15 minutes')`);
  await page.uncheck(`${scope} form[aria-label='Edit schedule'] label:has-text('Active') input`);
  await page.click(`${scope} button:has-text('Save schedule')`);
  await page.waitForSelector(`${scope} .badge:has-text('inactive')`);
  assert.match(await page.textContent(`${scope} [data-testid=cron-words]`), /every 15 minutes/);
  await confirm(page, scope, "Delete Restart", "Delete");
  await page.waitForSelector(scope, { state: "detached" });
  assert.deepEqual(page.problems.filter((p) => !p.includes("status of 4")), []);
});

test("schedules: past the panel's creation throttle the form says so and keeps what was typed", { skip: !throttles && "1.11 has no creation throttles" }, async () => {
  const page = await signIn(stack);
  await openTab(page, stack, bench(2), "schedules");
  for (const name of ["one", "two", "three"]) {
    await page.click("button:has-text('New schedule')");
    await page.fill("#schedule-new-name", name);
    await page.click("button:has-text('Create schedule')");
    if (name !== "three") await page.waitForSelector(`[data-schedule]:has-text('${name}')`);
  }
  const error = await actionError(page, "form[aria-label='New schedule']");
  assert.equal(error.kind, "throttled");
  assert.equal(await page.inputValue("#schedule-new-name"), "three");
});

test("schedules: a creation the owner no longer allows shows the panel's refusal beside the form", async () => {
  const page = await bobLosesRights("schedules", ["schedule.read", "schedule.create"], ["schedule.create"]);
  await page.click("button:has-text('New schedule')");
  await page.fill("#schedule-new-name", "Bob's");
  await page.click("button:has-text('Create schedule')");
  assert.equal((await actionError(page, "form[aria-label='New schedule']")).kind, "forbidden");
});

test("databases: create, show and rotate the password, delete; the limit is shown and reached", async () => {
  const page = await signIn(stack);
  await openTab(page, stack, bench(3), "databases");
  await page.waitForSelector("[data-testid=database-count]:has-text('0 of 2 used')");
  await page.fill("#database-name", "stats");
  await page.fill("#database-remote", "10.0.0.%");
  await page.click("button:has-text('Create database')");
  const card = await page.waitForSelector("[data-database]");
  const scope = `[data-database='${await card.getAttribute("data-database")}']`;
  assert.match(await page.textContent(`${scope} h3`), /s\d+_stats/);
  assert.match(await page.textContent(`${scope} [data-testid=database-password]`), /••••/);
  await page.click(`${scope} button:has-text('Show')`);
  const first = await page.textContent(`${scope} [data-testid=database-password] code`);
  assert.ok(first.length >= 16 && !first.includes("•"), first);
  await page.click(`${scope} button:has-text('Rotate password')`);
  await page.waitForFunction(([s, old]) => document.querySelector(`${s} [data-testid=database-password] code`)?.textContent !== old, [scope, first]);
  await page.waitForSelector("[data-testid=database-count]:has-text('1 of 2 used')");
  const name = await page.textContent(`${scope} h3`);
  await confirm(page, scope, `Delete ${name}`, "Delete");
  await page.waitForSelector(scope, { state: "detached" });
  // The seeded server has one of two: one more fills it.
  await openTab(page, stack, SERVERS.running, "databases");
  await page.waitForSelector("[data-testid=database-count]:has-text('1 of 2 used')");
  await page.fill("#database-name", "second");
  await page.click("button:has-text('Create database')");
  await page.waitForSelector("[data-testid=database-count]:has-text('2 of 2 used')");
  assert.ok(await page.isDisabled("button:has-text('Create database')"));
  await page.waitForSelector("text=all the databases its plan allows");
});

test("databases: a creation the owner no longer allows is refused beside the form", async () => {
  const page = await bobLosesRights("databases", ["database.read", "database.create"], ["database.create"]);
  await page.fill("#database-name", "bobs");
  await page.click("button:has-text('Create database')");
  assert.equal((await actionError(page, "form[aria-label='New database']")).kind, "forbidden");
});

test("users: the matrix comes grouped as GET /permissions groups it; invite, edit, remove", async () => {
  const page = await signIn(stack);
  await openTab(page, stack, bench(4), "users");
  await page.click("button:has-text('Invite a user')");
  await page.waitForSelector(".permission-group");
  const groups = await page.$$eval(".permission-group", (g) => g.map((x) => x.dataset.group));
  const wire = await api(stack, KEYS.alice, "GET", "/permissions");
  assert.deepEqual(groups, Object.keys(wire.body.attributes.permissions));
  await page.fill("#invite-email", "not-an-address");
  await page.click("button:has-text('Send invitation')");
  await page.waitForSelector("#invite-email[aria-invalid=true]");
  await page.fill("#invite-email", "dana@example.net");
  await page.check("[data-group=control] label.all input");
  await page.check("input[data-permission='file.read']");
  await page.click("button:has-text('Send invitation')");
  const card = await page.waitForSelector("[data-user]:has-text('dana@example.net')");
  const scope = `[data-user='${await card.getAttribute("data-user")}']`;
  const listed = await api(stack, KEYS.alice, "GET", `/servers/${bench(4)}/users`);
  const dana = listed.body.data.find((u) => u.attributes.email === "dana@example.net").attributes.permissions;
  for (const p of ["control.console", "control.start", "control.stop", "control.restart", "file.read"]) assert.ok(dana.includes(p), p);
  await page.click(`${scope} button:has-text('Edit permissions')`);
  await page.uncheck(`${scope} input[data-permission='file.read']`);
  await page.click(`${scope} button:has-text('Save permissions')`);
  await page.waitForSelector(`${scope} form`, { state: "detached" });
  const after = await api(stack, KEYS.alice, "GET", `/servers/${bench(4)}/users`);
  assert.ok(!after.body.data[0].attributes.permissions.includes("file.read"));
  await confirm(page, scope, "Remove dana@example.net", "Remove");
  await page.waitForSelector("text=Nobody else has access to this server.");
});

test("users: past the panel's invitation throttle the form says so", { skip: !throttles && "1.11 has no creation throttles" }, async () => {
  for (let n = 0; n < 10; n++) {
    const res = await api(stack, KEYS.alice, "POST", `/servers/${bench(5)}/users`, { email: `friend${n}@example.net`, permissions: ["control.console"] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  const page = await signIn(stack);
  await openTab(page, stack, bench(5), "users");
  await page.click("button:has-text('Invite a user')");
  await page.fill("#invite-email", "one-too-many@example.net");
  await page.click("button:has-text('Send invitation')");
  assert.equal((await actionError(page, "form[aria-label='Invite a user']")).kind, "throttled");
});

test("users: an invitation the owner no longer allows is refused beside the form", async () => {
  const page = await bobLosesRights("users", ["user.read", "user.create"], ["user.create"]);
  await page.click("button:has-text('Invite a user')");
  await page.fill("#invite-email", "eve@example.net");
  await page.click("button:has-text('Send invitation')");
  assert.equal((await actionError(page, "form[aria-label='Invite a user']")).kind, "forbidden");
});

test("network: notes, make primary, add up to the limit, remove", async () => {
  const page = await signIn(stack);
  await openTab(page, stack, SERVERS.running, "network");
  await page.waitForSelector("[data-testid=allocation-count]:has-text('2 of 3')");
  const other = "[data-allocation][data-primary=false]";
  const id = await page.getAttribute(other, "data-allocation");
  const scope = `[data-allocation='${id}']`;
  await page.fill(`${scope} input[id$=-notes]`, "Voice chat");
  await page.click(`${scope} button:has-text('Save notes')`);
  await page.waitForSelector(`${scope} button:has-text('Save notes'):disabled`);
  await page.click(`${scope} button:has-text('Make primary')`);
  await page.waitForSelector(`${scope}[data-primary=true]`);
  await page.click("button:has-text('Add allocation')");
  await page.waitForSelector("[data-testid=allocation-count]:has-text('3 of 3')");
  assert.ok(await page.isDisabled("button:has-text('Add allocation')"), "full: nothing more to add");
  const listed = await api(stack, KEYS.alice, "GET", `/servers/${SERVERS.running}/network/allocations`);
  const mine = listed.body.data.find((a) => String(a.attributes.id) === id).attributes;
  assert.deepEqual([mine.notes, mine.is_default], ["Voice chat", true]);
  const added = await page.getAttribute(`${other}:not(:has-text('25565'))`, "data-allocation");
  const address = await page.textContent(`[data-allocation='${added}'] h3`);
  await confirm(page, `[data-allocation='${added}']`, `Remove ${address}`, "Remove");
  await page.waitForSelector("[data-testid=allocation-count]:has-text('2 of 3')");
});

test("network: notes the owner no longer lets one change are refused beside the allocation", async () => {
  const page = await bobLosesRights("network", ["allocation.read", "allocation.update"], ["allocation.update"]);
  const scope = "[data-allocation]";
  await page.fill(`${scope} input[id$=-notes]`, "mine now");
  await page.click(`${scope} button:has-text('Save notes')`);
  assert.equal((await actionError(page, scope)).kind, "forbidden");
});

test("activity: 25 entries a page, older ones on request, actors and properties readable", async () => {
  const page = await signIn(stack);
  await openTab(page, stack, SERVERS.running, "activity");
  await page.waitForSelector("[data-testid=activity] .log-entry");
  assert.equal(await page.$$eval(".log-entry", (e) => e.length), 25);
  const total = Number((await page.textContent("[data-testid=activity-count]")).match(/of (\d+)/)[1]);
  assert.ok(total > 25, `${total} entries`);
  const rename = await page.textContent(".log-entry[data-event='server:file.rename']");
  assert.match(rename, /Renamed \/plugins\/old\.jar to \/plugins\/new\.jar/);
  assert.match(rename, /alice|System/);
  await page.click("button.more");
  await page.waitForFunction((n) => document.querySelectorAll(".log-entry").length === n, total);
  assert.equal(await page.$("button.more"), null, "the last page has no more button");
});

test("activity: a log the owner no longer lets one read shows the refusal, not an empty log", async () => {
  await setBob(stack, [...bobAsSeeded, "activity.read"]);
  const page = await signIn(stack, KEYS.bob);
  await page.goto(`${stack.app.url}/server/${SERVERS.shared}`);
  await page.waitForSelector("button[data-tab=activity]");
  await setBob(stack, bobAsSeeded);
  await page.click("button[data-tab=activity]");
  const note = await page.waitForSelector("[data-testid=activity] .error-note, [data-testid=activity] [role=alert]");
  assert.match(await note.textContent(), /permission|not allowed|forbidden/i);
  assert.equal(await page.$(".log-entry"), null);
});

test("every screen at 360 px, light and dark: named controls, AA contrast, nothing sideways", async () => {
  const page = await signIn(stack);
  await page.setViewportSize({ width: 360, height: 740 });
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
    await openTab(page, stack, SERVERS.running, "schedules");
    await page.click("button:has-text('New schedule')");
    await page.waitForSelector("[data-testid=cron-preview]");
    assert.deepEqual(await page.evaluate(auditPage), [], `schedules (${scheme})`);
    for (const [tab, ready] of [["databases", "[data-database]"], ["network", "[data-allocation]"], ["activity", ".log-entry"]]) {
      await page.click(`button[role=tab][data-tab=${tab}]`);
      await page.waitForSelector(ready);
      assert.deepEqual(await page.evaluate(auditPage), [], `${tab} (${scheme})`);
    }
    await page.click("button[role=tab][data-tab=users]");
    await page.click("button:has-text('Invite a user')");
    await page.waitForSelector(".permission-group");
    assert.deepEqual(await page.evaluate(auditPage), [], `users (${scheme})`);
    await page.goto(`${stack.app.url}/account`);
    await page.waitForSelector("[data-testid=two-factor]");
    assert.deepEqual(await page.evaluate(auditPage), [], `account (${scheme})`);
  }
});
