// @vitest-environment node
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The pure-domain wall (house style, boundary 1) is an ESLint rule; this proves the rule bites. */
describe('lint keeps lib/inventory and lib/vendors pure', () => {
  const eslint = new ESLint({ cwd: process.cwd() });

  it.each([
    ['lib/inventory/sample.ts', "import Dexie from 'dexie';\nexport const d = Dexie;\n", 'no-restricted-imports'],
    ['lib/vendors/sample.ts', "import { ofetch } from 'ofetch';\nexport const f = ofetch;\n", 'no-restricted-imports'],
    ['lib/inventory/sample.ts', "import { ref } from 'vue';\nexport const r = ref(1);\n", 'no-restricted-imports'],
    ['lib/inventory/sample.ts', 'export const id = chrome.runtime.id;\n', 'no-restricted-globals'],
    ['lib/vendors/sample.ts', 'export const b = browser.alarms;\n', 'no-restricted-globals'],
    ['lib/vendors/sample.ts', 'export const now = Date.now();\n', 'no-restricted-properties'],
  ])('%s: %s is refused (%s)', async (filePath, code, rule) => {
    const [result] = await eslint.lintText(code, { filePath });
    expect(result.messages.map((m) => m.ruleId)).toContain(rule);
  });

  it('the same code is allowed outside the pure folders', async () => {
    const [result] = await eslint.lintText("import Dexie from 'dexie';\nexport const d = Dexie;\n", {
      filePath: 'lib/db/sample.ts',
    });
    expect(result.messages.filter((m) => m.ruleId?.startsWith('no-restricted'))).toEqual([]);
  });
});
