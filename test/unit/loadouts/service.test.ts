/**
 * Issue 14 items 1 and 5, issue 15 item 1 (storage): the worker's loadout, tag and note service over fake-indexeddb,
 * the real 2021 profile (fixture Manifest) and DIM's real 2024 backup.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dexie from 'dexie';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Loadout } from '@destinyitemmanager/dim-api-types';
import { getDb } from '@/lib/db/schema';
import { parseDimBackup } from '@/lib/interop/dim-backup';
import type { InventoryModel } from '@/lib/inventory/types';
import type { ItemDef } from '@/lib/manifest/types';
import { createLoadoutService, type LoadoutServiceDeps } from '@/lib/loadouts/service';
import { loadoutPayloads } from '@/lib/loadouts/messages';
import { bumpEpoch, sessionEpoch } from '@/lib/session/epoch';
import { forgetPersonalData } from '@/lib/session/wipe';
import { loadDefinitions, loadDefinitionTables, loadFixtureModel, SHARED } from '../inventory/fixtures';
import { HUNTER, TITAN } from '../inventory/loadouts/loadout-kit';

const MEMBERSHIP = { membershipType: 2, membershipId: '4611686018433092312' };
const KEY = '2:4611686018433092312';
const OTHER = { membershipType: 3, membershipId: '4611686018467260757' };
const DIM_TEXT = readFileSync(
  join(SHARED, 'fixtures/bungie/responses/DIM-export.dim-api-data.2024-05-25.json'),
  'utf8',
);
/** The backup with the last occurrence of `from` replaced (deep in the file, after many good entries). */
function damageLast(from: string, to: string): string {
  const at = DIM_TEXT.lastIndexOf(from);
  if (at < 0) throw new Error(`no ${from} in the backup`);
  return DIM_TEXT.slice(0, at) + to + DIM_TEXT.slice(at + from.length);
}
const T0 = Date.parse('2026-11-20T18:00:00Z');

const model = loadFixtureModel();
const defs = loadDefinitions();

interface Harness {
  service: ReturnType<typeof createLoadoutService>['handlers'];
  membership: { current: typeof MEMBERSHIP | undefined };
  clock: { now: number };
}

function harness(overrides: Partial<LoadoutServiceDeps> = {}): Harness {
  const membership: Harness['membership'] = { current: MEMBERSHIP };
  const clock = { now: T0 };
  let n = 0;
  const { handlers } = createLoadoutService({
    currentMembership: async () => membership.current,
    cachedModel: async (key) => (key === KEY ? (structuredClone(model) as InventoryModel) : undefined),
    itemDefinitions: async (hashes) => {
      const out = new Map<number, ItemDef>();
      for (const h of hashes) {
        const def = defs.item(h);
        if (def) out.set(h, def);
      }
      return out;
    },
    bucketDefinitions: async () => new Map([...(loadDefinitionTables().InventoryBucket ?? new Map())]),
    epoch: sessionEpoch,
    now: () => clock.now,
    newId: () => `id-${++n}`,
    ...overrides,
  });
  return { service: handlers, membership, clock };
}

async function stored() {
  const db = getDb();
  return {
    loadouts: await db.loadouts.count(),
    annotations: await db.annotations.count(),
    itemHashTags: await db.itemHashTags.count(),
  };
}

beforeEach(async () => {
  fakeBrowser.reset();
  const db = getDb();
  await Promise.all([db.loadouts.clear(), db.annotations.clear(), db.itemHashTags.clear()]);
});

