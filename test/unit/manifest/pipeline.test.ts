// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BungieError } from '@/lib/bungie/errors';
import { VaultRaiderDB } from '@/lib/db/schema';
import { ManifestError } from '@/lib/manifest/errors';
import {
  getActiveManifest,
  getAllDefinitions,
  getDefinitions,
  HOT_LOOKUP_MIN,
  onBulkItemLookup,
  rememberHotItems,
  loadDefinitionSource,
  onUnresolvedHashes,
} from '@/lib/manifest/lookup';
import { checkManifest, type PipelineDeps } from '@/lib/manifest/pipeline';
import { manifestSourceFrom } from '@/lib/manifest/source';
import { readStatus } from '@/lib/manifest/state';
import { manifestVersionKey } from '@/lib/manifest/version';
import {
  buildContentZip,
  fakeSource,
  fixtureManifest,
  fixtureTable,
  loadSqlNode,
  MANIFEST_DIR,
  manifestWithPath,
  smallTables,
} from './helpers';

/** The 23 hashes the fixture leaves out on purpose (DIM's "deleted items"). */
const DELETED = [
  25491192, 130920797, 264891313, 371194306, 495543611, 632867341, 723146156, 980167526, 991660705, 1283928689,
  1776857076, 1883296574, 2194989601, 2194989603, 2194989608, 2277622850, 3162004883, 3370146909, 3515720005,
  3570386371, 3735038502, 3964054933, 4087244436,
];
/** Real redacted rows from the 2017 export. */
const REDACTED = [2162824284, 2168140710, 2359429886, 2360690104, 2412585884];

const fixturePath = fixtureManifest().mobileWorldContentPaths.en;
const V1 = manifestVersionKey(fixturePath);

let db: VaultRaiderDB;
let n = 0;
let clock = 1_000_000;

function deps(source: PipelineDeps['source'], extra: Partial<PipelineDeps> = {}): PipelineDeps {
  return { db, source, loadSql: loadSqlNode, uiLanguage: 'en-US', now: () => (clock += 10), ...extra };
}

/** Every version that still has definition rows (a full scan: tests only). */
async function versionsInDb(): Promise<string[]> {
  const keys = await db.definitions.toCollection().primaryKeys();
  return [...new Set(keys.map((k) => k[0]))];
}

beforeEach(() => {
  db = new VaultRaiderDB(`manifest-test-${++n}`);
});
afterEach(async () => {
  await db.delete();
});

