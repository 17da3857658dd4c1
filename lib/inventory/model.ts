import type {
  DestinyCharacterComponent,
  DestinyItemComponent,
  DestinyItemInstanceComponent,
  DestinyProfileResponse,
} from 'bungie-api-ts/destiny2';
import type { BucketDef, ItemDef } from '../manifest/types';
import { classNameOf } from './class-names';
import { PLACEHOLDER_NAMES, placeholderDef } from './placeholder';
import {
  BUCKETS,
  VAULT_ID,
  type BucketInfo,
  type DefinitionSource,
  type InventoryItem,
  type InventoryModel,
  type ItemLocation,
  type StoreModel,
} from './types';

/**
 * Rows in the order the game's character screen shows them. Buckets not listed here follow, sorted by the
 * definition's bucketOrder; the postmaster and the vault's General bucket come last.
 */
export const GAME_BUCKET_ORDER: readonly number[] = [
  BUCKETS.Subclass,
  BUCKETS.Kinetic,
  BUCKETS.Energy,
  BUCKETS.Power,
  BUCKETS.Ghost,
  BUCKETS.Vehicle,
  BUCKETS.Ships,
  BUCKETS.Helmet,
  BUCKETS.Gauntlets,
  BUCKETS.Chest,
  BUCKETS.Legs,
  BUCKETS.ClassItem,
  BUCKETS.Emblems,
  BUCKETS.Consumables,
  BUCKETS.Modifications,
];

const OTHER_BUCKETS_ORDER = 100;
const UNKNOWN_BUCKETS_ORDER = 800;
const POSTMASTER_ORDER = 900;
const GENERAL_ORDER = 1000;

/** Bungie's ItemState flags. */
const ITEM_STATE_LOCKED = 1;
const ITEM_STATE_MASTERWORK = 4;
/** Bungie's TransferStatuses flag: the item can never leave where it is. */
const TRANSFER_STATUS_NOT_TRANSFERRABLE = 2;
/** DestinyItemType values that make an item gear for search. */
const ITEM_TYPE_ARMOR = 2;
const ITEM_TYPE_WEAPON = 3;
/** TierType.Superior is what the game calls Legendary; Exotic is 6. */
const TIER_EXOTIC = 6;
/** BucketCategory.Equippable and BucketScope.Account. */
const BUCKET_CATEGORY_EQUIPPABLE = 3;
const BUCKET_SCOPE_ACCOUNT = 1;

export interface BuildModelOptions {
  /** Time the response was received (ms since epoch); stands in for `responseMintedTimestamp` when Bungie omits it. */
  now?: number;
}

/** Everything the per-item builder needs, looked up once per model build. */
interface BuildContext {
  defs: DefinitionSource;
  instances: Record<string, DestinyItemInstanceComponent>;
  stats: Record<string, { stats?: Record<number, { statHash: number; value: number }> }>;
  sockets: Record<string, { sockets?: { plugHash?: number; isEnabled: boolean; isVisible: boolean }[] }>;
  damageEnumByHash: Map<number, number | undefined>;
  stackCounters: Map<string, number>;
  missing: Set<number>;
}

/**
 * Builds the inventory model from a GetProfile response (components 102, 200, 201, 205, 300, optionally 304, 305,
 * 1000) and trimmed Manifest definitions.
 *
 * Bungie rules it follows: characters come first, most recently played first, then the vault; the vault store holds
 * component 102 (General bucket 138197802 plus account-wide buckets such as Consumables and Modifications); each
 * character's Lost Items bucket 215593132 is its postmaster; capacities are the bucket definitions' `itemCount`
 * (vault = General's, postmaster = Lost Items'); `state` bit 1 is locked and bit 4 masterwork; an item moves only
 * when its definition is not `nonTransferrable` and its `transferStatus` lacks NotTransferrable (2). Hashes with no
 * definition, or a redacted one, become placeholders so nothing the player owns silently disappears.
 */
