import { liveQuery } from 'dexie';
import { getDb, type VaultRaiderDB } from '../db/schema';
import { getDefinitions } from './lookup';
import type { DefinitionTypes, ManifestTable } from './types';
import { readActive, readStatus, type ActiveManifest, type ManifestStatus } from './state';

export interface ManifestView {
  active?: ActiveManifest;
  status: ManifestStatus;
}

/**
 * Follow the Manifest's active version and status from a page. The worker is the single writer; pages only read
 * `meta` through a Dexie live query, so progress shows without polling the worker. Returns an unsubscribe function.
 */
export function watchManifest(onChange: (view: ManifestView) => void, db: VaultRaiderDB = getDb()): () => void {
  const subscription = liveQuery(async () => {
    const [active, status] = await Promise.all([readActive(db), readStatus(db)]);
    return { active, status };
  }).subscribe({ next: onChange, error: () => undefined });
  return () => subscription.unsubscribe();
}

/**
 * Definitions by hash from the active Manifest, for a page (item details: the item, its plugs, stat names). The same
 * bulk lookup the worker uses, with its per-version cache and the worker's hot set; missing hashes are absent.
 */
export function readDefinitions<T extends ManifestTable>(
  table: T,
  hashes: readonly number[],
): Promise<Map<number, DefinitionTypes[T]>> {
  return getDefinitions(table, hashes);
}

/** The sentence for a status line: download %, reading, storing, ready, or the failure sentence. */
export function describeStatus(view: ManifestView): string {
  const { status, active } = view;
  switch (status.stage) {
    case 'downloading':
      return `Downloading the item database… ${status.percent ?? 0}%`;
    case 'reading':
      return 'Reading the item database…';
    case 'storing':
      return `Storing the item database… ${status.percent ?? 0}%`;
    case 'checking':
      return active ? 'Checking for a new item database…' : 'Preparing the item database…';
    case 'error':
      return status.error ?? 'The item database could not be updated.';
    case 'ready':
      return 'Item database ready.';
    default:
      return active ? 'Item database ready.' : 'Waiting for the item database…';
  }
}
