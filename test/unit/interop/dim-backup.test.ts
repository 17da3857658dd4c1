// @vitest-environment node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ExportResponse, Loadout } from '@destinyitemmanager/dim-api-types';
import { describe, expect, it } from 'vitest';
import {
  buildDimExport,
  exportDimBackup,
  loadoutToDimJson,
  loadoutToDimLink,
  loadoutToText,
  MAX_BACKUP_CHARS,
  MAX_LOADOUT_ITEMS,
  MAX_LOADOUTS,
  parseDimBackup,
  parseDimLoadout,
  type DimBackup,
  type ItemLabel,
} from '@/lib/interop/dim-backup';

const RESPONSES = resolve(import.meta.dirname, '../../../../shared/fixtures/bungie/responses');
const read = (name: string) => readFileSync(resolve(RESPONSES, name), 'utf8');
const DIM_API = read('DIM-export.dim-api-data.2024-05-25.json');
const LEGACY = read('DIM-export.legacy-sync-format.2020-02-21.json');
const SHARE_LINKS = JSON.parse(read('DIM-loadout-share-urls.dim-tests.decoded.json')) as {
  links: { source: string; url: string; decodedLoadout: Record<string, unknown> }[];
};
const MEMBERSHIP = '4611686018433092312';

function backupOf(text: string, options?: Parameters<typeof parseDimBackup>[1]): DimBackup {
  const result = parseDimBackup(text, options);
  if (!result.ok) throw new Error(result.error);
  return result.backup;
}

function tagCounts(backup: DimBackup): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of Object.values(backup.annotations)) if (a.tag) counts[a.tag] = (counts[a.tag] ?? 0) + 1;
  return counts;
}

const DELETE = Symbol('delete');

/** A real file with the value at `path` replaced (or deleted), so each row starts from the fixture. */
function edited(text: string, path: (string | number)[], value: unknown): string {
  const data: unknown = JSON.parse(text);
  let node = data as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return JSON.stringify(data);
}