export function buildInventoryModel(
  profile: DestinyProfileResponse,
  defs: DefinitionSource,
  opts: BuildModelOptions = {},
): InventoryModel {
  const ctx: BuildContext = {
    defs,
    instances: profile.itemComponents?.instances?.data ?? {},
    stats: (profile.itemComponents?.stats?.data ?? {}) as BuildContext['stats'],
    sockets: (profile.itemComponents?.sockets?.data ?? {}) as BuildContext['sockets'],
    damageEnumByHash: new Map(),
    stackCounters: new Map(),
    missing: new Set(),
  };
  const items: Record<string, InventoryItem> = {};
  const characters = sortCharacters(Object.values(profile.characters?.data ?? {}));
  const stores: StoreModel[] = [];

  for (const character of characters) {
    const store = characterStore(character, defs);
    const id = character.characterId;
    for (const raw of profile.characterEquipment?.data?.[id]?.items ?? []) {
      addItem(store, items, buildItem(raw, id, true, ctx));
    }
    for (const raw of profile.characterInventories?.data?.[id]?.items ?? []) {
      addItem(store, items, buildItem(raw, id, false, ctx));
    }
    stores.push(store);
  }

  const vault: StoreModel = {
    id: VAULT_ID,
    kind: 'vault',
    name: 'Vault',
    buckets: { [BUCKETS.General]: [], [BUCKETS.Consumables]: [], [BUCKETS.Modifications]: [] },
  };
  for (const raw of profile.profileInventory?.data?.items ?? []) {
    addItem(vault, items, buildItem(raw, VAULT_ID, false, ctx));
  }
  stores.push(vault);

  const buckets = bucketInfos(stores, defs);
  const minted = Date.parse(profile.responseMintedTimestamp ?? '');
  const activeCharacterId =
    profile.profileTransitoryData?.data && characters.length > 0 ? characters[0].characterId : undefined;

  return {
    stores,
    items,
    buckets,
    vaultCapacity: buckets[BUCKETS.General].capacity,
    postmasterCapacity: buckets[BUCKETS.LostItems].capacity,
    missingHashes: [...ctx.missing].sort((a, b) => a - b),
    ...(activeCharacterId ? { activeCharacterId } : {}),
    ...(Number.isFinite(minted) ? { mintedAt: minted } : opts.now !== undefined ? { mintedAt: opts.now } : {}),
  };
}

/** Most recently played first; Bungie gives no order of its own (the dictionary is keyed by characterId). */
function sortCharacters(characters: DestinyCharacterComponent[]): DestinyCharacterComponent[] {
  return [...characters].sort((a, b) => Date.parse(b.dateLastPlayed) - Date.parse(a.dateLastPlayed));
}

function characterStore(character: DestinyCharacterComponent, defs: DefinitionSource): StoreModel {
  const className = defs.className?.(character.classType) ?? classNameOf(character.classType) ?? 'Guardian';
  const buckets: Record<number, string[]> = {};
  for (const hash of GAME_BUCKET_ORDER) {
    if (hash !== BUCKETS.Consumables && hash !== BUCKETS.Modifications) buckets[hash] = [];
  }
  buckets[BUCKETS.LostItems] = [];
  const raceName = defs.raceName?.(character.raceHash);
  const genderName = defs.genderName?.(character.genderHash);
  return {
    id: character.characterId,
    kind: 'character',
    name: className,
    classType: character.classType,
    className,
    ...(raceName ? { raceName } : {}),
    ...(genderName ? { genderName } : {}),
    light: character.light,
    emblemPath: character.emblemPath,
    emblemBackgroundPath: character.emblemBackgroundPath,
    dateLastPlayed: character.dateLastPlayed,
    buckets,
  };
}

function addItem(store: StoreModel, items: Record<string, InventoryItem>, item: InventoryItem): void {
  items[item.key] = item;
  (store.buckets[item.bucketHash] ??= []).push(item.key);
}

function itemLocation(raw: DestinyItemComponent, owner: string, equipped: boolean): ItemLocation {
  if (equipped) return 'equipped';
  if (raw.bucketHash === BUCKETS.LostItems) return 'postmaster';
  // Account-wide buckets (Consumables, Modifications) are usable from every character, so only General is "vault".
  if (owner === VAULT_ID && raw.bucketHash === BUCKETS.General) return 'vault';
  return 'inventory';
}

function itemKey(raw: DestinyItemComponent, owner: string, ctx: BuildContext): string {
  if (raw.itemInstanceId) return raw.itemInstanceId;
  const base = `${raw.itemHash}@${owner}@${raw.bucketHash}`;
  const n = ctx.stackCounters.get(base) ?? 0;
  ctx.stackCounters.set(base, n + 1);
  return `${base}#${n}`;
}

