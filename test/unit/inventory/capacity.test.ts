// @vitest-environment node
import type { DestinyItemComponent, DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { describe, expect, it } from 'vitest';
import { bucketFill, postmasterStatus, postmasterWarnings, storeFills, vaultFill } from '@/lib/inventory/capacity';
import { formatAge, formatFill } from '@/lib/inventory/format';
import { buildInventoryModel } from '@/lib/inventory/model';
import { BUCKETS, VAULT_ID } from '@/lib/inventory/types';
import { loadDefinitions, loadFixtureModel, loadProfile } from './fixtures';

const profile = loadProfile();
const model = loadFixtureModel();
const [hunter, titan, warlock] = model.stores.map((s) => s.id);

/** The profile with character `id`'s postmaster holding exactly `count` items (copies of a real postmaster stack). */
function withPostmaster(id: string, count: number): DestinyProfileResponse {
  const inventories = profile.characterInventories.data!;
  const template = Object.values(inventories)
    .flatMap((c) => c.items)
    .find((i) => i.bucketHash === BUCKETS.LostItems)!;
  const kept = inventories[id].items.filter((i) => i.bucketHash !== BUCKETS.LostItems);
  const lost: DestinyItemComponent[] = Array.from({ length: count }, (_, n) => ({
    ...template,
    ...(template.itemInstanceId ? { itemInstanceId: `${template.itemInstanceId}${n}` } : {}),
  }));
  return {
    ...profile,
    characterInventories: {
      ...profile.characterInventories,
      data: { ...inventories, [id]: { items: [...kept, ...lost] } },
    },
  } as DestinyProfileResponse;
}

describe('capacity over the real profile', () => {
  it('vault: 467 General items of 1300 (General itemCount)', () => {
    expect(vaultFill(model)).toEqual({
      storeId: VAULT_ID,
      bucketHash: BUCKETS.General,
      used: 467,
      capacity: 1300,
      free: 833,
      full: false,
    });
  });

  it.each([
    [0, BUCKETS.Kinetic],
    [0, BUCKETS.Helmet],
    [1, BUCKETS.Power],
    [2, BUCKETS.Ghost],
  ])('character #%i bucket %i counts equipped + carried against itemCount 10', (index, bucketHash) => {
    const id = model.stores[index].id;
    const raw = [...profile.characterEquipment.data![id].items, ...profile.characterInventories.data![id].items];
    const used = raw.filter((i) => i.bucketHash === bucketHash).length;
    expect(bucketFill(model, id, bucketHash)).toMatchObject({ used, capacity: 10, free: 10 - used, full: used === 10 });
  });

  it('account-wide buckets count in the vault store (Consumables 42/50, Modifications 44/50)', () => {
    expect(bucketFill(model, VAULT_ID, BUCKETS.Consumables)).toMatchObject({ used: 42, capacity: 50, free: 8 });
    expect(bucketFill(model, VAULT_ID, BUCKETS.Modifications)).toMatchObject({ used: 44, capacity: 50, free: 6 });
  });

  it('a bucket with no definition has unknown capacity, never "full"', () => {
    expect(bucketFill(model, hunter, 2401704334)).toMatchObject({ capacity: 0, free: undefined, full: false });
  });

  it('store rows come in game order and cover every bucket the store holds', () => {
    const rows = storeFills(model, hunter);
    const orders = rows.map((r) => model.buckets[r.bucketHash].order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    const store = model.stores[0];
    expect(rows.map((r) => r.bucketHash).sort()).toEqual(Object.keys(store.buckets).map(Number).sort());
    expect(rows.reduce((n, r) => n + r.used, 0)).toBe(190 + 17);
    expect(storeFills(model, 'nobody')).toEqual([]);
  });

  it('postmasters of the capture: Hunter 8, Titan 5, Warlock 6 of 21, no warnings', () => {
    expect(postmasterStatus(model).map((p) => [p.storeId, p.used, p.capacity, p.level])).toEqual([
      [hunter, 8, 21, 'ok'],
      [titan, 5, 21, 'ok'],
      [warlock, 6, 21, 'ok'],
    ]);
    expect(postmasterWarnings(model)).toEqual([]);
  });

  it.each([
    [15, 'ok'],
    [16, 'warning'],
    [19, 'warning'],
    [20, 'warning'],
    [21, 'full'],
  ])('a postmaster holding %i of 21 is %s (warn below 6 free)', (count, level) => {
    const m = buildInventoryModel(withPostmaster(titan, count), loadDefinitions());
    const status = postmasterStatus(m).find((p) => p.storeId === titan)!;
    expect(status).toMatchObject({ used: count, capacity: 21, level, free: 21 - count });
    expect(postmasterWarnings(m).map((p) => p.storeId)).toEqual(level === 'ok' ? [] : [titan]);
  });
});

describe('format', () => {
  it.each([
    [0, 'updated just now'],
    [-3000, 'updated just now'],
    [40_000, 'updated 40 s ago'],
    [59_999, 'updated 59 s ago'],
    [60_000, 'updated 1 min ago'],
    [3_599_000, 'updated 59 min ago'],
    [7_200_000, 'updated 2 h ago'],
    [3 * 86_400_000, 'updated 3 d ago'],
  ])('%i ms after minting reads "%s"', (age, text) => {
    expect(formatAge(1_000_000_000, 1_000_000_000 + age)).toBe(text);
  });

  it.each([
    [612, 1300, '612/1300'],
    [19, 21, '19/21'],
    [4, 0, '4'],
  ])('fill %i of %i reads %s', (used, capacity, text) => {
    expect(formatFill(used, capacity)).toBe(text);
  });
});
