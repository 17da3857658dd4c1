/**
 * Bungie's in-game loadouts: component 206 (CharacterLoadouts) and the four actions under
 * `/Destiny2/Actions/Loadouts/`. Shapes follow openapi.json (DestinyLoadoutsComponent, DestinyLoadoutComponent,
 * DestinyLoadoutItemComponent, DestinyLoadoutActionRequest, DestinyLoadoutUpdateActionRequest; every action answers
 * the int32 envelope, `"Response": 0`). No real capture of 206 exists (fixtures/bungie/PROVENANCE.md), so the initial
 * slots and every rule no source states are choices listed in EMULATOR_CHOICES (envelopes.ts).
 */
import { join } from 'node:path';
import type { DestinyLoadoutComponent, DestinyLoadoutItemComponent } from 'bungie-api-ts/destiny2';
import { BungieError } from './envelopes';
import { bungieFixturesDir, readFixtureJson } from './fixtures';
import type { Inventory } from './inventory';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type LoadoutItem = Mutable<DestinyLoadoutItemComponent>;
export type LoadoutSlot = Omit<Mutable<DestinyLoadoutComponent>, 'items'> & { items: LoadoutItem[] };

/**
 * FNV-1 32-bit offset basis: the hash Bungie uses for "nothing here" (DIM's UNSET_PLUG_HASH for loadout plugs;
 * field notes). The emulator also uses it for the identifiers of an empty slot (an EMULATOR_CHOICES entry).
 */
export const UNSET_HASH = 2166136261;

/** Subclass, the three weapons and the five armor pieces: what an in-game loadout holds (an EMULATOR_CHOICES entry). */
export const LOADOUT_BUCKETS: readonly number[] = [
  1498876634, // Kinetic Weapons
  2465295065, // Energy Weapons
  953998645, // Power Weapons
  3448274439, // Helmet
  3551918588, // Gauntlets
  14239492, // Chest Armor
  20886954, // Leg Armor
  1585787867, // Class Armor
  3284755031, // Subclass
];

/** DestinyLoadoutActionRequest and DestinyLoadoutUpdateActionRequest as they arrive (ids may be strings or numbers). */
export interface LoadoutRequest {
  loadoutIndex?: unknown;
  characterId?: string | number;
  membershipType?: number;
  colorHash?: number | null;
  iconHash?: number | null;
  nameHash?: number | null;
}

interface LoadoutConstants {
  loadoutCountPerCharacter: number;
  loadoutNameHashes: number[];
  loadoutIconHashes: number[];
  loadoutColorHashes: number[];
}

const definitionsDir = join(bungieFixturesDir, 'definitions');

function definitionHashes(table: string): Set<number> {
  const defs = readFixtureJson<Record<string, { hash: number }>>(join(definitionsDir, `${table}.2025.json`));
  return new Set(Object.values(defs).map((d) => d.hash));
}

/** DestinyLoadoutConstantsDefinition (hash 1) and the hashes of the Color/Icon/Name tables (2025 definitions). */
export const loadoutDefinitions = (() => {
  const constants = readFixtureJson<Record<string, LoadoutConstants>>(
    join(definitionsDir, 'DestinyLoadoutConstantsDefinition.2025.json'),
  )['1'];
  return {
    constants,
    colors: definitionHashes('DestinyLoadoutColorDefinition'),
    icons: definitionHashes('DestinyLoadoutIconDefinition'),
    names: definitionHashes('DestinyLoadoutNameDefinition'),
  };
})();

function emptySlot(): LoadoutSlot {
  return { colorHash: UNSET_HASH, iconHash: UNSET_HASH, nameHash: UNSET_HASH, items: [] };
}

function invalid(): BungieError {
  return new BungieError(18, { actionResponse: true });
}

export class Loadouts {
  private slots: Record<string, LoadoutSlot[]> = {};

  constructor(private readonly inventory: Inventory) {
    const { constants } = loadoutDefinitions;
    for (const characterId of inventory.characterIds()) {
      const slots = Array.from({ length: constants.loadoutCountPerCharacter }, emptySlot);
      // Slot 0 starts as a snapshot of what the character wears, named and coloured with the first picker entries.
      slots[0] = {
        colorHash: constants.loadoutColorHashes[0],
        iconHash: constants.loadoutIconHashes[0],
        nameHash: constants.loadoutNameHashes[0],
        items: this.equippedLoadoutItems(characterId),
      };
      this.slots[characterId] = slots;
    }
  }

  /** The loadout count per character (DestinyLoadoutConstantsDefinition.loadoutCountPerCharacter). */
  get slotCount(): number {
    return loadoutDefinitions.constants.loadoutCountPerCharacter;
  }

