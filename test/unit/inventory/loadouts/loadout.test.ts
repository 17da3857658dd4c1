import { describe as group, expect, it } from 'vitest';
import {
  addLoadoutItem,
  duplicateLoadout,
  loadoutFromEquipped,
  loadoutInstanceIds,
  newLoadout,
  removeLoadoutItem,
  renameLoadout,
  replaceLoadoutItem,
  setLoadoutClass,
  setLoadoutNotes,
  snapshotLoadout,
  type Loadout,
  type LoadoutEdit,
} from '@/lib/inventory/loadouts/loadout';
import { socketSourceFromDefinitions } from '@/lib/inventory/loadouts/sockets';
import { BUCKETS, VAULT_ID } from '@/lib/inventory/types';
import { loadDefinitions, loadFixtureModel } from '../fixtures';
import { HUNTER, TITAN, WARLOCK, entryOf, loadoutOf, named } from './loadout-kit';

const base = loadFixtureModel();
const defs = loadDefinitions();
const sockets = socketSourceFromDefinitions((hash) => defs.item(hash));

function ok(edit: LoadoutEdit): Loadout {
  if (!edit.ok) throw new Error(edit.reason);
  return edit.loadout;
}

group('a loadout from a character’s current gear', () => {
  const loadout = ok(loadoutFromEquipped(base, HUNTER, { id: 'l-1', name: ' Raid ', sockets }));

  it('records the equipped subclass, weapons, ghost, sparrow, ship and armor by instance id and hash', () => {
    expect(loadout.equipped.map((e) => base.items[e.id!].name)).toEqual([
      'Revenant',
      'Chroma Rush',
      'Shadow Price',
      'Xenophage',
      'Adonis Shell',
      'Always on Time',
      'Glad Tidings',
      'Phobos Warden Mask',
      'Woven Firesmith Grips',
      'Wild Hunt Vest',
      'Praefectus Strides',
      "Legacy's Oath Cloak",
    ]);
    for (const e of loadout.equipped) expect(e.hash).toBe(base.items[e.id!].itemHash);
    expect(loadout).toMatchObject({ id: 'l-1', name: 'Raid', classType: 1, unequipped: [] });
  });

  it("keeps the subclass's enabled plugs as DIM socket overrides (index → plug hash), not its empty fragment sockets", () => {
    const revenant = loadout.equipped[0];
    expect(revenant.socketOverrides).toEqual({
      0: 3933525367,
      1: 3531427692,
      2: 2625980631,
      3: 1341767667,
      4: 1399219,
      5: 2934767477,
      6: 1920417385,
      7: 537774541,
      8: 2483898430,
      9: 3469412971,
    });
    expect(loadout.equipped.slice(1).every((e) => e.socketOverrides === undefined)).toBe(true);
  });

  it('records the armor mods as parameters.mods, repeats kept, empty mod sockets left out', () => {
    const mods = loadout.parameters?.mods ?? [];
    // 4 armor-mod sockets on each of five pieces, plus the cloak's raid socket, minus its one empty socket.
    expect(mods).toHaveLength(20);
    expect(mods.filter((m) => m === 2588939505)).toHaveLength(2); // Bright Signal, twice on the vest
    expect(mods).toContain(1513970148); // Quiet Harbor
    expect(mods).toContain(2142852459); // Herd Thinner, the raid mod
    expect(mods).not.toContain(1137289077); // Empty Mod Socket
  });

  it('without a socket source records no mods (the model alone does not know which sockets hold mods)', () => {
    expect(ok(loadoutFromEquipped(base, HUNTER, { id: 'l-2' })).parameters).toBeUndefined();
  });

  it('names the character when no name is given, and refuses a store that is not a character', () => {
    expect(ok(loadoutFromEquipped(base, TITAN, { id: 'l-3' })).name).toBe('Titan gear');
    expect(loadoutFromEquipped(base, VAULT_ID, { id: 'l-4' })).toEqual({
      ok: false,
      reason: 'That character is no longer on this account; refresh and try again.',
    });
  });

  it('the undo snapshot has a fixed id per character, so a new apply replaces the old undo', () => {
    const undo = ok(snapshotLoadout(base, WARLOCK));
    expect(undo.id).toBe(`undo-${WARLOCK}`);
    expect(undo.name).toBe('Warlock before the last loadout');
    expect(undo.equipped.map((e) => e.id)).toEqual(
      ok(loadoutFromEquipped(base, WARLOCK, { id: 'x' })).equipped.map((e) => e.id),
    );
  });
});

