/**
 * Where the emulator's data lives and how it is read. Everything comes from the shared, read-only fixtures
 * (real Bungie captures and the generated Manifest); nothing here invents a response shape.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The project root (two folders above test/fake-bungie). */
export const projectRoot = resolve(here, '..', '..');
/** The shared fixtures folder, a sibling of the project root. */
export const sharedDir = resolve(projectRoot, '..', 'shared');
export const bungieFixturesDir = join(sharedDir, 'fixtures', 'bungie');
export const responsesDir = join(bungieFixturesDir, 'responses');
export const defaultManifestDir = join(sharedDir, 'fixtures', 'manifest');
export const defaultProfileFile = join(responsesDir, 'GetProfile.dim-2021-05-28.json');
export const defaultLinkedProfilesFile = join(responsesDir, 'GetLinkedProfiles.dim-2025-07-15.json');
export const defaultVendorsFile = join(responsesDir, 'GetVendors.dim-2026-06-29.json');
export const defaultPublicVendorsFile = join(responsesDir, 'GetVendors.xur-only.dim-2026-06-29.json');

const textCache = new Map<string, string>();

/** Reads a fixture once per process; callers parse their own copy so state never leaks between emulators. */
export function readFixtureText(file: string): string {
  let text = textCache.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    textCache.set(file, text);
  }
  return text;
}

/** A fresh, mutable copy of a JSON fixture. */
export function readFixtureJson<T>(file: string): T {
  return JSON.parse(readFixtureText(file)) as T;
}

/** Minimal view of the definitions the rules need (read from the Manifest tree being served). */
export interface BucketDef {
  hash: number;
  scope: number;
  category: number;
  itemCount: number;
  location: number;
  hasTransferDestination: boolean;
  enabled: boolean;
  name: string;
}

export interface ItemDef {
  hash: number;
  name: string;
  bucketTypeHash: number;
  maxStackSize: number;
  isInstanceItem: boolean;
  tierType: number;
  classType: number;
  equippable: boolean;
  nonTransferrable: boolean;
  uniqueLabel: string | null;
}

export interface ManifestTree {
  dir: string;
  /** Raw bytes of Platform/Destiny2/Manifest/index.json, served verbatim. */
  indexJson: Buffer;
  version: string;
  buckets: Map<number, BucketDef>;
  items: Map<number, ItemDef>;
}

interface RawIndex {
  Response: {
    version: string;
    jsonWorldComponentContentPaths: Record<string, Record<string, string>>;
  };
}

interface RawBucket {
  hash: number;
  scope: number;
  category: number;
  itemCount: number;
  location: number;
  hasTransferDestination: boolean;
  enabled: boolean;
  displayProperties?: { name?: string };
}

interface RawItem {
  hash: number;
  displayProperties?: { name?: string };
  inventory?: {
    bucketTypeHash?: number;
    maxStackSize?: number;
    isInstanceItem?: boolean;
    tierType?: number;
  };
  classType?: number;
  equippable?: boolean;
  nonTransferrable?: boolean;
  equippingBlock?: { uniqueLabel?: string };
}

const manifestCache = new Map<string, ManifestTree>();

/** Loads the index and the two tables the game rules need from a Manifest tree (cached per directory). */
export function loadManifestTree(dir: string): ManifestTree {
  const key = resolve(dir);
  const indexFile = join(key, 'Platform', 'Destiny2', 'Manifest', 'index.json');
  // A tree regenerated in place gets a new index.json, so the cache key follows its mtime.
  const cacheKey = `${key}@${statSync(indexFile).mtimeMs}`;
  const cached = manifestCache.get(cacheKey);
  if (cached) return cached;
  const indexJson = readFileSync(indexFile);
  const index = JSON.parse(indexJson.toString('utf8')) as RawIndex;
  const tables = index.Response.jsonWorldComponentContentPaths.en;
  const tablePath = (name: string) => join(key, tables[name].replace(/^\//, ''));

  const rawBuckets = JSON.parse(readFileSync(tablePath('DestinyInventoryBucketDefinition'), 'utf8')) as Record<
    string,
    RawBucket
  >;
  const buckets = new Map<number, BucketDef>();
  for (const b of Object.values(rawBuckets)) {
    buckets.set(b.hash, {
      hash: b.hash,
      scope: b.scope,
      category: b.category,
      itemCount: b.itemCount,
      location: b.location,
      hasTransferDestination: b.hasTransferDestination,
      enabled: b.enabled,
      name: b.displayProperties?.name ?? '',
    });
  }

  const rawItems = JSON.parse(readFileSync(tablePath('DestinyInventoryItemDefinition'), 'utf8')) as Record<
    string,
    RawItem
  >;
  const items = new Map<number, ItemDef>();
  for (const d of Object.values(rawItems)) {
    items.set(d.hash, {
      hash: d.hash,
      name: d.displayProperties?.name ?? '',
      bucketTypeHash: d.inventory?.bucketTypeHash ?? 0,
      maxStackSize: d.inventory?.maxStackSize ?? 1,
      isInstanceItem: d.inventory?.isInstanceItem ?? false,
      tierType: d.inventory?.tierType ?? 0,
      classType: d.classType ?? 3,
      equippable: d.equippable ?? false,
      nonTransferrable: d.nonTransferrable ?? false,
      uniqueLabel: d.equippingBlock?.uniqueLabel || null,
    });
  }

  const tree: ManifestTree = { dir: key, indexJson, version: index.Response.version, buckets, items };
  manifestCache.set(cacheKey, tree);
  return tree;
}
