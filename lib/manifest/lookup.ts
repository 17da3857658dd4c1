import { getDb, type VaultRaiderDB } from '../db/schema';
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
 * Definitions already read in this page or worker, for the active version only. A version's rows never change once
 * written, so hits and misses both stay true until the active version changes; the model is rebuilt after every
 * move, so most lookups after the first are served from here.
 */
const CACHE_LIMIT = 40_000;

/** One cache per database handle: a page or worker has one; tests open several. */
interface ContextCache {
  version: string;
  defs: Map<string, unknown>;
  hot?: Promise<void>;
}
const caches = new WeakMap<VaultRaiderDB, ContextCache>();

function contextCache(db: VaultRaiderDB, version: string): ContextCache {
  let cache = caches.get(db);
  if (cache?.version !== version) {
    cache = { version, defs: new Map() };
    caches.set(db, cache);
  } else if (cache.defs.size > CACHE_LIMIT) {
    cache.defs = new Map();
  }
  return cache;
}

function cacheFor(db: VaultRaiderDB, version: string): Map<string, unknown> {
  return contextCache(db, version).defs;
}

/** Fill the memory cache from the account's hot row once per context and version (one read instead of many). */
function loadHot(db: VaultRaiderDB, version: string): Promise<void> {
  const cache = contextCache(db, version);
  cache.hot ??= db.manifestHot
    .get(version)
    .then((row) => {
      if (!row) return;
      const known = cacheFor(db, version);
      for (const [hash, def] of JSON.parse(row.items) as [number, ItemDef][]) known.set(`InventoryItem:${hash}`, def);
    })
    .catch(() => undefined);
  return cache.hot;
}

/** An account-sized lookup: worth remembering as the hot set (a full account is hundreds to ~1,750 items). */
export const HOT_LOOKUP_MIN = 100;
type BulkListener = (hashes: number[]) => void;
const bulkListeners = new Set<BulkListener>();

/**
 * Be told about account-sized item lookups. The worker's Manifest service uses it to persist the hot set; pages
 * never subscribe, so they stay read-only. Returns an unsubscribe function.
 */
export function onBulkItemLookup(listener: BulkListener): () => void {
  bulkListeners.add(listener);
  return () => bulkListeners.delete(listener);
}

/**
 * Store the definitions of `hashes` as the active version's hot set (replacing the previous one). Worker only:
 * pages read the database, the worker writes it. Bungie: definitions of one Manifest version never change, so the
 * copy stays valid until the version changes, and it is deleted with its version.
 */
export async function rememberHotItems(hashes: readonly number[], db: VaultRaiderDB = getDb()): Promise<number> {
  const active = await readActive(db);
  if (!active) return 0;
  const defs = await getDefinitions('InventoryItem', hashes, db);
  const items = JSON.stringify([...defs.entries()]);
  await db.transaction('rw', db.manifestHot, db.meta, async () => {
    // The version may have been swapped while we read: never attach a hot set to a version that is not active.
    if ((await readActive(db))?.version === active.version) {
      await db.manifestHot.put({ version: active.version, items });
    }
  });
  return defs.size;
}

/**
 * Bulk lookup by hash in the active Manifest. Hashes are the unsigned 32-bit values the API sends (Bungie's SQLite
 * signed ids were turned back into these at ingest; a signed value is accepted too). Hashes with no definition are
 * absent from the result.
 */
export async function getDefinitions<T extends ManifestTable>(
  table: T,
  hashes: readonly number[],
  db: VaultRaiderDB = getDb(),
): Promise<Map<number, DefinitionTypes[T]>> {
  const result = new Map<number, DefinitionTypes[T]>();
  const active = await readActive(db);
  if (!active || hashes.length === 0) return result;
  if (table === 'InventoryItem') await loadHot(db, active.version);
  const known = cacheFor(db, active.version);
  const wanted: number[] = [];
  for (const hash of new Set(hashes.map((h) => h >>> 0))) {
    const key = `${table}:${hash}`;
    if (!known.has(key)) wanted.push(hash);
    else if (known.get(key) !== null) result.set(hash, known.get(key) as DefinitionTypes[T]);
  }
  if (table === 'InventoryItem' && hashes.length >= HOT_LOOKUP_MIN) {
    for (const listener of bulkListeners) listener([...new Set(hashes.map((h) => h >>> 0))]);
  }
  if (!wanted.length) return result;
  const rows = await db.definitions.bulkGet(
    wanted.map((hash) => [active.version, table, hash] as [string, string, number]),
  );
  rows.forEach((row, i) => {
    const def = row ? (JSON.parse(row.json) as DefinitionTypes[T]) : null;
    known.set(`${table}:${wanted[i]}`, def);
    if (def) result.set(wanted[i], def);
  });
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
  const known = cacheFor(db, active.version);
  const rows = await db.definitions
    .where('[version+table+hash]')
    .between([active.version, table], [active.version, table, []])
    .toArray();
  for (const row of rows) {
    const def = JSON.parse(row.json) as DefinitionTypes[T];
    known.set(`${table}:${row.hash}`, def);
    result.set(row.hash, def);
  }
  return result;
}

/** The stand-in definition for an item we cannot show (one home: lib/inventory/placeholder.ts). */
export { placeholderDef as placeholderItem } from '../inventory/placeholder';

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
