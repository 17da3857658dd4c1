import type { DestinyManifest } from 'bungie-api-ts/destiny2';
import type { Database, SqlJsStatic } from 'sql.js';
import type { DefinitionRow, VaultRaiderDB } from '../db/schema';
import { ManifestError, type ManifestFailure } from './errors';
import {
  classifyFailure,
  freeStorageBytes,
  isQuotaError,
  networkDelayMinutes,
  QUOTA_HEADROOM_BYTES,
  readRetry,
  writeRetry,
  type RetryState,
} from './retry';
import { countRows, openManifestDb, readTable, tableNames, unzipContent } from './sqlite';
import { META_ACTIVE, META_LAST_INGEST, patchStatus, readActive, readStatus, type ActiveManifest } from './state';
import { trimDefinition } from './trim';
import { MANIFEST_TABLES, type ManifestTable } from './types';
import { manifestTarget, type ManifestTarget } from './version';

/** The two HTTP calls the pipeline makes; the worker passes the Bungie client, tests pass fixture files. */
export interface ManifestSource {
  /** `GET /Platform/Destiny2/Manifest/`, unwrapped (throws on ErrorCode ≠ 1, e.g. 5 SystemDisabled). */
  getManifest(): Promise<DestinyManifest>;
  /** Download a `/common/destiny2_content/…` path; `onProgress` gets bytes received and the total when known. */
  download(
    path: string,
    onProgress?: (loaded: number, total?: number) => void,
    signal?: AbortSignal,
  ): Promise<Uint8Array>;
}

export interface PipelineDeps {
  db: VaultRaiderDB;
  source: ManifestSource;
  loadSql: () => Promise<SqlJsStatic>;
  /** Browser UI language (BCP 47); the Manifest language follows it when Bungie has it. */
  uiLanguage?: string;
  now?: () => number;
  /** Rows per IndexedDB transaction. */
  batchSize?: number;
  signal?: AbortSignal;
  /** Abort the download when no bytes arrived for this long (default 60 s). */
  stallMs?: number;
  /** Refuse a download whose declared or actual size is above this (default MAX_DOWNLOAD_BYTES). */
  maxDownloadBytes?: number;
  /** `navigator.storage.estimate()` (injected so tests can say how much room there is). */
  storageEstimate?: () => Promise<StorageEstimate | undefined>;
}

/** No bytes for this long and the download is aborted: a hung connection must not block updates forever. */
export const DEFAULT_STALL_MS = 60_000;
/**
 * Size cap of the content zip. Today's English SQLite zip is about 20–30 MB (~190 MB unzipped); 150 MB leaves room for
 * five to seven times that growth, yet keeps a lying server from filling memory (the zip is held whole in memory, then
 * unzipped beside it).
 */
export const MAX_DOWNLOAD_BYTES = 150 * 1024 * 1024;

/** Milliseconds spent per step of an ingest (read = decode + parse + trim; write = waiting on IndexedDB). */
export interface IngestTimings {
  check: number;
  download: number;
  unzip: number;
  open: number;
  read: number;
  write: number;
  activate: number;
  total: number;
  bytes: number;
  databaseBytes: number;
  rows: number;
}

export type CheckResult =
  | { outcome: 'unchanged'; version: string }
  | { outcome: 'updated'; version: string; previous?: string; timings: IngestTimings }
  | {
      outcome: 'failed';
      error: string;
      kind?: string;
      kept?: string;
      /** When an automatic retry makes sense (network trouble); undefined when waiting for Bungie or a local cause. */
      retryAt?: number;
    };

const TABLES = Object.keys(MANIFEST_TABLES) as ManifestTable[];

/**
 * Check Bungie's Manifest and, when our version key changed, ingest the new one. Bungie: the version key is the
 * content path of our language (files can change without `version` changing). The new version is written under its
 * own key and only becomes active once complete, so lookups never see half a Manifest; the old version's rows are
 * deleted after the switch. On any failure the current Manifest stays active and the status carries a sentence.
 */
