// @vitest-environment node
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The walls of README "Boundaries" are lint rules (eslint.config.js). For each wall, code that crosses it is refused
 * and the code the wall allows passes; and the README's folder map names every folder and loose file under lib/.
 */

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedRules(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => `${m.ruleId}: ${m.message}`);
}

const vue = (script: string) =>
  `<script setup lang="ts">\n${script}\n</script>\n\n<template>\n  <p>{{ 1 }}</p>\n</template>\n`;

type Case = [where: string, filePath: string, code: string];

/** Each wall: samples it must refuse, and the closest samples it must let through. */
const WALLS: { wall: string; refused: Case[]; allowed: Case[] }[] = [
  {
    wall: 'pages never reach the database (no lib/db, no Dexie), not even lazily',
    refused: [
      ['component', 'components/SampleView.vue', vue("import { getDb } from '@/lib/db/schema';\nvoid getDb;")],
      ['component', 'components/SampleView.vue', vue("import { liveQuery } from 'dexie';\nvoid liveQuery;")],
      [
        'store',
        'lib/stores/sample.ts',
        "import type { VaultRaiderDB } from '../db/schema';\nexport type D = VaultRaiderDB;\n",
      ],
      ['store, lazily', 'lib/stores/sample.ts', "export const load = () => import('../db/schema');\n"],
      ['store, lazily', 'lib/stores/sample.ts', "export const load = () => import('dexie');\n"],
      [
        'page',
        'entrypoints/sidepanel/sample.ts',
        "import { getDb } from '@/lib/db/schema';\nexport const d = getDb;\n",
      ],
    ],
    allowed: [
      ['store, through a read API', 'lib/stores/sample.ts', "export const load = () => import('../profile/live');\n"],
      ['the worker', 'lib/profile/sample.ts', "import { getDb } from '../db/schema';\nexport const d = getDb;\n"],
    ],
  },
  {
    wall: 'pages import only lib/bungie/protocol.ts of lib/bungie',
    refused: [
      [
        'component',
        'components/SampleView.vue',
        vue("import { accountKey } from '@/lib/bungie/accounts';\nvoid accountKey;"),
      ],
      [
        'store',
        'lib/stores/sample.ts',
        "import { getSession } from '../bungie/service';\nexport const s = getSession;\n",
      ],
      [
        'page',
        'entrypoints/options/sample.ts',
        "import { bungieFetch } from '@/lib/bungie/client';\nexport const f = bungieFetch;\n",
      ],
      ['store, lazily', 'lib/stores/sample.ts', "export const load = () => import('../bungie/auth');\n"],
    ],
    allowed: [
      [
        'component',
        'components/SampleView.vue',
        vue("import { accountKey } from '@/lib/bungie/protocol';\nvoid accountKey;"),
      ],
      [
        'store',
        'lib/stores/sample.ts',
        "import type { Session } from '../bungie/protocol';\nexport type S = Session;\n",
      ],
      [
        'store (Bungie types)',
        'lib/stores/sample.ts',
        "import type { DestinyItemComponent } from 'bungie-api-ts/destiny2';\nexport type I = DestinyItemComponent;\n",
      ],
    ],
  },
  {
    wall: 'of lib/manifest, pages use only live.ts, messages.ts and types.ts',
    refused: [
      [
        'store',
        'lib/stores/sample.ts',
        "import { getDefinitions } from '../manifest/lookup';\nexport const g = getDefinitions;\n",
      ],
      [
        'component',
        'components/SampleView.vue',
        vue("import { readStatus } from '@/lib/manifest/state';\nvoid readStatus;"),
      ],
      ['store, lazily', 'lib/stores/sample.ts', "export const load = () => import('../manifest/sqlite');\n"],
    ],
    allowed: [
      [
        'store',
        'lib/stores/sample.ts',
        "import { readDefinitions } from '../manifest/live';\nexport const r = readDefinitions;\n",
      ],
      [
        'component',
        'components/SampleView.vue',
        vue("import type { ItemDef } from '@/lib/manifest/types';\nconst d: ItemDef | undefined = undefined;\nvoid d;"),
      ],
      [
        'component',
        'components/SampleView.vue',
        vue(
          "import type { ManifestMessages } from '@/lib/manifest/messages';\nconst m: ManifestMessages | undefined = undefined;\nvoid m;",
        ),
      ],
    ],
  },
  {
    wall: 'the session lives in the worker: pages use only lib/session/messages.ts of it',
    refused: [
      [
        'store',
        'lib/stores/sample.ts',
        "import { getSession } from '../session/session';\nexport const g = getSession;\n",
      ],
      [
        'component',
        'components/SampleView.vue',
        vue("import { wipePersonalData } from '@/lib/session/wipe';\nvoid wipePersonalData;"),
      ],
      ['store, lazily', 'lib/stores/sample.ts', "export const load = () => import('../session/services');\n"],
    ],
    allowed: [
      [
        'store',
        'lib/stores/sample.ts',
        "import type { AuthMessages } from '../session/messages';\nexport type A = AuthMessages;\n",
      ],
      [
        'the session store',
        'lib/stores/sample.ts',
        "import { useSessionStore } from './session';\nexport const u = useSessionStore;\n",
      ],
    ],
  },
  {
    wall: 'components ask through a store, never send() themselves',
    refused: [
      [
        'component',
        'components/SampleView.vue',
        vue("import { send } from '@/lib/messaging/messages';\nvoid send('ping', { sentAt: 1 });"),
      ],
    ],
    allowed: [
      [
        'component (types)',
        'components/SampleView.vue',
        vue("import type { MessageType } from '@/lib/messaging/messages';\nconst t: MessageType = 'ping';\nvoid t;"),
      ],
      [
        'store',
        'lib/stores/sample.ts',
        "import { send } from '../messages';\nexport const ping = () => send('ping', { sentAt: 1 });\n",
      ],
    ],
  },
  {
    wall: 'pages never write extension storage (the worker is the only writer)',
    refused: [
      [
        'page',
        'entrypoints/sidepanel/App.vue',
        vue("import { browser } from 'wxt/browser';\nvoid browser.storage.session.remove('sidePanelView');"),
      ],
      [
        'page',
        'entrypoints/popup/sample.ts',
        "import { browser } from 'wxt/browser';\nexport const w = () => browser.storage.session.set({ sidePanelView: 'xur' });\n",
      ],
      [
        'store',
        'lib/stores/sample.ts',
        "import { browser } from 'wxt/browser';\nexport const w = () => browser.storage.local.clear();\n",
      ],
      [
        'store, through a storage item',
        'lib/stores/sample.ts',
        "import { sidePanelViewItem } from '../storage/items';\nexport const w = () => sidePanelViewItem.setValue('xur');\n",
      ],
    ],
    allowed: [
      [
        'store, reading',
        'lib/stores/sample.ts',
        "import { browser } from 'wxt/browser';\nexport const r = () => browser.storage.session.get('x');\n",
      ],
      [
        'the worker',
        'lib/side-panel/sample.ts',
        "import { browser } from 'wxt/browser';\nexport const w = () => browser.storage.session.set({ x: 1 });\n",
      ],
    ],
  },
  {
    wall: 'lib/inventory and lib/vendors import nothing from lib/bungie, lib/manifest/lookup or lib/db',
    refused: [
      [
        'inventory',
        'lib/inventory/sample.ts',
        "import { getSession } from '../session/session';\nexport const g = getSession;\n",
      ],
      [
        'inventory',
        'lib/inventory/sample.ts',
        "import type { Session } from '../bungie/protocol';\nexport type S = Session;\n",
      ],
      [
        'inventory',
        'lib/inventory/sample.ts',
        "import { placeholderItem } from '../manifest/lookup';\nexport const p = placeholderItem;\n",
      ],
      ['vendors', 'lib/vendors/sample.ts', "import { getDb } from '../db/schema';\nexport const d = getDb;\n"],
      [
        'vendors',
        'lib/vendors/sample.ts',
        "import { classify } from '../bungie/errors';\nexport const c = classify;\n",
      ],
    ],
    allowed: [
      [
        'inventory',
        'lib/inventory/sample.ts',
        "import type { ItemDef } from '../manifest/types';\nexport type D = ItemDef;\n",
      ],
      [
        'vendors',
        'lib/vendors/sample.ts',
        "import type { InventoryModel } from '../inventory/types';\nexport type M = InventoryModel;\n",
      ],
    ],
  },
  {
    wall: 'only lib/bungie/client.ts speaks HTTP',
    refused: [
      ['worker service', 'lib/manifest/sample.ts', "export const get = () => fetch('https://www.bungie.net/');\n"],
      [
        'worker service',
        'lib/alerts/sample.ts',
        "export const get = () => globalThis.fetch('https://www.bungie.net/');\n",
      ],
      ['another Bungie module', 'lib/bungie/sample.ts', "export const get = () => self.fetch('/Platform/');\n"],
      ['ofetch elsewhere', 'lib/profile/sample.ts', "import { ofetch } from 'ofetch';\nexport const o = ofetch;\n"],
      ['the worker entry', 'entrypoints/background/sample.ts', "export const get = () => window.fetch('/');\n"],
      ['component', 'components/SampleView.vue', vue("void fetch('/');")],
      ['pure code', 'lib/vendors/sample.ts', "export const get = () => globalThis.fetch('/');\n"],
    ],
    allowed: [
      [
        'the client',
        'lib/bungie/client.ts',
        "import { ofetch } from 'ofetch';\nexport const o = ofetch;\nexport const get = () => fetch('/');\n",
      ],
      ['tests and the emulator', 'test/e2e/sample.ts', "export const get = () => fetch('http://127.0.0.1:1/');\n"],
      [
        'tests and the emulator',
        'test/fake-bungie/sample.ts',
        "export const get = () => globalThis.fetch('http://127.0.0.1:1/');\n",
      ],
    ],
  },
];

