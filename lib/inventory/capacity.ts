import { BUCKETS, VAULT_ID, type InventoryModel } from './types';

/** How full one bucket of one store is. Every item (a whole stack counts once) takes one slot. */
export interface BucketFill {
  storeId: string;
  bucketHash: number;
  used: number;
  /** From the bucket definition's itemCount; 0 when the bucket has no definition (capacity unknown). */
  capacity: number;
  /** Slots left, or undefined when the capacity is unknown. */
  free: number | undefined;
  full: boolean;
}

export type PostmasterLevel = 'ok' | 'warning' | 'full';

export interface PostmasterStatus extends BucketFill {
  level: PostmasterLevel;
}

/** DIM's threshold: fewer free postmaster slots than this is worth a warning (field notes). */
export const POSTMASTER_WARN_FREE_BELOW = 6;

/**
 * The one postmaster rule, from the Lost Items bucket's capacity (its definition's itemCount, 21): 'full' at
 * capacity, 'warning' with fewer than 6 slots free (16/21 on), else 'ok'; an unknown capacity (0) never warns.
 * The popup, the grid and the toolbar badge all read it through `postmasterStatus`.
 */
export function postmasterLevel(used: number, capacity: number): PostmasterLevel {
  if (!(capacity > 0)) return 'ok';
  const free = capacity - used;
  if (free <= 0) return 'full';
  return free < Math.min(POSTMASTER_WARN_FREE_BELOW, capacity) ? 'warning' : 'ok';
}

/**
 * Fill of one bucket in one store. Bungie: gear bucket capacity includes the equipped slot (10 = 9 + 1), so equipped
 * items count; a stack takes one slot whatever its quantity; the vault's limit is the General bucket's itemCount.
 */
export function bucketFill(model: InventoryModel, storeId: string, bucketHash: number): BucketFill {
  const store = model.stores.find((s) => s.id === storeId);
  const used = store?.buckets[bucketHash]?.length ?? 0;
  const capacity = model.buckets[bucketHash]?.capacity ?? 0;
  const free = capacity > 0 ? Math.max(0, capacity - used) : undefined;
  return { storeId, bucketHash, used, capacity, free, full: free === 0 };
}

/** The vault's fill: General bucket items against General's itemCount (1300 in the 2026 definitions). */
export function vaultFill(model: InventoryModel): BucketFill {
  return bucketFill(model, VAULT_ID, BUCKETS.General);
}

/**
 * Fill of every bucket a store holds or could hold, in game order — the numbers a grid row shows ("9/10").
 * Characters get their own buckets; the vault store gets General and the account-wide buckets it holds.
 */
export function storeFills(model: InventoryModel, storeId: string): BucketFill[] {
  const store = model.stores.find((s) => s.id === storeId);
  if (!store) return [];
  return Object.values(model.buckets)
    .filter((b) => store.buckets[b.hash] !== undefined)
    .sort((a, b) => a.order - b.order)
    .map((b) => bucketFill(model, storeId, b.hash));
}

/**
 * Postmaster (Lost Items, 215593132) fill per character, most recently played first, judged by `postmasterLevel`.
 * Bungie: when it is full, new rewards push the oldest out, so "full" is an alarm and nearly full a warning.
 */
export function postmasterStatus(model: InventoryModel): PostmasterStatus[] {
  return model.stores
    .filter((s) => s.kind === 'character')
    .map((s) => {
      const fill = bucketFill(model, s.id, BUCKETS.LostItems);
      return { ...fill, level: postmasterLevel(fill.used, fill.capacity) };
    });
}

/** Characters whose postmaster needs attention (warning or full): what the popup's banner and the badge list. */
export function postmasterWarnings(model: InventoryModel): PostmasterStatus[] {
  return postmasterStatus(model).filter((p) => p.level !== 'ok');
}
