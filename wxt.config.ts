import { resolve } from 'node:path';
import { defineConfig } from 'wxt';

/**
 * Public half of the development signing key. It pins the extension id of non-production builds to
 * `iojnopefmmgbcipnognfpaddcgmpopfm`, so the OAuth redirect URL `https://iojnopefmmgbcipnognfpaddcgmpopfm.chromiumapp.org/` stays stable and can be
 * registered at Bungie. Store builds get their id from the Chrome Web Store, so production builds omit it.
 */
const DEV_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyj/ghHRT9/O17oLQuEN5eO8d0suJVygs4tqwjiiuSfmYQV0wkT6HSxxjRZsdL6Y179vJ2mipdPtxvrOzToLqEQ5anvHkdrYF7v+apuZGmPdjPvanGFRl/CnM9oIK+4GBtZinl2OS78gXXUopyl8T0878sW8wyqjmGV1qmHw9HXRfzJDEO0KRjQY4/aL/5tXUlQwd8708T/vPO/+Z3zqOZqey59RjBEvv6xlAwTXZTpfmFEmqdggXhnEY4ODroDADrzT388P1j6FN7s4f8Fszr7dsMdigCaxUxQ+xBYP95peMr7VqGC9yjRQgLcT+O9niRz2r/MDpSKqyXZ6tmnG0YQIDAQAB';

export default defineConfig({
  modules: ['@wxt-dev/module-vue', '@wxt-dev/webextension-polyfill'],
  // Tests build into their own folder so that parallel builds never share an output directory.
  outDir: process.env.VR_OUT_DIR ?? '.output',
  manifest: ({ mode }) => {
    const production = mode === 'production';
    const origin = process.env.WXT_BUNGIE_ORIGIN ?? 'https://www.bungie.net';
    const hosts = new Set(['https://www.bungie.net/*']);
    // Images only from the extension itself and Bungie (lib/config/build.ts bungieAssetUrl drops every other URL); test and
    // demo builds also load the emulator's placeholder images. No data: images: the app builds none.
    const imageSources = new Set(["'self'", 'https://www.bungie.net']);
    if (!production) {
      imageSources.add('http://127.0.0.1:*');
      imageSources.add('http://localhost:*');
      imageSources.add(new URL(origin).origin);
      // The emulator listens on 127.0.0.1 with a random port; a match pattern without a port covers every port.
      hosts.add('http://127.0.0.1/*');
      hosts.add('http://localhost/*');
      hosts.add(`${new URL(origin).origin.replace(/:\d+$/, '')}/*`);
    }
    return {
      name: production ? 'Vault Raider' : `Vault Raider (${mode})`,
      description: 'Destiny 2 inventory manager: vault, characters, moves, Xûr alerts — in a side panel.',
      permissions: ['storage', 'alarms', 'notifications', 'identity', 'sidePanel', 'unlimitedStorage'],
      host_permissions: [...hosts],
      content_security_policy: {
        extension_pages: `script-src 'self' 'wasm-unsafe-eval'; object-src 'self'; img-src ${[...imageSources].join(' ')};`,
      },
      action: { default_title: 'Vault Raider' },
      ...(production ? {} : { key: DEV_KEY }),
    };
  },
  hooks: {
    'build:publicAssets': (_wxt, files) => {
      files.push({
        absoluteSrc: resolve('node_modules/sql.js/dist/sql-wasm-browser.wasm'),
        relativeDest: 'sql-wasm-browser.wasm',
      });
    },
  },
});