describe('parseDimBackup over the real DIM backups', () => {
  it.each([
    {
      file: 'DIM API export 2024-05-25',
      text: DIM_API,
      format: 'dim-api',
      loadouts: 19,
      annotations: 592,
      tags: { keep: 398, favorite: 110, infuse: 49, junk: 33, archive: 2 },
      notes: 40,
      itemHashTags: 71,
      problems: ['18 Destiny 1 loadouts left out: Vault Raider is for Destiny 2.'],
    },
    {
      file: 'legacy sync format 2020-02-21',
      text: LEGACY,
      format: 'legacy-sync',
      loadouts: 11,
      annotations: 51,
      tags: { keep: 32, favorite: 17, infuse: 2 },
      // 20 entries carry a notes field, 15 of them empty: only the 5 with words are notes.
      notes: 5,
      itemHashTags: 0,
      problems: ['16 Destiny 1 loadouts left out: Vault Raider is for Destiny 2.'],
    },
  ])('$file: $loadouts Destiny 2 loadouts, $annotations tagged items, $notes notes', (row) => {
    const backup = backupOf(row.text);
    expect(backup.format).toBe(row.format);
    expect(backup.loadouts).toHaveLength(row.loadouts);
    expect(Object.keys(backup.annotations)).toHaveLength(row.annotations);
    expect(tagCounts(backup)).toEqual(row.tags);
    expect(Object.values(backup.annotations).filter((a) => a.notes)).toHaveLength(row.notes);
    expect(Object.keys(backup.itemHashTags)).toHaveLength(row.itemHashTags);
    expect(backup.problems).toEqual(row.problems);
    for (const [id, a] of Object.entries(backup.annotations)) expect(a.id).toBe(id);
  });

  it('keeps what a real loadout carries: name, class, notes, socket overrides, parameters, times', () => {
    const grapple = backupOf(DIM_API).loadouts.find((l) => l.id === '72363fbc-e9a2-4345-a57d-69fdfda2617a');
    expect(grapple).toMatchObject({
      // DIM writes Destiny glyphs (here U+EF0E) as Private Use characters; the backup keeps them.
      name: "\uEF0E Always Be Grapplin'",
      classType: 1,
      notes: '#\uEF0E ',
      clearSpace: false,
      createdAt: 1706391936668,
      lastUpdatedAt: 1706392104506,
      parameters: { exoticArmorHash: 192896783, autoStatMods: true, assumeArmorMasterwork: 2 },
    });
    expect(grapple?.equipped).toHaveLength(7);
    expect(grapple?.equipped[0]).toEqual({
      id: '6917529877784158310',
      hash: 3785442599,
      socketOverrides: {
        0: 1282157891,
        1: 3721022585,
        2: 2463983862,
        3: 1680616210,
        4: 2470512752,
        5: 4249729126,
        6: 4249729127,
        7: 4208512218,
        8: 4208512216,
        9: 3192552691,
        10: 3192552690,
      },
    });
    expect(grapple?.parameters?.mods).toHaveLength(16);
  });

  it('keeps craftedDate on tags (DIM matches reshaped crafted items with it) and the notes text', () => {
    const backup = backupOf(DIM_API);
    expect(Object.values(backup.annotations).filter((a) => a.craftedDate !== undefined)).toHaveLength(34);
    expect(backup.itemHashTags[1017491633]).toEqual({ hash: 1017491633, tag: 'favorite', notes: 'Shiny and gold' });
  });

  it('legacy: maps old DIM class numbers onto DestinyClass, like DIM did for the same loadout', () => {
    const legacy = backupOf(LEGACY).loadouts.find((l) => l.id === '460c684f-f08c-4828-abf8-d10e1b82546a');
    const current = backupOf(DIM_API).loadouts.find((l) => l.id === '460c684f-f08c-4828-abf8-d10e1b82546a');
    expect(legacy?.classType).toBe(0);
    expect(legacy?.name).toBe(current?.name);
    expect(legacy?.equipped.map((i) => i.hash)).toEqual(current?.equipped.map((i) => i.hash));
    expect(legacy?.unequipped).toEqual(current?.unequipped);
  });

  it.each([
    [-1, 3],
    [0, 2],
    [1, 0],
    [2, 1],
  ])('legacy class %i (old DIM) → DestinyClass %i', (old, destinyClass) => {
    const text = JSON.stringify({
      'loadouts-v3.0': ['a'],
      a: { id: 'a', name: 'A', classType: old, destinyVersion: 2, items: [] },
    });
    expect(backupOf(text).loadouts[0].classType).toBe(destinyClass);
  });

  it('legacy: equipped flags split the items; an instance id of "0" (not instanced) is dropped', () => {
    const text = JSON.stringify({
      'loadouts-v3.0': ['a'],
      a: {
        id: 'a',
        name: 'A',
        classType: 2,
        destinyVersion: 2,
        items: [
          { id: '6917529079713983078', hash: 3574778422, amount: 1, equipped: true },
          { id: '0', hash: 2889940663, amount: 2, equipped: false },
        ],
      },
    });
    expect(backupOf(text).loadouts[0]).toEqual({
      id: 'a',
      name: 'A',
      classType: 1,
      equipped: [{ id: '6917529079713983078', hash: 3574778422, amount: 1 }],
      unequipped: [{ hash: 2889940663, amount: 2 }],
    });
  });

  it('keeps only the signed-in account when asked, and says what it left out', () => {
    expect(backupOf(DIM_API, { platformMembershipId: MEMBERSHIP }).loadouts).toHaveLength(19);
    const other = backupOf(DIM_API, { platformMembershipId: '4611686018400000000' });
    expect(other.loadouts).toEqual([]);
    expect(other.annotations).toEqual({});
    expect(other.problems).toEqual([
      '18 Destiny 1 loadouts left out: Vault Raider is for Destiny 2.',
      '19 loadouts and 592 tags or notes of another account left out.',
    ]);
    // Tags per item hash are not tied to an account in DIM's export.
    expect(Object.keys(other.itemHashTags)).toHaveLength(71);
    const legacyOther = backupOf(LEGACY, { platformMembershipId: '4611686018400000000' });
    expect([legacyOther.loadouts.length, Object.keys(legacyOther.annotations).length]).toEqual([0, 0]);
  });

  it('a loadout that appears twice is kept once (the later copy) and said', () => {
    const real = JSON.parse(DIM_API) as ExportResponse;
    const copy = structuredClone(real.loadouts[0]);
    copy.loadout.name = 'Later copy';
    const text = JSON.stringify({ ...real, loadouts: [...real.loadouts, copy] });
    const backup = backupOf(text);
    expect(backup.loadouts).toHaveLength(19);
    expect(backup.loadouts.find((l) => l.id === '72363fbc-e9a2-4345-a57d-69fdfda2617a')?.name).toBe('Later copy');
    expect(backup.problems).toContain('1 loadout appeared twice; the later copy was kept.');
  });

  it('tag entries that say nothing (no tag, empty notes) are dropped, not stored', () => {
    const text = JSON.stringify({
      tags: [
        { platformMembershipId: '1', destinyVersion: 2, annotation: { id: '11', tag: null, notes: '' } },
        { platformMembershipId: '1', destinyVersion: 2, annotation: { id: '12', tag: 'junk', notes: null } },
        { platformMembershipId: '1', destinyVersion: 2, annotation: { id: '13', notes: 'roll for PvP' } },
      ],
    });
    expect(backupOf(text).annotations).toEqual({
      12: { id: '12', tag: 'junk' },
      13: { id: '13', notes: 'roll for PvP' },
    });
  });
});

