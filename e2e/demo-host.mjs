// `cargo xtask demo` runs this: the sample hosting site on its own port.
// usage: node e2e/demo-host.mjs <port> <origin-url>   (secret from PTERO_DEMO_SITE_SECRET)
import { startHost } from "./lib/host.mjs";

const [port, origin] = process.argv.slice(2);
const secret = process.env.PTERO_DEMO_SITE_SECRET;
if (!port || !origin || !secret) {
  console.error("usage: PTERO_DEMO_SITE_SECRET=… node e2e/demo-host.mjs <port> <origin-url>");
  process.exit(2);
}
const host = await startHost({
  root: new URL("../public/", import.meta.url).pathname,
  listen: Number(port),
  site: "demo-host",
  secret,
  audience: origin,
});
console.log(`hosting page: ${host.url}/`);
