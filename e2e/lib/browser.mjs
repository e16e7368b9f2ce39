// Headless Debian Chromium through playwright-core (no browser download: the system one).
import { chromium } from "playwright-core";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ARGS,
  });
}

/** Opens a page that records console errors and uncaught exceptions in `page.problems`. */
export async function problemPage(browser) {
  const page = await browser.newPage();
  page.problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") page.problems.push(`console.error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => page.problems.push(`uncaught: ${err.message}`));
  page.on("requestfailed", (req) => page.problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  return page;
}