group('draft edits', () => {
  const chroma = named(base, 'Chroma Rush', (i) => i.owner === HUNTER && i.equipped);
  const heritage = named(base, 'Heritage', (i) => i.owner === HUNTER);
  const wishEnder = named(base, 'Wish Ender', (i) => i.owner === VAULT_ID);
  const xenophage = named(base, 'Xenophage', (i) => i.owner === HUNTER);
  const titanHelm = named(base, 'Praefectus Helm', (i) => i.owner === TITAN && i.power === 1298);
  const draft = newLoadout('d-1', 'PvP', 1);

  it('adds equipped and unequipped items', () => {
    let l = ok(addLoadoutItem(draft, chroma, { equip: true, model: base }));
    l = ok(addLoadoutItem(l, heritage, { equip: false, model: base }));
    expect(l.equipped).toEqual([entryOf(chroma)]);
    expect(l.unequipped).toEqual([entryOf(heritage)]);
    expect(draft.equipped).toEqual([]);
  });

  it('equipping a second item of a slot moves the first to the unequipped list', () => {
    let l = ok(addLoadoutItem(draft, chroma, { equip: true, model: base }));
    l = ok(addLoadoutItem(l, heritage, { equip: true, model: base }));
    expect(l.equipped).toEqual([entryOf(heritage)]);
    expect(l.unequipped).toEqual([entryOf(chroma)]);
  });

  it('equipping a second exotic weapon moves the first one to the unequipped list', () => {
    let l = ok(addLoadoutItem(draft, xenophage, { equip: true, model: base }));
    l = ok(addLoadoutItem(l, wishEnder, { equip: true, model: base }));
    expect(l.equipped).toEqual([entryOf(wishEnder)]);
    expect(l.unequipped).toEqual([entryOf(xenophage)]);
  });

  it('adding an item already there only changes its list', () => {
    let l = ok(addLoadoutItem(draft, chroma, { equip: false, model: base }));
    l = ok(addLoadoutItem(l, chroma, { equip: true, model: base }));
    expect(l.equipped).toEqual([entryOf(chroma)]);
    expect(l.unequipped).toEqual([]);
  });

  it('refuses gear of another class than the loadout’s', () => {
    expect(addLoadoutItem(draft, titanHelm, { equip: true, model: base })).toEqual({
      ok: false,
      reason: 'Praefectus Helm is Titan gear and this loadout is for Hunters.',
    });
  });

  it('removes an item, and says so when it is not there', () => {
    const l = ok(addLoadoutItem(draft, chroma, { equip: true, model: base }));
    expect(ok(removeLoadoutItem(l, entryOf(chroma))).equipped).toEqual([]);
    expect(removeLoadoutItem(draft, entryOf(chroma))).toEqual({
      ok: false,
      reason: 'That item is not in this loadout.',
    });
  });

  it('replaces an item in place, keeping socket overrides only for the same item hash', () => {
    const revenant = named(base, 'Revenant', (i) => i.owner === HUNTER);
    const gear = ok(loadoutFromEquipped(base, HUNTER, { id: 'g' }));
    const replaced = ok(replaceLoadoutItem(gear, entryOf(chroma), heritage));
    expect(replaced.equipped[1]).toEqual(entryOf(heritage));
    expect(replaced.equipped).toHaveLength(gear.equipped.length);
    const otherRevenant = { ...revenant, itemInstanceId: '6917529000000000009', key: '6917529000000000009' };
    const sameHash = ok(replaceLoadoutItem(gear, entryOf(revenant), otherRevenant));
    expect(sameHash.equipped[0]).toMatchObject({
      id: '6917529000000000009',
      socketOverrides: gear.equipped[0].socketOverrides,
    });
  });

  it('duplicates under a new id, as an independent copy', () => {
    const gear = ok(loadoutFromEquipped(base, HUNTER, { id: 'g', name: 'Raid', sockets }));
    const copy = duplicateLoadout({ ...gear, createdAt: 5, lastUpdatedAt: 6 }, 'g-2');
    expect(copy).toMatchObject({ id: 'g-2', name: 'Raid (copy)' });
    expect(copy.createdAt).toBeUndefined();
    copy.equipped[0].socketOverrides![0] = 1;
    expect(gear.equipped[0].socketOverrides![0]).toBe(3933525367);
    expect(duplicateLoadout(gear, 'g-3', 'Dungeon').name).toBe('Dungeon');
  });

  it.each([
    ['  Trials  ', { ok: true, loadout: { ...draft, name: 'Trials' } }],
    ['   ', { ok: false, reason: 'A loadout needs a name.' }],
    ['x'.repeat(121), { ok: false, reason: 'A loadout name can be at most 120 characters long.' }],
  ])('renames to %j', (name, expected) => {
    expect(renameLoadout(draft, name)).toEqual(expected);
  });

  it('sets and clears notes', () => {
    const l = ok(setLoadoutNotes(draft, 'Bring the Worm.'));
    expect(l.notes).toBe('Bring the Worm.');
    expect('notes' in ok(setLoadoutNotes(l, ' '))).toBe(false);
    expect(setLoadoutNotes(draft, 'x'.repeat(2001)).ok).toBe(false);
  });

  it('changes the class unless the loadout holds gear of another class', () => {
    const hunterGear = ok(loadoutFromEquipped(base, HUNTER, { id: 'g' }));
    expect(ok(setLoadoutClass(hunterGear, 3, base)).classType).toBe(3);
    expect(setLoadoutClass(hunterGear, 0, base)).toEqual({
      ok: false,
      reason: 'Revenant is Hunter gear and this loadout is for Titans.',
    });
    expect(ok(setLoadoutClass(loadoutOf([wishEnder]), 2, base)).classType).toBe(2);
    expect(setLoadoutClass(draft, 7, base)).toEqual({ ok: false, reason: 'That is not a Destiny class.' });
  });
});

it('lists every instance id in any loadout, for is:inloadout', () => {
  const a = ok(loadoutFromEquipped(base, HUNTER, { id: 'a' }));
  const b = loadoutOf([named(base, 'Wish Ender')], [named(base, 'Heritage')]);
  b.unequipped.push({ hash: 1 });
  const ids = loadoutInstanceIds([a, b]);
  expect(ids.size).toBe(14);
  expect(ids.has(named(base, 'Wish Ender').itemInstanceId!)).toBe(true);
  expect(ids.has(a.equipped[0].id!)).toBe(true);
  expect(loadoutInstanceIds([])).toEqual(new Set());
});

it('empty gear buckets are skipped; a character with nothing equipped cannot be saved', () => {
  const bare = {
    ...base,
    stores: base.stores.map((s) => (s.id === TITAN ? { ...s, buckets: { [BUCKETS.Kinetic]: [] as string[] } } : s)),
  };
  expect(loadoutFromEquipped(bare, TITAN, { id: 'x' })).toEqual({
    ok: false,
    reason: 'Titan has no gear equipped to save.',
  });
});
