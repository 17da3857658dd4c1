/**
 * The move planner: turns what the user asked for into the exact list of Bungie calls, following the game's rules
 * and DIM's tried ones. Pure: each step is simulated with applyStep so the next decision sees its effect, and an
 * impossible intent yields one readable sentence instead of a partial plan.
 */
import { applyStep } from './apply-step';
import {
  anyCharacterId,
  capacityOf,
  charactersLeastRecentFirst,
  classCanEquip,
  findStore,
  freeSlots,
  homePlace,
  keysIn,
  placeOf,
  samePlace,
  slotsNeeded,
  type Place,
} from './plan-capacity';
import { CLASS_NAMES } from './class-names';
import type { MoveIntent, PlanOptions, PlanResult, PlanStep } from './plan-types';
import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel, type StoreModel } from './types';

export type { MoveIntent, PlanOptions, PlanResult, PlanStep } from './plan-types';

const VAULT: Place = { storeId: VAULT_ID, bucketHash: BUCKETS.General };
/** A move-aside changes the picture; like DIM, give up after a few rounds instead of looping. */
const MAX_MOVE_ASIDES_PER_BUCKET = 12;

/** Thrown inside the planner with the sentence the user will read. */
class Impossible extends Error {}

interface Session {
  model: InventoryModel;
  steps: PlanStep[];
  /** Keys that must not be moved aside: the items of this move and what the user moved recently. */
  protectedKeys: Set<string>;
  /** Hashes of stackables in this move: a stack of the same item is never shuffled away to make room for it. */
  protectedHashes: Set<number>;
  /** Slots later steps of this plan will need, by place; move-asides must not fill them. */
  reserved: Map<string, number>;
}

/**
 * Plans one user intent as Bungie calls.
 * Bungie and game rules it obeys: there is no character→character transfer (two calls through the vault); an
 * equipped item cannot be transferred (1656), so a replacement is equipped first (same character, then vault, then
 * other characters; non-exotic, same type, rarer, stronger first; never part of this move; equippable by that class);
 * a full bucket refuses items (1642), so an unequipped item is moved aside first (to the vault, or to the least
 * recently played character with room when the vault is full or down to its last slot; a full vault sends an item
 * to a character with room); one exotic weapon and one exotic armor piece per character (1641, uniqueLabel);
 * armor equips only on its class (1640); non-transferrable items stay; postmaster items are pulled to their owner
 * first; stacks move by amount, top up partial stacks and take capacity in stacks; account-wide buckets belong to
 * the vault store. Capacities come only from the model.
 */
export function planMove(model: InventoryModel, intent: MoveIntent, options: PlanOptions = {}): PlanResult {
  const item = model.items[intent.itemKey];
  if (!item) return { ok: false, reason: 'That item is no longer in your inventory; refresh and try again.' };
  const session: Session = {
    model,
    steps: [],
    protectedKeys: new Set([item.key, ...(options.protectedKeys ?? [])]),
    protectedHashes: new Set(item.isInstanced ? [] : [item.itemHash]),
    reserved: new Map(),
  };
  try {
    const summary = planIntent(session, item, intent);
    return { ok: true, steps: session.steps, summary };
  } catch (e) {
    if (e instanceof Impossible) return { ok: false, reason: e.message };
    throw e;
  }
}

function planIntent(session: Session, item: InventoryItem, intent: MoveIntent): string {
  switch (intent.kind) {
    case 'lock':
      return planLock(session, item, intent.locked);
    case 'pull':
      return planPull(session, item);
    case 'equip':
      return planEquip(session, item, intent.characterId);
    case 'move':
      return planUserMove(session, item, intent.to, intent.amount);
  }
}

function planLock(session: Session, item: InventoryItem, locked: boolean): string {
  if (!item.lockable || !item.itemInstanceId) throw new Impossible(`${item.name} can't be locked or unlocked.`);
  const verb = locked ? 'locking' : 'unlocking';
  if (item.locked === locked) return `${item.name} is already ${locked ? 'locked' : 'unlocked'}.`;
  // SetItemLockState needs a character even for vault items; any of the account's characters will do.
  const characterId = item.owner === VAULT_ID ? anyCharacterId(session.model) : item.owner;
  if (!characterId) throw new Impossible('There is no character to send the lock request through.');
  emit(session, {
    action: 'lock',
    itemKey: item.key,
    itemInstanceId: item.itemInstanceId,
    characterId,
    locked,
    label: `${verb} ${item.name}`,
  });
  return `${capitalize(verb)} ${item.name}.`;
}