describe('first ingest of the fixture Manifest', () => {
  beforeEach(async () => {
    const result = await checkManifest(deps(fakeSource()));
    expect(result.outcome).toBe('updated');
  });

  it('stores every table with the fixture row counts and activates the version', async () => {
    const active = await getActiveManifest(db);
    expect(active?.version).toBe(V1);
    expect(active?.bungieVersion).toBe('262326.21.05.28.1049-1-bnet.49560');
    expect(active?.language).toBe('en');
    expect(active?.rowCounts).toEqual({
      InventoryItem: 2864,
      InventoryBucket: 60,
      Class: 3,
      Race: 3,
      Gender: 2,
      Stat: 79,
      ItemTierType: 7,
      DamageType: 7,
      ItemCategory: 132,
      Vendor: 2,
      SocketCategory: 54,
    });
    expect((await db.manifestVersions.toArray()).map((v) => [v.version, v.state])).toEqual([[V1, 'ready']]);
    expect(await readStatus(db)).toMatchObject({ stage: 'ready' });
    expect((await readStatus(db)).error).toBeUndefined();
  });

  it.each([
    [2357297366, 'Witherhoard'],
    [2376481550, 'Anarchy'],
    [3487922223, 'Microphasic Datalattice'],
    [2148295091, 'Tangled Web Helm'],
    [1363029408, 'Micro Mini'],
  ])('finds %i (%s) by its unsigned hash although SQLite stores it signed', async (hash, name) => {
    const found = await getDefinitions('InventoryItem', [hash], db);
    expect(found.get(hash)?.name).toBe(name);
    expect(found.get(hash)?.hash).toBe(hash);
  });

  it('resolves every fixture item hash at or above 2^31 in one bulk lookup', async () => {
    const high = Object.values(fixtureTable('DestinyInventoryItemDefinition'))
      .map((d) => d.hash as number)
      .filter((h) => h >= 2 ** 31);
    expect(high.length).toBeGreaterThan(1000);
    const found = await getDefinitions('InventoryItem', high, db);
    expect(found.size).toBe(high.length);
    expect([...found.keys()].every((h) => h >= 2 ** 31)).toBe(true);
  });

  it('also accepts a hash given as Bungie’s signed id', async () => {
    const found = await getDefinitions('InventoryItem', [2357297366 | 0], db);
    expect(found.get(2357297366)?.name).toBe('Witherhoard');
  });

  it('reports missing and redacted hashes of a profile for a recheck, once per load', async () => {
    const seen = vi.fn();
    const off = onUnresolvedHashes(seen);
    const source = await loadDefinitionSource([...DELETED, ...REDACTED, 2357297366], db);
    off();
    expect(source.unresolved.missing.sort()).toEqual([...DELETED].sort());
    expect(source.unresolved.classified.sort()).toEqual([...REDACTED].sort());
    expect(source.item(25491192)).toBeUndefined();
    expect(source.item(2162824284)?.redacted).toBe(true);
    expect(source.item(2357297366)?.name).toBe('Witherhoard');
    expect(seen).toHaveBeenCalledOnce();
    expect(seen.mock.calls[0][0]).toEqual(source.unresolved);
  });

  it('builds a DefinitionSource for a profile: items, buckets, class/race/gender names, damage types', async () => {
    const off = onUnresolvedHashes(() => undefined);
    const source = await loadDefinitionSource([2357297366, 25491192, 2162824284], db);
    off();
    expect(source.item(2357297366)?.name).toBe('Witherhoard');
    expect(source.item(25491192)).toBeUndefined();
    expect(source.item(2162824284)?.redacted).toBe(true);
    expect(source.unresolved).toEqual({ missing: [25491192], classified: [2162824284] });
    expect(source.bucket(138197802)?.name).toBe('General');
    expect(source.className?.(1)).toBe('Hunter');
    expect(source.raceName?.(3887404748)).toBe('Human');
    expect(source.damageType?.(151347233)?.name).toBe('Stasis');
  });

  it('returns whole small tables', async () => {
    const buckets = await getAllDefinitions('InventoryBucket', db);
    expect(buckets.size).toBe(60);
    expect(buckets.get(138197802)?.itemCount).toBeGreaterThan(0);
  });

  it('serves repeated lookups from memory until the active version changes', async () => {
    await getDefinitions('InventoryItem', [2357297366, 25491192], db);
    const bulkGet = vi.spyOn(db.definitions, 'bulkGet');
    const again = await getDefinitions('InventoryItem', [2357297366, 25491192], db);
    expect(again.get(2357297366)?.name).toBe('Witherhoard');
    expect(again.has(25491192)).toBe(false);
    expect(bulkGet).not.toHaveBeenCalled();
  });

  it('a fresh context reads the hot set stored by the worker in one row instead of one read per hash', async () => {
    expect(await rememberHotItems([2357297366, 2376481550, 25491192], db)).toBe(2);
    const fresh = new VaultRaiderDB(db.name);
    const bulkGet = vi.spyOn(fresh.definitions, 'bulkGet');
    const hot = await getDefinitions('InventoryItem', [2357297366, 2376481550], fresh);
    expect([...hot.values()].map((d) => d.name)).toEqual(['Witherhoard', 'Anarchy']);
    expect(bulkGet).not.toHaveBeenCalled();
    const mixed = await getDefinitions('InventoryItem', [2357297366, 3487922223], fresh);
    expect(mixed.get(3487922223)?.name).toBe('Microphasic Datalattice');
    expect(bulkGet).toHaveBeenCalledOnce();
    expect(bulkGet.mock.calls[0][0]).toEqual([[V1, 'InventoryItem', 3487922223]]);
    fresh.close();
  });

  it('tells subscribers about account-sized item lookups only', async () => {
    const seen = vi.fn();
    const off = onBulkItemLookup(seen);
    const all = Object.keys(fixtureTable('DestinyInventoryItemDefinition')).map(Number);
    await getDefinitions('InventoryItem', all.slice(0, HOT_LOOKUP_MIN - 1), db);
    expect(seen).not.toHaveBeenCalled();
    await getDefinitions('InventoryItem', all.slice(0, HOT_LOOKUP_MIN), db);
    off();
    expect(seen).toHaveBeenCalledOnce();
    expect(seen.mock.calls[0][0]).toHaveLength(HOT_LOOKUP_MIN);
  });

  it('does not download again when the version key is unchanged', async () => {
    const source = fakeSource();
    const result = await checkManifest(deps(source));
    expect(result).toEqual({ outcome: 'unchanged', version: V1 });
    expect(source.calls).toEqual(['manifest']);
    expect((await readStatus(db)).lastCheckedAt).toBeGreaterThan(0);
  });

  it('swaps to a new content path, deletes the old rows, and lookups never see a half-written version', async () => {
    const path = '/common/destiny2_content/sqlite/en/world_sql_content_v2.content';
    const zip = await buildContentZip(smallTables([2357297366, 2376481550], ' (v2)'));
    const source = fakeSource({ manifest: manifestWithPath(path, 'v2'), files: { [path]: zip } });
    const during: (string | undefined)[] = [];
    const realBulkPut = db.definitions.bulkPut.bind(db.definitions);
    vi.spyOn(db.definitions, 'bulkPut').mockImplementation((async (...args: Parameters<typeof realBulkPut>) => {
      during.push((await getDefinitions('InventoryItem', [2357297366], db)).get(2357297366)?.name);
      return realBulkPut(...args);
    }) as never);
    await rememberHotItems([2357297366], db);
    const result = await checkManifest(deps(source, { batchSize: 20 }));
    expect(result.outcome).toBe('updated');
    expect(during.length).toBeGreaterThan(3);
    expect(new Set(during)).toEqual(new Set(['Witherhoard']));
    expect((await getDefinitions('InventoryItem', [2357297366], db)).get(2357297366)?.name).toBe('Witherhoard (v2)');
    expect(await versionsInDb()).toEqual([manifestVersionKey(path)]);
    expect(await db.manifestVersions.count()).toBe(1);
    expect(await db.manifestHot.count()).toBe(0);
  });

  it('a failure while deleting the old version leaves the new one active; the next check cleans up', async () => {
    const path = '/common/destiny2_content/sqlite/en/world_sql_content_v3.content';
    const zip = await buildContentZip(smallTables([2357297366], ' (v3)'));
    const source = fakeSource({ manifest: manifestWithPath(path, 'v3'), files: { [path]: zip } });
    const hot = vi.spyOn(db.manifestHot, 'delete').mockRejectedValueOnce(new Error('disk trouble'));
    const result = await checkManifest(deps(source));
    expect(result.outcome).toBe('updated');
    hot.mockRestore();
    expect((await getActiveManifest(db))?.version).toBe(manifestVersionKey(path));
    expect((await getDefinitions('InventoryItem', [2357297366], db)).get(2357297366)?.name).toBe('Witherhoard (v3)');
    expect(await db.manifestVersions.count()).toBe(2);
    expect((await checkManifest(deps(source))).outcome).toBe('unchanged');
    expect(await db.manifestVersions.count()).toBe(1);
    expect(await versionsInDb()).toEqual([manifestVersionKey(path)]);
  });

  it('rebuilds when our schema version changes even if Bungie’s path did not', async () => {
    const result = await checkManifest(deps(fakeSource()), { force: true });
    expect(result.outcome).toBe('updated');
    expect(await versionsInDb()).toEqual([V1]);
  });
});

