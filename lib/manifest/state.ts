import type { VaultRaiderDB } from '../db/schema';
import type { ManifestTable } from './types';

/** Meta keys owned by the Manifest pipeline. Pages read them with live queries; only the worker writes them. */
export const META_ACTIVE = 'manifest.active';
export const META_STATUS = 'manifest.status';
export const META_LAST_RECHECK = 'manifest.lastRecheck';
/** Step timings of the last completed ingest (diagnostics and the benchmark). */
export const META_LAST_INGEST = 'manifest.lastIngest';

/** The Manifest lookups read: only ever a version whose rows are completely written. */
export interface ActiveManifest {
  version: string;
  bungieVersion: string;
  language: string;
  activatedAt: number;
  rowCounts: Partial<Record<ManifestTable, number>>;
}

export type ManifestStage = 'idle' | 'checking' | 'downloading' | 'reading' | 'storing' | 'ready' | 'error';

/** Progress and health of the Manifest, as the popup, side panel and options page show it. */
export interface ManifestStatus {
  stage: ManifestStage;
  /** 0–100 while downloading or storing. */
  percent?: number;
  /** The sentence to show when the last check or update failed (the current Manifest stays in use). */
  error?: string;
  /** When the worker last asked Bungie for the Manifest version (success or not). */
  lastCheckedAt?: number;
  /** When the Manifest was last confirmed current or updated. */
  lastSuccessAt?: number;
  /** When the worker will try again after a failure. */
  retryAt?: number;
  updatedAt: number;
}

/** The active Manifest, or undefined before the first complete ingest. */
export async function readActive(db: VaultRaiderDB): Promise<ActiveManifest | undefined> {
  return (await db.meta.get(META_ACTIVE))?.value as ActiveManifest | undefined;
}

/** The current status row, or a neutral one before the first check. */
export async function readStatus(db: VaultRaiderDB): Promise<ManifestStatus> {
  return ((await db.meta.get(META_STATUS))?.value as ManifestStatus | undefined) ?? { stage: 'idle', updatedAt: 0 };
}

/** Merge `patch` into the status row (fields set to undefined are cleared). */
export async function patchStatus(db: VaultRaiderDB, patch: Partial<ManifestStatus>, now: number): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const current = await readStatus(db);
    const next: ManifestStatus = { ...current, ...patch, updatedAt: now };
    for (const key of Object.keys(next) as (keyof ManifestStatus)[]) if (next[key] === undefined) delete next[key];
    await db.meta.put({ key: META_STATUS, value: next });
  });
}