function damageEnum(hash: number | undefined, ctx: BuildContext): number | undefined {
  if (hash === undefined || !ctx.defs.damageType) return undefined;
  if (!ctx.damageEnumByHash.has(hash)) ctx.damageEnumByHash.set(hash, ctx.defs.damageType(hash)?.enumValue);
  return ctx.damageEnumByHash.get(hash);
}

/**
 * Primary stats that are power: Attack (weapons) and Defense (armor). Bungie also puts
 * other primary stats on some items (a subclass carries 1935470627 with its rank), which are not power.
 */
const POWER_STATS = new Set([1480404414, 3897883278]);

function buildItem(raw: DestinyItemComponent, owner: string, equipped: boolean, ctx: BuildContext): InventoryItem {
  const def = ctx.defs.item(raw.itemHash);
  const instance = raw.itemInstanceId ? ctx.instances[raw.itemInstanceId] : undefined;
  const base = {
    key: itemKey(raw, owner, ctx),
    itemHash: raw.itemHash,
    ...(raw.itemInstanceId ? { itemInstanceId: raw.itemInstanceId } : {}),
    owner,
    bucketHash: raw.bucketHash,
    location: itemLocation(raw, owner, equipped),
    equipped,
    quantity: raw.quantity,
    locked: (raw.state & ITEM_STATE_LOCKED) !== 0,
    lockable: raw.lockable,
    masterwork: (raw.state & ITEM_STATE_MASTERWORK) !== 0,
    isInstanced: raw.itemInstanceId !== undefined,
    ...(instance?.primaryStat && POWER_STATS.has(instance.primaryStat.statHash)
      ? { power: instance.primaryStat.value }
      : {}),
    ...instanceDetails(raw.itemInstanceId, ctx),
  };
  if (!def || def.redacted) {
    if (!def) ctx.missing.add(raw.itemHash);
    return placeholderInventoryItem(base, raw, def);
  }
  const damage = itemDamage(def, instance, ctx);
  return {
    ...base,
    targetBucketHash: def.bucketTypeHash,
    maxStackSize: def.maxStackSize,
    resolved: true,
    name: def.name,
    ...(def.icon ? { icon: def.icon } : {}),
    ...(def.iconWatermark ? { iconWatermark: def.iconWatermark } : {}),
    itemType: def.itemType,
    itemSubType: def.itemSubType,
    itemTypeDisplayName: def.itemTypeDisplayName,
    tierType: def.tierType,
    tierTypeName: def.tierTypeName,
    classType: def.classType,
    ...damage,
    isExotic: def.tierType === TIER_EXOTIC,
    ...(def.uniqueLabel ? { uniqueLabel: def.uniqueLabel } : {}),
    equippable: def.equippable,
    transferable: !def.nonTransferrable && (raw.transferStatus & TRANSFER_STATUS_NOT_TRANSFERRABLE) === 0,
    isWeapon: def.itemType === ITEM_TYPE_WEAPON,
    isArmor: def.itemType === ITEM_TYPE_ARMOR,
  };
}

/**
 * An item the Manifest cannot describe. It keeps its real place and count (so capacity stays right) but claims
 * nothing else: not movable, not equippable, no class, no tier.
 */
function placeholderInventoryItem(
  base: Omit<
    InventoryItem,
    | 'targetBucketHash'
    | 'maxStackSize'
    | 'resolved'
    | 'name'
    | 'itemType'
    | 'itemSubType'
    | 'itemTypeDisplayName'
    | 'tierType'
    | 'tierTypeName'
    | 'classType'
    | 'isExotic'
    | 'equippable'
    | 'transferable'
    | 'isWeapon'
    | 'isArmor'
  >,
  raw: DestinyItemComponent,
  def: ItemDef | undefined,
): InventoryItem {
  const kind = def ? 'classified' : 'missing';
  const stand = placeholderDef(raw.itemHash, kind, def?.bucketTypeHash ?? raw.bucketHash);
  return {
    ...base,
    targetBucketHash: stand.bucketTypeHash,
    maxStackSize: def?.maxStackSize ?? Math.max(1, raw.quantity),
    resolved: false,
    placeholder: kind,
    // The kind's name alone (a lookup's missing definition adds the hash to it).
    name: PLACEHOLDER_NAMES[kind],
    ...(def?.icon ? { icon: def.icon } : {}),
    itemType: stand.itemType,
    itemSubType: stand.itemSubType,
    itemTypeDisplayName: '',
    tierType: stand.tierType,
    tierTypeName: stand.tierTypeName,
    classType: stand.classType,
    isExotic: false,
    equippable: stand.equippable,
    transferable: !stand.nonTransferrable,
    isWeapon: false,
    isArmor: false,
  };
}

