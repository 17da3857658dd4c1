/**
 * Vault Raider loadouts, stored in DIM's own shape (`Loadout` of @destinyitemmanager/dim-api-types) so they export
 * to and import from DIM unchanged. Pure: a loadout is made from a character's gear or edited as a draft here; the
 * worker stores it. Every edit returns a new loadout (or a sentence saying why not) and leaves its input alone.
 */
import type { Loadout, LoadoutItem } from '@destinyitemmanager/dim-api-types';
import type { DestinyClass } from 'bungie-api-ts/destiny2';
import { CLASS_NAMES } from '../class-names';
import { ANY_CLASS, findStore } from '../plan-capacity';
import { BUCKETS, type InventoryItem, type InventoryModel } from '../types';
import { GAME_BUCKET_ORDER } from '../model';
import type { SocketSource } from './sockets';

export type { Loadout, LoadoutItem } from '@destinyitemmanager/dim-api-types';

/** The buckets a loadout made from a character's gear records, in the game's order. */
export const LOADOUT_BUCKETS: readonly number[] = GAME_BUCKET_ORDER.slice(
  0,
  GAME_BUCKET_ORDER.indexOf(BUCKETS.ClassItem) + 1,
);

const ARMOR_BUCKETS = new Set<number>([
  BUCKETS.Helmet,
  BUCKETS.Gauntlets,
  BUCKETS.Chest,
  BUCKETS.Legs,
  BUCKETS.ClassItem,
]);

/** Longest name and notes a loadout keeps (names show on one line; notes are a paragraph or two). */
export const MAX_LOADOUT_NAME = 120;
export const MAX_LOADOUT_NOTES = 2000;

export type LoadoutEdit = { ok: true; loadout: Loadout } | { ok: false; reason: string };

export interface FromGearOptions {
  /** The new loadout's id (a UUID chosen by the caller; pure code has no randomness). */
  id: string;
  name?: string;
  notes?: string;
  /** Defaults to the character's class when anything recorded is class-bound (armor, subclass), else any class. */
  classType?: number;
  /** Where armor mods sit; without it the mods are not recorded (the model alone doesn't know socket kinds). */
  sockets?: SocketSource;
}

/**
 * A loadout of what a character wears now: the equipped subclass, weapons, ghost, sparrow, ship and armor, by
 * instance id and item hash; the subclass's chosen plugs as `socketOverrides` (socket index → plug hash, DIM's
 * form), and the equipped armor's mods as `parameters.mods` (DIM: mod hashes, not tied to a piece, repeats allowed;
 * empty mod sockets are left out). Reads the plugs the profile's sockets component (305) gave the model.
 */
export function loadoutFromEquipped(model: InventoryModel, characterId: string, options: FromGearOptions): LoadoutEdit {
  const store = findStore(model, characterId);
  if (!store || store.kind !== 'character') {
    return { ok: false, reason: 'That character is no longer on this account; refresh and try again.' };
  }
  const gear: InventoryItem[] = [];
  for (const bucketHash of LOADOUT_BUCKETS) {
    const equipped = (store.buckets[bucketHash] ?? []).map((k) => model.items[k]).find((i) => i?.equipped);
    if (equipped?.itemInstanceId && equipped.resolved) gear.push(equipped);
  }
  if (gear.length === 0) return { ok: false, reason: `${store.name} has no gear equipped to save.` };

  const classBound = gear.some((i) => i.classType !== ANY_CLASS);
  const classType = options.classType ?? (classBound ? (store.classType ?? ANY_CLASS) : ANY_CLASS);
  const mods = options.sockets ? armorMods(gear, options.sockets) : undefined;
  const name = options.name?.trim() || `${store.name} gear`;
  const loadout: Loadout = {
    id: options.id,
    name: name.slice(0, MAX_LOADOUT_NAME),
    classType: classType as DestinyClass,
    ...(options.notes ? { notes: options.notes.slice(0, MAX_LOADOUT_NOTES) } : {}),
    equipped: gear.map(loadoutItemOf),
    unequipped: [],
    ...(mods && mods.length > 0 ? { parameters: { mods } } : {}),
  };
  return { ok: true, loadout };
}

/**
 * The undo loadout: what `characterId` wears right now, saved before a loadout is applied so "Undo" can put it
 * back. Its id is fixed per character (`undo-<characterId>`), so each new apply replaces the previous undo.
 */
export function snapshotLoadout(
  model: InventoryModel,
  characterId: string,
  options: { sockets?: SocketSource; name?: string } = {},
): LoadoutEdit {
  const store = findStore(model, characterId);
  return loadoutFromEquipped(model, characterId, {
    id: undoLoadoutId(characterId),
    name: options.name ?? `${store?.name ?? 'Character'} before the last loadout`,
    ...(options.sockets ? { sockets: options.sockets } : {}),
  });
}