export async function checkManifest(
  deps: PipelineDeps,
  { force = false, manual = false }: { force?: boolean; manual?: boolean } = {},
): Promise<CheckResult> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const started = now();
  const active = await readActive(db);
  const retry = await readRetry(db);
  // Network back-off: automatic checks wait; a user's "check now" (`manual`) may try at once.
  if (!manual && retry.network && started < retry.network.notBefore) {
    const status = await readStatus(db);
    return {
      outcome: 'failed',
      error: status.error ?? failureSentence(undefined, 'unreachable', active !== undefined, retry.network.failures),
      kind: 'deferred',
      kept: active?.version,
      retryAt: retry.network.notBefore,
    };
  }
  let target: ManifestTarget | undefined;
  try {
    await patchStatus(db, { stage: 'checking', percent: undefined, lastCheckedAt: started }, now());
    await removeIncompleteVersions(db, active?.version);
    target = manifestTarget(await deps.source.getManifest(), deps.uiLanguage);
    if (!force && active?.version === target.key) {
      await writeRetry(db, {});
      await patchStatus(db, { stage: 'ready', error: undefined, retryAt: undefined, lastSuccessAt: now() }, now());
      return { outcome: 'unchanged', version: target.key };
    }
    if (retry.badContentPath === target.contentPath) {
      throw new ManifestError(
        'known-bad',
        'The item database file Bungie.net offers was already found damaged or too large',
        target.contentPath,
      );
    }
    const timings = await ingest(deps, target, now() - started, retry);
    await writeRetry(db, {});
    return { outcome: 'updated', version: target.key, previous: active?.version, timings };
  } catch (caught) {
    const error = isQuotaError(caught) ? quotaError(caught) : caught;
    // Re-read: a failure after the switch (while deleting the old rows) must not delete the now-active version.
    const current = (await readActive(db).catch(() => active))?.version;
    if (target && target.key !== current) await removeVersion(db, target.key).catch(() => undefined);
    const kind = error instanceof ManifestError ? error.kind : undefined;
    const next = await nextRetryState(deps, retry, kind, target, now());
    await writeRetry(db, next).catch(() => undefined);
    const sentence = failureSentence(error, kind, current !== undefined, next.network?.failures ?? 0);
    const retryAt = classifyFailure(kind) === 'network' ? next.network?.notBefore : undefined;
    await patchStatus(db, { stage: 'error', percent: undefined, error: sentence, retryAt }, now());
    return { outcome: 'failed', error: sentence, kind, kept: current, retryAt };
  }
}

function quotaError(error: unknown): ManifestError {
  return new ManifestError(
    'quota',
    'There is not enough storage space on this computer for the new item database',
    String(error),
  );
}

/** The retry state after a failure of `kind` (see retry.ts for the rules). */
async function nextRetryState(
  deps: PipelineDeps,
  previous: RetryState,
  kind: ManifestFailure | undefined,
  target: ManifestTarget | undefined,
  at: number,
): Promise<RetryState> {
  const next: RetryState = { ...previous };
  switch (classifyFailure(kind)) {
    case 'network': {
      const failures = (previous.network?.failures ?? 0) + 1;
      next.network = { failures, notBefore: at + networkDelayMinutes(failures) * 60_000 };
      break;
    }
    case 'bad-file':
      delete next.network;
      if (target) next.badContentPath = target.contentPath;
      break;
    case 'local':
      delete next.network;
      next.local =
        kind === 'quota'
          ? { cause: 'quota', at, freeBytes: await freeStorageBytes(deps.storageEstimate) }
          : { cause: 'sqljs', at };
      break;
  }
  return next;
}