function planPull(session: Session, item: InventoryItem): string {
  if (item.location !== 'postmaster') throw new Impossible(`${item.name} is not in the postmaster.`);
  bringTo(session, item.key, item.owner, item.quantity);
  return `Pull ${describeAmount(item, item.quantity)} from the postmaster to ${storeName(session.model, item.owner)}.`;
}

function planUserMove(session: Session, item: InventoryItem, to: string, amount: number | undefined): string {
  const target = findStore(session.model, to);
  if (!target) throw new Impossible('That character is no longer on this account; refresh and try again.');
  const count = amount ?? item.quantity;
  if (!Number.isInteger(count) || count < 1 || count > item.quantity || (item.isInstanced && count !== 1)) {
    throw new Impossible(`You can move between 1 and ${item.quantity} of ${item.name}.`);
  }
  const home = homePlace(session.model, item, to);
  if (item.location !== 'postmaster' && samePlace(placeOf(item), home)) {
    return `${item.name} is already ${placeName(session.model, home)}.`;
  }
  bringTo(session, item.key, to, count);
  return `Move ${describeAmount(item, count)} to ${destinationName(session.model, home)}.`;
}

function planEquip(session: Session, item: InventoryItem, characterId: string): string {
  const store = findStore(session.model, characterId);
  if (!store || store.kind !== 'character') throw new Impossible('Only a character can equip items.');
  if (!item.resolved || !item.equippable) throw new Impossible(`${item.name} can't be equipped.`);
  if (!classCanEquip(item, store)) {
    throw new Impossible(`${item.name} can only be equipped by a ${CLASS_NAMES[item.classType] ?? 'different class'}.`);
  }
  if (item.equipped && item.owner === characterId) return `${item.name} is already equipped on ${store.name}.`;

  const key = bringTo(session, item.key, characterId, 1);
  const arrived = session.model.items[key];
  if (arrived.uniqueLabel) {
    // Bungie refuses a second item with the same unique label (1641): swap out the other exotic first.
    const clash = equippedOn(session.model, characterId).filter(
      (i) => i.uniqueLabel === arrived.uniqueLabel && i.bucketHash !== arrived.bucketHash,
    );
    for (const other of clash) replaceEquipped(session, other, [arrived.uniqueLabel], arrived);
  }
  emit(session, {
    action: 'equip',
    itemKey: key,
    itemInstanceId: arrived.itemInstanceId ?? key,
    characterId,
    label: `equipping ${arrived.name} on ${store.name}`,
  });
  return `Equip ${arrived.name} on ${store.name}.`;
}

/**
 * Brings `amount` of the item into `storeId` (its own bucket there), with every call that takes: pull, replace if
 * equipped, make room, transfer via the vault. Returns the key of the item at its destination (stacks get new keys).
 */
function bringTo(session: Session, key: string, storeId: string, amount: number): string {
  let item = session.model.items[key];
  protect(session, item);
  const target = homePlace(session.model, item, storeId);

  if (item.location === 'postmaster') {
    const home = homePlace(session.model, item, item.owner);
    if (!samePlace(home, target) && !item.transferable) {
      throw new Impossible(
        `${item.name} can't be transferred; pull it to ${storeName(session.model, item.owner)} instead.`,
      );
    }
    makeRoom(session, home, item, amount);
    const characterId = item.owner;
    emit(session, {
      action: 'pull',
      itemKey: item.key,
      itemHash: item.itemHash,
      ...(item.itemInstanceId ? { itemInstanceId: item.itemInstanceId } : {}),
      characterId,
      amount,
      label: `pulling ${describeAmount(item, amount)} from the postmaster`,
    });
    item = arrivedItem(session, item, home);
  }
  if (samePlace(placeOf(item), target)) return item.key;
  if (!item.transferable) {
    throw new Impossible(`${item.name} can't be transferred; it stays ${placeName(session.model, placeOf(item))}.`);
  }
  if (!item.resolved || capacityOf(session.model, target) <= 0) {
    throw new Impossible(`Vault Raider doesn't know where ${item.name} goes, so it won't move it.`);
  }
  if (item.equipped) {
    replaceEquipped(session, item, [], undefined);
    item = session.model.items[item.key];
  }

  if (item.location !== 'vault') {
    // Character (or account-wide bucket) → vault, the first half of any move off a character.
    const onward = target.storeId !== VAULT_ID;
    withReservation(session, onward ? target : undefined, slotsNeeded(session.model, target, item, amount), () =>
      makeRoom(session, VAULT, item, amount),
    );
    if (onward) {
      withReservation(session, VAULT, slotsNeeded(session.model, VAULT, item, amount), () =>
        makeRoom(session, target, item, amount),
      );
    }
    item = session.model.items[item.key] ?? item;
    emitTransfer(session, item, amount, true, sourceCharacter(session, item, storeId));
    item = arrivedItem(session, item, VAULT);
    if (!onward) return item.key;
  } else {
    makeRoom(session, target, item, amount);
  }
  const receiver = target.storeId === VAULT_ID ? anyCharacterId(session.model, storeId) : target.storeId;
  if (!receiver) throw new Impossible('There is no character to send the transfer through.');
  emitTransfer(session, item, amount, false, receiver);
  return arrivedItem(session, item, target).key;
}

