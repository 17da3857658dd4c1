/**
 * Capacity and placement rules the planner and the step applier share. Every number comes from the model
 * (BucketInfo.capacity, model.vaultCapacity); nothing here knows that a gear bucket holds 10.
 */
import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel, type StoreModel } from './types';

/** A bucket in a store: where an item sits or will sit. */
export interface Place {
  storeId: string;
  bucketHash: number;
}

/** DestinyClass 3: usable by every class. */
export const ANY_CLASS = 3;

export function findStore(model: InventoryModel, storeId: string): StoreModel | undefined {
  return model.stores.find((s) => s.id === storeId);
}

export function keysIn(model: InventoryModel, place: Place): string[] {
  return findStore(model, place.storeId)?.buckets[place.bucketHash] ?? [];
}

/** Characters, least recently played first (DIM fills the character the player uses least before the others). */
export function charactersLeastRecentFirst(model: InventoryModel): StoreModel[] {
  return model.stores
    .filter((s) => s.kind === 'character')
    .map((s, i) => ({ s, i }))
    .sort((a, b) => playedAt(a.s) - playedAt(b.s) || b.i - a.i)
    .map(({ s }) => s);
}

function playedAt(store: StoreModel): number {
  const t = store.dateLastPlayed ? Date.parse(store.dateLastPlayed) : NaN;
  return Number.isFinite(t) ? t : 0;
}

/**
 * Bungie: account-wide buckets (scope 1, e.g. Consumables, Modifications) belong to the profile, so an item sent
 * "to a character" in such a bucket lands in the vault store's copy of that bucket.
 */
export function isAccountWide(model: InventoryModel, bucketHash: number): boolean {
  return model.buckets[bucketHash]?.accountWide === true;
}

/** Where `item` ends up when it is sent to `storeId` (the vault's General bucket, or its own bucket). */
export function homePlace(model: InventoryModel, item: InventoryItem, storeId: string): Place {
  if (storeId === VAULT_ID) return { storeId: VAULT_ID, bucketHash: BUCKETS.General };
  if (isAccountWide(model, item.targetBucketHash)) return { storeId: VAULT_ID, bucketHash: item.targetBucketHash };
  return { storeId, bucketHash: item.targetBucketHash };
}

export function samePlace(a: Place, b: Place): boolean {
  return a.storeId === b.storeId && a.bucketHash === b.bucketHash;
}

export function placeOf(item: InventoryItem): Place {
  return { storeId: item.owner, bucketHash: item.bucketHash };
}

/**
 * Slots a place holds: the vault's General bucket from model.vaultCapacity, the postmaster from
 * model.postmasterCapacity, any other bucket from its definition's itemCount. 0 means unknown (no definition).
 */
export function capacityOf(model: InventoryModel, place: Place): number {
  if (place.storeId === VAULT_ID && place.bucketHash === BUCKETS.General) return model.vaultCapacity;
  if (place.bucketHash === BUCKETS.LostItems) return model.postmasterCapacity;
  return model.buckets[place.bucketHash]?.capacity ?? 0;
}

/** Free slots (stacks count one slot each, whatever their size). */
export function freeSlots(model: InventoryModel, place: Place): number {
  return capacityOf(model, place) - keysIn(model, place).length;
}

export function stackLimit(item: Pick<InventoryItem, 'maxStackSize'>): number {
  return Math.max(1, item.maxStackSize);
}

/**
 * New slots `amount` of `item` needs in `place`: Bungie tops up partial stacks of the same item first and opens
 * new stacks of at most maxStackSize for the rest. Instanced items always take one slot each.
 */
export function slotsNeeded(model: InventoryModel, place: Place, item: InventoryItem, amount: number): number {
  if (item.isInstanced) return amount;
  const max = stackLimit(item);
  let topUp = 0;
  for (const key of keysIn(model, place)) {
    const other = model.items[key];
    if (other && other.itemHash === item.itemHash && other.key !== item.key) topUp += Math.max(0, max - other.quantity);
  }
  return Math.ceil(Math.max(0, amount - topUp) / max);
}

/** Bungie answers 1640 when the class does not match: classType 3 items go on anyone, others on their class only. */
export function classCanEquip(item: InventoryItem, store: StoreModel): boolean {
  return item.classType === ANY_CLASS || item.classType === store.classType;
}

/** A character id for calls on account-wide items, which Bungie still routes through some character. */
export function anyCharacterId(model: InventoryModel, preferred?: string): string | undefined {
  const characters = model.stores.filter((s) => s.kind === 'character');
  if (preferred && characters.some((s) => s.id === preferred)) return preferred;
  if (model.activeCharacterId && characters.some((s) => s.id === model.activeCharacterId)) {
    return model.activeCharacterId;
  }
  return characters[0]?.id;
}
