import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

const browserGlobals = ['browser', 'chrome', 'window', 'document', 'navigator', 'indexedDB', 'localStorage', 'fetch'];

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
    // The pure domain: data in, data out. No browser, network, storage or UI.
    files: ['lib/inventory/**', 'lib/vendors/**'],
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
            { group: ['**/db/**', '**/bungie/client*', '**/stores/**', '**/messages'], message: 'Pure code only.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass the time in; pure code has no clock.' },
      ],
    },
  },
);