describe.each(WALLS)('wall: $wall', ({ refused, allowed }) => {
  it.each(refused)('refuses %s code (%s)', async (_where, filePath, code) => {
    expect(await restrictedRules(filePath, code)).not.toEqual([]);
  });

  it.each(allowed)('allows %s code (%s)', async (_where, filePath, code) => {
    expect(await restrictedRules(filePath, code)).toEqual([]);
  });
});

describe("README's folder map", () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Folder map\n')) ?? '';
  /** Every `code` span of the section: the paths it names. */
  const named = new Set([...section.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  const entries = readdirSync('lib', { withFileTypes: true });

  it('is there, as a table', () => {
    expect(section).toContain('| path');
  });

  it('names every folder under lib/ (as `lib/<folder>/`)', () => {
    const folders = entries.filter((e) => e.isDirectory()).map((e) => `lib/${e.name}/`);
    expect(folders.length).toBeGreaterThan(0);
    expect(folders.filter((f) => !named.has(f))).toEqual([]);
  });

  it('names every loose .ts file under lib/ (as `lib/<file>.ts`)', () => {
    const loose = entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => `lib/${e.name}`);
    expect(loose.filter((f) => !named.has(f))).toEqual([]);
  });

  it('names nothing under lib/ that is gone', () => {
    expect([...named].filter((p) => p.startsWith('lib/') && !existsSync(p))).toEqual([]);
  });
});