/** Turn a failure into the one sentence we show: what went wrong, that the current data stays, and what happens next. */
function failureSentence(
  error: unknown,
  kind: ManifestFailure | undefined,
  hasManifest: boolean,
  networkFailures: number,
): string {
  const reason =
    typeof error === 'object' && error !== null && typeof (error as { userMessage?: unknown }).userMessage === 'string'
      ? (error as { userMessage: string }).userMessage
      : 'Bungie.net could not be reached to update the item database';
  const keep = hasManifest ? 'Vault Raider keeps using the current item database and ' : 'Vault Raider ';
  let next: string;
  switch (classifyFailure(kind)) {
    case 'bad-file':
      next = 'will not download that file again until Bungie.net publishes a new one';
      break;
    case 'local':
      next =
        kind === 'quota'
          ? 'will download it again once more storage space is free or the browser restarts'
          : 'will download nothing until its database engine loads again (at the next check or browser start)';
      break;
    default: {
      const minutes = networkDelayMinutes(networkFailures);
      next = `will try again in ${minutes < 60 ? `${minutes} minutes` : `${minutes / 60} hours`}`;
    }
  }
  return `${reason.replace(/[.\s]+$/, '')}; ${keep}${next}.`;
}

async function ingest(
  deps: PipelineDeps,
  target: ManifestTarget,
  checkMs: number,
  retry: RetryState,
): Promise<IngestTimings> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const clock = () => performance.now();
  const t0 = clock();
  const timings: IngestTimings = {
    check: checkMs,
    download: 0,
    unzip: 0,
    open: 0,
    read: 0,
    write: 0,
    activate: 0,
    total: 0,
    bytes: 0,
    databaseBytes: 0,
    rows: 0,
  };

  const sqlite = await downloadAndOpen(deps, target, timings, retry);
  try {
    const present = tableNames(sqlite);
    const missing = TABLES.filter((name) => !present.has(MANIFEST_TABLES[name]));
    if (missing.length) {
      throw new ManifestError(
        'missing-table',
        'The downloaded item database is missing data Vault Raider needs.',
        missing.map((name) => MANIFEST_TABLES[name]).join(', '),
      );
    }
    await writeVersion(deps, sqlite, target, timings);
  } finally {
    sqlite.close();
  }

  const t = clock();
  const previous = await activate(db, target, now());
  timings.activate = clock() - t;
  timings.total = clock() - t0 + checkMs;
  await db.meta.put({ key: META_LAST_INGEST, value: { version: target.key, at: now(), ...timings } });
  await patchStatus(
    db,
    { stage: 'ready', percent: undefined, error: undefined, retryAt: undefined, lastSuccessAt: now() },
    now(),
  );
  // Best effort: the new version is active either way, and the next check removes whatever is left.
  if (previous && previous !== target.key) await removeVersion(db, previous).catch(() => undefined);
  return timings;
}

/**
 * Download the content zip, unzip it and open it in sql.js. The zip lives only in `fetchDatabase`'s frame and the
 * unzipped bytes only until sql.js holds its own copy, so both can be collected early (peak memory matters: the full
 * Manifest is ~190 MB of SQLite). Local causes are ruled out first, so a broken sql.js or a full disk costs no
 * download: sql.js is loaded, and after a quota failure the storage estimate must show room again.
 */