function sourceCharacter(session: Session, item: InventoryItem, destination: string): string {
  if (item.owner !== VAULT_ID) return item.owner;
  const id = anyCharacterId(session.model, destination);
  if (!id) throw new Impossible('There is no character to send the transfer through.');
  return id;
}

function emitTransfer(session: Session, item: InventoryItem, amount: number, toVault: boolean, characterId: string) {
  const where = toVault ? 'vault' : storeName(session.model, characterId);
  const label = `moving ${describeAmount(item, amount)} to ${where}`;
  emit(session, {
    action: 'transfer',
    itemKey: item.key,
    itemHash: item.itemHash,
    ...(item.itemInstanceId ? { itemInstanceId: item.itemInstanceId } : {}),
    characterId,
    toVault,
    amount,
    label,
  });
}

/** After a pull or transfer, the item (or a stack of it) now at `place`; stacks may have merged or been renamed. */
function arrivedItem(session: Session, before: InventoryItem, place: Place): InventoryItem {
  const model = session.model;
  const same = model.items[before.key];
  if (same && samePlace(placeOf(same), place)) return same;
  const keys = keysIn(model, place).filter((k) => model.items[k]?.itemHash === before.itemHash);
  const found = model.items[keys[keys.length - 1]];
  if (!found) throw new Error(`planner: ${before.key} did not arrive at ${place.storeId}/${place.bucketHash}`);
  protect(session, found);
  return found;
}

/**
 * Equips a replacement for an equipped item (Bungie refuses to transfer equipped items, 1656).
 * `avoidLabels` are unique labels the replacement must not carry (an exotic about to be equipped), and
 * `incoming` is an item about to be equipped on that character (never chosen).
 */
function replaceEquipped(
  session: Session,
  equipped: InventoryItem,
  avoidLabels: string[],
  incoming: InventoryItem | undefined,
): void {
  const characterId = equipped.owner;
  const store = findStore(session.model, characterId)!;
  const replacement = chooseReplacement(session, equipped, store, avoidLabels, incoming);
  if (!replacement) {
    throw new Impossible(
      `${equipped.name} is equipped on ${store.name} and nothing else can be equipped in its place, so it can't be moved.`,
    );
  }
  const key = bringTo(session, replacement.key, characterId, 1);
  const arrived = session.model.items[key];
  emit(session, {
    action: 'equip',
    itemKey: key,
    itemInstanceId: arrived.itemInstanceId ?? key,
    characterId,
    label: `equipping ${arrived.name} on ${store.name}`,
  });
}

function chooseReplacement(
  session: Session,
  equipped: InventoryItem,
  store: StoreModel,
  avoidLabels: string[],
  incoming: InventoryItem | undefined,
): InventoryItem | undefined {
  const model = session.model;
  const labelsInUse = new Set(avoidLabels);
  for (const other of equippedOn(model, store.id)) {
    if (other.bucketHash !== equipped.bucketHash && other.uniqueLabel) labelsInUse.add(other.uniqueLabel);
  }
  const storeRank = new Map<string, number>([[store.id, 0]]);
  storeRank.set(VAULT_ID, 1);
  model.stores.forEach((s, i) => {
    if (!storeRank.has(s.id)) storeRank.set(s.id, 2 + i);
  });
  const candidates = Object.values(model.items).filter((c) => {
    if (c.key === equipped.key || c.key === incoming?.key || session.protectedKeys.has(c.key)) return false;
    if (!c.resolved || !c.equippable || c.equipped || c.location === 'postmaster') return false;
    if (c.targetBucketHash !== equipped.targetBucketHash || !classCanEquip(c, store)) return false;
    if (c.uniqueLabel && labelsInUse.has(c.uniqueLabel)) return false;
    const onCharacter = c.owner === store.id && c.bucketHash === equipped.bucketHash;
    return onCharacter || c.transferable;
  });
  const sameType = (c: InventoryItem) => c.itemType === equipped.itemType && c.itemSubType === equipped.itemSubType;
  candidates.sort(
    (a, b) =>
      (storeRank.get(a.owner) ?? 99) - (storeRank.get(b.owner) ?? 99) ||
      Number(a.isExotic) - Number(b.isExotic) ||
      Number(sameType(b)) - Number(sameType(a)) ||
      b.tierType - a.tierType ||
      (b.power ?? 0) - (a.power ?? 0) ||
      compareKeys(a.key, b.key),
  );
  return candidates[0];
}

