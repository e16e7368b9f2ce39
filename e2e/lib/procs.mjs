// Starting the project's server binaries for end-to-end tests: each on a free loopback
// port, waited for until it answers, killed when the test run ends.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});
// A run stopped from outside (a timeout, ^C) takes its servers with it too.
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Spawns `command` and resolves once `readyUrl` answers (any HTTP status). */
export async function startProcess(name, command, args, { env = {}, readyUrl, timeoutMs = 20000 } = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.output = "";
  child.stdout.on("data", (d) => (child.output += d));
  child.stderr.on("data", (d) => (child.output += d));
  child.on("exit", () => children.delete(child));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited early (${child.exitCode}):\n${child.output}`);
    try {
      await fetch(readyUrl);
      return child;
    } catch {
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not answer at ${readyUrl} within ${timeoutMs} ms:\n${child.output}`);
}

export function stop(child) {
  if (child && child.exitCode === null) child.kill("SIGTERM");
}
