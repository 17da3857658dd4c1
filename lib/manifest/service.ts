import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { browser } from 'wxt/browser';
import { getBungieHttp } from '../session/services';
import { getDb, type VaultRaiderDB } from '../db/schema';
import type { HandlerSet } from '../messaging/messages';
import { onBulkItemLookup, onUnresolvedHashes, rememberHotItems } from './lookup';
import type { ManifestMessages } from './messages';
import { checkManifest, DEFAULT_STALL_MS, MAX_DOWNLOAD_BYTES, type CheckResult, type ManifestSource } from './pipeline';
import { clearLocalBlock, platformStorageEstimate } from './retry';
import { manifestSourceFrom } from './source';
import { META_LAST_RECHECK, readActive, readStatus } from './state';

/** Alarm names owned by the Manifest service. */
export const ALARM_HOURLY = 'manifest-check';
export const ALARM_RETRY = 'manifest-retry';
export const ALARM_RECHECK = 'manifest-recheck';

/**
 * Hourly by default (issue 6); a recheck for unknown hashes at most every 5 minutes. After a failure the pipeline
 * decides when to retry (retry.ts: network trouble 5, 10, 20 … minutes; a bad file or a local cause: no timed retry).
 */
export const CHECK_PERIOD_MINUTES = 60;
export const RECHECK_MIN_INTERVAL_MS = 5 * 60_000;
/** Quiet time before the worker stores the account's hot definitions. */
export const HOT_SET_DELAY_MS = 2_000;

export interface ManifestServiceDeps {
  db: VaultRaiderDB;
  /** The Bungie client as a ManifestSource; resolved lazily so sign-in state and settings are current. */
  getSource: () => ManifestSource | Promise<ManifestSource>;
  loadSql: () => Promise<SqlJsStatic>;
  uiLanguage: () => string | undefined;
  now: () => number;
  /** No bytes for this long aborts a download (default 60 s; test builds may set WXT_VR_MANIFEST_STALL_MS). */
  stallMs: number;
  maxDownloadBytes: number;
  storageEstimate: () => Promise<StorageEstimate | undefined>;
}

