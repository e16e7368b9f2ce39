// The whole stack on loopback for end-to-end tests: the sandbox panel, an origin
// configured for one hosting site, and that hosting site serving a page of cards.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flavorArgs, flavorKey } from "./flavor.mjs";
import { startHost } from "./host.mjs";
import { freePort, startProcess, stop } from "./procs.mjs";

export const ADMIN_KEY = flavorKey("ptlc_SbxAdmin001AdminSecret0123456789ABCDEFGHIJK");
export const SITE_SECRET = "e2e-hosting-site-secret-0123456789abcdefgh";
// Debug servers for tests; benchmarks point PTERO_BIN_DIR at the release ones.
const bin = (name) => process.env.PTERO_BIN_DIR ? `${process.env.PTERO_BIN_DIR}/${name}` : new URL(`../../target/debug/${name}`, import.meta.url).pathname;
// The sandbox's seeded application key and PteroCA SSO secret (crates/ptero-sandbox/src/seed.rs).
export const APPLICATION_KEY = flavorKey("ptla_SbxApplic01ApplicSecret123456789ABCDEFGHIJK");
export const SSO_SECRET = "sandbox-pteroca-sso-secret-0123456789abcdef";
const repo = new URL("../../", import.meta.url).pathname;

/**
 * Starts sandbox + origin + host; `pages` is the folder the host serves. `extraOrigins`
 * are more embedding pages the origin allows (other hosting sites under test). With
 * `players` the sandbox's running servers answer their games' status queries and the site
 * shows player counts with MOTD and version.
 */
export async function startStack({ pages, sandboxArgs = [], originEnv = {}, extraOrigins = [], players = false }) {
  const panelPort = await freePort();
  const originPort = await freePort();
  const panel = `http://127.0.0.1:${panelPort}`;
  const origin = `http://127.0.0.1:${originPort}`;
  const sandbox = await startProcess("sandbox", bin("ptero-sandbox"), [
    "--listen", `127.0.0.1:${panelPort}`, "--resources-cache-secs", "0", "--power-delay-ms", "1000",
    ...flavorArgs(sandboxArgs), ...sandboxArgs, ...(players ? ["--games"] : []),
  ], { readyUrl: `${panel}/api/client` });
  const host = await startHost({ root: pages, site: "e2e", secret: SITE_SECRET, audience: origin });
  const dir = mkdtempSync(join(tmpdir(), "ptero-e2e-"));
  const config = join(dir, "ptero-origin.toml");
  writeFileSync(config, `listen = "127.0.0.1:${originPort}"
public_url = "${origin}"
[panel]
url = "${panel}"
[origins]
allowed = ${JSON.stringify([host.url, ...extraOrigins])}
reload_interval_secs = 1
[sites.e2e]
issuer = "e2e"
algorithm = "HS256"
actions = ["start", "stop", "restart", "kill", "console", "sso"]
emails_verified = true
players = ${players}
player_details = ${players}
[static]
app_dir = "${repo}dist"
card_dir = "${repo}dist/card"
[stream]
poll_interval_ms = 1000
[store]
kind = "sqlite"
path = "${join(dir, "ptero-origin.db")}"
[ops]
listen = "127.0.0.1:0"
[sso]
issuer = "${host.url}"
`);
  const originProcess = await startProcess("origin", bin("ptero-origin"), ["--config", config, "serve"], {
    env: {
      PTERO_ORIGIN__PANEL__CLIENT_KEY: ADMIN_KEY,
      PTERO_ORIGIN__PANEL__APPLICATION_KEY: APPLICATION_KEY,
      PTERO_ORIGIN__SITES__E2E__SECRET: SITE_SECRET,
      PTERO_ORIGIN__SSO__SECRET: SSO_SECRET,
      RUST_LOG: "ptero_origin=debug",
      ...originEnv,
    },
    readyUrl: `${origin}/healthz`,
  });
  return {
    panel,
    origin,
    host,
    originProcess,
    async close() {
      stop(originProcess);
      stop(sandbox);
      await host.close();
    },
  };
}
