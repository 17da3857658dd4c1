/**
 * The inventory model: what the views render, what search filters and what the move planner reasons about.
 * Built by `buildInventoryModel` (lib/inventory/model.ts) from a GetProfile response and trimmed definitions.
 * Pure data: no classes, no methods, so it can be copied, diffed and stored.
 */

/** The vault's store id. Characters use their characterId. */
export const VAULT_ID = 'vault';

/** Well-known bucket hashes (Bungie's DestinyInventoryBucketDefinition). */
export const BUCKETS = {
  Subclass: 3284755031,
  Kinetic: 1498876634,
  Energy: 2465295065,
  Power: 953998645,
  Ghost: 4023194814,
  Vehicle: 2025709351,
  Ships: 284967655,
  Helmet: 3448274439,
  Gauntlets: 3551918588,
  Chest: 14239492,
  Legs: 20886954,
  ClassItem: 1585787867,
  Emblems: 4274335291,
  Consumables: 1469714392,
  Modifications: 3313201758,
  General: 138197802,
  LostItems: 215593132,
  Pursuits: 1345459588,
} as const;

export type StoreKind = 'character' | 'vault';

/** Where an item sits right now. */
export type ItemLocation = 'equipped' | 'inventory' | 'postmaster' | 'vault';

export interface InventoryItem {
  /** Stable key: itemInstanceId for instanced items, else `${itemHash}@${owner}@${bucketHash}#${n}` for stacks. */
  key: string;
  itemHash: number;
  itemInstanceId?: string;
  /** Store that holds it now: a characterId or VAULT_ID (account-wide buckets count as the vault store). */
  owner: string;
  /** The bucket it currently sits in (vault General, postmaster, a character bucket, or an account-wide bucket). */
  bucketHash: number;
  /** The bucket it belongs to on a character (definition's inventory.bucketTypeHash). */
  targetBucketHash: number;
  location: ItemLocation;
  equipped: boolean;
  quantity: number;
  maxStackSize: number;
  /** False for deleted hashes with no definition, and for redacted ("Classified") definitions. */
  resolved: boolean;
  placeholder?: 'missing' | 'classified';
  name: string;
  icon?: string;
  iconWatermark?: string;
  itemType: number;
  itemSubType: number;
  itemTypeDisplayName: string;
  tierType: number;
  tierTypeName: string;
  /** DestinyClass: 0 Titan, 1 Hunter, 2 Warlock, 3 any. */
  classType: number;
  /** Primary stat (power) for instanced gear. */
  power?: number;
  /** DamageType enum (1 kinetic, 2 arc, 3 solar, 4 void, 6 stasis, 7 strand). */
  damageType?: number;
  damageTypeHash?: number;
  locked: boolean;
  lockable: boolean;
  masterwork: boolean;
  isExotic: boolean;
  /** equippingBlock.uniqueLabel ("exotic_weapon"/"exotic_armor"): one of each may be equipped per character. */
  uniqueLabel?: string;
  equippable: boolean;
  /** Can move between stores at all (not nonTransferrable, not transferStatus-blocked). */
  transferable: boolean;
  isInstanced: boolean;
  /** Bucket category bits for search: weapon, armor, or neither. */
  isWeapon: boolean;
  isArmor: boolean;
  /** Raw stats and sockets for item details, when the profile has them. */
  stats?: { statHash: number; value: number }[];
  sockets?: { plugHash: number; isEnabled: boolean; isVisible: boolean }[];
}

export interface BucketInfo {
  hash: number;
  name: string;
  /** Capacity from the bucket definition's itemCount (gear: 10 including the equipped slot; vault: General's). */
  capacity: number;
  /** Game order for rows (subclass, weapons, ghost, vehicle, ship, armor, emblems, consumables, mods…). */
  order: number;
  /** BucketCategory 3: has an equipped slot. */
  equippable: boolean;
  /** BucketScope 1: account-wide (vault, consumables, modifications). */
  accountWide: boolean;
}

export interface StoreModel {
  id: string;
  kind: StoreKind;
  /** "Hunter", "Warlock", "Vault". */
  name: string;
  classType?: number;
  className?: string;
  raceName?: string;
  genderName?: string;
  light?: number;
  emblemPath?: string;
  emblemBackgroundPath?: string;
  /** ISO time of last play; the most recent character is "current". */
  dateLastPlayed?: string;
  /** The keys of items held here, by bucket hash. Equipped item first in gear buckets. */
  buckets: Record<number, string[]>;
}

export interface InventoryModel {
  /** Characters (most recently played first), then the vault. */
  stores: StoreModel[];
  items: Record<string, InventoryItem>;
  /** Every bucket the views and the planner care about, in game order. */
  buckets: Record<number, BucketInfo>;
  /** Vault capacity (General bucket itemCount) — 1300 in the 2026 definitions, 700 in 2024. */
  vaultCapacity: number;
  /** Postmaster capacity per character (Lost Items bucket itemCount, 21). */
  postmasterCapacity: number;
  /** Item hashes with no definition (triggers a Manifest recheck). */
  missingHashes: number[];
  /** The character currently in game (component 1000), if any. */
  activeCharacterId?: string;
  mintedAt?: number;
}

/** Anything a definition lookup needs to provide to the pure model builder. */
export interface DefinitionSource {
  item(hash: number): import('../manifest/types').ItemDef | undefined;
  bucket(hash: number): import('../manifest/types').BucketDef | undefined;
  className?(classType: number): string | undefined;
  raceName?(hash: number): string | undefined;
  genderName?(hash: number): string | undefined;
  damageType?(hash: number): import('../manifest/types').DamageTypeDef | undefined;
}
