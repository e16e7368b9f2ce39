<?php
// Minting a hand-off token for <ptero-server-card> in plain PHP (no library): an HS256 JWT
// signed with the secret the hosting site shares with ptero-origin. Copy the function
// into your billing panel (PteroCA, Paymenter, WHMCS) and call it for the signed-in
// customer; see docs/embedding.md.
//
// Run as a script it prints a token from the environment:
//   PTERO_SITE=… PTERO_SECRET=… PTERO_AUDIENCE=https://cards.example.com \
//   PTERO_SERVERS=1a7ce997,5e6f7a8b PTERO_ACTIONS="start stop restart" php handoff.php

/** base64url without padding, as JWTs use it. */
function ptero_b64url(string $data): string
{
    return rtrim(strtr(base64_encode($data), '+/', '-_'), '=');
}

/**
 * A hand-off token.
 *
 * $site:     the issuer, exactly as `issuer` in the origin's [sites.NAME]
 * $secret:   the site's shared secret (32+ characters; keep it on the server)
 * $audience: the origin's public URL (its `public_url`)
 * $viewer:   your customer's id on your site (`sub`)
 * $servers:  the server identifiers this page shows
 * $actions:  what the page may do: start stop restart kill console sso
 * $extra:    optional claims: 'email' (with emails_verified on the origin) or
 *            'external_id' (the panel user's external id), for SSO
 * $lifetime: seconds; at most 600, keep it short (it is exchanged once, at page load)
 */
function ptero_handoff_token(
    string $site,
    string $secret,
    string $audience,
    string $viewer,
    array $servers,
    array $actions,
    array $extra = [],
    int $lifetime = 300
): string {
    $now = time();
    $claims = array_merge($extra, [
        'iss' => $site,
        'aud' => $audience,
        'sub' => $viewer,
        'iat' => $now,
        'nbf' => $now - 5,
        'exp' => $now + $lifetime,
        // Single use: the origin refuses a jti it has seen.
        'jti' => bin2hex(random_bytes(16)),
        'servers' => array_values($servers),
        'actions' => array_values($actions),
    ]);
    $header = ptero_b64url(json_encode(['alg' => 'HS256', 'typ' => 'JWT']));
    $payload = ptero_b64url(json_encode($claims, JSON_UNESCAPED_SLASHES));
    $signature = ptero_b64url(hash_hmac('sha256', "$header.$payload", $secret, true));
    return "$header.$payload.$signature";
}

/** The list in an environment variable (commas or spaces). */
function ptero_env_list(string $name, string $default = ''): array
{
    $value = getenv($name);
    return array_values(array_filter(preg_split('/[\s,]+/', $value === false ? $default : $value)));
}

if (PHP_SAPI === 'cli' && realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    foreach (['PTERO_SITE', 'PTERO_SECRET', 'PTERO_AUDIENCE', 'PTERO_SERVERS'] as $name) {
        if (getenv($name) === false) {
            fwrite(STDERR, "set $name (see the comment at the top of this file)\n");
            exit(2);
        }
    }
    $extra = getenv('PTERO_EMAIL') ? ['email' => getenv('PTERO_EMAIL')] : [];
    echo ptero_handoff_token(
        getenv('PTERO_SITE'),
        getenv('PTERO_SECRET'),
        getenv('PTERO_AUDIENCE'),
        getenv('PTERO_VIEWER') ?: 'customer-1',
        ptero_env_list('PTERO_SERVERS'),
        ptero_env_list('PTERO_ACTIONS', 'start stop restart'),
        $extra
    ), "\n";
}
