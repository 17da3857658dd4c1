// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DestinyManifest } from 'bungie-api-ts/destiny2';
import { VaultRaiderDB } from '@/lib/db/schema';
import { getActiveManifest, getDefinitions } from '@/lib/manifest/lookup';
import {
  checkManifest,
  DEFAULT_STALL_MS,
  MAX_DOWNLOAD_BYTES,
  type ManifestSource,
  type PipelineDeps,
} from '@/lib/manifest/pipeline';
import {
  classifyFailure,
  clearLocalBlock,
  isQuotaError,
  META_RETRY,
  networkDelayMinutes,
  QUOTA_HEADROOM_BYTES,
  readRetry,
} from '@/lib/manifest/retry';
import { readStatus } from '@/lib/manifest/state';
import { manifestVersionKey } from '@/lib/manifest/version';
import { fakeSource, fixtureManifest, loadSqlNode, manifestWithPath } from './helpers';

const WITHERHOARD = 2357297366;
const V1 = manifestVersionKey(fixtureManifest().mobileWorldContentPaths.en);
const NEW_PATH = '/common/destiny2_content/sqlite/en/world_sql_content_new.content';
const MINUTE = 60_000;

let db: VaultRaiderDB;
let dbName = '';
let n = 0;
let clock = 10_000_000;

function deps(source: ManifestSource, extra: Partial<PipelineDeps> = {}): PipelineDeps {
  return { db, source, loadSql: loadSqlNode, uiLanguage: 'en-US', now: () => clock, ...extra };
}

interface ScriptedSource extends ManifestSource {
  calls: string[];
  aborted: boolean;
}

/**
 * A source whose download sends headers (Content-Length `total`), then `chunks` at `everyMs`, then hangs (or ends
 * when `end` is set). `honourSignal: false` ignores the abort signal, like a broken transport.
 */
function scriptedSource(
  manifest: DestinyManifest,
  script: { total?: number; chunks?: number[]; everyMs?: number; end?: boolean; honourSignal?: boolean },
): ScriptedSource {
  const source: ScriptedSource = {
    calls: [],
    aborted: false,
    async getManifest() {
      source.calls.push('manifest');
      return manifest;
    },
    download(path, onProgress, signal) {
      source.calls.push(`download ${path}`);
      return new Promise<Uint8Array>((resolve, reject) => {
        if (script.honourSignal !== false) {
          signal?.addEventListener('abort', () => {
            source.aborted = true;
            reject(new Error('The operation was aborted'));
          });
        }
        onProgress?.(0, script.total);
        let loaded = 0;
        const chunks = [...(script.chunks ?? [])];
        const next = () => {
          if (signal?.aborted) return;
          const size = chunks.shift();
          if (size === undefined) {
            if (script.end) resolve(new Uint8Array(loaded));
            return;
          }
          loaded += size;
          onProgress?.(loaded, script.total);
          setTimeout(next, script.everyMs ?? 0);
        };
        setTimeout(next, script.everyMs ?? 0);
      });
    },
  };
  return source;
}

/** The fixture's content file served under another path (a good new version as Bungie would publish it). */
function fixtureUnder(path: string) {
  const source = fakeSource({ manifest: manifestWithPath(path) });
  const original = source.download.bind(source);
  source.download = (p, ...rest) => original(p === path ? fixtureManifest().mobileWorldContentPaths.en : p, ...rest);
  return source;
}

async function expectV1StillActive(): Promise<void> {
  expect((await getActiveManifest(db))?.version).toBe(V1);
  expect((await getDefinitions('InventoryItem', [WITHERHOARD], db)).get(WITHERHOARD)?.name).toBe('Witherhoard');
}

function downloads(source: { calls: string[] }): string[] {
  return source.calls.filter((c) => c.startsWith('download'));
}

/** One sentence: a single final full stop, no codes. */
function expectOneSentence(text: string | undefined): void {
  expect(text).toBeTruthy();
  expect(text!.trim().match(/[.!?](\s|$)/g)).toHaveLength(1);
  expect(text).not.toMatch(/\b(ErrorCode|undefined|null|NaN|TypeError|Error:)\b/);
}

