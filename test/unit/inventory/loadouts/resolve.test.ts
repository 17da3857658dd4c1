import { expect, it } from 'vitest';
import { resolveLoadout } from '@/lib/inventory/loadouts/resolve';
import { BUCKETS } from '@/lib/inventory/types';
import { loadDefinitionTables, loadFixtureModel } from '../fixtures';
import { HUNTER, loadoutOf, named } from './loadout-kit';

const base = loadFixtureModel();
const tables = loadDefinitionTables();
const definition = (hash: number) => tables.InventoryItem?.get(hash);
const held = new Set(Object.values(base.items).map((i) => i.itemHash));
/** A real legendary hand cannon definition the profile holds none of: a dismantled item. */
const gone = [...(tables.InventoryItem?.values() ?? [])].find(
  (d) => d.bucketTypeHash === BUCKETS.Kinetic && d.itemType === 3 && d.tierType === 5 && !held.has(d.hash),
)!;
const chromas = Object.values(base.items).filter((i) => i.name === 'Chroma Rush');

it('finds items by instance id first', () => {
  const heritage = named(base, 'Heritage');
  const [entry] = resolveLoadout(base, loadoutOf([heritage]));
  expect(entry).toMatchObject({ status: 'found', equip: true, item: heritage });
});

it('falls back to the strongest copy with the same hash, never one another entry names', () => {
  const strongest = [...chromas].sort((a, b) => (b.power ?? 0) - (a.power ?? 0))[0];
  const loadout = loadoutOf([], [strongest]);
  loadout.equipped = [{ id: '6917529000000000001', hash: strongest.itemHash }];
  const [fallback, named1] = resolveLoadout(base, loadout);
  expect(named1).toMatchObject({ status: 'found', item: strongest });
  expect(fallback.status).toBe('substituted');
  // The next strongest copy (1310), since the 1311 one is claimed by the exact entry.
  expect(fallback.item?.power).toBe(1310);
  expect(fallback.item?.key).not.toBe(strongest.key);
  expect(fallback.sentence).toBe(
    'The Chroma Rush saved in this loadout is gone; another Chroma Rush (1310) takes its place.',
  );
});

it('matches an entry without an instance id (a stack) by hash, silently', () => {
  const loadout = loadoutOf([]);
  loadout.unequipped = [{ hash: chromas[0].itemHash }];
  expect(resolveLoadout(base, loadout)[0]).toMatchObject({ status: 'found', equip: false });
});

it('offers the closest item of the same slot when no copy is left: same weapon type, then rarity, then power', () => {
  const loadout = loadoutOf([]);
  loadout.equipped = [{ id: '6917529000000000002', hash: gone.hash }];
  const [entry] = resolveLoadout(base, loadout, { definition, classType: 1 });
  expect(entry.status).toBe('missing');
  expect(entry.item).toBeUndefined();
  const s = entry.suggestion!;
  expect(s.targetBucketHash).toBe(BUCKETS.Kinetic);
  expect([s.itemType, s.itemSubType, s.tierType]).toEqual([gone.itemType, gone.itemSubType, gone.tierType]);
  const rivals = Object.values(base.items).filter(
    (i) => i.targetBucketHash === BUCKETS.Kinetic && i.itemSubType === gone.itemSubType && i.tierType === 5,
  );
  expect(s.power).toBe(Math.max(...rivals.map((i) => i.power ?? 0)));
  expect(entry.sentence).toBe(
    `${gone.name} is no longer in your inventory; ${s.name} (${s.power}) could take its place.`,
  );
});

it('offers only armor the class can wear', () => {
  const helmDef = [...(tables.InventoryItem?.values() ?? [])].find(
    (d) => d.bucketTypeHash === BUCKETS.Helmet && d.classType === 0 && d.itemType === 2 && !held.has(d.hash),
  )!;
  const loadout = loadoutOf([], [], 0);
  loadout.equipped = [{ id: '6917529000000000003', hash: helmDef.hash }];
  const [entry] = resolveLoadout(base, loadout, { definition });
  // Titan or any-class helmets only, the strongest of them (same type and rarity as a helmet always is).
  expect([0, 3]).toContain(entry.suggestion?.classType);
  expect(entry.suggestion?.targetBucketHash).toBe(BUCKETS.Helmet);
  const wearable = Object.values(base.items).filter(
    (i) =>
      i.targetBucketHash === BUCKETS.Helmet &&
      (i.classType === 0 || i.classType === 3) &&
      i.tierType === helmDef.tierType,
  );
  expect(entry.suggestion?.power).toBe(Math.max(...wearable.map((i) => i.power ?? 0)));
  const hunterOnly = resolveLoadout(base, { ...loadout, classType: 1 }, { definition })[0].suggestion;
  expect(hunterOnly === undefined || hunterOnly.classType === 3).toBe(true);
});

it('without definitions, names the hash and offers nothing', () => {
  const loadout = loadoutOf([]);
  loadout.unequipped = [{ id: '9', hash: 4242 }];
  expect(resolveLoadout(base, loadout)).toEqual([
    {
      entry: { id: '9', hash: 4242 },
      equip: false,
      status: 'missing',
      sentence: 'An item (4242) is no longer in your inventory.',
    },
  ]);
});

it('a substitute must suit the class it is resolved for', () => {
  const cloak = named(base, "Legacy's Oath Cloak", (i) => i.owner === HUNTER && i.equipped);
  const loadout = loadoutOf([]);
  loadout.equipped = [{ id: '6917529000000000004', hash: cloak.itemHash }];
  expect(resolveLoadout(base, loadout, { classType: 1 })[0].status).toBe('substituted');
  expect(resolveLoadout(base, loadout, { classType: 0 })[0].status).toBe('missing');
});
