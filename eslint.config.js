import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

const browserGlobals = ['browser', 'chrome', 'window', 'document', 'navigator', 'indexedDB', 'localStorage', 'fetch'];

/*
 * The walls (README "Boundaries"; test/unit/conventions/walls.test.ts proves each one bites). ESLint takes a rule's
 * options from the last config block that matches a file, so each block below repeats the walls it inherits.
 */

/** Only lib/bungie/client.ts speaks HTTP: no `fetch`, however it is reached, and no ofetch elsewhere. */
const HTTP_MESSAGE = 'Only lib/bungie/client.ts speaks HTTP: call a lib/bungie endpoint (or the worker) instead.';
const noFetchGlobal = { name: 'fetch', message: HTTP_MESSAGE };
const noFetchProperties = ['globalThis', 'window', 'self'].map((object) => ({
  object,
  property: 'fetch',
  message: HTTP_MESSAGE,
}));
const noHttpImports = { group: ['ofetch', 'ofetch/*'], message: HTTP_MESSAGE };

/** What pages (components, lib/stores, the three page entrypoints) may not import. */
const pageImportWalls = [
  noHttpImports,
  {
    group: ['dexie', 'dexie/*', '**/db', '**/db/**'],
    message:
      'Pages read through a store and a live-query API (lib/manifest/live.ts, lib/profile/live.ts), never the database.',
  },
  {
    regex: '(^|/)bungie(/(?!protocol(\\.ts)?$).*)?$',
    message:
      'Pages import only lib/bungie/protocol.ts from lib/bungie (types and the membership key); the worker does the rest.',
  },
  {
    regex: '(^|/)manifest/(?!(live|messages|types)(\\.ts)?$)',
    message: 'Of lib/manifest, pages use only live.ts (the read API), messages.ts and types.ts.',
  },
  {
    regex: '(^|/)session/(?!messages(\\.ts)?$)',
    message:
      'The session lives in the worker: pages use its messages (lib/session/messages.ts) and lib/bungie/protocol.ts.',
  },
];

/** Components show what a store holds; only stores (and the page entrypoints) talk to the worker. */
const noSendInComponents = {
  group: ['**/lib/messaging/messages', '**/lib/messaging/messages.ts'],
  importNames: ['send'],
  message: 'Components do not call send(): a store in lib/stores asks the worker.',
};

const pageSyntaxWalls = [
  {
    // Pages ask the worker (a message); they never write extension storage themselves.
    selector:
      "CallExpression[callee.property.name=/^(set|remove|clear)$/][callee.object.object.property.name='storage']",
    message:
      'The service worker is the only writer: send a message (lib/messaging/messages.ts) instead of writing storage.',
  },
  {
    // The same through a declared storage item (lib/storage/items.ts).
    selector: 'CallExpression[callee.property.name=/^(setValue|removeValue|setMeta|removeMeta)$/]',
    message:
      'The service worker is the only writer: send a message (lib/messaging/messages.ts) instead of writing storage.',
  },
  {
    // no-restricted-imports does not see `import()`: the same walls for lazy imports.
    selector: 'ImportExpression[source.value=/^dexie$|(^|\\/)db(\\/|$)/]',
    message:
      'Pages read through a store and a live-query API (lib/manifest/live.ts, lib/profile/live.ts), never the database.',
  },
  {
    selector:
      'ImportExpression[source.value=/(^|\\/)bungie\\/(?!protocol)|(^|\\/)manifest\\/(?!live|messages|types)|(^|\\/)session\\/(?!messages)/]',
    message:
      'Pages import only lib/bungie/protocol.ts, lib/manifest/{live,messages,types}.ts and lib/session/messages.ts of those folders.',
  },
];

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/strongly-recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node, defineBackground: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    // Only lib/bungie/client.ts calls fetch; tests, benchmarks and the emulator speak HTTP to the emulator.
    files: ['**/*.ts', '**/*.vue', '**/*.js'],
    ignores: ['lib/bungie/client.ts', 'test/**'],
    rules: {
      'no-restricted-globals': ['error', noFetchGlobal],
      'no-restricted-properties': ['error', ...noFetchProperties],
      'no-restricted-imports': ['error', { patterns: [noHttpImports] }],
    },
  },
  {
    // Pages: what they show comes from stores; stores read through the read APIs and ask the worker by message.
    files: [
      'components/**',
      'lib/stores/**',
      'entrypoints/popup/**',
      'entrypoints/sidepanel/**',
      'entrypoints/options/**',
    ],
    rules: {
      'no-restricted-imports': ['error', { patterns: pageImportWalls }],
      'no-restricted-syntax': ['error', ...pageSyntaxWalls],
    },
  },
  {
    files: ['components/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...pageImportWalls, noSendInComponents] }] },
  },
  {
    // The pure domain: data in, data out. No browser, network, storage or UI.
    files: ['lib/inventory/**', 'lib/vendors/**', 'lib/interop/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...browserGlobals.map((name) => ({ name, message: 'lib/inventory and lib/vendors are pure: pass data in.' })),
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['ofetch', 'dexie', 'dexie/*', 'vue', 'pinia', 'wxt', 'wxt/*', 'webextension-polyfill', 'sql.js'],
              message: 'lib/inventory and lib/vendors are pure: no network, storage, browser or UI imports.',
            },
            {
              group: [
                '**/db',
                '**/db/**',
                '**/bungie',
                '**/bungie/**',
                '**/manifest/lookup*',
                '**/session',
                '**/session/**',
                '**/stores/**',
                '**/messages',
                '**/messaging/**',
              ],
              message: 'Pure code only: no lib/db, lib/bungie, lib/session, lib/manifest/lookup, stores or messages.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        ...noFetchProperties,
        { object: 'Date', property: 'now', message: 'Pass the time in; pure code has no clock.' },
      ],
    },
  },
);
