<?php
// A hosting site's "My servers" page in PHP: one token for the page, one card per server.
// The secret stays here; only the short-lived token reaches the browser.
// Serve with `php -S 127.0.0.1:8000 -t examples/php` and the PTERO_* variables of
// handoff.php (PTERO_ORIGIN is the origin's URL the page loads the card from).
require __DIR__ . '/handoff.php';

$origin = rtrim(getenv('PTERO_ORIGIN') ?: 'https://cards.example.com', '/');
// In your billing panel these come from the signed-in customer's services.
$servers = ptero_env_list('PTERO_SERVERS');
$token = ptero_handoff_token(
    getenv('PTERO_SITE'),
    getenv('PTERO_SECRET'),
    getenv('PTERO_AUDIENCE') ?: $origin,
    getenv('PTERO_VIEWER') ?: 'customer-1',
    $servers,
    ptero_env_list('PTERO_ACTIONS', 'start stop restart')
);
$html = fn (string $text): string => htmlspecialchars($text, ENT_QUOTES, 'UTF-8');
// The lines docs/embedding.md gives for a page with a Content-Security-Policy.
header("Content-Security-Policy: default-src 'self'; script-src 'self' {$origin} 'wasm-unsafe-eval'; connect-src 'self' {$origin}; frame-ancestors 'self'");
?>
<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>My servers</title>
  <link rel="icon" href="favicon.svg">
  <script type="module" src="<?= $html($origin) ?>/card/ptero-server-card.js"></script>
</head>
<body>
  <h1>My servers</h1>
  <?php foreach ($servers as $server): ?>
    <ptero-server-card origin="<?= $html($origin) ?>" server="<?= $html($server) ?>" token="<?= $html($token) ?>"></ptero-server-card>
  <?php endforeach; ?>
</body>
</html>
