// Minting a hand-off token for <ptero-server-card> in Node.js with node:crypto only: an
// HS256 JWT signed with the secret the hosting site shares with ptero-origin.
// See docs/embedding.md. Run as a script it prints a token from the environment:
//   PTERO_SITE=… PTERO_SECRET=… PTERO_AUDIENCE=https://cards.example.com \
//   PTERO_SERVERS=1a7ce997 PTERO_ACTIONS="start stop" node handoff.mjs
import { createHmac, randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";

const b64url = (data) => Buffer.from(data).toString("base64url");

/**
 * A hand-off token. `site` is the origin's `issuer` for your site, `secret` its shared
 * secret, `audience` the origin's public URL, `viewer` your customer's id, `servers` and
 * `actions` what the page shows and may do; `extra` may add `email` or `external_id`.
 */
export function handoffToken({ site, secret, audience, viewer, servers, actions, extra = {}, lifetime = 300 }) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    ...extra,
    iss: site,
    aud: audience,
    sub: viewer,
    iat: now,
    nbf: now - 5,
    exp: now + lifetime,
    jti: randomBytes(16).toString("hex"),
    servers,
    actions,
  };
  const body = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const env = process.env;
  for (const name of ["PTERO_SITE", "PTERO_SECRET", "PTERO_AUDIENCE", "PTERO_SERVERS"]) {
    if (!env[name]) {
      console.error(`set ${name} (see the comment at the top of this file)`);
      process.exit(2);
    }
  }
  const list = (text) => text.split(/[\s,]+/).filter(Boolean);
  console.log(
    handoffToken({
      site: env.PTERO_SITE,
      secret: env.PTERO_SECRET,
      audience: env.PTERO_AUDIENCE,
      viewer: env.PTERO_VIEWER ?? "customer-1",
      servers: list(env.PTERO_SERVERS),
      actions: list(env.PTERO_ACTIONS ?? "start stop restart"),
      extra: env.PTERO_EMAIL ? { email: env.PTERO_EMAIL } : {},
    }),
  );
}