describe('loadouts from equipped gear, edited, duplicated, deleted', () => {
  it("saves the Hunter's equipped gear with its subclass plugs and armor mods, under the account", async () => {
    const { service } = harness();
    const { loadout } = await service.createLoadoutFromEquipped({ characterId: HUNTER, name: ' Raid ' });
    expect(loadout).toMatchObject({ id: 'id-1', name: 'Raid', classType: 1, createdAt: T0, lastUpdatedAt: T0 });
    expect(loadout.equipped).toHaveLength(12);
    expect(loadout.equipped.map((e) => model.items[e.id!].name).slice(0, 2)).toEqual(['Revenant', 'Chroma Rush']);
    expect(loadout.equipped[0].socketOverrides).toBeDefined();
    // The definitions told the service which sockets hold armor mods: 20 mods on the Hunter's armor.
    expect(loadout.parameters?.mods).toHaveLength(20);
    const row = await getDb().loadouts.get('id-1');
    expect(row).toMatchObject({ id: 'id-1', account: KEY, classType: 1 });
    expect(row?.loadout).toEqual(loadout);
    expect((await service.listLoadouts({})).loadouts.map((l) => l.id)).toEqual(['id-1']);
  });

  it('refuses a character that is not on the account, and a signed-out session, with a sentence', async () => {
    const h = harness();
    await expect(h.service.createLoadoutFromEquipped({ characterId: '1' })).rejects.toMatchObject({
      userMessage: 'That character is no longer on this account; refresh and try again.',
    });
    h.membership.current = undefined;
    await expect(h.service.createLoadoutFromEquipped({ characterId: HUNTER })).rejects.toMatchObject({
      userMessage: 'Sign in to keep loadouts, tags and notes.',
    });
    expect(await h.service.listLoadouts({})).toEqual({ loadouts: [] });
    expect(await stored()).toEqual({ loadouts: 0, annotations: 0, itemHashTags: 0 });
  });

  it('saves an edit (name, notes, class), keeps createdAt, refuses bad names, notes and classes', async () => {
    const h = harness();
    const { loadout } = await h.service.createLoadoutFromEquipped({ characterId: TITAN });
    h.clock.now = T0 + 60_000;
    const edited: Loadout = {
      ...loadout,
      name: 'Titan raid',
      notes: 'Bring the sword',
      equipped: loadout.equipped.slice(1),
    };
    const saved = (await h.service.saveLoadout({ loadout: edited })).loadout;
    expect(saved).toMatchObject({
      name: 'Titan raid',
      notes: 'Bring the sword',
      createdAt: T0,
      lastUpdatedAt: T0 + 60_000,
    });
    expect((await getDb().loadouts.get(loadout.id))?.loadout.equipped).toHaveLength(loadout.equipped.length - 1);

    await expect(h.service.saveLoadout({ loadout: { ...saved, name: '   ' } })).rejects.toMatchObject({
      userMessage: 'A loadout needs a name.',
    });
    await expect(h.service.saveLoadout({ loadout: { ...saved, name: 'x'.repeat(121) } })).rejects.toMatchObject({
      userMessage: 'A loadout name can be at most 120 characters long.',
    });
    await expect(h.service.saveLoadout({ loadout: { ...saved, notes: 'x'.repeat(2001) } })).rejects.toMatchObject({
      userMessage: 'Loadout notes can be at most 2000 characters long.',
    });
    // Loadout Optimizer parameters pass through, but not nested without end.
    let deep: Record<string, unknown> = {};
    const parameters = { statConstraints: deep };
    for (let i = 0; i < 10; i++) deep = deep.next = {};
    await expect(
      h.service.saveLoadout({ loadout: { ...saved, parameters } as unknown as Loadout }),
    ).rejects.toMatchObject({
      userMessage: 'This loadout cannot be saved: parameters are nested deeper than 8 levels. Nothing was saved.',
    });
    // Titan armor in a Hunter loadout: the cached model knows the gear, so the class change is refused.
    await expect(h.service.saveLoadout({ loadout: { ...saved, classType: 1 } })).rejects.toMatchObject({
      userMessage: expect.stringMatching(/is Titan gear and this loadout is for Hunters\.$/),
    });
    expect((await getDb().loadouts.get(loadout.id))?.loadout.name).toBe('Titan raid');
  });

  it('shares a loadout as DIM JSON, a DIM link and plain text with item and slot names', async () => {
    const h = harness();
    const { loadout } = await h.service.createLoadoutFromEquipped({ characterId: HUNTER, name: 'Raid' });
    const shared = await h.service.shareLoadout({ id: loadout.id });
    expect(JSON.parse(shared.json)).toEqual(loadout);
    expect(shared.link.startsWith('https://app.destinyitemmanager.com/loadouts?loadout=')).toBe(true);
    const lines = shared.text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Raid', 'Class: Hunter']);
    // Slots in the game's order, each with its item's name; the armor's mods listed by name.
    expect(lines).toContain('  - Revenant');
    expect(lines).toContain('  - Xenophage');
    expect(lines.indexOf('Subclass:')).toBeLessThan(lines.indexOf('Kinetic Weapons:'));
    expect(lines).toContain('Mods:');
    expect(shared.text).not.toMatch(/Unknown item/);
    h.membership.current = OTHER;
    await expect(h.service.shareLoadout({ id: loadout.id })).rejects.toMatchObject({
      userMessage: 'That loadout is no longer saved on this account.',
    });
  });

  it('duplicates under a new id ("… (copy)") and deletes only this account’s loadouts', async () => {
    const h = harness();
    const { loadout } = await h.service.createLoadoutFromEquipped({ characterId: HUNTER, name: 'Raid' });
    const { loadout: copy } = await h.service.duplicateLoadout({ id: loadout.id });
    expect(copy).toMatchObject({ id: 'id-2', name: 'Raid (copy)', equipped: loadout.equipped });
    expect((await h.service.listLoadouts({})).loadouts.map((l) => l.name)).toEqual(['Raid', 'Raid (copy)']);

    h.membership.current = OTHER;
    expect(await h.service.listLoadouts({})).toEqual({ loadouts: [] });
    expect(await h.service.deleteLoadout({ id: loadout.id })).toEqual({ deleted: false });
    await expect(h.service.duplicateLoadout({ id: loadout.id })).rejects.toMatchObject({
      userMessage: 'That loadout is no longer saved on this account.',
    });
    await expect(h.service.saveLoadout({ loadout: { ...loadout, name: 'Mine now' } })).rejects.toMatchObject({
      userMessage: 'That loadout belongs to another Destiny account, so it was not changed.',
    });

    h.membership.current = MEMBERSHIP;
    expect(await h.service.deleteLoadout({ id: loadout.id })).toEqual({ deleted: true });
    expect((await h.service.listLoadouts({})).loadouts.map((l) => l.id)).toEqual(['id-2']);
  });
});

