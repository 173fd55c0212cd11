// The size budget and the shape of dist/ (built by `npm test` right before this runs).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const read = (name) => readFileSync(new URL(name, dist));
const BUDGET = { 'sdk.js': 5300, 'sdk.attribution.js': 7900 };
// Our own code on top of bare web-vitals (with soft navigations) bundled the same way.
const OURS = 1800;

for (const [name, budget] of Object.entries(BUDGET)) {
  test(`${name} stays within ${budget} bytes gzip, ${OURS} of them ours`, () => {
    const size = gzipSync(read(name), { level: 9 }).length;
    assert.ok(size <= budget, `${name} is ${size} bytes gzip, budget ${budget}`);
    const { gzip, baseline, baseline_sizes: bare } = JSON.parse(read('sizes.json')).builds.find((b) => b.name == name);
    assert.equal(gzip, size);
    assert.ok(gzip - bare.gzip <= OURS, `${name} adds ${gzip - bare.gzip} bytes gzip to ${baseline}, budget ${OURS}`);
  });
}

test('manifest: version, sizes and SRI hashes of the served files', () => {
  const manifest = JSON.parse(read('manifest.json'));
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url)));
  assert.equal(manifest.version, pkg.version);
  for (const name of Object.keys(BUDGET)) {
    const code = read(name);
    const entry = manifest.files[name];
    assert.equal(entry.integrity, 'sha384-' + createHash('sha384').update(code).digest('base64'));
    assert.equal(entry.bytes, code.length);
    assert.deepEqual(gunzipSync(read(name + '.gz')), code);
    assert.deepEqual(brotliDecompressSync(read(name + '.br')), code);
  }
});

test('script-tag builds are self-contained, npm builds leave web-vitals to the bundler', () => {
  for (const name of Object.keys(BUDGET)) {
    const code = read(name).toString();
    assert.ok(code.startsWith('(()=>{') && !/\bimport\b|\brequire\(/.test(code), name);
    assert.ok(code.includes('/v1/beacon?k='));
  }
  assert.match(read('index.js').toString(), /from "web-vitals"/);
  assert.match(read('attribution.js').toString(), /from "web-vitals\/attribution\/onINP.js"/);
  for (const name of ['index.d.ts', 'attribution.d.ts']) assert.ok(existsSync(new URL(name, dist)), name);
});

test('the inline early-errors snippet: tiny, its CSP hash in the manifest, both stated in docs/sdk.md', () => {
  const code = read('early-errors.js').toString();
  const entry = JSON.parse(read('manifest.json')).inline['early-errors.js'];
  const csp = 'sha256-' + createHash('sha256').update(code).digest('base64');
  const gz = gzipSync(code, { level: 9 }).length;
  assert.deepEqual(entry, { bytes: Buffer.byteLength(code), gzip: gz, csp });
  assert.ok(entry.bytes <= 200, `the inline snippet is ${entry.bytes} bytes, budget 200`);
  // Wrapped so it leaves no global behind but its queue, and free of anything a page could
  // end early (`</script>`).
  assert.ok(code.startsWith('(()=>{') && !/<\/script/i.test(code) && !code.endsWith('\n'));
  const docs = readFileSync(new URL('../../docs/sdk.md', import.meta.url), 'utf8');
  for (const fact of [`**${entry.bytes} bytes** minified`, `**${gz} bytes** gzip`, `'${csp}'`, `<script>${code}</script>`]) {
    assert.ok(docs.includes(fact), `docs/sdk.md does not say ${fact}`);
  }
});
