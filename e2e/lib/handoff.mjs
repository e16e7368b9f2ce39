// What a hosting site's backend does to embed a card: sign a short hand-off JWT (HS256
// with the secret it shares with the origin) saying who the viewer is, which servers
// and which actions the page grants.
import { createHmac, randomUUID } from "node:crypto";

const b64url = (data) => Buffer.from(data).toString("base64url");

/** Signs `claims` with `secret` (HS256). */
export function signJwt(claims, secret, header = { alg: "HS256", typ: "JWT" }) {
  const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = createHmac("sha256", secret).update(body).digest("base64url");
  return `${body}.${signature}`;
}

/**
 * A hand-off token for `servers` and `actions` (e.g. ["start","stop","console"]).
 * `lifetime` in seconds; a negative one gives an already-expired token.
 */
export function handoffToken({ site, secret, audience, viewer, email, servers, actions, lifetime = 300 }) {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      iss: site,
      aud: audience,
      sub: viewer,
      email,
      servers,
      actions,
      iat: lifetime < 0 ? now + lifetime - 60 : now,
      nbf: lifetime < 0 ? now + lifetime - 60 : now - 5,
      exp: now + lifetime,
      jti: randomUUID(),
    },
    secret,
  );
}
