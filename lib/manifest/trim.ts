import type {
  BucketDef,
  ClassDef,
  DamageTypeDef,
  DefinitionTypes,
  DisplayFields,
  GenderDef,
  ItemCategoryDef,
  ItemDef,
  ManifestTable,
  RaceDef,
  StatDef,
  TierTypeDef,
  VendorDef,
  VendorSaleDef,
} from './types';

/** A Bungie definition as parsed from the Manifest: we only trust the fields we read, and check their types. */
type Raw = Record<string, unknown>;

function obj(value: unknown): Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
}
function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
function optNum(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value !== 0 ? value : undefined;
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
function optStr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function numbers(value: unknown): number[] {
  return arr(value).filter((v): v is number => typeof v === 'number');
}

/**
 * Drop undefined keys so stored rows carry no empty fields. Measured: trimming + JSON.stringify of 20k items is ~3x
 * faster with this than when leaving `undefined` fields for JSON.stringify to skip.
 */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/**
 * Name, description and icon from `displayProperties`. Bungie: the hash is the definition's identity; the
 * `hash` field in the JSON always equals it, but we take the unsigned key we were given to stay consistent.
 */
function display(raw: Raw, hash: number): DisplayFields {
  const dp = obj(raw.displayProperties);
  return compact({
    hash,
    name: str(dp.name),
    description: optStr(dp.description),
    icon: optStr(dp.icon),
  });
}

/**
 * Trim a DestinyInventoryItemDefinition. Bungie: redacted rows carry almost nothing (name "Classified"); keep the
 * flag so lookups can turn them into a placeholder. `stats.stats` is a map statHash → {value}; only `value` is kept.
 */
export function trimItem(raw: Raw, hash: number): ItemDef {
  const inv = obj(raw.inventory);
  const equipping = obj(raw.equippingBlock);
  const statsBlock = obj(obj(raw.stats).stats);
  const statEntries = Object.values(statsBlock).map(obj);
  const stats: Record<number, number> = {};
  for (const s of statEntries) if (typeof s.statHash === 'number') stats[s.statHash] = num(s.value);
  const socketsRaw = obj(raw.sockets);
  const entries = arr(socketsRaw.socketEntries).map(obj);
  const plug = obj(raw.plug);
  return compact({
    ...display(raw, hash),
    redacted: raw.redacted === true,
    screenshot: optStr(raw.screenshot),
    flavorText: optStr(raw.flavorText),
    iconWatermark: optStr(raw.iconWatermark),
    itemTypeDisplayName: str(raw.itemTypeDisplayName),
    itemTypeAndTierDisplayName: optStr(raw.itemTypeAndTierDisplayName),
    itemType: num(raw.itemType),
    itemSubType: num(raw.itemSubType),
    classType: num(raw.classType, 3),
    bucketTypeHash: num(inv.bucketTypeHash),
    tierTypeHash: optNum(inv.tierTypeHash),
    tierType: num(inv.tierType),
    tierTypeName: str(inv.tierTypeName),
    maxStackSize: num(inv.maxStackSize, 1),
    isInstanceItem: inv.isInstanceItem === true,
    nonTransferrable: raw.nonTransferrable === true,
    equippable: raw.equippable === true,
    uniqueLabel: optStr(equipping.uniqueLabel),
    equipmentSlotTypeHash: optNum(equipping.equipmentSlotTypeHash),
    ammoType: optNum(equipping.ammoType),
    defaultDamageTypeHash: optNum(raw.defaultDamageTypeHash),
    damageTypeHashes: numbers(raw.damageTypeHashes).length ? numbers(raw.damageTypeHashes) : undefined,
    itemCategoryHashes: numbers(raw.itemCategoryHashes),
    stats: statEntries.length ? stats : undefined,
    sockets: entries.length
      ? {
          entries: entries.map((e) => ({
            socketTypeHash: num(e.socketTypeHash),
            singleInitialItemHash: num(e.singleInitialItemHash),
          })),
          categories: arr(socketsRaw.socketCategories)
            .map(obj)
            .map((c) => ({ socketCategoryHash: num(c.socketCategoryHash), socketIndexes: numbers(c.socketIndexes) })),
        }
      : undefined,
    plug:
      typeof plug.plugCategoryIdentifier === 'string'
        ? { plugCategoryIdentifier: plug.plugCategoryIdentifier, plugCategoryHash: num(plug.plugCategoryHash) }
        : undefined,
  });
}

/** Trim a DestinyInventoryBucketDefinition. Bungie: gear buckets' `itemCount` includes the equipped slot. */
export function trimBucket(raw: Raw, hash: number): BucketDef {
  return compact({
    ...display(raw, hash),
    category: num(raw.category),
    scope: num(raw.scope),
    location: num(raw.location),
    itemCount: num(raw.itemCount),
    bucketOrder: num(raw.bucketOrder),
    hasTransferDestination: raw.hasTransferDestination === true,
    enabled: raw.enabled === true,
  });
}

/** Trim a DestinyVendorDefinition: sale list (index, item, price) and display categories only. */
export function trimVendor(raw: Raw, hash: number): VendorDef {
  const dp = obj(raw.displayProperties);
  const itemList: VendorSaleDef[] = arr(raw.itemList)
    .map(obj)
    .map((sale) =>
      compact({
        vendorItemIndex: num(sale.vendorItemIndex),
        itemHash: num(sale.itemHash),
        quantity: num(sale.quantity, 1),
        displayCategoryIndex: typeof sale.displayCategoryIndex === 'number' ? sale.displayCategoryIndex : undefined,
        currencies: arr(sale.currencies)
          .map(obj)
          .map((c) => ({ itemHash: num(c.itemHash), quantity: num(c.quantity) })),
      }),
    );
  return compact({
    ...display(raw, hash),
    subtitle: optStr(dp.subtitle),
    largeIcon: optStr(dp.largeIcon),
    vendorIdentifier: optStr(raw.vendorIdentifier),
    itemList,
    displayCategories: arr(raw.displayCategories)
      .map(obj)
      .map((c) => ({ index: num(c.index), identifier: str(c.identifier), name: str(obj(c.displayProperties).name) })),
  });
}

type Trimmer<T extends ManifestTable> = (raw: Raw, hash: number) => DefinitionTypes[T];

/** One trimmer per stored table: the only fields of each Bungie definition that Vault Raider keeps. */
export const TRIMMERS: { [T in ManifestTable]: Trimmer<T> } = {
  InventoryItem: trimItem,
  InventoryBucket: trimBucket,
  Class: (raw, hash): ClassDef => ({ ...display(raw, hash), classType: num(raw.classType) }),
  Race: (raw, hash): RaceDef => ({ ...display(raw, hash), raceType: num(raw.raceType) }),
  Gender: (raw, hash): GenderDef => ({ ...display(raw, hash), genderType: num(raw.genderType) }),
  Stat: (raw, hash): StatDef => display(raw, hash),
  ItemTierType: (raw, hash): TierTypeDef =>
    compact({ ...display(raw, hash), tierType: typeof raw.tierType === 'number' ? raw.tierType : undefined }),
  DamageType: (raw, hash): DamageTypeDef => {
    const c = obj(raw.color);
    return compact({
      ...display(raw, hash),
      enumValue: num(raw.enumValue),
      color:
        raw.color !== undefined
          ? { red: num(c.red), green: num(c.green), blue: num(c.blue), alpha: num(c.alpha) }
          : undefined,
    });
  },
  ItemCategory: (raw, hash): ItemCategoryDef =>
    compact({
      ...display(raw, hash),
      grantDestinyItemType: typeof raw.grantDestinyItemType === 'number' ? raw.grantDestinyItemType : undefined,
      grantDestinySubType: typeof raw.grantDestinySubType === 'number' ? raw.grantDestinySubType : undefined,
    }),
  Vendor: trimVendor,
  SocketCategory: (raw, hash) => display(raw, hash),
};

/** Trim one definition of `table`; `hash` is the unsigned hash (Bungie's SQLite id `>>> 0`). */
export function trimDefinition<T extends ManifestTable>(table: T, raw: unknown, hash: number): DefinitionTypes[T] {
  return (TRIMMERS[table] as Trimmer<T>)(obj(raw), hash);
}
