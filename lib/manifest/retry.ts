import type { VaultRaiderDB } from '../db/schema';
import type { ManifestFailure } from './errors';

/**
 * Retry policy of the Manifest pipeline, by kind of failure (issue 12 part 4). The state lives in Dexie `meta` so a
 * worker restart keeps it:
 * - network trouble (maintenance, unreachable, a failed or stalled download): wait 5, 10, 20 … minutes, capped at
 *   4 hours; "check now" on the options page may try earlier;
 * - a bad file (damaged, no database, missing tables, too large): remember its content path and never fetch it again;
 *   the next check that sees another path published tries that one;
 * - a local failure: sql.js is loaded before every download, so a broken sql.js never costs a download; after a
 *   storage quota failure no download starts until the storage estimate shows at least QUOTA_HEADROOM_BYTES more
 *   free space than at the failure, or the browser starts again (the quota may have changed).
 */
export const META_RETRY = 'manifest.retry';

export const NETWORK_FIRST_DELAY_MINUTES = 5;
export const NETWORK_MAX_DELAY_MINUTES = 240;
export const QUOTA_HEADROOM_BYTES = 64 * 1024 * 1024;

export type FailureClass = 'network' | 'bad-file' | 'local';

export interface RetryState {
  /** Consecutive network failures and the earliest time an automatic check may run again. */
  network?: { failures: number; notBefore: number };
  /** Content path of a file found damaged or too large; not fetched again until Bungie publishes another. */
  badContentPath?: string;
  /** A local cause that blocks downloads until it is gone. */
  local?: { cause: 'sqljs' | 'quota'; at: number; freeBytes?: number };
}

const BAD_FILE: ReadonlySet<ManifestFailure> = new Set([
  'too-large',
  'corrupt',
  'no-database',
  'missing-table',
  'known-bad',
]);

/** Which retry rule a failure falls under; anything unknown (no API key, a thrown TypeError…) waits like network. */
export function classifyFailure(kind: ManifestFailure | undefined): FailureClass {
  if (kind && BAD_FILE.has(kind)) return 'bad-file';
  if (kind === 'sqljs' || kind === 'quota') return 'local';
  return 'network';
}

/** Minutes to wait after the `failures`-th network failure in a row: 5, 10, 20, … capped at 4 hours. */
export function networkDelayMinutes(failures: number): number {
  const n = Math.max(1, failures);
  return Math.min(NETWORK_MAX_DELAY_MINUTES, NETWORK_FIRST_DELAY_MINUTES * 2 ** (n - 1));
}

export async function readRetry(db: VaultRaiderDB): Promise<RetryState> {
  return ((await db.meta.get(META_RETRY))?.value as RetryState | undefined) ?? {};
}

export async function writeRetry(db: VaultRaiderDB, state: RetryState): Promise<void> {
  if (!state.network && !state.badContentPath && !state.local) await db.meta.delete(META_RETRY);
  else await db.meta.put({ key: META_RETRY, value: state });
}

/** The browser started again: a quota block is lifted (the next check re-measures on failure). */
export async function clearLocalBlock(db: VaultRaiderDB): Promise<void> {
  const state = await readRetry(db);
  if (!state.local) return;
  delete state.local;
  await writeRetry(db, state);
}

/** Free bytes per `navigator.storage.estimate()`, or undefined where the browser cannot tell. */
export async function freeStorageBytes(
  estimate: (() => Promise<StorageEstimate | undefined>) | undefined,
): Promise<number | undefined> {
  try {
    const e = await estimate?.();
    if (!e || typeof e.quota !== 'number' || typeof e.usage !== 'number') return undefined;
    return Math.max(0, e.quota - e.usage);
  } catch {
    return undefined;
  }
}

/** The platform's storage estimate (worker and pages), if any. */
export function platformStorageEstimate(): Promise<StorageEstimate | undefined> {
  const storage = globalThis.navigator?.storage;
  return storage?.estimate ? storage.estimate() : Promise.resolve(undefined);
}

/** IndexedDB's "disk full / over quota", as Dexie or the platform raise it (possibly wrapped). */
export function isQuotaError(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return true;
    e = (e as { inner?: unknown; cause?: unknown }).inner ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
