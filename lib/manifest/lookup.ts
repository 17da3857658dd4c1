import { getDb, type DefinitionRow, type VaultRaiderDB } from '../db/schema';
import type { DefinitionSource } from '../inventory/types';
import { readActive, type ActiveManifest } from './state';
import type { BucketDef, DamageTypeDef, DefinitionTypes, ItemDef, ManifestTable } from './types';

/** Hashes that had no definition (`missing`) or a redacted one (`classified`) in the active Manifest. */
export interface UnresolvedHashes {
  missing: number[];
  classified: number[];
}

type UnresolvedListener = (unresolved: UnresolvedHashes) => void;
const listeners = new Set<UnresolvedListener>();

/**
 * Be told when a lookup meets hashes the active Manifest cannot resolve. The worker uses it to trigger a Manifest
 * recheck (Bungie ships new items before our hourly check sees them). Returns an unsubscribe function.
 */
export function onUnresolvedHashes(listener: UnresolvedListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function reportUnresolved(unresolved: UnresolvedHashes): void {
  if (!unresolved.missing.length && !unresolved.classified.length) return;
  for (const listener of listeners) listener(unresolved);
}

/** The active Manifest (only ever a completely written version), or undefined before the first ingest. */
export async function getActiveManifest(db: VaultRaiderDB = getDb()): Promise<ActiveManifest | undefined> {
  return readActive(db);
}

/**
 * Bulk lookup by hash in the active Manifest. Hashes are the unsigned 32-bit values the API sends (Bungie's SQLite
 * signed ids were turned back into these at ingest). Hashes with no definition are absent from the result.
 */
export async function getDefinitions<T extends ManifestTable>(
  table: T,
  hashes: readonly number[],
  db: VaultRaiderDB = getDb(),
): Promise<Map<number, DefinitionTypes[T]>> {
  const result = new Map<number, DefinitionTypes[T]>();
  const active = await readActive(db);
  if (!active || hashes.length === 0) return result;
  const unique = [...new Set(hashes.map((h) => h >>> 0))];
  const rows = await db.definitions.bulkGet(
    unique.map((hash) => [active.version, table, hash] as [string, string, number]),
  );
  for (const row of rows) if (row) result.set(row.hash, row.def as DefinitionTypes[T]);
  return result;
}

/** Every definition of a small table (buckets, classes, stats…) in the active Manifest. */
export async function getAllDefinitions<T extends ManifestTable>(
  table: T,
  db: VaultRaiderDB = getDb(),
): Promise<Map<number, DefinitionTypes[T]>> {
  const result = new Map<number, DefinitionTypes[T]>();
  const active = await readActive(db);
  if (!active) return result;
  const rows = await db.definitions
    .where('[version+table+hash]')
    .between([active.version, table, -Infinity], [active.version, table, Infinity])
    .toArray();
  for (const row of rows) result.set(row.hash, row.def as DefinitionTypes[T]);
  return result;
}

/**
 * Items whose name starts with `prefix` (case-insensitive), for search and the popup's quick find. Redacted
 * ("Classified") rows are skipped: their shared placeholder name would match every query for "c".
 */
export async function searchItemsByName(prefix: string, limit = 20, db: VaultRaiderDB = getDb()): Promise<ItemDef[]> {
  const active = await readActive(db);
  const key = prefix.trim().toLowerCase();
  if (!active || !key) return [];
  const rows: DefinitionRow[] = await db.definitions
    .where('[version+table+nameKey]')
    .between([active.version, 'InventoryItem', key], [active.version, 'InventoryItem', key + '\uffff'])
    .filter((row) => !(row.def as ItemDef).redacted)
    .limit(limit)
    .toArray();
  return rows.map((row) => row.def as ItemDef);
}

/**
 * A stand-in definition for an item we cannot show. Bungie: redacted definitions are unreleased content
 * ("Classified"); hashes with no definition are usually items newer than our Manifest (or deleted ones).
 */
export function placeholderItem(hash: number, kind: 'missing' | 'classified', bucketTypeHash = 0): ItemDef {
  return {
    hash,
    name: kind === 'classified' ? 'Classified' : `Unknown item ${hash}`,
    description:
      kind === 'classified'
        ? 'Bungie has not revealed this item yet.'
        : 'This item is not in the item database yet; Vault Raider is checking for an update.',
    redacted: kind === 'classified',
    itemTypeDisplayName: kind === 'classified' ? 'Classified' : 'Unknown',
    itemType: 0,
    itemSubType: 0,
    classType: 3,
    bucketTypeHash,
    tierType: 0,
    tierTypeName: '',
    maxStackSize: 1,
    isInstanceItem: false,
    nonTransferrable: true,
    equippable: false,
    itemCategoryHashes: [],
  };
}

/**
 * Look items up and never come back empty-handed: missing and redacted hashes get a placeholder, and the
 * unresolved ones are reported so the worker rechecks the Manifest.
 */
export async function resolveItems(
  hashes: readonly number[],
  db: VaultRaiderDB = getDb(),
): Promise<{ items: Map<number, ItemDef>; unresolved: UnresolvedHashes }> {
  const found = await getDefinitions('InventoryItem', hashes, db);
  const items = new Map<number, ItemDef>();
  const unresolved: UnresolvedHashes = { missing: [], classified: [] };
  for (const raw of new Set(hashes.map((h) => h >>> 0))) {
    const def = found.get(raw);
    if (!def) {
      unresolved.missing.push(raw);
      items.set(raw, placeholderItem(raw, 'missing'));
    } else if (def.redacted) {
      unresolved.classified.push(raw);
      items.set(raw, { ...placeholderItem(raw, 'classified', def.bucketTypeHash), icon: def.icon });
    } else {
      items.set(raw, def);
    }
  }
  reportUnresolved(unresolved);
  return { items, unresolved };
}

/** A synchronous DefinitionSource preloaded for one profile, plus what it could not resolve. */
export interface LoadedDefinitions extends DefinitionSource {
  unresolved: UnresolvedHashes;
  manifestVersion?: string;
}

/**
 * Preload everything the pure model builder needs for `itemHashes` (items in bulk, and the small tables whole) and
 * wrap it as a synchronous DefinitionSource. `item()` returns undefined for missing hashes and the redacted row
 * for classified ones, so the model can mark them `resolved: false` with the right placeholder; both kinds are
 * reported to the recheck listeners.
 */
export async function loadDefinitionSource(
  itemHashes: Iterable<number>,
  db: VaultRaiderDB = getDb(),
): Promise<LoadedDefinitions> {
  const hashes = [...new Set([...itemHashes].map((h) => h >>> 0))];
  const [active, items, buckets, classes, races, genders, damageTypes] = await Promise.all([
    readActive(db),
    getDefinitions('InventoryItem', hashes, db),
    getAllDefinitions('InventoryBucket', db),
    getAllDefinitions('Class', db),
    getAllDefinitions('Race', db),
    getAllDefinitions('Gender', db),
    getAllDefinitions('DamageType', db),
  ]);
  const unresolved: UnresolvedHashes = { missing: [], classified: [] };
  if (active) {
    for (const hash of hashes) {
      const def = items.get(hash);
      if (!def) unresolved.missing.push(hash);
      else if (def.redacted) unresolved.classified.push(hash);
    }
    reportUnresolved(unresolved);
  }
  const classByType = new Map([...classes.values()].map((c) => [c.classType, c.name]));
  return {
    unresolved,
    manifestVersion: active?.version,
    item: (hash: number): ItemDef | undefined => items.get(hash >>> 0),
    bucket: (hash: number): BucketDef | undefined => buckets.get(hash >>> 0),
    className: (classType: number) => classByType.get(classType),
    raceName: (hash: number) => races.get(hash >>> 0)?.name,
    genderName: (hash: number) => genders.get(hash >>> 0)?.name,
    damageType: (hash: number): DamageTypeDef | undefined => damageTypes.get(hash >>> 0),
  };
}