/** The id of a character's undo loadout. */
export function undoLoadoutId(characterId: string): string {
  return `undo-${characterId}`;
}

/** An empty draft to pick items into. */
export function newLoadout(id: string, name: string, classType: number = ANY_CLASS): Loadout {
  return {
    id,
    name: name.trim().slice(0, MAX_LOADOUT_NAME) || 'New loadout',
    classType: classType as DestinyClass,
    equipped: [],
    unequipped: [],
  };
}

function loadoutItemOf(item: InventoryItem): LoadoutItem {
  const entry: LoadoutItem = { hash: item.itemHash, ...(item.itemInstanceId ? { id: item.itemInstanceId } : {}) };
  if (item.targetBucketHash === BUCKETS.Subclass && item.sockets) {
    const overrides: Record<number, number> = {};
    item.sockets.forEach((s, index) => {
      if (s.plugHash && s.isEnabled) overrides[index] = s.plugHash;
    });
    if (Object.keys(overrides).length > 0) entry.socketOverrides = overrides;
  }
  if (!item.isInstanced && item.quantity > 1) entry.amount = item.quantity;
  return entry;
}

function armorMods(gear: InventoryItem[], sockets: SocketSource): number[] {
  const mods: number[] = [];
  for (const item of gear) {
    if (!ARMOR_BUCKETS.has(item.targetBucketHash) || !item.sockets) continue;
    for (const index of sockets.armorModSocketIndexes(item.itemHash) ?? []) {
      const plug = item.sockets[index];
      if (plug && plug.plugHash && plug.isEnabled && !sockets.isEmptyPlug(plug.plugHash)) mods.push(plug.plugHash);
    }
  }
  return mods;
}

/** How a draft edit names an entry: by instance id when it has one, else by item hash. */
export interface LoadoutRef {
  id?: string;
  hash: number;
}

function sameEntry(entry: LoadoutItem, ref: LoadoutRef): boolean {
  return ref.id !== undefined ? entry.id === ref.id : entry.id === undefined && entry.hash === ref.hash;
}

/** The inventory item a loadout entry names now (by instance id, else the first item of that hash). */
function itemOfEntry(model: InventoryModel, entry: LoadoutItem): InventoryItem | undefined {
  if (entry.id) return model.items[entry.id];
  return Object.values(model.items).find((i) => i.itemHash === entry.hash);
}

function classRefusal(loadout: Loadout, item: InventoryItem): string | undefined {
  const loadoutClass = loadout.classType as number;
  if (item.classType === ANY_CLASS || loadoutClass === ANY_CLASS || item.classType === loadoutClass) return undefined;
  return `${item.name} is ${CLASS_NAMES[item.classType] ?? 'another class'} gear and this loadout is for ${
    CLASS_NAMES[loadoutClass] ?? 'another class'
  }s.`;
}

/**
 * Adds an item to a draft, equipped or not. Bungie equips one item per bucket and one exotic per unique label
 * ("exotic_weapon", "exotic_armor") per character, so an equipped item already in the loadout that would clash (same
 * bucket, or same unique label) moves to the unequipped list; `model` tells the buckets of the entries already there.
 * An item already in the loadout just changes list. Class-bound gear of another class than the loadout's is refused.
 */
export function addLoadoutItem(
  loadout: Loadout,
  item: InventoryItem,
  options: { equip: boolean; model: InventoryModel },
): LoadoutEdit {
  const refusal = classRefusal(loadout, item);
  if (refusal) return { ok: false, reason: refusal };
  if (options.equip && !item.equippable) return { ok: false, reason: `${item.name} can't be equipped.` };
  const ref: LoadoutRef = { ...(item.itemInstanceId ? { id: item.itemInstanceId } : {}), hash: item.itemHash };
  const existing = [...loadout.equipped, ...loadout.unequipped].find((e) => sameEntry(e, ref));
  const entry: LoadoutItem = existing ? { ...existing } : loadoutItemOf(item);
  let equipped = loadout.equipped.filter((e) => !sameEntry(e, ref));
  let unequipped = loadout.unequipped.filter((e) => !sameEntry(e, ref));
  if (options.equip) {
    const displaced = equipped.filter((e) => {
      const other = itemOfEntry(options.model, e);
      return (
        other !== undefined &&
        (other.targetBucketHash === item.targetBucketHash ||
          (item.uniqueLabel !== undefined && other.uniqueLabel === item.uniqueLabel))
      );
    });
    equipped = [...equipped.filter((e) => !displaced.includes(e)), entry];
    unequipped = [...unequipped, ...displaced];
  } else {
    unequipped = [...unequipped, entry];
  }
  return { ok: true, loadout: { ...loadout, equipped, unequipped } };
}