describe('parseDimBackup refuses a bad file with one sentence and returns nothing', () => {
  const lead = 'This DIM backup cannot be imported:';
  const tail = 'Nothing was imported.';
  const loadoutEntry = (loadout: Record<string, unknown>) => ({
    platformMembershipId: MEMBERSHIP,
    destinyVersion: 2,
    loadout: { id: 'x', name: 'X', classType: 3, equipped: [], unequipped: [], ...loadout },
  });

  it.each<[string, string, string]>([
    ['empty file', '', 'This file is empty, so there was nothing to import.'],
    ['not JSON', DIM_API.slice(0, 5000), 'This file is not a DIM backup (it is not JSON), so nothing was imported.'],
    ['a JSON list', '[1, 2]', 'This file is not a DIM backup (it holds no loadouts or tags), so nothing was imported.'],
    [
      'another JSON file',
      read('GetLinkedProfiles.dim-2022-10-23.json'),
      'This file is not a DIM backup (it holds no loadouts or tags), so nothing was imported.',
    ],
    [
      'huge file',
      ' '.repeat(MAX_BACKUP_CHARS + 1),
      'This file is larger than 32 MB, the most a DIM backup Vault Raider reads, so nothing was imported.',
    ],
    ['loadouts is not a list', edited(DIM_API, ['loadouts'], { a: 1 }), `${lead} loadouts must be a list. ${tail}`],
    [
      'an item hash as text (last loadout)',
      edited(DIM_API, ['loadouts', 36, 'loadout', 'equipped', 0, 'hash'], '3785442599'),
      `${lead} loadouts #37 › loadout › equipped #1 › hash must be an item hash. ${tail}`,
    ],
    [
      'a negative item hash',
      edited(DIM_API, ['loadouts', 0, 'loadout', 'unequipped'], [{ hash: -5 }]),
      `${lead} loadouts #1 › loadout › unequipped #1 › hash must be an item hash (not negative). ${tail}`,
    ],
    [
      'a fractional item hash',
      edited(DIM_API, ['loadouts', 0, 'loadout', 'equipped', 1, 'hash'], 1.5),
      `${lead} loadouts #1 › loadout › equipped #2 › hash must be an item hash (a whole number). ${tail}`,
    ],
    [
      'a loadout without a name',
      edited(DIM_API, ['loadouts', 3, 'loadout', 'name'], DELETE),
      `${lead} loadouts #4 › loadout › name is missing. ${tail}`,
    ],
    [
      'an unknown class',
      edited(DIM_API, ['loadouts', 2, 'loadout', 'classType'], 7),
      `${lead} loadouts #3 › loadout › classType must be a class (0 Titan, 1 Hunter, 2 Warlock, 3 any). ${tail}`,
    ],
    [
      'an unknown Destiny version',
      edited(DIM_API, ['tags', 0, 'destinyVersion'], 3),
      `${lead} tags #1 › destinyVersion must be 1 or 2 (the Destiny version). ${tail}`,
    ],
    [
      'an unknown tag value (deep in the file)',
      edited(DIM_API, ['tags', 500, 'annotation', 'tag'], 'superfav'),
      `${lead} tags #501 › annotation › tag is "superfav", but DIM's tags are favorite, keep, infuse, junk and archive. ${tail}`,
    ],
    [
      'an instance id that is not digits',
      edited(DIM_API, ['tags', 10, 'annotation', 'id'], 'abc'),
      `${lead} tags #11 › annotation › id must be an item instance id (digits). ${tail}`,
    ],
    [
      'a socket override that is not a plug hash',
      edited(DIM_API, ['loadouts', 0, 'loadout', 'equipped', 0, 'socketOverrides', '3'], 'x'),
      `${lead} loadouts #1 › loadout › equipped #1 › socketOverrides › 3 must be a plug hash. ${tail}`,
    ],
    [
      'notes that are not text',
      edited(DIM_API, ['itemHashTags', 2, 'notes'], 42),
      `${lead} itemHashTags #3 › notes must be text. ${tail}`,
    ],
    [
      'mods that are not hashes',
      edited(DIM_API, ['loadouts', 0, 'loadout', 'parameters', 'mods'], ['Recuperation']),
      `${lead} loadouts #1 › loadout › parameters › mods #1 must be an item hash. ${tail}`,
    ],
    [
      `more than ${MAX_LOADOUTS} loadouts`,
      JSON.stringify({ loadouts: Array.from({ length: MAX_LOADOUTS + 1 }, (_, i) => loadoutEntry({ id: `l${i}` })) }),
      `${lead} loadouts holds more than 2,000 loadouts. ${tail}`,
    ],
    [
      `a loadout of more than ${MAX_LOADOUT_ITEMS} items`,
      JSON.stringify({
        loadouts: [loadoutEntry({ unequipped: Array.from({ length: MAX_LOADOUT_ITEMS + 1 }, () => ({ hash: 1 })) })],
      }),
      `${lead} loadouts #1 › loadout › unequipped holds more than 200 items. ${tail}`,
    ],
    [
      'legacy: a listed loadout is missing',
      edited(LEGACY, ['8195b3aa-7037-4bd9-a860-0a4ab01f9b95'], DELETE),
      'This DIM backup is damaged: loadout 8195b3aa-7037-4bd9-a860-0a4ab01f9b95 is listed but missing, so nothing was imported.',
    ],
    [
      'legacy: an unknown tag value',
      edited(LEGACY, ['dimItemInfo-m4611686018433092312-d2', '6917529096821708867', 'tag'], 'shiny'),
      `${lead} dimItemInfo-m4611686018433092312-d2 › 6917529096821708867 › tag is "shiny", but DIM's tags are favorite, keep, infuse, junk and archive. ${tail}`,
    ],
    [
      'legacy: an old class number out of range',
      edited(LEGACY, ['0b24652d-f925-42ea-9f3f-4c75921a2a43', 'classType'], 3),
      `${lead} loadout 0b24652d-f925-42ea-9f3f-4c75921a2a43 › classType must be a class (old DIM: -1 any, 0 Warlock, 1 Titan, 2 Hunter). ${tail}`,
    ],
    [
      'legacy: an item hash as text',
      edited(LEGACY, ['64d35e92-1b41-4a39-992f-c51ff64da9ef', 'items', 0, 'hash'], 'x'),
      `${lead} loadout 64d35e92-1b41-4a39-992f-c51ff64da9ef › items #1 › hash must be an item hash. ${tail}`,
    ],
    [
      'parameters nested without end (later copies would overflow the stack)',
      edited(DIM_API, ['loadouts', 0, 'loadout', 'parameters', 'query'], 'DEEP').replace(
        '"DEEP"',
        '['.repeat(100_000) + ']'.repeat(100_000),
      ),
      `${lead} loadouts #1 › loadout › parameters are nested deeper than 8 levels. ${tail}`,
    ],
    [
      'legacy: a tag keyed "__proto__" (valibot would skip it silently)',
      LEGACY.replace('"6917529096821708867": { "tag": "favorite" }', '"__proto__": { "tag": "favorite" }'),
      `${lead} dimItemInfo-m4611686018433092312-d2 must be keyed by item instance ids (digits). ${tail}`,
    ],
    [
      'legacy: a membership id that is not digits',
      edited(LEGACY, ['membershipId'], 'me'),
      `${lead} membershipId must be a membership id (digits). ${tail}`,
    ],
    [
      'legacy: the loadout list is not a list',
      edited(LEGACY, ['loadouts-v3.0'], 'all'),
      `${lead} loadouts-v3.0 must be a list of loadout ids. ${tail}`,
    ],
  ])('%s', (_name, text, sentence) => {
    const result = parseDimBackup(text);
    expect(result).toEqual({ ok: false, error: sentence });
  });

  it('one bad value among hundreds of good ones still imports nothing (Destiny 1 entries are checked too)', () => {
    const real = JSON.parse(DIM_API) as ExportResponse;
    const d1 = real.loadouts.findIndex((l) => l.destinyVersion === 1);
    const text = edited(DIM_API, ['loadouts', d1, 'loadout', 'equipped', 0, 'hash'], null);
    expect(parseDimBackup(text)).toEqual({
      ok: false,
      error: `This DIM backup cannot be imported: loadouts #${d1 + 1} › loadout › equipped #1 › hash must be an item hash. Nothing was imported.`,
    });
  });
});