describe('DIM backups in and out', () => {
  it('imports the real DIM backup: 19 Destiny 2 loadouts, 592 tags, 40 notes, all stored under the account', async () => {
    const { service } = harness();
    const result = await service.importDimBackup({ text: DIM_TEXT });
    expect(result).toMatchObject({ loadouts: 19, tags: 592, notes: 40 });
    expect(result.summary).toBe('Imported 19 loadouts, 592 tags and 40 notes from DIM.');
    expect(result.problems).toEqual(['18 Destiny 1 loadouts left out: Vault Raider is for Destiny 2.']);
    const db = getDb();
    expect(await db.loadouts.where('account').equals(KEY).count()).toBe(19);
    const annotations = await db.annotations.toArray();
    expect(annotations).toHaveLength(592);
    expect(annotations.every((a) => a.account === KEY && a.tag)).toBe(true);
    expect(annotations.filter((a) => a.notes)).toHaveLength(40);
    expect(await db.itemHashTags.count()).toBe(result.itemHashTags);
    expect(result.itemHashTags).toBeGreaterThan(0);
    // What is stored is exactly what the parser read.
    const parsed = parseDimBackup(DIM_TEXT, { platformMembershipId: MEMBERSHIP.membershipId });
    if (!parsed.ok) throw new Error(parsed.error);
    const first = parsed.backup.loadouts[0];
    expect((await db.loadouts.get(first.id))?.loadout).toEqual(first);
    const [id, annotation] = Object.entries(parsed.backup.annotations)[0];
    expect(await db.annotations.get([KEY, id])).toMatchObject({ tag: annotation.tag });
    // Importing the same file again changes no counts (same ids, same instance ids).
    await service.importDimBackup({ text: DIM_TEXT });
    expect(await stored()).toEqual({ loadouts: 19, annotations: 592, itemHashTags: result.itemHashTags });
  });

  it.each([
    ['not JSON', '{"loadouts": [', /not a DIM backup \(it is not JSON\)/],
    ['a damaged loadout deep inside', damageLast('"classType":1', '"classType":9'), /must be a class/],
    ['a tag DIM does not have', damageLast('"tag":"junk"', '"tag":"trash"'), /DIM's tags are favorite/],
  ])('a malformed file (%s) gets its sentence and nothing is stored', async (_what, text, sentence) => {
    expect(text).not.toBe(DIM_TEXT); // the damage really landed
    const { service } = harness();
    await expect(service.importDimBackup({ text })).rejects.toMatchObject({
      userMessage: expect.stringMatching(sentence),
    });
    expect(await stored()).toEqual({ loadouts: 0, annotations: 0, itemHashTags: 0 });
  });

  it.each([
    ['a sign-out', 'loadouts'],
    ['a sign-out', 'annotations'],
    ['a sign-out', 'itemHashTags'],
    ['an account switch', 'loadouts'],
    ['an account switch', 'itemHashTags'],
  ] as const)('%s while the import writes %s leaves nothing stored', async (what, table) => {
    const { service } = harness();
    const db = getDb();
    let ended = false;
    const endSession = () => {
      if (ended) return;
      ended = true;
      // A sign-out is the real wipe: it bumps the epoch at once, then clears the tables (after the import's
      // transaction). An account switch only bumps the epoch (lib/session/session.ts): nothing clears after it.
      if (what === 'a sign-out') void Dexie.ignoreTransaction(() => forgetPersonalData());
      else bumpEpoch();
    };
    db[table].hook('creating', endSession);
    try {
      await expect(service.importDimBackup({ text: DIM_TEXT })).rejects.toMatchObject({
        userMessage: 'You signed out or switched accounts meanwhile, so nothing was saved.',
      });
    } finally {
      db[table].hook('creating').unsubscribe(endSession);
    }
    expect(ended).toBe(true);
    expect(await stored()).toEqual({ loadouts: 0, annotations: 0, itemHashTags: 0 });
  });

  it('an account switch before a tag is written leaves it unwritten', async () => {
    const { service } = harness({
      currentMembership: async () => {
        bumpEpoch();
        return MEMBERSHIP;
      },
    });
    await expect(service.setTag({ instanceId: '11', tag: 'junk' })).rejects.toMatchObject({
      userMessage: 'Sign in to keep loadouts, tags and notes.',
    });
    expect(await getDb().annotations.count()).toBe(0);
  });

  it('a sign-out wipes stored loadouts, tags and notes', async () => {
    const { service } = harness();
    await service.importDimBackup({ text: DIM_TEXT });
    expect((await stored()).loadouts).toBe(19);
    await forgetPersonalData();
    expect(await stored()).toEqual({ loadouts: 0, annotations: 0, itemHashTags: 0 });
  });

  it('exports a DIM backup that reads back to the same loadouts, tags and notes (undo loadouts left out)', async () => {
    const h = harness();
    const imported = await h.service.importDimBackup({ text: DIM_TEXT });
    await getDb().loadouts.put({
      id: `undo-${HUNTER}`,
      account: KEY,
      classType: 1,
      loadout: {
        id: `undo-${HUNTER}`,
        name: 'Hunter before the last loadout',
        classType: 1,
        equipped: [],
        unequipped: [],
      },
    });
    const exported = await h.service.exportDimBackup({});
    expect(exported).toMatchObject({ loadouts: 19, tags: 592, notes: 40 });
    const original = parseDimBackup(DIM_TEXT, { platformMembershipId: MEMBERSHIP.membershipId });
    const back = parseDimBackup(exported.text, { platformMembershipId: MEMBERSHIP.membershipId });
    if (!original.ok || !back.ok) throw new Error('unreadable');
    const byId = (list: Loadout[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(back.backup.loadouts)).toEqual(byId(original.backup.loadouts));
    expect(back.backup.annotations).toEqual(original.backup.annotations);
    expect(back.backup.itemHashTags).toEqual(original.backup.itemHashTags);
    expect(Object.keys(back.backup.itemHashTags)).toHaveLength(imported.itemHashTags);
    expect(back.backup.problems).toEqual([]);
  });
});

describe('tags and notes', () => {
  it('sets and clears a tag and notes; an item with neither keeps no row', async () => {
    const { service } = harness();
    expect(await service.setTag({ instanceId: '6917529123', tag: 'junk' })).toEqual({
      instanceId: '6917529123',
      tag: 'junk',
    });
    await service.setNote({ instanceId: '6917529123', notes: 'god roll?' });
    expect(await getDb().annotations.get([KEY, '6917529123'])).toEqual({
      account: KEY,
      instanceId: '6917529123',
      tag: 'junk',
      notes: 'god roll?',
    });
    await service.setTag({ instanceId: '6917529123', tag: null });
    expect(await getDb().annotations.get([KEY, '6917529123'])).toEqual({
      account: KEY,
      instanceId: '6917529123',
      notes: 'god roll?',
    });
    await service.setNote({ instanceId: '6917529123', notes: '  ' });
    expect(await getDb().annotations.count()).toBe(0);
    await expect(service.setNote({ instanceId: '1', notes: 'x'.repeat(10_001) })).rejects.toMatchObject({
      userMessage: 'Item notes can be at most 10,000 characters long, so they were not saved.',
    });
  });

  it('tags many items in one write and counts only the ones that changed', async () => {
    const { service } = harness();
    await service.setTag({ instanceId: '11', tag: 'junk' });
    expect(await service.setTags({ instanceIds: ['11', '12', '13', '13'], tag: 'junk' })).toEqual({ changed: 2 });
    expect((await getDb().annotations.toArray()).map((a) => [a.instanceId, a.tag])).toEqual([
      ['11', 'junk'],
      ['12', 'junk'],
      ['13', 'junk'],
    ]);
    expect(await service.setTags({ instanceIds: ['11', '12'], tag: null })).toEqual({ changed: 2 });
    expect(await getDb().annotations.count()).toBe(1);
  });

  it('tags are per account: another account sees and changes none of them', async () => {
    const h = harness();
    await h.service.setTag({ instanceId: '11', tag: 'favorite' });
    h.membership.current = OTHER;
    await h.service.setTag({ instanceId: '11', tag: 'junk' });
    expect(await getDb().annotations.get([KEY, '11'])).toMatchObject({ tag: 'favorite' });
    expect(await getDb().annotations.get([`3:${OTHER.membershipId}`, '11'])).toMatchObject({ tag: 'junk' });
  });
});

describe('message payloads', () => {
  it('refuse tags DIM does not have, instance ids that are not digits, loadouts of another shape', async () => {
    const { safeParse } = await import('valibot');
    expect(safeParse(loadoutPayloads.setTag, { instanceId: '11', tag: 'trash' }).success).toBe(false);
    expect(safeParse(loadoutPayloads.setTag, { instanceId: '../x', tag: 'junk' }).success).toBe(false);
    expect(safeParse(loadoutPayloads.setTags, { instanceIds: ['11'], tag: null }).success).toBe(true);
    const loadout = { id: 'a', name: 'A', classType: 3, equipped: [{ hash: 1 }], unequipped: [] };
    expect(safeParse(loadoutPayloads.saveLoadout, { loadout }).success).toBe(true);
    expect(safeParse(loadoutPayloads.saveLoadout, { loadout: { ...loadout, classType: 4 } }).success).toBe(false);
    expect(safeParse(loadoutPayloads.saveLoadout, { loadout: { ...loadout, equipped: [{ hash: -1 }] } }).success).toBe(
      false,
    );
  });
});
