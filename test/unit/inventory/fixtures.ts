/**
 * Real-fixture helpers for inventory tests: the 2021 DIM profile capture and the fixture Manifest's JSON tables,
 * trimmed with the production trimmer (lib/manifest/trim.ts) so tests see exactly what the extension stores.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { buildInventoryModel } from '@/lib/inventory/model';
import type { DefinitionSource, InventoryModel } from '@/lib/inventory/types';
import { trimDefinition } from '@/lib/manifest/trim';
import { MANIFEST_TABLES, type DefinitionTypes, type ManifestTable } from '@/lib/manifest/types';

export const SHARED = process.env.VR_SHARED ?? '/work/shared';
export const MANIFEST_JSON_DIR = join(SHARED, 'fixtures/manifest/common/destiny2_content/json/en');
export const PROFILE_PATH = join(SHARED, 'fixtures/bungie/responses/GetProfile.dim-2021-05-28.json');
export const ORIGINAL_PROFILE_PATH = join(
  SHARED,
  'fixtures/bungie/responses/GetProfile.dim-2021-05-28.original-capture.json',
);

/** The 23 hashes DIM removed from the capture as deleted items; the fixture Manifest leaves them out on purpose. */
export const DELETED_HASHES = [
  25491192, 130920797, 264891313, 371194306, 495543611, 632867341, 723146156, 980167526, 991660705, 1283928689,
  1776857076, 1883296574, 2194989601, 2194989603, 2194989608, 2277622850, 3162004883, 3370146909, 3515720005,
  3570386371, 3735038502, 3964054933, 4087244436,
];

/** Every trimmed table the inventory model reads, keyed by unsigned hash. */
export type DefinitionTables = { [T in ManifestTable]?: Map<number, DefinitionTypes[T]> };

function tableFile(dir: string, bungieName: string): string | undefined {
  const file = readdirSync(dir).find((f) => f.startsWith(`${bungieName}-`) && f.endsWith('.json'));
  return file ? join(dir, file) : undefined;
}

function loadTable<T extends ManifestTable>(dir: string, table: T): Map<number, DefinitionTypes[T]> | undefined {
  const file = tableFile(dir, MANIFEST_TABLES[table]);
  if (!file) return undefined;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out = new Map<number, DefinitionTypes[T]>();
  for (const [key, value] of Object.entries(raw)) out.set(Number(key), trimDefinition(table, value, Number(key)));
  return out;
}

const cache = new Map<string, DefinitionTables>();

/** Loads and trims the inventory-relevant tables of a Manifest JSON directory (cached per directory). */
export function loadDefinitionTables(dir = MANIFEST_JSON_DIR): DefinitionTables {
  const hit = cache.get(dir);
  if (hit) return hit;
  const tables: DefinitionTables = {
    InventoryItem: loadTable(dir, 'InventoryItem'),
    InventoryBucket: loadTable(dir, 'InventoryBucket'),
    Class: loadTable(dir, 'Class'),
    Race: loadTable(dir, 'Race'),
    Gender: loadTable(dir, 'Gender'),
    DamageType: loadTable(dir, 'DamageType'),
  };
  cache.set(dir, tables);
  return tables;
}

/** A DefinitionSource over the fixture Manifest, shaped as the production lookups are (trimmed rows by hash). */
export function loadDefinitions(dir = MANIFEST_JSON_DIR): DefinitionSource {
  const t = loadDefinitionTables(dir);
  const classByType = new Map([...(t.Class?.values() ?? [])].map((c) => [c.classType, c.name]));
  return {
    item: (hash) => t.InventoryItem?.get(hash),
    bucket: (hash) => t.InventoryBucket?.get(hash),
    className: (classType) => classByType.get(classType),
    raceName: (hash) => t.Race?.get(hash)?.name,
    genderName: (hash) => t.Gender?.get(hash)?.name,
    damageType: (hash) => t.DamageType?.get(hash),
  };
}

/** The raw GetProfile `Response` (the envelope is stripped, as the Bungie client does). */
export function loadProfile(path = PROFILE_PATH): DestinyProfileResponse {
  const envelope = JSON.parse(readFileSync(path, 'utf8')) as { Response: DestinyProfileResponse };
  return envelope.Response;
}

/** The model built from the real cleaned profile and the fixture Manifest. */
export function loadFixtureModel(path = PROFILE_PATH): InventoryModel {
  return buildInventoryModel(loadProfile(path), loadDefinitions());
}