describe('exportDimBackup', () => {
  it.each([
    ['DIM API export', DIM_API],
    ['legacy sync format', LEGACY],
  ])('round trip of the %s: parse → export → parse gives the same loadouts, tags and notes', (_name, text) => {
    const first = backupOf(text);
    const exported = exportDimBackup({
      platformMembershipId: MEMBERSHIP,
      loadouts: first.loadouts,
      annotations: first.annotations,
      itemHashTags: first.itemHashTags,
    });
    const second = backupOf(exported, { platformMembershipId: MEMBERSHIP });
    expect(second).toEqual({ ...first, format: 'dim-api', problems: [] });
  });

  it("writes DIM's ExportResponse shape: the same keys as DIM's own export, at every level", () => {
    const real = JSON.parse(DIM_API) as ExportResponse;
    const backup = backupOf(DIM_API);
    const ours = JSON.parse(
      exportDimBackup({ platformMembershipId: MEMBERSHIP, loadouts: backup.loadouts, annotations: backup.annotations }),
    ) as ExportResponse;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys(ours.loadouts[0]).sort()).toEqual(Object.keys(real.loadouts[0]).sort());
    expect(Object.keys(ours.tags[0]).sort()).toEqual(Object.keys(real.tags[0]).sort());
    expect(ours.loadouts.every((e) => e.destinyVersion === 2 && e.platformMembershipId === MEMBERSHIP)).toBe(true);
    expect(ours.loadouts.map((e) => e.loadout)).toEqual(
      real.loadouts.filter((e) => e.destinyVersion === 2).map((e) => e.loadout),
    );
    expect(ours.tags.map((e) => e.annotation)).toEqual(real.tags.map((e) => e.annotation));
    expect([ours.itemHashTags, ours.triumphs, ours.searches, ours.settings]).toEqual([[], [], [], {}]);
  });

  it('leaves out annotations that say nothing, and files the rest under the account', () => {
    const out = buildDimExport({
      platformMembershipId: '7',
      loadouts: [],
      annotations: { 1: { id: '1' }, 2: { id: '2', tag: 'junk', notes: '' }, 3: { id: '3', tag: null, notes: 'n' } },
      itemHashTags: { 5: { hash: 5, tag: null } },
    });
    expect(out.tags).toEqual([
      { platformMembershipId: '7', destinyVersion: 2, annotation: { id: '2', tag: 'junk' } },
      { platformMembershipId: '7', destinyVersion: 2, annotation: { id: '3', notes: 'n' } },
    ]);
    expect(out.itemHashTags).toEqual([]);
  });
});