/**
 * Frees slots in `place` until `amount` of `item` fits, moving other items aside (Bungie answers 1642 when the
 * destination is full).
 */
function makeRoom(session: Session, place: Place, item: InventoryItem, amount: number): void {
  const capacity = capacityOf(session.model, place);
  if (capacity <= 0)
    throw new Impossible(`Vault Raider doesn't know how much ${placeName(session.model, place)} holds.`);
  for (let round = 0; ; round++) {
    const need = slotsNeeded(session.model, place, item, amount);
    if (freeSlots(session.model, place) >= need) return;
    if (need > capacity || round >= MAX_MOVE_ASIDES_PER_BUCKET) {
      throw new Impossible(`There isn't room for ${describeAmount(item, amount)} ${placeName(session.model, place)}.`);
    }
    withReservation(session, place, need, () => {
      if (place.storeId === VAULT_ID && place.bucketHash === BUCKETS.General) evictFromVault(session, item);
      else moveAsideFrom(session, place, item);
    });
  }
}

/** Free slots in a place minus what later steps of this plan will need there. */
function available(session: Session, place: Place): number {
  return freeSlots(session.model, place) - (session.reserved.get(placeId(place)) ?? 0);
}

function withReservation(session: Session, place: Place | undefined, slots: number, run: () => void): void {
  if (!place || slots <= 0) return run();
  const id = placeId(place);
  const before = session.reserved.get(id) ?? 0;
  session.reserved.set(id, before + slots);
  try {
    run();
  } finally {
    if (before === 0) session.reserved.delete(id);
    else session.reserved.set(id, before);
  }
}

/** Items in `place` that may be moved aside: not equipped, movable, not part of this move. */
function moveAsideCandidates(session: Session, place: Place): InventoryItem[] {
  return keysIn(session.model, place)
    .map((k) => session.model.items[k])
    .filter(
      (c) =>
        c &&
        !c.equipped &&
        c.transferable &&
        c.resolved &&
        !session.protectedKeys.has(c.key) &&
        !(!c.isInstanced && session.protectedHashes.has(c.itemHash)),
    );
}

/**
 * Moves one item out of a full character bucket (or the account-wide bucket). DIM's order: to the vault while it
 * keeps a spare slot; when the vault is down to its last slot, through it to the least recently played character
 * with room; the vault's last slot only as a last resort; a full vault first sends something out to a character.
 */
function moveAsideFrom(session: Session, place: Place, forItem: InventoryItem): void {
  const model = session.model;
  const owner = findStore(model, place.storeId);
  const candidates = moveAsideCandidates(session, place);
  if (candidates.length === 0) {
    throw new Impossible(
      `${capitalize(placeName(model, place))} is full and nothing there can be moved aside for ${forItem.name}.`,
    );
  }
  // Prefer what this character can't use, then lower rarity, then lower power (DIM's "least valuable").
  const usable = (c: InventoryItem) => owner?.kind === 'character' && c.equippable && classCanEquip(c, owner);
  candidates.sort(
    (a, b) =>
      Number(usable(a)) - Number(usable(b)) ||
      a.tierType - b.tierType ||
      (a.power ?? 0) - (b.power ?? 0) ||
      compareKeys(a.key, b.key),
  );

  for (let attempt = 0; attempt < 2; attempt++) {
    for (const c of candidates) {
      const vaultSlots = slotsNeeded(session.model, VAULT, c, c.quantity);
      const vaultLeft = available(session, VAULT) - vaultSlots;
      if (vaultSlots === 0 || vaultLeft >= 1) return moveAsideTo(session, c, VAULT_ID);
      if (place.storeId !== VAULT_ID && freeSlots(session.model, VAULT) >= vaultSlots) {
        const other = charactersLeastRecentFirst(session.model).find(
          (s) =>
            s.id !== place.storeId &&
            available(session, homePlace(session.model, c, s.id)) >=
              slotsNeeded(session.model, homePlace(session.model, c, s.id), c, c.quantity),
        );
        if (other) return moveAsideTo(session, c, other.id);
      }
      if (vaultLeft >= 0) return moveAsideTo(session, c, VAULT_ID);
    }
    if (attempt === 0) evictFromVault(session, forItem);
  }
  throw new Impossible(`There is no room anywhere to move something out of ${placeName(model, place)}.`);
}

