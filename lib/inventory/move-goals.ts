/**
 * The pure goal and undo logic of a move job (data in, data out): when an intent is reached, which stack to move now
 * that stack keys changed, what each touched item was before, and which intents put a finished job back. The
 * worker's executor (lib/moves/executor.ts) runs the Bungie calls; everything it decides from a model lives here.
 */
import { homePlace, placeOf, samePlace, type Place } from './plan-capacity';
import type { ItemStep, MoveIntent } from './plan-types';
import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel } from './types';

/**
 * For stacks: Bungie moves an amount of an item hash, and stack keys change as stacks merge and split, so progress
 * is measured as the total of that hash at the destination bucket. `total` is what it must reach.
 */
export interface StackGoal {
  itemHash: number;
  place: Place;
  total: number;
  /** Where the stack came from (undo sends the amount back there). */
  from: Place;
  amount: number;
  name: string;
}

/** What the journal remembers about where an item was before a move touched it. */
export interface Origin {
  owner: string;
  equipped: boolean;
  name: string;
  location?: InventoryItem['location'];
}

/** The total quantity of the (uninstanced) stacks of `itemHash` in one bucket of one store. */
export function totalAt(model: InventoryModel, place: Place, itemHash: number): number {
  const keys = model.stores.find((s) => s.id === place.storeId)?.buckets[place.bucketHash] ?? [];
  let total = 0;
  for (const key of keys) {
    const item = model.items[key];
    if (item?.itemHash === itemHash && !item.isInstanced) total += item.quantity;
  }
  return total;
}

/** The stack goal of a stack move or pull, measured on the model the move starts from. */
export function stackGoalOf(model: InventoryModel, intent: MoveIntent): StackGoal | undefined {
  const item = model.items[intent.itemKey];
  if (!item || item.isInstanced) return undefined;
  if (intent.kind !== 'move' && intent.kind !== 'pull') return undefined;
  const amount = intent.kind === 'move' ? (intent.amount ?? item.quantity) : item.quantity;
  const place = homePlace(model, item, intent.kind === 'move' ? intent.to : item.owner);
  if (item.location !== 'postmaster' && samePlace(placeOf(item), place)) return undefined;
  return {
    itemHash: item.itemHash,
    place,
    total: totalAt(model, place, item.itemHash) + amount,
    from: placeOf(item),
    amount,
    name: item.name,
  };
}

/** True when the intent's goal already holds in `model` (e.g. a failed call that Bungie did apply after all). */
export function intentSatisfied(model: InventoryModel, intent: MoveIntent, goal?: StackGoal): boolean {
  if (goal) return totalAt(model, goal.place, goal.itemHash) >= goal.total;
  const item = model.items[intent.itemKey];
  if (!item) return false;
  switch (intent.kind) {
    case 'move':
      return item.location !== 'postmaster' && samePlace(placeOf(item), homePlace(model, item, intent.to));
    case 'equip':
      return item.owner === intent.characterId && item.equipped;
    case 'pull':
      return item.location !== 'postmaster';
    case 'lock':
      return item.locked === intent.locked;
  }
}

/**
 * The intent to plan now. Instanced items keep their key; a stack move is re-aimed at a stack of that hash that is
 * not at the destination yet (in transit in the vault first, then where it came from), for the amount still missing.
 */
export function currentIntent(model: InventoryModel, intent: MoveIntent, goal?: StackGoal): MoveIntent {
  if (!goal || (intent.kind !== 'move' && intent.kind !== 'pull')) return intent;
  const missing = goal.total - totalAt(model, goal.place, goal.itemHash);
  const stacks = Object.values(model.items).filter(
    (i) => i.itemHash === goal.itemHash && !i.isInstanced && !samePlace(placeOf(i), goal.place),
  );
  const rank = (i: InventoryItem) => {
    if (intent.kind === 'pull') return i.location === 'postmaster' && samePlace(placeOf(i), goal.from) ? 0 : 9;
    if (i.location === 'postmaster' && !samePlace(placeOf(i), goal.from)) return 9;
    if (samePlace(placeOf(i), { storeId: VAULT_ID, bucketHash: BUCKETS.General }) && goal.from.storeId !== VAULT_ID) {
      return 0;
    }
    return samePlace(placeOf(i), goal.from) ? 1 : 2;
  };
  const source = stacks.filter((i) => rank(i) < 9).sort((a, b) => rank(a) - rank(b))[0];
  if (!source) return intent;
  if (intent.kind === 'pull') return { kind: 'pull', itemKey: source.key };
  return { kind: 'move', itemKey: source.key, to: intent.to, amount: Math.min(missing, source.quantity) };
}

/**
 * `origins` with where each item the steps touch is now, for the items not recorded yet (the first record wins: it
 * is where the item was before the job touched it). Returns a new record; `origins` is not changed.
 */
export function withOrigins(
  model: InventoryModel,
  steps: readonly ItemStep[],
  origins: Readonly<Record<string, Origin>>,
): Record<string, Origin> {
  const out = { ...origins };
  const keys = steps.flatMap((s) => (s.action === 'equipMany' ? s.items.map((i) => i.itemKey) : [s.itemKey]));
  for (const key of keys) {
    const item = model.items[key];
    if (item && !out[key]) {
      out[key] = { owner: item.owner, equipped: item.equipped, name: item.name, location: item.location };
    }
  }
  return out;
}

/**
 * Intents that put back what a finished job changed: the stack amounts first (newest goal first), then each
 * instanced item, newest change first (re-equipped where it was equipped, moved back otherwise).
 */
export function undoIntents(
  model: InventoryModel,
  job: { goals: readonly (StackGoal | undefined)[]; origins: Readonly<Record<string, Origin>> },
): MoveIntent[] {
  const intents: MoveIntent[] = [];
  for (const goal of [...job.goals].reverse()) {
    if (!goal) continue;
    const back = Object.values(model.items).find(
      (i) => i.itemHash === goal.itemHash && !i.isInstanced && samePlace(placeOf(i), goal.place),
    );
    if (back && goal.from.storeId !== goal.place.storeId) {
      intents.push({
        kind: 'move',
        itemKey: back.key,
        to: goal.from.storeId,
        amount: Math.min(goal.amount, back.quantity),
      });
    }
  }
  for (const [itemKey, origin] of Object.entries(job.origins).reverse()) {
    const item = model.items[itemKey];
    // Stacks are undone by amount above; an instanced item only if it still exists.
    if (!item || !item.isInstanced) continue;
    if (origin.equipped) intents.push({ kind: 'equip', itemKey, characterId: origin.owner });
    else if (origin.location !== 'postmaster') intents.push({ kind: 'move', itemKey, to: origin.owner });
  }
  return intents;
}