async function downloadAndOpen(
  deps: PipelineDeps,
  target: ManifestTarget,
  timings: IngestTimings,
  retry: RetryState,
): Promise<Database> {
  let SQL: SqlJsStatic;
  try {
    SQL = await deps.loadSql();
  } catch (error) {
    throw new ManifestError(
      'sqljs',
      'Vault Raider could not start its database engine (sql.js) in this browser',
      String(error),
    );
  }
  if (retry.local?.cause === 'quota') {
    const free = await freeStorageBytes(deps.storageEstimate);
    const needed = (retry.local.freeBytes ?? Number.POSITIVE_INFINITY) + QUOTA_HEADROOM_BYTES;
    if (free === undefined || free < needed) {
      throw new ManifestError(
        'quota',
        'There is still not enough storage space on this computer for the new item database',
        `free ${free ?? 'unknown'} bytes`,
      );
    }
  }
  const bytes = await fetchDatabase(deps, target, timings);
  return openDatabase(SQL, bytes, timings);
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * Fetch the content zip, watching it: no bytes for `stallMs` aborts it, and so does a declared (Content-Length) or
 * actual size above `maxDownloadBytes`. The race with `aborted` settles even if a source ignores the signal.
 */
async function fetchDatabase(deps: PipelineDeps, target: ManifestTarget, timings: IngestTimings): Promise<Uint8Array> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const stallMs = deps.stallMs ?? DEFAULT_STALL_MS;
  const cap = deps.maxDownloadBytes ?? MAX_DOWNLOAD_BYTES;
  const clock = () => performance.now();
  const t0 = clock();
  let lastWrite = 0;
  let lastPercent = -1;
  await patchStatus(db, { stage: 'downloading', percent: 0 }, now());

  const controller = new AbortController();
  let failure: unknown;
  let rejectAborted: (error: unknown) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => (rejectAborted = reject));
  aborted.catch(() => undefined);
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = error;
    controller.abort(error);
    rejectAborted(error);
  };
  const onOuterAbort = () => fail(deps.signal?.reason ?? new Error('aborted'));
  if (deps.signal?.aborted) onOuterAbort();
  deps.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const armStall = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      const seconds = Math.round(stallMs / 1000);
      fail(
        new ManifestError(
          'stalled',
          `The item database download stopped because no data came from Bungie.net for ${seconds} seconds`,
        ),
      );
    }, stallMs);
  };
  const tooLarge = (size: number, declared: boolean) =>
    new ManifestError(
      'too-large',
      `The item database file Bungie.net offers is ${declared ? 'declared as ' : ''}${megabytes(size)}, more than the ${megabytes(cap)} Vault Raider accepts, so it was not downloaded`,
      `${declared ? 'Content-Length' : 'received'} ${size}`,
    );

  armStall();
  let declared: number | undefined;
  let zip: Uint8Array;
  try {
    zip = await Promise.race([
      deps.source.download(
        target.contentPath,
        (loaded, total) => {
          armStall();
          declared = total;
          if (total !== undefined && total > cap) return fail(tooLarge(total, true));
          if (loaded > cap) return fail(tooLarge(loaded, false));
          if (!total) return;
          const percent = Math.min(100, Math.floor((loaded / total) * 100));
          const at = now();
          // Progress goes through IndexedDB for the pages' live queries: a few writes per second is plenty.
          if (percent !== lastPercent && (at - lastWrite >= 150 || percent === 100)) {
            lastPercent = percent;
            lastWrite = at;
            void patchStatus(db, { stage: 'downloading', percent }, at);
          }
        },
        controller.signal,
      ),
      aborted,
    ]);
    if (failure !== undefined) throw failure;
    if (zip.byteLength > cap) throw tooLarge(zip.byteLength, false);
  } catch (error) {
    const cause = failure ?? error;
    if (cause instanceof ManifestError) throw cause;
    throw new ManifestError('download', 'The item database could not be downloaded from Bungie.net', String(cause));
  } finally {
    clearTimeout(stallTimer);
    deps.signal?.removeEventListener('abort', onOuterAbort);
  }
  timings.bytes = zip.byteLength;
  timings.download = clock() - t0;
  await patchStatus(db, { stage: 'reading', percent: undefined }, now());
  const t = clock();
  let bytes: Uint8Array;
  try {
    bytes = await unzipContent(zip);
  } catch (error) {
    // Fewer bytes than declared and no valid zip: the transfer was cut off, which is network trouble, not a bad file
    // (the file itself may be fine, so its path must not be remembered as damaged).
    if (declared !== undefined && zip.byteLength < declared) {
      throw new ManifestError(
        'download',
        'The item database download was cut off before the end',
        `${zip.byteLength} of ${declared} bytes`,
      );
    }
    throw error;
  }
  timings.unzip = clock() - t;
  return bytes;
}

function openDatabase(SQL: SqlJsStatic, bytes: Uint8Array, timings: IngestTimings): Database {
  const t = performance.now();
  timings.databaseBytes = bytes.byteLength;
  const sqlite = openManifestDb(SQL, bytes);
  timings.open = performance.now() - t;
  return sqlite;
}