/** Removes an entry (by instance id, or by hash for uninstanced entries); a missing entry is a sentence. */
export function removeLoadoutItem(loadout: Loadout, ref: LoadoutRef): LoadoutEdit {
  const equipped = loadout.equipped.filter((e) => !sameEntry(e, ref));
  const unequipped = loadout.unequipped.filter((e) => !sameEntry(e, ref));
  if (equipped.length === loadout.equipped.length && unequipped.length === loadout.unequipped.length) {
    return { ok: false, reason: 'That item is not in this loadout.' };
  }
  return { ok: true, loadout: { ...loadout, equipped, unequipped } };
}

/**
 * Puts `item` where the entry `ref` was (same list, same position), e.g. a dismantled item's suggested stand-in.
 * The old entry's socket overrides stay only when the new item has the same hash (they name that item's sockets).
 */
export function replaceLoadoutItem(loadout: Loadout, ref: LoadoutRef, item: InventoryItem): LoadoutEdit {
  const refusal = classRefusal(loadout, item);
  if (refusal) return { ok: false, reason: refusal };
  const newRef: LoadoutRef = { ...(item.itemInstanceId ? { id: item.itemInstanceId } : {}), hash: item.itemHash };
  const replace = (list: LoadoutItem[]) =>
    list
      .filter((e) => sameEntry(e, ref) || !sameEntry(e, newRef))
      .map((e) => {
        if (!sameEntry(e, ref)) return e;
        const next = loadoutItemOf(item);
        if (e.socketOverrides && e.hash === item.itemHash) next.socketOverrides = { ...e.socketOverrides };
        return next;
      });
  const inEquipped = loadout.equipped.some((e) => sameEntry(e, ref));
  const inUnequipped = loadout.unequipped.some((e) => sameEntry(e, ref));
  if (!inEquipped && !inUnequipped) return { ok: false, reason: 'That item is not in this loadout.' };
  return {
    ok: true,
    loadout: { ...loadout, equipped: replace(loadout.equipped), unequipped: replace(loadout.unequipped) },
  };
}

/** A copy under a new id, named "… (copy)" unless a name is given; DIM's timestamps are not copied. */
export function duplicateLoadout(loadout: Loadout, id: string, name?: string): Loadout {
  const copy: Loadout = structuredCloneLoadout(loadout);
  delete copy.createdAt;
  delete copy.lastUpdatedAt;
  copy.id = id;
  copy.name = (name?.trim() || `${loadout.name} (copy)`).slice(0, MAX_LOADOUT_NAME);
  return copy;
}

function structuredCloneLoadout(loadout: Loadout): Loadout {
  return JSON.parse(JSON.stringify(loadout)) as Loadout;
}

export function renameLoadout(loadout: Loadout, name: string): LoadoutEdit {
  const trimmed = name.trim();
  if (!trimmed) return { ok: false, reason: 'A loadout needs a name.' };
  if (trimmed.length > MAX_LOADOUT_NAME) {
    return { ok: false, reason: `A loadout name can be at most ${MAX_LOADOUT_NAME} characters long.` };
  }
  return { ok: true, loadout: { ...loadout, name: trimmed } };
}

/** Notes are free text; an empty text removes them. */
export function setLoadoutNotes(loadout: Loadout, notes: string): LoadoutEdit {
  if (notes.length > MAX_LOADOUT_NOTES) {
    return { ok: false, reason: `Loadout notes can be at most ${MAX_LOADOUT_NOTES} characters long.` };
  }
  const next: Loadout = { ...loadout };
  if (notes.trim()) next.notes = notes;
  else delete next.notes;
  return { ok: true, loadout: next };
}

/**
 * Restricts a loadout to one class (0 Titan, 1 Hunter, 2 Warlock) or opens it to any (3). Refused while it holds
 * class-bound gear of another class (found in `model`), which that class could never wear.
 */
export function setLoadoutClass(loadout: Loadout, classType: number, model: InventoryModel): LoadoutEdit {
  if (![0, 1, 2, ANY_CLASS].includes(classType)) return { ok: false, reason: 'That is not a Destiny class.' };
  const next: Loadout = { ...loadout, classType: classType as DestinyClass };
  for (const entry of [...loadout.equipped, ...loadout.unequipped]) {
    const item = itemOfEntry(model, entry);
    const refusal = item && classRefusal(next, item);
    if (refusal) return { ok: false, reason: refusal };
  }
  return { ok: true, loadout: next };
}

/** Every instance id any of the loadouts names: what the search's `is:inloadout` matches. */
export function loadoutInstanceIds(loadouts: readonly Loadout[]): Set<string> {
  const ids = new Set<string>();
  for (const loadout of loadouts) {
    for (const entry of [...loadout.equipped, ...loadout.unequipped]) if (entry.id) ids.add(entry.id);
  }
  return ids;
}
