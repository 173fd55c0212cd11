// Builds dist/: ESM modules for bundlers (web-vitals stays an import), minified script-tag
// IIFEs with gzip/brotli siblings for the collector, the inline early-errors snippet, type
// declarations and manifest.json (version, sizes, SRI hashes, the snippet's CSP hash). Prints our sizes next to a bare web-vitals bundle built with
// the same esbuild settings.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const quiet = process.argv.includes('--quiet');
const EARLY = 'early-errors.js';

export const settings = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(version) },
  write: false,
};

export const gzip = (buf) => gzipSync(buf, { level: 9 }).length;
export const brotli = (buf) =>
  brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

const bundle = async (options) => (await build({ ...settings, ...options })).outputFiles[0].contents;

// Bare web-vitals: all five metrics with soft navigations, from the same web-vitals files our
// build bundles (the package's main bundle for sdk.js, its attribution modules for
// sdk.attribution.js), with the same settings.
const METRICS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const BARE = {
  'web-vitals': `import {${METRICS.map((m) => 'on' + m)}} from 'web-vitals';`,
  'web-vitals/attribution/on*.js': METRICS.map((m) => `import {on${m}} from 'web-vitals/attribution/on${m}.js';`).join(''),
};
const bare = (baseline) =>
  bundle({
    stdin: {
      contents: BARE[baseline] + `const r=(m)=>console.log(m),o={reportSoftNavs:!0};` + METRICS.map((m) => `on${m}(r,o);`).join(''),
      resolveDir: root,
    },
  });

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

for (const entry of ['index', 'attribution']) {
  await build({
    ...settings,
    entryPoints: [join(root, 'src', entry + '.js')],
    format: 'esm',
    minify: false,
    external: ['web-vitals'],
    write: true,
    outfile: join(dist, entry + '.js'),
  });
  copyFileSync(join(root, 'types', entry + '.d.ts'), join(dist, entry + '.d.ts'));
}

const manifest = { version, files: {} };
const rows = [];
for (const [name, entry, baseline] of [
  ['sdk.js', 'auto', 'web-vitals'],
  ['sdk.attribution.js', 'auto-attribution', 'web-vitals/attribution/on*.js'],
]) {
  const code = await bundle({ entryPoints: [join(root, 'src', entry + '.js')] });
  writeFileSync(join(dist, name), code);
  writeFileSync(join(dist, name + '.gz'), gzipSync(code, { level: 9 }));
  writeFileSync(
    join(dist, name + '.br'),
    brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
  const ours = { bytes: code.length, gzip: gzip(code), brotli: brotli(code) };
  manifest.files[name] = {
    ...ours,
    integrity: 'sha384-' + createHash('sha384').update(code).digest('base64'),
  };
  const ref = await bare(baseline);
  rows.push([name, ours, baseline + ' (bare)', { bytes: ref.length, gzip: gzip(ref), brotli: brotli(ref) }]);
}
// The inline early-errors snippet (docs/sdk.md): pasted into pages, never served, so it has no
// SRI hash but the CSP hash a strict `script-src` needs for exactly these bytes.
const early = Buffer.from(await bundle({ entryPoints: [join(root, 'src', 'early.js')] })).toString().trim();
writeFileSync(join(dist, EARLY), early);
manifest.inline = {
  [EARLY]: {
    bytes: Buffer.byteLength(early),
    gzip: gzip(early),
    csp: 'sha256-' + createHash('sha256').update(early).digest('base64'),
  },
};
writeFileSync(join(dist, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
// For `python -m bench sdk_size`: our builds next to bare web-vitals with the same settings.
writeFileSync(
  join(dist, 'sizes.json'),
  JSON.stringify(
    { esbuild: { target: settings.target, format: settings.format, minify: settings.minify },
      builds: rows.map(([name, ours, baseline, bare]) => ({ name, ...ours, baseline, baseline_sizes: bare })) },
    null,
    2,
  ) + '\n',
);

if (!quiet) {
  const fmt = (s) => `${String(s.bytes).padStart(6)} B  gzip ${String(s.gzip).padStart(5)} B  brotli ${String(s.brotli).padStart(5)} B`;
  console.log(`vitalscope-sdk ${version} (esbuild ${settings.format}, ${settings.target}, minified)`);
  for (const [name, ours, refName, ref] of rows) {
    console.log(`  ${name.padEnd(34)} ${fmt(ours)}`);
    console.log(`  ${refName.padEnd(34)} ${fmt(ref)}  (ours: +${ours.gzip - ref.gzip} B gzip)`);
  }
  const e = manifest.inline[EARLY];
  console.log(`  ${(EARLY + ' (inline)').padEnd(34)} ${String(e.bytes).padStart(6)} B  gzip ${String(e.gzip).padStart(5)} B  CSP '${e.csp}'`);
}
