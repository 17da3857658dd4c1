/**
 * The effect of one successful Bungie item call on the inventory model. The planner simulates its plans with it,
 * the executor updates the cached model with it after each call (no profile refetch), and the emulator test
 * compares the result with the emulator's state, so it must be exact.
 */
import { classCanEquip, findStore, homePlace, stackLimit, type Place } from './plan-capacity';
import type { EquipManyStep, ItemStep } from './plan-types';
import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel, type ItemLocation } from './types';

/**
 * Applies one successful call and returns a new model (the input is not touched).
 * - TransferItem to the vault: the item leaves its character bucket (or the account-wide bucket) for the vault's
 *   General bucket. From the vault: it enters the character's bucket, or the vault store's account-wide bucket.
 * - PullFromPostmaster: Lost Items → the owner's bucket (account-wide items → the account-wide bucket).
 * - EquipItem: the item becomes the equipped one of its bucket and the previous one stays there unequipped.
 * - SetItemLockState: only the lock flag changes.
 * - EquipItems (`equipMany`): each item is equipped in the listed order, as EquipItem would; since Bungie refuses an
 *   item whose class does not match (1640) or whose unique label another equipped item carries (1641), such an item
 *   at its turn in the list throws.
 * Stacks: Bungie moves an amount of an item hash, not a particular stack. The amount is taken from the stacks of that
 * hash in the same bucket, last first (so full stacks stay whole); it tops up partial stacks at the
 * destination in bucket order and opens new stacks of at most maxStackSize for the rest. Emptied stacks vanish.
 * Throws when the step could not have succeeded on this model (a programming error, not a game condition).
 */
export function applyStep(model: InventoryModel, step: ItemStep): InventoryModel {
  if (step.action === 'equipMany') return applyEquipMany(model, step);
  const item = model.items[step.itemKey];
  if (!item) throw new Error(`applyStep: no item ${step.itemKey} in the model`);
  switch (step.action) {
    case 'lock':
      return { ...model, items: { ...model.items, [item.key]: { ...item, locked: step.locked } } };
    case 'equip':
      return applyEquip(model, item, step.characterId);
    case 'pull': {
      if (item.location !== 'postmaster' || item.owner !== step.characterId) {
        throw new Error(`applyStep: ${item.key} is not in ${step.characterId}'s postmaster`);
      }
      const to = homePlace(model, item, step.characterId);
      return moveUnits(model, item, step.amount, to, 'inventory');
    }
    case 'transfer': {
      if (item.equipped) throw new Error(`applyStep: ${item.key} is equipped and cannot be transferred`);
      if (step.toVault) {
        const fromCharacter = item.owner === step.characterId && item.location === 'inventory';
        const fromAccountBucket = item.owner === VAULT_ID && item.location === 'inventory';
        if (!fromCharacter && !fromAccountBucket) {
          throw new Error(`applyStep: ${item.key} is not in ${step.characterId}'s inventory`);
        }
        return moveUnits(model, item, step.amount, { storeId: VAULT_ID, bucketHash: BUCKETS.General }, 'vault');
      }
      if (item.location !== 'vault') throw new Error(`applyStep: ${item.key} is not in the vault`);
      return moveUnits(model, item, step.amount, homePlace(model, item, step.characterId), 'inventory');
    }
  }
}

function applyEquipMany(model: InventoryModel, step: EquipManyStep): InventoryModel {
  const store = findStore(model, step.characterId);
  if (!store || store.kind !== 'character') throw new Error(`applyStep: no character ${step.characterId}`);
  let next = model;
  for (const { itemKey } of step.items) {
    const item = next.items[itemKey];
    if (!item) throw new Error(`applyStep: no item ${itemKey} in the model`);
    if (!classCanEquip(item, store)) throw new Error(`applyStep: ${item.key} is not for ${store.name}`);
    if (item.uniqueLabel) {
      const clash = Object.values(findStore(next, store.id)?.buckets ?? {})
        .flat()
        .map((k) => next.items[k])
        .find((i) => i?.equipped && i.uniqueLabel === item.uniqueLabel && i.bucketHash !== item.bucketHash);
      if (clash) throw new Error(`applyStep: ${item.key} clashes with equipped ${clash.key} (${item.uniqueLabel})`);
    }
    next = applyEquip(next, item, step.characterId);
  }
  return next;
}

function applyEquip(model: InventoryModel, item: InventoryItem, characterId: string): InventoryModel {
  if (item.owner !== characterId || item.bucketHash !== item.targetBucketHash || item.location === 'postmaster') {
    throw new Error(`applyStep: ${item.key} is not in ${characterId}'s ${item.targetBucketHash} bucket`);
  }
  if (item.equipped) return model;
  const store = findStore(model, characterId);
  if (!store) throw new Error(`applyStep: no store ${characterId}`);
  const keys = store.buckets[item.bucketHash] ?? [];
  const items = { ...model.items };
  const previous = keys.map((k) => items[k]).find((i) => i?.equipped);
  if (previous) items[previous.key] = { ...previous, equipped: false, location: 'inventory' };
  items[item.key] = { ...item, equipped: true, location: 'equipped' };
  // The views rely on "equipped first"; the old equipped item takes the slot the new one left.
  const rest = keys.filter((k) => k !== item.key && k !== previous?.key);
  const reordered = previous
    ? [item.key, ...insertAt(rest, keys.indexOf(item.key) - 1, previous.key)]
    : [item.key, ...rest];
  return withBuckets({ ...model, items }, [{ storeId: characterId, bucketHash: item.bucketHash, keys: reordered }]);
}

