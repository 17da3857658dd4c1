/**
 * Helpers for the loadout tests over the real 2021 profile: find items by name, make loadout entries, replay steps.
 */
import type { Loadout, LoadoutItem } from '@destinyitemmanager/dim-api-types';
import type { DestinyClass } from 'bungie-api-ts/destiny2';
import { applyStep } from '@/lib/inventory/apply-step';
import type { ItemStep } from '@/lib/inventory/plan-types';
import type { InventoryItem, InventoryModel } from '@/lib/inventory/types';

/** The real profile's characters: Hunter (played last, most gear buckets full), Titan, Warlock. */
export const HUNTER = '2305843009260802821';
export const TITAN = '2305843009260802823';
export const WARLOCK = '2305843009260802822';

/** The one item with that name (and matching `where`); throws when the fixture has none or several. */
export function named(model: InventoryModel, name: string, where?: (i: InventoryItem) => boolean): InventoryItem {
  const found = Object.values(model.items).filter((i) => i.name === name && (!where || where(i)));
  if (found.length !== 1) throw new Error(`${found.length} items named ${name}`);
  return found[0];
}

export function entryOf(item: InventoryItem): LoadoutItem {
  return { id: item.itemInstanceId, hash: item.itemHash };
}

export function loadoutOf(
  equipped: InventoryItem[],
  unequipped: InventoryItem[] = [],
  classType = 3,
  name = 'Test loadout',
): Loadout {
  return {
    id: 'test-loadout',
    name,
    classType: classType as DestinyClass,
    equipped: equipped.map(entryOf),
    unequipped: unequipped.map(entryOf),
  };
}

export function replay(model: InventoryModel, steps: readonly ItemStep[]): InventoryModel {
  return steps.reduce((m, s) => applyStep(m, s), model);
}

/** One readable line per step, for failing diffs. */
export function describe(model: InventoryModel, steps: readonly ItemStep[]): string[] {
  const name = (id: string) => model.stores.find((s) => s.id === id)?.name ?? id;
  return steps.map((s) => `${s.label} [${s.action} via ${name(s.characterId)}]`);
}

export function equippedKeys(model: InventoryModel, storeId: string): string[] {
  const store = model.stores.find((s) => s.id === storeId)!;
  return Object.values(store.buckets)
    .flat()
    .filter((k) => model.items[k]?.equipped)
    .sort();
}