/** A knob that exists only in non-production builds: e2e tests shorten the stall timeout with it. */
function testBuildStallMs(): number | undefined {
  const env = import.meta.env;
  if (env.MODE === 'production') return undefined;
  const value = Number(env.WXT_VR_MANIFEST_STALL_MS);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

let deps: ManifestServiceDeps | undefined;
let running: Promise<CheckResult> | undefined;
let sqlPromise: Promise<SqlJsStatic> | undefined;

/** sql.js with its wasm shipped in the package (`/sql-wasm-browser.wasm`); MV3 CSP needs 'wasm-unsafe-eval'. */
export function loadSqlFromExtension(): Promise<SqlJsStatic> {
  sqlPromise ??= initSqlJs({ locateFile: (file: string) => browser.runtime.getURL(`/${file}` as '/') }).catch(
    (error: unknown) => {
      sqlPromise = undefined;
      throw error;
    },
  );
  return sqlPromise;
}

function browserLanguage(): string | undefined {
  try {
    return browser.i18n.getUILanguage();
  } catch {
    return globalThis.navigator?.language;
  }
}

function requireDeps(): ManifestServiceDeps {
  if (!deps) throw new Error('Manifest service not started');
  return deps;
}

/**
 * Run one Manifest check (or join the one already running: one ingest at a time, since two would write the same
 * version). After a failure a retry alarm is set; Bungie maintenance windows are usually short.
 */
export function runManifestCheck({ force = false, manual = false } = {}): Promise<CheckResult> {
  const d = requireDeps();
  running ??= (async () => {
    // Chrome stops an extension worker after 30 s without extension events or API calls; a slow download would
    // otherwise be killed (and retried forever). Any API call resets that timer.
    const keepAlive = setInterval(() => void browser.runtime.getPlatformInfo().catch(() => undefined), 20_000);
    try {
      // Resolved inside the pipeline so that a client that cannot start (no API key…) becomes a status sentence.
      const source: ManifestSource = {
        getManifest: async () => (await d.getSource()).getManifest(),
        download: async (path, onProgress, signal) => (await d.getSource()).download(path, onProgress, signal),
      };
      const result = await checkManifest(
        {
          db: d.db,
          source,
          loadSql: d.loadSql,
          uiLanguage: d.uiLanguage(),
          now: d.now,
          stallMs: d.stallMs,
          maxDownloadBytes: d.maxDownloadBytes,
          storageEstimate: d.storageEstimate,
        },
        { force, manual },
      );
      // Only network trouble gets a timed retry; a bad file waits for a new one (the hourly check sees it), a local
      // cause for sql.js to load or storage to free up (each check tests that before downloading anything).
      if (result.outcome === 'failed' && result.retryAt !== undefined) {
        await browser.alarms.create(ALARM_RETRY, { when: result.retryAt });
      } else {
        await browser.alarms.clear(ALARM_RETRY);
      }
      return result;
    } finally {
      clearInterval(keepAlive);
      running = undefined;
    }
  })();
  return running;
}

/**
 * Ask for a recheck because an item hash could not be resolved. Bungie ships new items (and un-redacts old ones)
 * with a new Manifest, so a miss is a hint; at most one check per 5 minutes, the rest is deferred by an alarm.
 */
export async function requestRecheck(): Promise<boolean> {
  const d = requireDeps();
  const last = ((await d.db.meta.get(META_LAST_RECHECK))?.value as number | undefined) ?? 0;
  const now = d.now();
  if (now - last >= RECHECK_MIN_INTERVAL_MS) {
    await d.db.meta.put({ key: META_LAST_RECHECK, value: now });
    void runManifestCheck();
    return true;
  }
  if (!(await browser.alarms.get(ALARM_RECHECK))) {
    await browser.alarms.create(ALARM_RECHECK, { when: last + RECHECK_MIN_INTERVAL_MS });
  }
  return false;
}

/** Message handlers for pages ("check now" on the options page). */
export const manifestHandlers: HandlerSet<ManifestMessages> = {
  manifestCheckNow: async ({ force }) => {
    const result = await runManifestCheck({ force, manual: true });
    if (result.outcome === 'failed') return { outcome: 'failed', error: result.error };
    return { outcome: result.outcome, version: result.version };
  },
};

/**
 * Register the Manifest listeners and alarms: check at install, at browser start, hourly, and on unresolved hashes.
 * A worker that was killed mid-ingest left a status of downloading/reading/storing (or no active Manifest): it
 * checks again right away, and the check first deletes the incomplete version.
 */
export function startManifestService(overrides: Partial<ManifestServiceDeps> = {}): void {
  deps = {
    db: overrides.db ?? getDb(),
    getSource: overrides.getSource ?? defaultSource,
    loadSql: overrides.loadSql ?? loadSqlFromExtension,
    uiLanguage: overrides.uiLanguage ?? browserLanguage,
    now: overrides.now ?? Date.now,
    stallMs: overrides.stallMs ?? testBuildStallMs() ?? DEFAULT_STALL_MS,
    maxDownloadBytes: overrides.maxDownloadBytes ?? MAX_DOWNLOAD_BYTES,
    storageEstimate: overrides.storageEstimate ?? platformStorageEstimate,
  };
  const d = deps;

  browser.runtime.onInstalled.addListener(() => void runManifestCheck());
  // A new browser session lifts a storage-quota block (the quota may have changed); the check measures again.
  browser.runtime.onStartup.addListener(
    () =>
      void clearLocalBlock(d.db).then(
        () => runManifestCheck(),
        () => runManifestCheck(),
      ),
  );
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM_HOURLY || alarm.name === ALARM_RETRY) void runManifestCheck();
    else if (alarm.name === ALARM_RECHECK) void requestRecheck();
  });
  onUnresolvedHashes(() => void requestRecheck());
  let hotTimer: ReturnType<typeof setTimeout> | undefined;
  onBulkItemLookup((hashes) => {
    // The model is rebuilt after every move with the same hashes: write the hot set once things settle.
    clearTimeout(hotTimer);
    hotTimer = setTimeout(() => void rememberHotItems(hashes, d.db).catch(() => undefined), HOT_SET_DELAY_MS);
  });

  void (async () => {
    if (!(await browser.alarms.get(ALARM_HOURLY))) {
      await browser.alarms.create(ALARM_HOURLY, { periodInMinutes: CHECK_PERIOD_MINUTES });
    }
    const [active, status] = await Promise.all([readActive(d.db), readStatus(d.db)]);
    const interrupted = ['checking', 'downloading', 'reading', 'storing'].includes(status.stage);
    if (!active || interrupted) void runManifestCheck();
  })();
}

/** The worker's one Bungie client (lib/bungie owns HTTP, API key, rate limits and error mapping). */
async function defaultSource(): Promise<ManifestSource> {
  return manifestSourceFrom(await getBungieHttp());
}