beforeEach(async () => {
  dbName = `manifest-retry-${++n}`;
  db = new VaultRaiderDB(dbName);
  clock = 10_000_000;
  expect((await checkManifest(deps(fakeSource()))).outcome).toBe('updated');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

describe('stall timeout', () => {
  it('is 60 s by default', () => {
    expect(DEFAULT_STALL_MS).toBe(60_000);
  });

  it('aborts a download that sends headers and some bytes, then nothing; the old Manifest stays and one sentence says so', async () => {
    const source = scriptedSource(manifestWithPath(NEW_PATH), { total: 1000, chunks: [100] });
    const result = await checkManifest(deps(source, { stallMs: 60 }));
    expect(result.outcome).toBe('failed');
    if (result.outcome !== 'failed') return;
    expect(result.kind).toBe('stalled');
    expect(source.aborted).toBe(true);
    expect(result.error).toMatch(/no data came from Bungie\.net for \d+ seconds?/);
    expect(result.error).toMatch(/keeps using the current item database/);
    expectOneSentence(result.error);
    expect((await readStatus(db)).error).toBe(result.error);
    await expectV1StillActive();
    expect(await db.manifestVersions.count()).toBe(1);
  });

  it('settles even when the transport ignores the abort signal', async () => {
    const source = scriptedSource(manifestWithPath(NEW_PATH), { total: 1000, honourSignal: false });
    const result = await checkManifest(deps(source, { stallMs: 40 }));
    expect(result.outcome === 'failed' && result.kind).toBe('stalled');
    await expectV1StillActive();
  });

  it('does not abort a slow download that keeps sending bytes (the timeout is per silence, not per download)', async () => {
    // 8 chunks 30 ms apart take ~240 ms, four times the stall timeout; the file is not a zip, so it ends as corrupt.
    const source = scriptedSource(manifestWithPath(NEW_PATH), {
      total: 800,
      chunks: [100, 100, 100, 100, 100, 100, 100, 100],
      everyMs: 30,
      end: true,
    });
    const result = await checkManifest(deps(source, { stallMs: 60 }));
    expect(result.outcome === 'failed' && result.kind).toBe('corrupt');
    expect(source.aborted).toBe(false);
  });
});

describe('size cap', () => {
  it('is 150 MB by default', () => {
    expect(MAX_DOWNLOAD_BYTES).toBe(150 * 1024 * 1024);
  });

  it('refuses a declared Content-Length above the cap before reading the body', async () => {
    const source = scriptedSource(manifestWithPath(NEW_PATH), { total: 5000, chunks: [100], everyMs: 20 });
    const result = await checkManifest(deps(source, { maxDownloadBytes: 1000 }));
    expect(result.outcome === 'failed' && result.kind).toBe('too-large');
    expect(source.aborted).toBe(true);
    expect(result.outcome === 'failed' && result.error).toMatch(/more than the \d+ MB Vault Raider accepts/);
    expectOneSentence(result.outcome === 'failed' ? result.error : undefined);
    await expectV1StillActive();
  });

  it('aborts a body that grows past the cap when no size was declared', async () => {
    const source = scriptedSource(manifestWithPath(NEW_PATH), { chunks: [600, 600, 600, 600], everyMs: 5, end: true });
    const result = await checkManifest(deps(source, { maxDownloadBytes: 1000 }));
    expect(result.outcome === 'failed' && result.kind).toBe('too-large');
    expect(source.aborted).toBe(true);
    await expectV1StillActive();
  });

  it('refuses a file larger than its declared size (the source reports no progress)', async () => {
    const source: ManifestSource = {
      getManifest: async () => manifestWithPath(NEW_PATH),
      download: async () => new Uint8Array(2000),
    };
    const result = await checkManifest(deps(source, { maxDownloadBytes: 1000 }));
    expect(result.outcome === 'failed' && result.kind).toBe('too-large');
  });
});

describe('sql.js is ready before the download starts', () => {
  it('loads sql.js before asking for the file', async () => {
    const order: string[] = [];
    const source = fixtureUnder(NEW_PATH);
    const original = source.download.bind(source);
    source.download = (...args) => {
      order.push('download');
      return original(...args);
    };
    await checkManifest(
      deps(source, {
        loadSql: async () => {
          order.push('sql start');
          await new Promise((r) => setTimeout(r, 20));
          order.push('sql ready');
          return loadSqlNode();
        },
      }),
    );
    expect(order).toEqual(['sql start', 'sql ready', 'download']);
  });

  it('a broken sql.js costs no download, keeps the Manifest, and the next check downloads once it loads', async () => {
    const source = fixtureUnder(NEW_PATH);
    const broken = () => Promise.reject(new Error('WebAssembly.instantiate(): CompileError'));
    const result = await checkManifest(deps(source, { loadSql: broken }));
    expect(result.outcome === 'failed' && result.kind).toBe('sqljs');
    expect(result.outcome === 'failed' && result.retryAt).toBeUndefined();
    expect(downloads(source)).toEqual([]);
    expectOneSentence(result.outcome === 'failed' ? result.error : undefined);
    expect(result.outcome === 'failed' && result.error).toMatch(/database engine/);
    await expectV1StillActive();
    expect((await readRetry(db)).local?.cause).toBe('sqljs');
    // Still broken: still no download.
    await checkManifest(deps(source, { loadSql: broken }));
    expect(downloads(source)).toEqual([]);
    // sql.js loads again: the download goes ahead.
    expect((await checkManifest(deps(source))).outcome).toBe('updated');
    expect(downloads(source)).toHaveLength(1);
    expect(await db.meta.get(META_RETRY)).toBeUndefined();
  });
});

describe('back-off by kind of failure', () => {
  it('classifies failures', () => {
    expect(classifyFailure('stalled')).toBe('network');
    expect(classifyFailure('download')).toBe('network');
    expect(classifyFailure('maintenance')).toBe('network');
    expect(classifyFailure(undefined)).toBe('network');
    expect(classifyFailure('corrupt')).toBe('bad-file');
    expect(classifyFailure('too-large')).toBe('bad-file');
    expect(classifyFailure('missing-table')).toBe('bad-file');
    expect(classifyFailure('sqljs')).toBe('local');
    expect(classifyFailure('quota')).toBe('local');
  });

  it('network delays double from 5 minutes and stop at 4 hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 12].map(networkDelayMinutes)).toEqual([5, 10, 20, 40, 80, 160, 240, 240]);
  });

  it('network trouble: no automatic check before the back-off ends, then 5, 10, 20 minutes; success resets it', async () => {
    const failing = fakeSource({ failManifest: new Error('fetch failed') });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = clock;
      const result = await checkManifest(deps(failing));
      expect(result.outcome).toBe('failed');
      if (result.outcome !== 'failed') return;
      delays.push((result.retryAt! - start) / MINUTE);
      expect((await readStatus(db)).retryAt).toBe(result.retryAt);
      expectOneSentence(result.error);
      expect(result.error).toMatch(new RegExp(`try again in ${delays[i]} minutes`));
      // An automatic check during the back-off asks Bungie nothing.
      failing.calls.length = 0;
      clock = result.retryAt! - 1;
      const early = await checkManifest(deps(failing));
      expect(early.outcome === 'failed' && early.kind).toBe('deferred');
      expect(failing.calls).toEqual([]);
      clock = result.retryAt!;
    }
    expect(delays).toEqual([5, 10, 20]);
    await expectV1StillActive();
    // A fourth failure waits 40 minutes; Bungie is back meanwhile, but only "check now" (manual) asks it early.
    const fourth = await checkManifest(deps(failing));
    expect(fourth.outcome === 'failed' && fourth.retryAt).toBe(clock + 40 * MINUTE);
    clock += MINUTE;
    const ok = fakeSource();
    expect((await checkManifest(deps(ok))).outcome).toBe('failed');
    expect(ok.calls).toEqual([]);
    expect((await checkManifest(deps(ok), { manual: true })).outcome).toBe('unchanged');
    expect(await db.meta.get(META_RETRY)).toBeUndefined();
  });

  it('a stalled download counts as network trouble', async () => {
    const result = await checkManifest(
      deps(scriptedSource(manifestWithPath(NEW_PATH), { total: 10 }), { stallMs: 30 }),
    );
    expect(result.outcome === 'failed' && result.retryAt).toBe(clock + 5 * MINUTE);
  });

  it('a corrupt file is never fetched again; a newly published path is', async () => {
    const bad = fakeSource({
      manifest: manifestWithPath(NEW_PATH),
      files: { [NEW_PATH]: new Uint8Array([1, 2, 3, 4]) },
    });
    const first = await checkManifest(deps(bad));
    expect(first.outcome === 'failed' && first.kind).toBe('corrupt');
    expect(first.outcome === 'failed' && first.retryAt).toBeUndefined();
    expect(first.outcome === 'failed' && first.error).toMatch(/until Bungie\.net publishes a new one/);
    expect((await readRetry(db)).badContentPath).toBe(NEW_PATH);
    expect(downloads(bad)).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      clock += 60 * MINUTE;
      const again = await checkManifest(deps(bad), { manual: true, force: true });
      expect(again.outcome === 'failed' && again.kind).toBe('known-bad');
      expectOneSentence(again.outcome === 'failed' ? again.error : undefined);
    }
    expect(downloads(bad)).toHaveLength(1);
    await expectV1StillActive();
    // Bungie publishes another path: it is fetched (and this one is good: the fixture file under a new name).
    const fixed = fixtureUnder('/common/destiny2_content/sqlite/en/world_sql_content_fixed.content');
    const result = await checkManifest(deps(fixed));
    expect(result.outcome).toBe('updated');
    expect(await db.meta.get(META_RETRY)).toBeUndefined();
  });

  it('a transfer cut short of its Content-Length is network trouble, not a bad file', async () => {
    const source = scriptedSource(manifestWithPath(NEW_PATH), { total: 5000, chunks: [1000], end: true });
    const result = await checkManifest(deps(source));
    expect(result.outcome === 'failed' && result.kind).toBe('download');
    expect(result.outcome === 'failed' && result.error).toMatch(/cut off before the end/);
    expect((await readRetry(db)).badContentPath).toBeUndefined();
    expect((await readRetry(db)).network?.failures).toBe(1);
  });

  it('a too-large file is remembered like a corrupt one', async () => {
    const huge = scriptedSource(manifestWithPath(NEW_PATH), { total: 10_000 });
    await checkManifest(deps(huge, { maxDownloadBytes: 1000 }));
    const again = await checkManifest(deps(huge, { maxDownloadBytes: 1000 }));
    expect(again.outcome === 'failed' && again.kind).toBe('known-bad');
    expect(downloads(huge)).toHaveLength(1);
  });

  describe('storage quota', () => {
    const quotaError = () => Object.assign(new Error('QuotaExceededError'), { name: 'QuotaExceededError' });
    let free = 10 * 1024 * 1024;
    const estimate = async () => ({ quota: 1e12, usage: 1e12 - free });

    beforeEach(() => {
      free = 10 * 1024 * 1024;
    });

    it('recognises wrapped quota errors', () => {
      expect(isQuotaError(quotaError())).toBe(true);
      expect(isQuotaError({ name: 'BulkError', inner: { name: 'QuotaExceededError' } })).toBe(true);
      expect(isQuotaError(new Error('other'))).toBe(false);
    });

    it('a full disk keeps the Manifest; no download until the estimate shows room, or the browser restarts', async () => {
      const source = fixtureUnder(NEW_PATH);
      const put = vi.spyOn(db.definitions, 'bulkPut').mockRejectedValueOnce(quotaError());
      const result = await checkManifest(deps(source, { storageEstimate: estimate }));
      expect(result.outcome === 'failed' && result.kind).toBe('quota');
      expect(result.outcome === 'failed' && result.retryAt).toBeUndefined();
      expectOneSentence(result.outcome === 'failed' ? result.error : undefined);
      expect(result.outcome === 'failed' && result.error).toMatch(/storage space/);
      await expectV1StillActive();
      expect(await db.manifestVersions.count()).toBe(1);
      expect((await readRetry(db)).local).toMatchObject({ cause: 'quota', freeBytes: free });
      put.mockRestore();
      expect(downloads(source)).toHaveLength(1);

      // No room yet: no download.
      const blocked = await checkManifest(deps(source, { storageEstimate: estimate }));
      expect(blocked.outcome === 'failed' && blocked.kind).toBe('quota');
      expect(downloads(source)).toHaveLength(1);

      // The user freed space: the download goes ahead.
      free += QUOTA_HEADROOM_BYTES;
      expect((await checkManifest(deps(source, { storageEstimate: estimate }))).outcome).toBe('updated');
      expect(downloads(source)).toHaveLength(2);
      expect(await db.meta.get(META_RETRY)).toBeUndefined();
    });

    it('a browser start lifts the block', async () => {
      const source = fixtureUnder(NEW_PATH);
      vi.spyOn(db.definitions, 'bulkPut').mockRejectedValueOnce(quotaError());
      await checkManifest(deps(source, { storageEstimate: estimate }));
      vi.restoreAllMocks();
      await clearLocalBlock(db);
      expect((await checkManifest(deps(source, { storageEstimate: estimate }))).outcome).toBe('updated');
    });
  });

  it('the retry state survives a worker restart (it lives in IndexedDB)', async () => {
    const bad = fakeSource({ manifest: manifestWithPath(NEW_PATH), files: { [NEW_PATH]: new Uint8Array([9]) } });
    await checkManifest(deps(bad));
    db.close();
    db = new VaultRaiderDB(dbName);
    const again = await checkManifest(deps(bad));
    expect(again.outcome === 'failed' && again.kind).toBe('known-bad');
    expect(downloads(bad)).toHaveLength(1);

    const down = fakeSource({ failManifest: new Error('fetch failed') });
    await checkManifest(deps(down));
    db.close();
    db = new VaultRaiderDB(dbName);
    down.calls.length = 0;
    expect((await checkManifest(deps(down))).outcome).toBe('failed');
    expect(down.calls).toEqual([]);
  });
});