describe('a worker killed mid-ingest', () => {
  it('leaves the old version active; the next check deletes the half-written one and retries cleanly', async () => {
    await checkManifest(deps(fakeSource()));
    const stale = '1:/common/destiny2_content/sqlite/en/world_sql_content_killed.content';
    await db.manifestVersions.put({
      version: stale,
      bungieVersion: 'x',
      language: 'en',
      state: 'writing',
      startedAt: 1,
    });
    await db.definitions.bulkPut(
      [1, 2, 3].map((hash) => ({ version: stale, table: 'InventoryItem' as const, hash, json: '{}' })),
    );
    await db.manifestHot.put({ version: stale, items: '[]' });
    await db.meta.put({ key: 'manifest.status', value: { stage: 'storing', percent: 40, updatedAt: 1 } });

    expect((await getActiveManifest(db))?.version).toBe(V1);
    expect((await getDefinitions('InventoryItem', [2357297366], db)).size).toBe(1);

    const source = fakeSource();
    expect((await checkManifest(deps(source))).outcome).toBe('unchanged');
    expect(await versionsInDb()).toEqual([V1]);
    expect((await db.manifestVersions.toArray()).map((v) => v.version)).toEqual([V1]);
    expect(await db.manifestHot.count()).toBe(0);
    expect((await readStatus(db)).stage).toBe('ready');
  });
});

const fixtureZip = new Uint8Array(readFileSync(join(MANIFEST_DIR, fixturePath)));
const NEW_PATH = '/common/destiny2_content/sqlite/en/world_sql_content_bad.content';

function corruptMiddle(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  for (let i = 2000; i < copy.length - 2000; i += 997) copy[i] ^= 0x5a;
  return copy;
}

/** The Bungie client's `http` throws a BungieError for an ErrorCode 5 (SystemDisabled) envelope. */
function maintenanceHttp() {
  return manifestSourceFrom({
    http: async () => {
      throw new BungieError({
        code: 5,
        status: 'SystemDisabled',
        message: 'This system is temporarily disabled for maintenance.',
        endpoint: '/Destiny2/Manifest/',
      });
    },
    download: async () => new Uint8Array(),
  });
}

