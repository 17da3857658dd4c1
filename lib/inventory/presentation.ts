import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel, type StoreModel } from './types';

/** Tier names as the views colour them (Bungie's TierType: 6 Exotic, 5 Legendary, 4 Rare, 3 Uncommon, 2 Common). */
export function tierClass(tierType: number): string {
  return (
    ({ 6: 'exotic', 5: 'legendary', 4: 'rare', 3: 'uncommon', 2: 'common' } as Record<number, string>)[tierType] ??
    'basic'
  );
}

/** DamageType enum → the name the views and search use. */
export function damageName(damageType: number | undefined): string | undefined {
  return ({ 1: 'kinetic', 2: 'arc', 3: 'solar', 4: 'void', 6: 'stasis', 7: 'strand' } as Record<number, string>)[
    damageType ?? -1
  ];
}

/** What a screen reader says for a tile: name, tier and type, power, and the states a player cares about. */
export function itemLabel(item: InventoryItem): string {
  const parts = [item.name];
  if (item.resolved) parts.push(`${item.tierTypeName} ${item.itemTypeDisplayName}`.trim());
  if (item.power) parts.push(`${item.power} power`);
  const dmg = damageName(item.damageType);
  if (dmg && (item.isWeapon || item.itemType === 16)) parts.push(dmg);
  if (item.quantity > 1) parts.push(`${item.quantity} in stack`);
  if (item.equipped) parts.push('equipped');
  if (item.location === 'postmaster') parts.push('in postmaster');
  if (item.locked) parts.push('locked');
  if (item.masterwork) parts.push('masterworked');
  return parts.filter(Boolean).join(', ');
}

export interface GridCell {
  items: InventoryItem[];
  /** Count against the capacity that applies to this cell (stacks count once). */
  count: number;
  capacity?: number;
}

export interface GridRow {
  bucketHash: number;
  name: string;
  /** Cells in store order (characters then vault). */
  cells: GridCell[];
}

/**
 * Lay the model out as the side panel shows it: buckets as rows in game order, stores as columns, the equipped item
 * first. Vault gear sits in the General bucket; it is shown in the row of the bucket it belongs to on a character.
 */
export function gridRows(model: InventoryModel): GridRow[] {
  const rows = Object.values(model.buckets)
    .filter((b) => b.hash !== BUCKETS.General && b.hash !== BUCKETS.LostItems)
    .sort((a, b) => a.order - b.order);
  const vaultByTarget = new Map<number, InventoryItem[]>();
  const vault = model.stores.find((s) => s.id === VAULT_ID);
  for (const key of vault?.buckets[BUCKETS.General] ?? []) {
    const item = model.items[key];
    if (!item) continue;
    const list = vaultByTarget.get(item.targetBucketHash) ?? [];
    list.push(item);
    vaultByTarget.set(item.targetBucketHash, list);
  }
  const out: GridRow[] = [];
  for (const bucket of rows) {
    const cells = model.stores.map((store): GridCell => {
      if (store.kind === 'vault') {
        // Account-wide buckets (consumables, mods) are the vault store's own; vault gear sits in General. Both
        // show in the row of the bucket they belong to, but only the account-wide bucket counts against this row.
        const own = itemsIn(model, store, bucket.hash);
        const items = [...own, ...(vaultByTarget.get(bucket.hash) ?? [])];
        return { items, count: own.length, capacity: bucket.accountWide ? bucket.capacity : undefined };
      }
      const items = bucket.accountWide ? [] : itemsIn(model, store, bucket.hash);
      return { items, count: items.length, capacity: bucket.accountWide ? undefined : bucket.capacity };
    });
    if (cells.some((c) => c.items.length)) out.push({ bucketHash: bucket.hash, name: bucket.name, cells });
  }
  // Vault gear of buckets no character row shows (unknown or retired buckets) still has to appear somewhere.
  const shown = new Set(out.map((r) => r.bucketHash));
  const leftovers = [...vaultByTarget.entries()].filter(([hash]) => !shown.has(hash)).flatMap(([, items]) => items);
  if (leftovers.length) {
    out.push({
      bucketHash: BUCKETS.General,
      name: 'Other',
      cells: model.stores.map((s) =>
        s.kind === 'vault' ? { items: leftovers, count: leftovers.length } : { items: [], count: 0 },
      ),
    });
  }
  return out;
}

/** Items of one store in one bucket, equipped first. */
export function itemsIn(model: InventoryModel, store: StoreModel, bucketHash: number): InventoryItem[] {
  const items = (store.buckets[bucketHash] ?? [])
    .map((k) => model.items[k])
    .filter((i): i is InventoryItem => Boolean(i));
  return items.sort((a, b) => Number(b.equipped) - Number(a.equipped));
}