function moveAsideTo(session: Session, item: InventoryItem, storeId: string): void {
  // The set-aside item is itself protected so a nested make-room never bounces it back.
  session.protectedKeys.add(item.key);
  const target = homePlace(session.model, item, storeId);
  if (item.location !== 'vault') {
    emitTransfer(session, item, item.quantity, true, sourceCharacter(session, item, storeId));
    if (storeId === VAULT_ID) return;
    item = arrivedItem(session, item, VAULT);
  }
  const receiver = target.storeId === VAULT_ID ? anyCharacterId(session.model, storeId) : target.storeId;
  if (!receiver) throw new Impossible('There is no character to send the transfer through.');
  emitTransfer(session, item, item.quantity, false, receiver);
  arrivedItem(session, item, target);
}

/**
 * Makes one slot in the vault by sending a vault item to the least recently played character that has room for
 * it (DIM: fill the character the player uses least), preferring gear that character can use.
 */
function evictFromVault(session: Session, forItem: InventoryItem): void {
  const model = session.model;
  const candidates = moveAsideCandidates(session, VAULT).filter((c) => capacityOf(model, homePlace(model, c, '')) > 0);
  for (const character of charactersLeastRecentFirst(model)) {
    const fits = candidates.filter((c) => {
      const home = homePlace(model, c, character.id);
      // Account-wide items would only land back in the profile; gear is what a character can hold for us.
      return home.storeId === character.id && available(session, home) >= slotsNeeded(model, home, c, c.quantity);
    });
    if (fits.length === 0) continue;
    const usable = (c: InventoryItem) => c.equippable && classCanEquip(c, character);
    fits.sort(
      (a, b) =>
        Number(usable(b)) - Number(usable(a)) ||
        b.tierType - a.tierType ||
        (b.power ?? 0) - (a.power ?? 0) ||
        compareKeys(a.key, b.key),
    );
    return moveAsideTo(session, fits[0], character.id);
  }
  throw new Impossible(
    `The vault is full and no character has room to take something out of it to make space for ${forItem.name}.`,
  );
}

function emit(session: Session, step: PlanStep): void {
  session.steps.push(step);
  session.model = applyStep(session.model, step);
}

function protect(session: Session, item: InventoryItem): void {
  session.protectedKeys.add(item.key);
  if (!item.isInstanced) session.protectedHashes.add(item.itemHash);
}

function equippedOn(model: InventoryModel, characterId: string): InventoryItem[] {
  const store = findStore(model, characterId);
  if (!store) return [];
  return Object.values(store.buckets)
    .flat()
    .map((k) => model.items[k])
    .filter((i) => i?.equipped);
}

function placeId(place: Place): string {
  return `${place.storeId}:${place.bucketHash}`;
}

function storeName(model: InventoryModel, storeId: string): string {
  return findStore(model, storeId)?.name ?? 'an unknown character';
}

function placeName(model: InventoryModel, place: Place): string {
  if (place.storeId === VAULT_ID && place.bucketHash === BUCKETS.General) return 'in the vault';
  const bucket = model.buckets[place.bucketHash]?.name;
  if (place.storeId === VAULT_ID) return bucket ? `in your ${bucket}` : 'in your inventory';
  return bucket ? `in ${storeName(model, place.storeId)}'s ${bucket}` : `on ${storeName(model, place.storeId)}`;
}

function destinationName(model: InventoryModel, place: Place): string {
  if (place.storeId === VAULT_ID && place.bucketHash === BUCKETS.General) return 'the vault';
  const bucket = model.buckets[place.bucketHash]?.name || 'inventory';
  if (place.storeId === VAULT_ID) return `your ${bucket}`;
  return `${storeName(model, place.storeId)}'s ${bucket}`;
}

function describeAmount(item: InventoryItem, amount: number): string {
  return item.isInstanced || item.maxStackSize <= 1 ? item.name : `${amount} × ${item.name}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