/** The instance's damage wins (Bungie reports the rolled element there); the definition's default is the fallback. */
function itemDamage(
  def: ItemDef,
  instance: DestinyItemInstanceComponent | undefined,
  ctx: BuildContext,
): { damageType?: number; damageTypeHash?: number } {
  if (instance && instance.damageType > 0) {
    return {
      damageType: instance.damageType,
      ...(instance.damageTypeHash ? { damageTypeHash: instance.damageTypeHash } : {}),
    };
  }
  const hash = def.defaultDamageTypeHash;
  const enumValue = damageEnum(hash, ctx);
  if (hash === undefined || !enumValue) return {};
  return { damageType: enumValue, damageTypeHash: hash };
}

function instanceDetails(instanceId: string | undefined, ctx: BuildContext): Pick<InventoryItem, 'stats' | 'sockets'> {
  if (!instanceId) return {};
  const out: Pick<InventoryItem, 'stats' | 'sockets'> = {};
  const stats = ctx.stats[instanceId]?.stats;
  if (stats) out.stats = Object.values(stats).map((s) => ({ statHash: s.statHash, value: s.value }));
  const sockets = ctx.sockets[instanceId]?.sockets;
  // Socket index matters to the definition's socket categories, so empty sockets stay in place as plugHash 0.
  if (sockets) {
    out.sockets = sockets.map((s) => ({ plugHash: s.plugHash ?? 0, isEnabled: s.isEnabled, isVisible: s.isVisible }));
  }
  return out;
}

function bucketInfos(stores: StoreModel[], defs: DefinitionSource): Record<number, BucketInfo> {
  const hashes = new Set<number>([...GAME_BUCKET_ORDER, BUCKETS.General, BUCKETS.LostItems]);
  for (const store of stores) for (const hash of Object.keys(store.buckets)) hashes.add(Number(hash));

  const others = [...hashes]
    .filter((h) => !GAME_BUCKET_ORDER.includes(h) && h !== BUCKETS.General && h !== BUCKETS.LostItems)
    .map((hash) => ({ hash, def: defs.bucket(hash) }))
    .sort((a, b) => {
      if (!a.def !== !b.def) return a.def ? -1 : 1;
      return (a.def?.bucketOrder ?? 0) - (b.def?.bucketOrder ?? 0) || a.hash - b.hash;
    });

  const result: Record<number, BucketInfo> = {};
  GAME_BUCKET_ORDER.forEach((hash, i) => (result[hash] = bucketInfo(hash, defs.bucket(hash), i)));
  others.forEach(({ hash, def }, i) => {
    result[hash] = bucketInfo(hash, def, (def ? OTHER_BUCKETS_ORDER : UNKNOWN_BUCKETS_ORDER) + i);
  });
  result[BUCKETS.LostItems] = bucketInfo(BUCKETS.LostItems, defs.bucket(BUCKETS.LostItems), POSTMASTER_ORDER);
  result[BUCKETS.General] = bucketInfo(BUCKETS.General, defs.bucket(BUCKETS.General), GENERAL_ORDER);
  return result;
}

/** A bucket with no definition (Bungie retires buckets items still sit in) has capacity 0, meaning "unknown". */
function bucketInfo(hash: number, def: BucketDef | undefined, order: number): BucketInfo {
  return {
    hash,
    name: def?.name ?? '',
    capacity: def?.itemCount ?? 0,
    order,
    equippable: def?.category === BUCKET_CATEGORY_EQUIPPABLE,
    accountWide: def?.scope === BUCKET_SCOPE_ACCOUNT,
  };
}

/** The model's buckets in game order: the row order for every view. */
export function bucketsInGameOrder(model: InventoryModel): BucketInfo[] {
  return Object.values(model.buckets).sort((a, b) => a.order - b.order);
}

/** The items a store holds in one bucket, equipped first (empty when the store has none there). */
export function itemsInBucket(model: InventoryModel, storeId: string, bucketHash: number): InventoryItem[] {
  const store = model.stores.find((s) => s.id === storeId);
  return (store?.buckets[bucketHash] ?? []).map((key) => model.items[key]);
}