  /** Component 206's `data`: `{ [characterId]: { loadouts } }`, in the characters' order. */
  component(): Record<string, { loadouts: LoadoutSlot[] }> {
    return Object.fromEntries(Object.entries(this.slots).map(([id, loadouts]) => [id, { loadouts }]));
  }

  /** A deep copy for control.state(). */
  state(): Record<string, LoadoutSlot[]> {
    return structuredClone(this.slots);
  }

  /** Test control: replaces a character's slots (padded with empty slots, cut at the loadout count). */
  set(characterId: string, loadouts: readonly LoadoutSlot[]): void {
    if (!this.slots[characterId]) throw new Error(`Unknown character ${characterId}`);
    const copy = structuredClone([...loadouts]).slice(0, this.slotCount);
    while (copy.length < this.slotCount) copy.push(emptySlot());
    this.slots[characterId] = copy;
  }

  /** The checks every loadout action starts with: 1601 membership, 1620 character, 18 slot index out of range. */
  private target(req: LoadoutRequest): { characterId: string; index: number } {
    const characterId = this.inventory.checkRequest(req);
    const index = req.loadoutIndex;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= this.slotCount) {
      throw invalid();
    }
    return { characterId, index };
  }

  /** Identifier hashes must name a DestinyLoadoutColor/Icon/NameDefinition; null or absent keeps the slot's value. */
  private identifiers(
    req: LoadoutRequest,
    slot: LoadoutSlot,
  ): Pick<LoadoutSlot, 'colorHash' | 'iconHash' | 'nameHash'> {
    const { colors, icons, names } = loadoutDefinitions;
    const pick = (value: number | null | undefined, known: Set<number>, current: number): number => {
      if (value === undefined || value === null) return current;
      if (!known.has(value)) throw invalid();
      return value;
    };
    return {
      colorHash: pick(req.colorHash, colors, slot.colorHash),
      iconHash: pick(req.iconHash, icons, slot.iconHash),
      nameHash: pick(req.nameHash, names, slot.nameHash),
    };
  }

  /**
   * The character's equipped subclass, weapons and armor, each with the plug of every socket (component 305);
   * a socket without a plug records UNSET_HASH.
   */
  private equippedLoadoutItems(characterId: string): LoadoutItem[] {
    return this.inventory
      .equippedItems(characterId)
      .filter((item) => item.itemInstanceId && LOADOUT_BUCKETS.includes(item.bucketHash))
      .map((item) => ({
        itemInstanceId: item.itemInstanceId!,
        plugItemHashes: this.inventory.socketPlugs(item.itemInstanceId!).map((plug) => plug ?? UNSET_HASH),
      }));
  }

  /**
   * EquipLoadout. Refused with 1671 while the character is in an activity (the spec: "in a social space, in orbit,
   * or offline"). Equips the slot's items the character holds and puts their recorded plugs in; items elsewhere or
   * gone, and items the character cannot equip, are skipped. The answer is `0` either way (int32, no per-item result:
   * Bungie-net/api#1792).
   */
  equip(req: LoadoutRequest): number {
    const { characterId, index } = this.target(req);
    if (this.inventory.isInActivity(characterId)) throw new BungieError(1671, { actionResponse: true });
    const items = this.slots[characterId][index].items.filter(
      (item) => item.itemInstanceId !== '0' && this.inventory.holds(characterId, item.itemInstanceId),
    );
    const status = this.inventory.equipEach(
      characterId,
      items.map((item) => item.itemInstanceId),
    );
    for (const item of items) {
      if (status.get(item.itemInstanceId) === 1) {
        this.inventory.insertPlugs(item.itemInstanceId, item.plugItemHashes, UNSET_HASH);
      }
    }
    return 0;
  }

  /** SnapshotLoadout: slot N takes the character's equipped loadout items, and any identifiers given. */
  snapshot(req: LoadoutRequest): number {
    const { characterId, index } = this.target(req);
    const slot = this.slots[characterId][index];
    const identifiers = this.identifiers(req, slot);
    this.slots[characterId][index] = { ...identifiers, items: this.equippedLoadoutItems(characterId) };
    return 0;
  }

  /** UpdateLoadoutIdentifiers: changes only the colour, icon and name hashes. */
  updateIdentifiers(req: LoadoutRequest): number {
    const { characterId, index } = this.target(req);
    const slot = this.slots[characterId][index];
    this.slots[characterId][index] = { ...this.identifiers(req, slot), items: slot.items };
    return 0;
  }

  /** ClearLoadout: "Clear the identifiers and items of a loadout" (the spec). */
  clear(req: LoadoutRequest): number {
    const { characterId, index } = this.target(req);
    this.slots[characterId][index] = emptySlot();
    return 0;
  }
}