async function writeVersion(
  deps: PipelineDeps,
  sqlite: Database,
  target: ManifestTarget,
  timings: IngestTimings,
): Promise<void> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const batchSize = deps.batchSize ?? 2000;
  const clock = () => performance.now();
  await db.manifestVersions.put({
    version: target.key,
    bungieVersion: target.bungieVersion,
    language: target.language,
    state: 'writing',
    startedAt: now(),
  });
  const totals = Object.fromEntries(TABLES.map((name) => [name, countRows(sqlite, MANIFEST_TABLES[name])]));
  const grandTotal = Object.values(totals).reduce((a, b) => a + b, 0) || 1;
  const rowCounts: Partial<Record<ManifestTable, number>> = {};
  const decoder = new TextDecoder();
  let done = 0;
  let lastPercent = -1;
  await patchStatus(db, { stage: 'storing', percent: 0 }, now());

  // One batch is written while the next is parsed, so sql.js reading and IndexedDB writing overlap.
  let pending: Promise<unknown> | undefined;
  for (const table of TABLES) {
    let count = 0;
    let t = clock();
    for (const raw of readTable(sqlite, MANIFEST_TABLES[table], batchSize)) {
      deps.signal?.throwIfAborted();
      const rows: DefinitionRow[] = raw.map(({ hash, json }) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(typeof json === 'string' ? json : decoder.decode(json));
        } catch (error) {
          throw new ManifestError('corrupt', 'The downloaded item database holds damaged definitions.', String(error));
        }
        const def = trimDefinition(table, parsed, hash);
        return { version: target.key, table, hash, json: JSON.stringify(def) };
      });
      timings.read += clock() - t;
      t = clock();
      if (pending) await pending;
      timings.write += clock() - t;
      pending = db.definitions.bulkPut(rows);
      count += rows.length;
      done += rows.length;
      timings.rows += rows.length;
      const percent = Math.floor((done / grandTotal) * 100);
      if (percent !== lastPercent) {
        lastPercent = percent;
        void patchStatus(db, { stage: 'storing', percent }, now());
      }
      t = clock();
    }
    timings.read += clock() - t;
    rowCounts[table] = count;
  }
  const t = clock();
  if (pending) await pending;
  timings.write += clock() - t;
  await db.manifestVersions.update(target.key, { rowCounts });
}

/** Mark the version complete and make it the active one in one transaction; returns the version it replaced. */
async function activate(db: VaultRaiderDB, target: ManifestTarget, at: number): Promise<string | undefined> {
  return db.transaction('rw', db.manifestVersions, db.meta, async () => {
    const row = await db.manifestVersions.get(target.key);
    const previous = await readActive(db);
    await db.manifestVersions.update(target.key, { state: 'ready', finishedAt: at });
    const active: ActiveManifest = {
      version: target.key,
      bungieVersion: target.bungieVersion,
      language: target.language,
      activatedAt: at,
      rowCounts: row?.rowCounts ?? {},
    };
    await db.meta.put({ key: META_ACTIVE, value: active });
    return previous?.version;
  });
}

/** Delete one version's definitions, its hot set and (last, so a crash leaves it findable) its book-keeping row. */
export async function removeVersion(db: VaultRaiderDB, version: string): Promise<void> {
  // [version] sorts before every [version, table, hash] key and [version, []] after them (arrays > strings).
  await db.definitions.where('[version+table+hash]').between([version], [version, []]).delete();
  await db.manifestHot.delete(version);
  await db.manifestVersions.delete(version);
}

/**
 * Remove every version that is not the active one: a worker killed mid-ingest leaves a `writing` version (and
 * possibly a `ready` one killed between the switch and the clean-up); both are garbage once we start again. The
 * book-keeping row is written before the first definition and deleted after the last, so it finds them all.
 */
export async function removeIncompleteVersions(
  db: VaultRaiderDB,
  activeVersion: string | undefined,
): Promise<string[]> {
  const known = [
    ...(await db.manifestVersions.toCollection().primaryKeys()),
    ...(await db.manifestHot.toCollection().primaryKeys()),
  ];
  const stale = [...new Set(known.map(String))].filter((v) => v !== activeVersion);
  for (const version of stale) await removeVersion(db, version);
  return stale;
}
