// The account page (the manager bundle's second page) against the sandbox in headless
// Chromium: API keys (the secret once, with a copy button; the 25-key limit), SSH keys,
// email and password behind the current password (refused when it is wrong), two-factor
// status; and the account's activity log.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { FLAVOR } from "./lib/flavor.mjs";
import { KEYS, api, actionError, confirm, signIn, startStack } from "./lib/manage.mjs";

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEKn6Gy9iwdiqdB0GKPra5G+84UqLG3koVYV/xYjLhoT dana@desk";
let stack;

before(async () => {
  stack = await startStack({ extra: 0 });
});

after(async () => {
  await stack?.close();
});

async function accountPage(key) {
  const page = await signIn(stack, key);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.app.url });
  await page.click("nav a[href='/account']");
  await page.waitForSelector("[data-testid=account-page] [data-testid=account-email]");
  return page;
}

test("API keys: create with a description and allowed IPs, the secret shown once with a copy button, delete", async () => {
  const page = await accountPage(KEYS.alice);
  await page.waitForSelector("[data-testid=api-key-count]:has-text('2 of 25')");
  await page.fill("#key-description", "Home automation");
  await page.fill("#key-ips", "203.0.113.7, 10.0.0.0/8");
  await page.click("button:has-text('Create key')");
  const secret = await page.waitForSelector("[data-testid=new-key] code");
  const key = await secret.textContent();
  assert.match(key, /^(ptlc|pacc)_[A-Za-z0-9]{43,}$/);
  await page.click("[data-testid=new-key] button.copy");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
  const identifier = key.slice(0, 16);
  const card = `[data-key='${identifier}']`;
  assert.match(await page.textContent(card), /Home automation/);
  assert.match(await page.textContent(card), /10\.0\.0\.0\/8/);
  await page.click("[data-testid=new-key] button:has-text('I have copied it')");
  assert.equal(await page.$("[data-testid=new-key]"), null);
  assert.ok(!(await page.textContent("[data-testid=api-keys]")).includes(key), "the secret is gone for good");
  await confirm(page, card, `Delete ${identifier}`, "Delete");
  await page.waitForSelector(card, { state: "detached" });
  await page.waitForSelector("[data-testid=api-key-count]:has-text('2 of 25')");
});

test("API keys: at the panel's 25 keys the form says so and offers no more", async () => {
  for (let n = 0; n < 23; n++) {
    const res = await api(stack, KEYS.alice, "POST", "/account/api-keys", { description: `filler ${n}`, allowed_ips: [] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  const page = await accountPage(KEYS.alice);
  await page.waitForSelector("[data-testid=api-key-count]:has-text('25 of 25')");
  assert.ok(await page.isDisabled("button:has-text('Create key')"));
  assert.match(await page.textContent("[data-testid=key-limit]"), /25 keys/);
});

test("SSH keys: a malformed key is refused beside its field; a real one is added and removed", async () => {
  const page = await accountPage(KEYS.alice);
  await page.fill("#ssh-name", "desk");
  await page.fill("#ssh-key", "ssh-ed25519 not-base64 dana@desk");
  await page.click("button:has-text('Add key')");
  await page.waitForSelector("#ssh-key[aria-invalid=true]");
  await page.fill("#ssh-key", SSH_KEY);
  await page.click("button:has-text('Add key')");
  const card = await page.waitForSelector("[data-testid=ssh-keys] [data-fingerprint]:has-text('desk')");
  const fingerprint = await card.getAttribute("data-fingerprint");
  const listed = await api(stack, KEYS.alice, "GET", "/account/ssh-keys");
  assert.ok(listed.body.data.some((k) => k.attributes.fingerprint === fingerprint));
  await confirm(page, `[data-fingerprint='${fingerprint}']`, "Remove desk", "Remove");
  await page.waitForSelector(`[data-fingerprint='${fingerprint}']`, { state: "detached" });
});

test("two-factor status: off for Alice, on for Bob (Pelican's API does not say)", async () => {
  const pelican = FLAVOR === "pelican";
  const alice = await accountPage(KEYS.alice);
  assert.equal(await alice.getAttribute("[data-testid=two-factor]", "data-state"), pelican ? "unknown" : "disabled");
  const bob = await accountPage(KEYS.bob);
  assert.equal(await bob.getAttribute("[data-testid=two-factor]", "data-state"), pelican ? "unknown" : "enabled");
  assert.deepEqual([...alice.problems, ...bob.problems].filter((p) => !p.includes("status of 4")), []);
});

test("email and password: a wrong current password is refused, the right one changes them", async () => {
  const page = await accountPage(KEYS.carol);
  await page.fill("#new-email", "carol@example.net");
  await page.fill("#email-password", "not-her-password");
  await page.click("button:has-text('Change email')");
  const refused = await actionError(page, "form[aria-label='Change email']");
  assert.ok(["refused", "invalid"].includes(refused.kind), refused.kind);
  assert.equal(await page.inputValue("#new-email"), "carol@example.net", "nothing typed is lost");
  await page.fill("#email-password", "carol-password");
  await page.click("button:has-text('Change email')");
  await page.waitForSelector("text=Email changed.");
  await page.waitForSelector("[data-testid=account-email]:has-text('carol@example.net')");

  await page.fill("#current-password", "carol-password");
  await page.fill("#new-password", "a much longer secret");
  await page.fill("#new-password-again", "a much longer secret");
  await page.click("button:has-text('Change password')");
  await page.waitForSelector("text=Password changed.");
  // The old password no longer works, the new one does.
  const old = await api(stack, KEYS.carol, "PUT", "/account/email", { email: "carol@example.org", password: "carol-password" });
  assert.notEqual(old.status, 204);
  const fresh = await api(stack, KEYS.carol, "PUT", "/account/email", { email: "carol@example.org", password: "a much longer secret" });
  assert.equal(fresh.status, 204, JSON.stringify(fresh.body));
});

test("the account's activity lists what the account did, newest first, readably", async () => {
  const page = await accountPage(KEYS.alice);
  const entries = await page.waitForSelector("[data-testid=activity] .log-entry");
  assert.ok(entries);
  const events = await page.$$eval("[data-testid=activity] .log-entry", (e) => e.map((x) => x.dataset.event));
  assert.ok(events.includes("user:api-key.create"), events.join());
  assert.match(await page.textContent("[data-testid=activity] .log-entry[data-event='user:api-key.create']"), /Created new API key/);
});
