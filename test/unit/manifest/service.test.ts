// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultRaiderDB } from '@/lib/db/schema';
import { getDefinitions, loadDefinitionSource } from '@/lib/manifest/lookup';
import {
  ALARM_HOURLY,
  ALARM_RECHECK,
  ALARM_RETRY,
  HOT_SET_DELAY_MS,
  manifestHandlers,
  RECHECK_MIN_INTERVAL_MS,
  requestRecheck,
  runManifestCheck,
  startManifestService,
} from '@/lib/manifest/service';
import { readActive, readStatus } from '@/lib/manifest/state';
import { META_RETRY, readRetry } from '@/lib/manifest/retry';
import { manifestVersionKey } from '@/lib/manifest/version';
import { fakeSource, fixtureManifest, loadSqlNode, MANIFEST_DIR, manifestWithPath } from './helpers';

let db: VaultRaiderDB;
let n = 0;
let now = 5_000_000;
let source: ReturnType<typeof fakeSource>;

async function settle(): Promise<void> {
  // Let the start-up check (fire-and-forget) finish.
  for (let i = 0; i < 200; i++) {
    const status = await readStatus(db);
    if (status.stage === 'ready' || status.stage === 'error') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('Manifest check did not settle');
}

beforeEach(() => {
  fakeBrowser.reset();
  db = new VaultRaiderDB(`manifest-service-${++n}`);
  source = fakeSource();
  startManifestService({
    db,
    getSource: () => source,
    loadSql: loadSqlNode,
    uiLanguage: () => 'en-US',
    now: () => now,
  });
});
afterEach(async () => {
  await runManifestCheck().catch(() => undefined);
  await db.delete();
});

describe('Manifest service', () => {
  it('creates the hourly alarm and ingests on the first start (no Manifest yet)', async () => {
    await settle();
    const alarm = await browser.alarms.get(ALARM_HOURLY);
    expect(alarm?.periodInMinutes).toBe(60);
    expect((await readActive(db))?.rowCounts.InventoryItem).toBe(2864);
    expect((await readStatus(db)).stage).toBe('ready');
  });

  it('joins concurrent checks into one download', async () => {
    await settle();
    source.calls.length = 0;
    const [a, b] = await Promise.all([runManifestCheck({ force: true }), runManifestCheck({ force: true })]);
    expect(a).toBe(b);
    expect(source.calls.filter((c) => c.startsWith('download'))).toHaveLength(1);
  });

  it('checks again when the hourly alarm fires, without downloading an unchanged version', async () => {
    await settle();
    source.calls.length = 0;
    await fakeBrowser.alarms.onAlarm.trigger({ name: ALARM_HOURLY, scheduledTime: now });
    await runManifestCheck();
    expect(source.calls[0]).toBe('manifest');
    expect(source.calls.some((c) => c.startsWith('download'))).toBe(false);
  });

  it('after a failure sets a retry alarm 5 minutes out, and the retry clears it', async () => {
    await settle();
    source.options.failManifest = Object.assign(new Error('down'), {
      userMessage: 'Bungie.net is down for maintenance.',
    });
    const result = await manifestHandlers.manifestCheckNow({});
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/maintenance/);
    expect((await browser.alarms.get(ALARM_RETRY))?.scheduledTime).toBe(now + 5 * 60_000);
    expect((await readStatus(db)).retryAt).toBe(now + 5 * 60_000);
    source.options.failManifest = undefined;
    now += 5 * 60_000;
    await fakeBrowser.alarms.onAlarm.trigger({ name: ALARM_RETRY, scheduledTime: now });
    await runManifestCheck();
    expect(await browser.alarms.get(ALARM_RETRY)).toBeUndefined();
    expect((await readStatus(db)).stage).toBe('ready');
  });

  it('a Bungie client that cannot start becomes a status sentence and a retry, not an unhandled error', async () => {
    await settle();
    startManifestService({
      db,
      getSource: () => Promise.reject(Object.assign(new Error('no key'), { userMessage: 'No Bungie API key is set.' })),
      loadSql: loadSqlNode,
      uiLanguage: () => 'en-US',
      now: () => now,
    });
    const result = await runManifestCheck();
    expect(result.outcome).toBe('failed');
    expect((await readStatus(db)).error).toMatch(/^No Bungie API key is set; Vault Raider keeps using/);
    expect(await browser.alarms.get(ALARM_RETRY)).toBeDefined();
  });

  it('rechecks on unresolved hashes at most every 5 minutes', async () => {
    await settle();
    source.calls.length = 0;
    expect(await requestRecheck()).toBe(true);
    await runManifestCheck();
    expect(source.calls).toEqual(['manifest']);
    now += 60_000;
    expect(await requestRecheck()).toBe(false);
    const deferred = await browser.alarms.get(ALARM_RECHECK);
    expect(deferred?.scheduledTime).toBe(now - 60_000 + RECHECK_MIN_INTERVAL_MS);
    now += RECHECK_MIN_INTERVAL_MS;
    expect(await requestRecheck()).toBe(true);
  });

  it('a lookup that meets a missing hash triggers the recheck', async () => {
    await settle();
    source.calls.length = 0;
    await loadDefinitionSource([25491192], db);
    await new Promise((r) => setTimeout(r, 50));
    await runManifestCheck();
    expect(source.calls[0]).toBe('manifest');
  });

  it('stores the hot set after an account-sized lookup in the worker', async () => {
    await settle();
    const hashes = (
      await db.definitions
        .where('[version+table+hash]')
        .between(
          [(await readActive(db))!.version, 'InventoryItem'],
          [(await readActive(db))!.version, 'InventoryItem', []],
        )
        .limit(150)
        .primaryKeys()
    ).map((k) => k[2]);
    expect(hashes).toHaveLength(150);
    await getDefinitions('InventoryItem', hashes, db);
    await new Promise((r) => setTimeout(r, HOT_SET_DELAY_MS + 300));
    const row = await db.manifestHot.toArray();
    expect(row).toHaveLength(1);
    expect(JSON.parse(row[0].items)).toHaveLength(hashes.length);
  });

  it('a worker restarted mid-ingest checks again at start', async () => {
    await settle();
    await db.meta.put({ key: 'manifest.status', value: { stage: 'storing', percent: 50, updatedAt: 1 } });
    source.calls.length = 0;
    startManifestService({
      db,
      getSource: () => source,
      loadSql: loadSqlNode,
      uiLanguage: () => 'en-US',
      now: () => now,
    });
    await new Promise((r) => setTimeout(r, 50));
    await settle();
    expect(source.calls[0]).toBe('manifest');
  });

  it('passes its stall timeout to the download, and a stalled download gets a 5-minute retry alarm', async () => {
    await settle();
    const hanging = {
      getManifest: async () => manifestWithPath('/common/destiny2_content/sqlite/en/hang.content'),
      download: (_path: string, onProgress?: (loaded: number, total?: number) => void) => {
        onProgress?.(0, 100);
        return new Promise<Uint8Array>(() => undefined);
      },
    };
    startManifestService({ db, getSource: () => hanging, loadSql: loadSqlNode, now: () => now, stallMs: 50 });
    const result = await runManifestCheck();
    expect(result.outcome === 'failed' && result.kind).toBe('stalled');
    expect((await browser.alarms.get(ALARM_RETRY))?.scheduledTime).toBe(now + 5 * 60_000);
    expect((await readActive(db))?.version).toBeDefined();
  });

  it('a corrupt file sets no retry alarm, and the hourly check does not fetch it again', async () => {
    await settle();
    const path = '/common/destiny2_content/sqlite/en/bad.content';
    source.options.manifest = manifestWithPath(path);
    source.options.files = { [path]: new Uint8Array([1, 2, 3]) };
    const result = await manifestHandlers.manifestCheckNow({});
    expect(result.outcome).toBe('failed');
    expect(await browser.alarms.get(ALARM_RETRY)).toBeUndefined();
    source.calls.length = 0;
    now += 60 * 60_000;
    await fakeBrowser.alarms.onAlarm.trigger({ name: ALARM_HOURLY, scheduledTime: now });
    await runManifestCheck();
    expect(source.calls).toEqual(['manifest']);
  });

  it('a browser start lifts a storage-quota block before it checks', async () => {
    await settle();
    await db.meta.put({ key: META_RETRY, value: { local: { cause: 'quota', at: now, freeBytes: 0 } } });
    const path = '/common/destiny2_content/sqlite/en/after-restart.content';
    source.options.manifest = manifestWithPath(path);
    source.options.files = {
      [path]: new Uint8Array(readFileSync(join(MANIFEST_DIR, fixtureManifest().mobileWorldContentPaths.en))),
    };
    // Without the start-up, the block holds (node has no storage estimate): no download.
    source.calls.length = 0;
    expect((await runManifestCheck()).outcome).toBe('failed');
    expect(source.calls.filter((c) => c.startsWith('download'))).toEqual([]);
    await fakeBrowser.runtime.onStartup.trigger();
    for (let i = 0; i < 200 && (await readActive(db))?.version !== manifestVersionKey(path); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect((await readActive(db))?.version).toBe(manifestVersionKey(path));
    expect((await readRetry(db)).local).toBeUndefined();
  });
});
