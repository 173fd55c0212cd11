// `npm pack` gives a tarball a project can install and import.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vitalscope-sdk-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));
const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

test('npm pack produces an installable, importable tarball', () => {
  const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root));
  const files = packed.files.map((f) => f.path).sort();
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/attribution.js', 'dist/attribution.d.ts', 'dist/sdk.js', 'dist/sdk.attribution.js', 'dist/manifest.json', 'package.json']) {
    assert.ok(files.includes(f), `${f} in ${files}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.gz')), files.join(' '));

  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  npm(['install', '--prefer-offline', join(work, packed.filename)], app);
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `
      import { init, version } from 'vitalscope-sdk';
      import * as attribution from 'vitalscope-sdk/attribution';
      import { createRequire } from 'node:module';
      const script = createRequire(import.meta.url).resolve('vitalscope-sdk/sdk.js');
      console.log(JSON.stringify({ init: typeof init, version, attr: typeof attribution.init, script }));`],
    { cwd: app, encoding: 'utf8' },
  );
  const seen = JSON.parse(out);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json')));
  assert.deepEqual({ ...seen, script: seen.script.endsWith('node_modules/vitalscope-sdk/dist/sdk.js') }, { init: 'function', version: pkg.version, attr: 'function', script: true });
});
