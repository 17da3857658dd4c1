/**
 * `npm run build:test [-- --origin URL] [--out DIR] [--public-client]`: the same test-mode build the e2e harness makes
 * (`wxt build --mode test`, emulator host permissions, fixed development key), but into a folder that stays, so it can
 * be loaded by hand next to `npm run emulator -- --port 8787`.
 *
 * Defaults: origin `http://127.0.0.1:8787`, the emulator's default API key, client id and secret, output `.output`
 * (the unpacked extension lands in `<out>/chrome-mv3-test`). Prints that path on success.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, emulatorEnv } from './harness';

/** The emulator's defaults when started without options (test/fake-bungie/server.ts `startEmulator`). */
const EMULATOR_DEFAULTS = { apiKey: 'vr-test-api-key', clientId: '50001', clientSecret: 'vr-test-secret' };

const { values } = parseArgs({
  options: {
    origin: { type: 'string', default: 'http://127.0.0.1:8787' },
    out: { type: 'string', default: path.join(ROOT, '.output') },
    'public-client': { type: 'boolean', default: false },
  },
});

const origin = new URL(values.origin).origin;
const outDir = path.resolve(values.out);
const env = emulatorEnv({
  url: origin,
  ...EMULATOR_DEFAULTS,
  clientSecret: values['public-client'] ? null : EMULATOR_DEFAULTS.clientSecret,
});

const result = spawnSync('npx', ['wxt', 'build', '--mode', 'test'], {
  cwd: ROOT,
  env: { ...process.env, ...env, VR_OUT_DIR: outDir },
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.error(`build:test failed (exit ${result.status ?? result.signal}).`);
  process.exit(result.status ?? 1);
}
console.log(`Test build against ${origin}: ${path.join(outDir, 'chrome-mv3-test')}`);
