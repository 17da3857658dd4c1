/**
 * Trimmed Manifest definitions: the only fields Vault Raider reads. The Manifest pipeline writes these shapes into
 * Dexie; every other module (the pure inventory model included) consumes them. Field names keep Bungie's names so
 * the API docs map 1:1, but nested blocks are flattened where that keeps rows small.
 */

/** Manifest tables we store, keyed by our short name, valued by Bungie's SQLite table name. */
export const MANIFEST_TABLES = {
  InventoryItem: 'DestinyInventoryItemDefinition',
  InventoryBucket: 'DestinyInventoryBucketDefinition',
  Class: 'DestinyClassDefinition',
  Race: 'DestinyRaceDefinition',
  Gender: 'DestinyGenderDefinition',
  Stat: 'DestinyStatDefinition',
  ItemTierType: 'DestinyItemTierTypeDefinition',
  DamageType: 'DestinyDamageTypeDefinition',
  ItemCategory: 'DestinyItemCategoryDefinition',
  Vendor: 'DestinyVendorDefinition',
  SocketCategory: 'DestinySocketCategoryDefinition',
} as const;

export type ManifestTable = keyof typeof MANIFEST_TABLES;

export interface DisplayFields {
  hash: number;
  name: string;
  description?: string;
  icon?: string;
}

export interface ItemDef extends DisplayFields {
  /** Bungie marks unreleased items as redacted; they show as "Classified". */
  redacted: boolean;
  screenshot?: string;
  flavorText?: string;
  iconWatermark?: string;
  itemTypeDisplayName: string;
  itemTypeAndTierDisplayName?: string;
  /** DestinyItemType (3 weapon, 2 armor, 16 subclass, …). */
  itemType: number;
  itemSubType: number;
  /** DestinyClass: 0 Titan, 1 Hunter, 2 Warlock, 3 any. */
  classType: number;
  bucketTypeHash: number;
  tierTypeHash?: number;
  /** TierType: 6 Exotic, 5 Legendary (Superior), 4 Rare, 3 Uncommon, 2 Common/Basic. */
  tierType: number;
  tierTypeName: string;
  maxStackSize: number;
  isInstanceItem: boolean;
  nonTransferrable: boolean;
  equippable: boolean;
  /** equippingBlock.uniqueLabel: "exotic_weapon" / "exotic_armor" — one per character may be equipped. */
  uniqueLabel?: string;
  equipmentSlotTypeHash?: number;
  ammoType?: number;
  defaultDamageTypeHash?: number;
  damageTypeHashes?: number[];
  itemCategoryHashes: number[];
  /** Investment-free display stats from the definition: statHash → value. */
  stats?: Record<number, number>;
  sockets?: {
    entries: { socketTypeHash: number; singleInitialItemHash: number }[];
    categories: { socketCategoryHash: number; socketIndexes: number[] }[];
  };
  /** Present on plugs (perks, mods, shaders…). */
  plug?: { plugCategoryIdentifier: string; plugCategoryHash: number };
}

export interface BucketDef extends DisplayFields {
  /** BucketCategory: 0 invisible, 1 item, 2 currency, 3 equippable, 4 ignored. */
  category: number;
  /** BucketScope: 0 character, 1 account. */
  scope: number;
  /** ItemLocation: 1 inventory, 2 vault, 3 vendor, 4 postmaster. */
  location: number;
  /** Capacity, including the equipped slot for gear buckets (vault: General's itemCount). */
  itemCount: number;
  bucketOrder: number;
  hasTransferDestination: boolean;
  enabled: boolean;
}

export interface ClassDef extends DisplayFields {
  classType: number;
}
export interface RaceDef extends DisplayFields {
  raceType: number;
}
export interface GenderDef extends DisplayFields {
  genderType: number;
}
export type StatDef = DisplayFields;
export interface TierTypeDef extends DisplayFields {
  tierType?: number;
}
export interface DamageTypeDef extends DisplayFields {
  enumValue: number;
  color?: { red: number; green: number; blue: number; alpha: number };
}
export interface ItemCategoryDef extends DisplayFields {
  grantDestinyItemType?: number;
  grantDestinySubType?: number;
}
export interface VendorSaleDef {
  vendorItemIndex: number;
  itemHash: number;
  quantity: number;
  displayCategoryIndex?: number;
  currencies: { itemHash: number; quantity: number }[];
}
export interface VendorDef extends DisplayFields {
  subtitle?: string;
  largeIcon?: string;
  vendorIdentifier?: string;
  itemList: VendorSaleDef[];
  displayCategories: { index: number; identifier: string; name: string }[];
}
export type SocketCategoryDef = DisplayFields;

/** Map from our table name to its trimmed row shape. */
export interface DefinitionTypes {
  InventoryItem: ItemDef;
  InventoryBucket: BucketDef;
  Class: ClassDef;
  Race: RaceDef;
  Gender: GenderDef;
  Stat: StatDef;
  ItemTierType: TierTypeDef;
  DamageType: DamageTypeDef;
  ItemCategory: ItemCategoryDef;
  Vendor: VendorDef;
  SocketCategory: SocketCategoryDef;
}