describe('sharing one loadout', () => {
  const grapple = backupOf(DIM_API).loadouts[0];

  it.each(SHARE_LINKS.links.map((l) => [l.source, l] as const))('reads the real share link %s', (_source, link) => {
    const result = parseDimLoadout(link.url);
    if (!result.ok) throw new Error(result.error);
    const decoded = link.decodedLoadout;
    // guardian.report leaves out id and unequipped; everything else comes through as DIM wrote it.
    expect(result.loadout).toEqual({ id: '', unequipped: [], ...decoded });
  });

  it('the three links hold 0, 5 and 5 equipped items and keep parameters Vault Raider does not read', () => {
    const loadouts = SHARE_LINKS.links.map((l) => parseDimLoadout(l.url)).map((r) => (r.ok ? r.loadout : undefined));
    expect(loadouts.map((l) => l?.equipped.length)).toEqual([0, 5, 5]);
    expect(loadouts[2]?.parameters).toMatchObject({ lockArmorEnergyType: 1, exoticArmorHash: 2773056939 });
  });

  it('loadoutToDimLink → parseDimLoadout and loadoutToDimJson → parseDimLoadout give the loadout back', () => {
    const link = loadoutToDimLink(grapple);
    expect(link.startsWith('https://app.destinyitemmanager.com/loadouts?loadout=%7B%22id%22')).toBe(true);
    expect(parseDimLoadout(link)).toEqual({ ok: true, loadout: grapple });
    expect(parseDimLoadout(loadoutToDimJson(grapple))).toEqual({ ok: true, loadout: grapple });
    expect(JSON.parse(loadoutToDimJson(grapple))).toEqual(grapple);
  });

  it.each([
    [
      'a link without a loadout',
      'https://app.destinyitemmanager.com/loadouts',
      'This link holds no loadout (DIM loadout links carry "?loadout=…").',
    ],
    ['words', 'my loadout', 'This is not a DIM loadout (it is neither a DIM loadout link nor loadout JSON).'],
    [
      'a loadout with a bad item',
      JSON.stringify({ name: 'A', classType: 1, equipped: [{ hash: 'x' }] }),
      'This DIM loadout cannot be imported: equipped #1 › hash must be an item hash. Nothing was imported.',
    ],
  ])('%s gets a sentence', (_name, input, sentence) => {
    expect(parseDimLoadout(input)).toEqual({ ok: false, error: sentence });
  });

  it('loadoutToText: name, class, notes, items grouped by slot in game order, carried items, mods counted', () => {
    const labels: Record<number, ItemLabel> = {
      3785442599: { name: 'Arcstrider', slot: 'Subclass', slotOrder: 0 },
      192896783: { name: 'Sealed Ahamkara Grasps', slot: 'Gauntlets', slotOrder: 5 },
      215674186: { name: 'Gunsmith Helm', slot: 'Helmet', slotOrder: 4 },
      3995603239: { name: 'Sparrow', slot: 'Sparrow', slotOrder: 9 },
      2672840191: { name: 'Ship', slot: 'Ship', slotOrder: 10 },
      1180408010: { name: 'Recovery Mod' },
    };
    const loadout: Loadout = {
      ...grapple,
      notes: 'Grapple often.\nMelee when charged.',
      unequipped: [
        { id: '1', hash: 215674186 },
        { hash: 999, amount: 3 },
      ],
      parameters: { mods: [1180408010, 1180408010, 1180408010, 42] },
    };
    expect(loadoutToText(loadout, (hash) => labels[hash])).toBe(
      [
        "Always Be Grapplin'",
        'Class: Hunter',
        '',
        'Grapple often.',
        'Melee when charged.',
        '',
        'Subclass:',
        '  - Arcstrider',
        'Helmet:',
        '  - Gunsmith Helm',
        'Gauntlets:',
        '  - Sealed Ahamkara Grasps',
        'Sparrow:',
        '  - Sparrow',
        'Ship:',
        '  - Ship',
        'Other:',
        '  - Unknown item 1021060724',
        '  - Unknown item 4293613902',
        '',
        'Also carried:',
        'Helmet:',
        '  - Gunsmith Helm',
        'Other:',
        '  - Unknown item 999 ×3',
        '',
        'Mods:',
        '  - Recovery Mod ×3',
        '  - Unknown item 42',
        '',
      ].join('\n'),
    );
  });

  it("loadoutToText leaves out DIM's icon glyphs (Private Use characters) from the name and notes", () => {
    expect(grapple.name.startsWith('\uEF0E')).toBe(true);
    expect(
      loadoutToText(grapple, () => undefined).startsWith("Always Be Grapplin'\nClass: Hunter\n\n#\n\nOther:\n"),
    ).toBe(true);
  });

  it('loadoutToText: any-class loadout without items or notes', () => {
    const text = loadoutToText({ id: 'e', name: '  ', classType: 3, equipped: [], unequipped: [] }, () => undefined);
    expect(text).toBe('Unnamed loadout\nClass: Any class\n');
  });
});

describe('lib/interop/dim-backup stays pure', () => {
  it('imports only valibot, types and the pure class-name table', () => {
    const source = readFileSync(resolve(import.meta.dirname, '../../../lib/interop/dim-backup.ts'), 'utf8');
    const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)].map(
      (m) => `${m[1] ? 'type ' : ''}${m[2]}`,
    );
    expect(imports).toEqual([
      'type @destinyitemmanager/dim-api-types',
      'type bungie-api-ts/destiny2',
      'valibot',
      '../inventory/class-names',
    ]);
    expect(source).not.toMatch(/\b(Date\.now|browser\.|chrome\.|fetch\(|localStorage|indexedDB)/);
  });
});
