/**
 * Finds the items a loadout names in the inventory. Entries name an instance id with the item hash as a fallback
 * (DIM's rule): the instance first; when it is gone (dismantled, or reshaped into a new instance), another copy of
 * the same item; when no copy is left, the entry is missing and the best item of the same slot is offered instead.
 */
import type { Loadout, LoadoutItem } from '@destinyitemmanager/dim-api-types';
import type { ItemDef } from '../../manifest/types';
import { ANY_CLASS } from '../plan-capacity';
import type { InventoryItem, InventoryModel } from '../types';

export interface ResolvedEntry {
  entry: LoadoutItem;
  /** From the loadout's equipped list. */
  equip: boolean;
  /**
   * found: the named instance (or, for an entry without an id, an item of its hash); substituted: the instance is
   * gone and another copy of the same item stands in; missing: nothing of that hash is left.
   */
  status: 'found' | 'substituted' | 'missing';
  /** The item the loadout uses (found or substituted). */
  item?: InventoryItem;
  /** For a missing entry: the closest item of the same slot the class can use, offered, never used on its own. */
  suggestion?: InventoryItem;
  /** What the player reads about a substituted or missing entry. */
  sentence?: string;
}

export interface ResolveOptions {
  /** The class the loadout is for now (the target character's); defaults to the loadout's own class. */
  classType?: number;
  /** Definitions by hash: the name and the slot of an item the inventory no longer holds. */
  definition?: (hash: number) => ItemDef | undefined;
}

/** Equipped entries first, then unequipped, each in the loadout's order. */
export function resolveLoadout(model: InventoryModel, loadout: Loadout, options: ResolveOptions = {}): ResolvedEntry[] {
  const classType = options.classType ?? (loadout.classType as number);
  const entries = [
    ...loadout.equipped.map((entry) => ({ entry, equip: true })),
    ...loadout.unequipped.map((entry) => ({ entry, equip: false })),
  ];
  // Named instances are claimed first, so a fallback never takes an item another entry names exactly.
  const used = new Set<string>();
  const exact = entries.map(({ entry }) => {
    const item = entry.id ? model.items[entry.id] : undefined;
    if (item && item.isInstanced) used.add(item.key);
    return item && item.isInstanced ? item : undefined;
  });
  return entries.map(({ entry, equip }, i): ResolvedEntry => {
    const found = exact[i];
    if (found) return { entry, equip, status: 'found', item: found };
    const copy = sameHash(model, entry.hash, classType, used);
    if (copy) {
      used.add(copy.key);
      if (!entry.id) return { entry, equip, status: 'found', item: copy };
      return {
        entry,
        equip,
        status: 'substituted',
        item: copy,
        sentence: `The ${copy.name} saved in this loadout is gone; another ${copy.name}${powerText(copy)} takes its place.`,
      };
    }
    const def = options.definition?.(entry.hash);
    const name = def?.name || `An item (${entry.hash})`;
    const suggestion = def ? sameSlot(model, def, equip, classType, used) : undefined;
    return {
      entry,
      equip,
      status: 'missing',
      ...(suggestion ? { suggestion } : {}),
      sentence: suggestion
        ? `${name} is no longer in your inventory; ${suggestion.name}${powerText(suggestion)} could take its place.`
        : `${name} is no longer in your inventory.`,
    };
  });
}

function usableBy(item: InventoryItem, classType: number): boolean {
  return classType === ANY_CLASS || item.classType === ANY_CLASS || item.classType === classType;
}

/** The strongest copy of the item (highest power), not claimed by another entry. */
function sameHash(
  model: InventoryModel,
  hash: number,
  classType: number,
  used: Set<string>,
): InventoryItem | undefined {
  return Object.values(model.items)
    .filter((i) => i.itemHash === hash && !used.has(i.key) && usableBy(i, classType))
    .sort((a, b) => (b.power ?? 0) - (a.power ?? 0) || compareKeys(a.key, b.key))[0];
}

/**
 * The closest stand-in in the missing item's bucket: same item type and subtype (a hand cannon for a hand cannon),
 * then the same rarity, then the highest power; equippable when the entry was equipped; usable by the class.
 */
function sameSlot(
  model: InventoryModel,
  def: ItemDef,
  equip: boolean,
  classType: number,
  used: Set<string>,
): InventoryItem | undefined {
  const score = (i: InventoryItem) =>
    (i.itemType === def.itemType && i.itemSubType === def.itemSubType ? 2 : 0) + (i.tierType === def.tierType ? 1 : 0);
  return Object.values(model.items)
    .filter(
      (i) =>
        i.resolved &&
        i.targetBucketHash === def.bucketTypeHash &&
        !used.has(i.key) &&
        (!equip || i.equippable) &&
        usableBy(i, classType) &&
        (def.classType === ANY_CLASS || i.classType === ANY_CLASS || i.classType === def.classType),
    )
    .sort((a, b) => score(b) - score(a) || (b.power ?? 0) - (a.power ?? 0) || compareKeys(a.key, b.key))[0];
}

function powerText(item: InventoryItem): string {
  return item.power !== undefined ? ` (${item.power})` : '';
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
