// Minifies a built ES module in place with terser (trunk's own minifier cannot parse
// wasm-bindgen's `export default`). Given the HTML page that loads the module, it also
// replaces the module's subresource-integrity hash there, which minifying changed.
//
//   node e2e/tools/minify.mjs <module.js> [page.html]
import { minify } from 'terser';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

const [modulePath, pagePath] = process.argv.slice(2);
if (!modulePath) {
  console.error('usage: node e2e/tools/minify.mjs <module.js> [page.html]');
  process.exit(2);
}

const integrity = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;

const source = await readFile(modulePath, 'utf8');
const result = await minify(source, {
  module: true,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
await writeFile(modulePath, result.code);

if (pagePath) {
  const page = await readFile(pagePath, 'utf8');
  const before = integrity(source);
  if (!page.includes(before)) {
    console.error(`${pagePath} has no integrity hash for ${modulePath}: nothing to update`);
    process.exit(1);
  }
  await writeFile(pagePath, page.replaceAll(before, integrity(result.code)));
}
console.log(`minified ${modulePath}: ${source.length} → ${result.code.length} bytes`);