describe.each([
  [
    'a truncated zip',
    async () =>
      fakeSource({
        manifest: manifestWithPath(NEW_PATH),
        files: { [NEW_PATH]: fixtureZip.slice(0, fixtureZip.length >> 1) },
      }),
    'corrupt',
  ],
  [
    'a corrupt zip',
    async () => fakeSource({ manifest: manifestWithPath(NEW_PATH), files: { [NEW_PATH]: corruptMiddle(fixtureZip) } }),
    'corrupt',
  ],
  [
    'random bytes (an HTML error page)',
    async () =>
      fakeSource({
        manifest: manifestWithPath(NEW_PATH),
        files: { [NEW_PATH]: new TextEncoder().encode('<html>502 Bad Gateway</html>') },
      }),
    'corrupt',
  ],
  [
    'a zip without a database',
    async () =>
      fakeSource({
        manifest: manifestWithPath(NEW_PATH),
        files: { [NEW_PATH]: zipSync({ 'readme.txt': new TextEncoder().encode('nothing here') }) },
      }),
    'no-database',
  ],
  [
    'an empty zip',
    async () => fakeSource({ manifest: manifestWithPath(NEW_PATH), files: { [NEW_PATH]: zipSync({}) } }),
    'no-database',
  ],
  [
    'a database missing a table',
    async () => {
      const tables = smallTables([2357297366]);
      delete tables.DestinyVendorDefinition;
      return fakeSource({ manifest: manifestWithPath(NEW_PATH), files: { [NEW_PATH]: await buildContentZip(tables) } });
    },
    'missing-table',
  ],
  [
    'a 404 on the content path',
    async () =>
      fakeSource({
        manifest: manifestWithPath(NEW_PATH),
        failDownload: Object.assign(new Error('404 Not Found'), { status: 404 }),
      }),
    'download',
  ],
  ['the Manifest endpoint in maintenance (ErrorCode 5)', async () => maintenanceHttp(), 'maintenance'],
  [
    'the Bungie client throwing SystemDisabled',
    async () =>
      fakeSource({
        failManifest: Object.assign(new Error('SystemDisabled'), {
          code: 5,
          userMessage: 'Bungie.net is down for maintenance.',
        }),
      }),
    undefined,
  ],
])('bad input: %s', (_label, makeSource, kind) => {
  it('keeps the current Manifest usable, leaves no partial rows, and says so in one sentence', async () => {
    await checkManifest(deps(fakeSource()));
    const result = await checkManifest(deps(await makeSource()));
    expect(result.outcome).toBe('failed');
    if (result.outcome !== 'failed') return;
    expect(result.kind).toBe(kind);
    expect(result.kept).toBe(V1);
    expect((await getActiveManifest(db))?.version).toBe(V1);
    expect((await getDefinitions('InventoryItem', [2357297366], db)).get(2357297366)?.name).toBe('Witherhoard');
    expect(await versionsInDb()).toEqual([V1]);
    expect(await db.manifestVersions.count()).toBe(1);
    const status = await readStatus(db);
    expect(status.stage).toBe('error');
    expect(status.error).toBe(result.error);
    expect(status.error).toMatch(/keeps using the current item database/);
    expect(status.error).not.toMatch(/\b(ErrorCode|undefined|null|SQLITE|TypeError)\b/);
  });

  it('on first run, reports the failure without claiming a database is in use', async () => {
    const result = await checkManifest(deps(await makeSource()));
    expect(result.outcome).toBe('failed');
    expect(await getActiveManifest(db)).toBeUndefined();
    expect((await readStatus(db)).error).toMatch(
      /will try again in 5 minutes|will not download that file again until Bungie\.net publishes a new one/,
    );
    expect((await readStatus(db)).error).not.toMatch(/keeps using/);
  });
});

describe('unzipping without DecompressionStream (fflate)', () => {
  it('ingests the same rows', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    try {
      const result = await checkManifest(deps(fakeSource()));
      expect(result.outcome).toBe('updated');
      expect((await getActiveManifest(db))?.rowCounts.InventoryItem).toBe(2864);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('still refuses a truncated zip', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    try {
      const source = fakeSource({ files: { [fixturePath]: fixtureZip.slice(0, fixtureZip.length - 100) } });
      const result = await checkManifest(deps(source));
      expect(result.outcome === 'failed' && result.kind).toBe('corrupt');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('errors', () => {
  it('maintenance gets its own sentence', async () => {
    const result = await checkManifest(deps(maintenanceHttp()));
    expect(result.outcome === 'failed' && result.error).toMatch(/down for maintenance/);
  });

  it('a ManifestError carries its kind and sentence', () => {
    const error = new ManifestError('corrupt', 'Damaged.', 'detail');
    expect(error.kind).toBe('corrupt');
    expect(error.userMessage).toBe('Damaged.');
    expect(error.message).toBe('Damaged. (detail)');
  });
});
