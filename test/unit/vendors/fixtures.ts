import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DestinyProfileResponse, DestinyPublicVendorsResponse } from 'bungie-api-ts/destiny2';
import { trimItem } from '@/lib/manifest/trim';
import type { ItemDef } from '@/lib/manifest/types';

/** The shared, read-only fixtures folder (a sibling of the project root). */
const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures');
const responses = join(shared, 'bungie', 'responses');
const manifestJson = join(shared, 'manifest', 'common', 'destiny2_content', 'json', 'en');

/** The two real Xûr captures (Bungie envelope, `Response` shaped like GetVendors trimmed to Xûr). */
export const XUR_CAPTURES = ['GetVendors.xur-only.dim-2022-10-16.json', 'GetVendors.xur-only.dim-2026-06-29.json'];

export function xurCapture(file: string): DestinyPublicVendorsResponse {
  return JSON.parse(readFileSync(join(responses, file), 'utf8')).Response as DestinyPublicVendorsResponse;
}

export function realProfile(): DestinyProfileResponse {
  return JSON.parse(readFileSync(join(responses, 'GetProfile.dim-2021-05-28.json'), 'utf8'))
    .Response as DestinyProfileResponse;
}

let items: Map<number, ItemDef> | undefined;

/** Item definitions of the Manifest fixture, trimmed the way the Manifest pipeline stores them. */
export function manifestItems(): Map<number, ItemDef> {
  if (items) return items;
  const file = readdirSync(manifestJson).find((f) => f.startsWith('DestinyInventoryItemDefinition-'));
  if (!file) throw new Error('Manifest fixture has no InventoryItem table');
  const raw = JSON.parse(readFileSync(join(manifestJson, file), 'utf8')) as Record<string, Record<string, unknown>>;
  items = new Map(Object.entries(raw).map(([hash, def]) => [Number(hash), trimItem(def, Number(hash))]));
  return items;
}

/** The real Lost Items bucket definition's itemCount. */
export function postmasterCapacityFromManifest(): number {
  const file = readdirSync(manifestJson).find((f) => f.startsWith('DestinyInventoryBucketDefinition-'));
  const raw = JSON.parse(readFileSync(join(manifestJson, file!), 'utf8')) as Record<string, { itemCount: number }>;
  return raw['215593132'].itemCount;
}