function insertAt(list: string[], index: number, key: string): string[] {
  const at = Math.max(0, Math.min(list.length, index));
  return [...list.slice(0, at), key, ...list.slice(at)];
}

function moveUnits(
  model: InventoryModel,
  item: InventoryItem,
  amount: number,
  to: Place,
  location: ItemLocation,
): InventoryModel {
  if (!Number.isInteger(amount) || amount < 1) throw new Error(`applyStep: bad amount ${amount}`);
  const from: Place = { storeId: item.owner, bucketHash: item.bucketHash };
  if (!findStore(model, from.storeId) || !findStore(model, to.storeId)) throw new Error('applyStep: unknown store');
  const fromKeys = [...keysOf(model, from)];
  const toKeys = from.storeId === to.storeId && from.bucketHash === to.bucketHash ? fromKeys : [...keysOf(model, to)];
  const items = { ...model.items };

  if (item.isInstanced) {
    if (amount !== 1) throw new Error(`applyStep: instanced ${item.key} moves one at a time`);
    fromKeys.splice(fromKeys.indexOf(item.key), 1);
    toKeys.push(item.key);
    items[item.key] = relocated(item, to, location, item.quantity, item.key);
    return withBuckets({ ...model, items }, bucketUpdates(from, fromKeys, to, toKeys));
  }

  // Take the amount from the stacks of that hash, last first: the call names a hash, not a stack, so which stack
  // shrinks is Bungie's choice, and taking from the end keeps full stacks whole.
  const sources = fromKeys.filter((k) => items[k]?.itemHash === item.itemHash).reverse();
  let left = amount;
  for (const key of sources) {
    if (left === 0) break;
    const stack = items[key];
    const take = Math.min(stack.quantity, left);
    left -= take;
    if (take === stack.quantity) {
      delete items[key];
      fromKeys.splice(fromKeys.indexOf(key), 1);
    } else {
      items[key] = { ...stack, quantity: stack.quantity - take };
    }
  }
  if (left > 0) throw new Error(`applyStep: only ${amount - left} of ${item.name} available, ${amount} asked`);

  // Give the amount: top up partial stacks in bucket order, then open new stacks.
  const max = stackLimit(item);
  let give = amount;
  for (const key of toKeys) {
    const stack = items[key];
    if (give === 0) break;
    if (!stack || stack.itemHash !== item.itemHash || stack.quantity >= max) continue;
    const add = Math.min(max - stack.quantity, give);
    items[key] = { ...stack, quantity: stack.quantity + add };
    give -= add;
  }
  while (give > 0) {
    const size = Math.min(max, give);
    const key = freeStackKey(items, item.itemHash, to);
    items[key] = relocated(item, to, location, size, key);
    toKeys.push(key);
    give -= size;
  }
  return withBuckets({ ...model, items }, bucketUpdates(from, fromKeys, to, toKeys));
}

function relocated(
  item: InventoryItem,
  to: Place,
  location: ItemLocation,
  quantity: number,
  key: string,
): InventoryItem {
  return { ...item, key, owner: to.storeId, bucketHash: to.bucketHash, location, equipped: false, quantity };
}

/** The model builder's stack key format, with the first number not already taken. */
function freeStackKey(items: Record<string, InventoryItem>, itemHash: number, place: Place): string {
  const base = `${itemHash}@${place.storeId}@${place.bucketHash}`;
  let n = 0;
  while (items[`${base}#${n}`]) n++;
  return `${base}#${n}`;
}

function keysOf(model: InventoryModel, place: Place): string[] {
  return findStore(model, place.storeId)?.buckets[place.bucketHash] ?? [];
}

function bucketUpdates(from: Place, fromKeys: string[], to: Place, toKeys: string[]) {
  return [
    { ...from, keys: fromKeys },
    { ...to, keys: toKeys },
  ];
}

function withBuckets(
  model: InventoryModel,
  updates: { storeId: string; bucketHash: number; keys: string[] }[],
): InventoryModel {
  const stores = model.stores.map((store) => {
    const mine = updates.filter((u) => u.storeId === store.id);
    if (mine.length === 0) return store;
    const buckets = { ...store.buckets };
    for (const u of mine) buckets[u.bucketHash] = u.keys;
    return { ...store, buckets };
  });
  return { ...model, stores };
}

/**
 * A canonical description of where everything is, for comparing two models that may name stacks differently
 * (Bungie does not expose stack identity): instanced items by instance id, stacks as per-bucket totals and stack
 * counts. Equal digests mean the same inventory as far as the game is concerned.
 */
export function inventoryDigest(model: InventoryModel): string[] {
  const lines: string[] = [];
  const stacks = new Map<string, { total: number; count: number }>();
  for (const item of Object.values(model.items)) {
    if (item.isInstanced) {
      lines.push(
        `${item.owner}|${item.bucketHash}|${item.itemHash}|${item.itemInstanceId}|${item.location}|locked=${item.locked}`,
      );
    } else {
      const id = `${item.owner}|${item.bucketHash}|${item.itemHash}|stack|${item.location}`;
      const s = stacks.get(id) ?? { total: 0, count: 0 };
      stacks.set(id, { total: s.total + item.quantity, count: s.count + 1 });
    }
  }
  for (const [id, s] of stacks) lines.push(`${id}|total=${s.total}|stacks=${s.count}`);
  return lines.sort();
}
