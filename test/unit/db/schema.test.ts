import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb, VaultRaiderDB } from '@/lib/db/schema';

const names: string[] = [];
function track(name: string): string {
  names.push(name);
  return name;
}
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});

/** The v3 schema as it shipped (each version's stores, merged): what an installed extension has on disk today. */
function openV3(name: string): Dexie {
  const v3 = new Dexie(name);
  v3.version(3).stores({
    definitions: '[version+table+hash]',
    manifestNames: 'version',
    manifestHot: 'version',
    manifestVersions: 'version, state',
    meta: 'key',
    profiles: 'key, mintedAt',
    profileResponses: 'key',
    journal: '++id, status, createdAt',
    vendors: 'key',
  });
  return v3;
}

/** The v4 schema as it shipped: what an installed extension has on disk before the loadouts. */
function openV4(name: string): Dexie {
  const v4 = new Dexie(name);
  v4.version(4).stores({
    definitions: '[version+table+hash]',
    manifestHot: 'version',
    manifestVersions: 'version',
    meta: 'key',
    profiles: 'key',
    profileResponses: 'key',
    journal: '++id, status',
    vendors: 'key',
  });
  return v4;
}

describe('database schema', () => {
  it('holds the tables the services read and write, keyed the way they look rows up', () => {
    const db = new VaultRaiderDB(track('schema-keys'));
    const keys = Object.fromEntries(
      db.tables.map((t) => [t.name, { key: t.schema.primKey.keyPath, auto: t.schema.primKey.auto }]),
    );
    expect(keys).toEqual({
      // lookups and version clean-up: [active version, table, unsigned hash] and ranges over [version].
      definitions: { key: ['version', 'table', 'hash'], auto: false },
      manifestHot: { key: 'version', auto: false },
      manifestVersions: { key: 'version', auto: false },
      meta: { key: 'key', auto: false },
      // the profile service keys both by the membership key `${membershipType}:${membershipId}`.
      profiles: { key: 'key', auto: false },
      profileResponses: { key: 'key', auto: false },
      // the move journal numbers its rows and finds unfinished/finished ones by status.
      journal: { key: 'id', auto: true },
      vendors: { key: 'key', auto: false },
      // loadouts by their (UUID) id; tags and notes by account and instance id (or item hash), so one account's
      // rows are one key range.
      loadouts: { key: 'id', auto: false },
      annotations: { key: ['account', 'instanceId'], auto: false },
      itemHashTags: { key: ['account', 'hash'], auto: false },
    });
    // Secondary indexes cost a write each: only the ones a query uses (the journal by status, loadouts per account
    // and per account and class).
    expect(Object.fromEntries(db.tables.map((t) => [t.name, t.schema.indexes.map((i) => i.name)]))).toEqual({
      definitions: [],
      manifestHot: [],
      manifestVersions: [],
      meta: [],
      profiles: [],
      profileResponses: [],
      journal: ['status'],
      vendors: [],
      loadouts: ['account', '[account+classType]'],
      annotations: [],
      itemHashTags: [],
    });
    db.close();
  });

  it('upgrading from v4 adds empty loadout, tag and note tables and keeps every other row', async () => {
    const name = track('schema-upgrade-v4');
    const v4 = openV4(name);
    await v4.table('definitions').put({ version: '1:x', table: 'Class', hash: 1, json: '{"hash":1}' });
    await v4.table('manifestHot').put({ version: '1:x', items: '[]' });
    await v4.table('manifestVersions').put({ version: '1:x', state: 'ready' });
    await v4.table('meta').put({ key: 'manifest.active', value: { version: '1:x' } });
    await v4.table('profiles').put({ key: '2:4611686018433092312', mintedAt: 5, fetchedAt: 6 });
    await v4.table('profileResponses').put({ key: '2:4611686018433092312', mintedAt: 5, profile: {} });
    await v4.table('journal').add({ createdAt: 1, status: 'queued', data: null });
    await v4.table('vendors').put({ key: 'xur', fetchedAt: 7, data: null });
    v4.close();

    const db = new VaultRaiderDB(name);
    await db.open();
    expect(db.verno).toBe(5);
    const onDisk = (store: string) => [...db.backendDB().transaction(store).objectStore(store).indexNames].sort();
    expect([onDisk('loadouts'), onDisk('annotations'), onDisk('itemHashTags')]).toEqual([
      ['[account+classType]', 'account'].sort(),
      [],
      [],
    ]);
    expect([await db.loadouts.count(), await db.annotations.count(), await db.itemHashTags.count()]).toEqual([0, 0, 0]);
    expect(await db.definitions.get(['1:x', 'Class', 1])).toMatchObject({ json: '{"hash":1}' });
    expect(await db.manifestHot.get('1:x')).toBeDefined();
    expect((await db.manifestVersions.get('1:x'))?.state).toBe('ready');
    expect((await db.meta.get('manifest.active'))?.value).toEqual({ version: '1:x' });
    expect((await db.profiles.get('2:4611686018433092312'))?.fetchedAt).toBe(6);
    expect(await db.profileResponses.get('2:4611686018433092312')).toBeDefined();
    expect(await db.journal.where('status').equals('queued').count()).toBe(1);
    expect((await db.vendors.get('xur'))?.fetchedAt).toBe(7);

    // The new tables answer the queries the loadout service makes.
    const account = '2:4611686018433092312';
    await db.loadouts.bulkPut([
      { id: 'a', account, classType: 1, loadout: { id: 'a', name: 'A', classType: 1, equipped: [], unequipped: [] } },
      {
        id: 'b',
        account: '3:1',
        classType: 1,
        loadout: { id: 'b', name: 'B', classType: 1, equipped: [], unequipped: [] },
      },
    ]);
    expect((await db.loadouts.where('[account+classType]').equals([account, 1]).toArray()).map((r) => r.id)).toEqual([
      'a',
    ]);
    await db.annotations.bulkPut([
      { account, instanceId: '6917529', tag: 'junk' },
      { account: '3:1', instanceId: '6917529', tag: 'keep' },
    ]);
    expect((await db.annotations.get([account, '6917529']))?.tag).toBe('junk');
    db.close();
  });

  it('upgrading from v3 drops the unused item-name index and keeps every other row', async () => {
    const name = track('schema-upgrade-v3');
    const v3 = openV3(name);
    await v3.table('definitions').put({ version: '1:x', table: 'Class', hash: 1, json: '{"hash":1}' });
    await v3.table('manifestNames').put({ version: '1:x', entries: '[["hunter",1]]' });
    await v3.table('manifestHot').put({ version: '1:x', items: '[]' });
    await v3.table('manifestVersions').put({ version: '1:x', state: 'ready' });
    await v3.table('meta').put({ key: 'manifest.active', value: { version: '1:x' } });
    await v3.table('profiles').put({ key: '3:4611686018467284386', mintedAt: 5, fetchedAt: 6 });
    await v3.table('profileResponses').put({ key: '3:4611686018467284386', mintedAt: 5, profile: {} });
    await v3.table('journal').add({ createdAt: 1, status: 'done', data: null });
    await v3.table('vendors').put({ key: 'xur', fetchedAt: 7, data: { present: false, sales: [] } });
    v3.close();

    const db = new VaultRaiderDB(name);
    await db.open();
    expect([...db.backendDB().objectStoreNames]).not.toContain('manifestNames');
    const onDisk = (store: string) => [...db.backendDB().transaction(store).objectStore(store).indexNames];
    expect([onDisk('manifestVersions'), onDisk('profiles'), onDisk('journal')]).toEqual([[], [], ['status']]);
    expect(await db.definitions.get(['1:x', 'Class', 1])).toMatchObject({ json: '{"hash":1}' });
    expect(await db.manifestHot.get('1:x')).toBeDefined();
    expect((await db.manifestVersions.get('1:x'))?.state).toBe('ready');
    expect((await db.meta.get('manifest.active'))?.value).toEqual({ version: '1:x' });
    expect((await db.profiles.get('3:4611686018467284386'))?.mintedAt).toBe(5);
    expect(await db.profileResponses.get('3:4611686018467284386')).toBeDefined();
    expect(await db.journal.where('status').equals('done').count()).toBe(1);
    expect((await db.vendors.get('xur'))?.fetchedAt).toBe(7);
    db.close();
  });

  it('upgrading from v1 drops the old-shape Manifest rows (the next check ingests again) and keeps other data', async () => {
    const v1 = new Dexie(track('schema-upgrade'));
    v1.version(1).stores({
      definitions: '[version+table+hash], [version+table+nameKey], version',
      manifestVersions: 'version, state',
      meta: 'key',
      profiles: 'key, mintedAt',
      journal: '++id, status, createdAt',
      vendors: 'key',
    });
    await v1.table('definitions').put({ version: '1:x', table: 'Class', hash: 1, nameKey: 'hunter', def: {} });
    await v1.table('manifestVersions').put({ version: '1:x', state: 'ready' });
    await v1.table('meta').bulkPut([
      { key: 'manifest.active', value: { version: '1:x' } },
      { key: 'other', value: 7 },
    ]);
    await v1.table('journal').add({ createdAt: 1, status: 'done', data: null });
    v1.close();
    const db = new VaultRaiderDB('schema-upgrade');
    expect(await db.definitions.count()).toBe(0);
    expect(await db.manifestVersions.count()).toBe(0);
    expect(await db.meta.get('manifest.active')).toBeUndefined();
    expect((await db.meta.get('other'))?.value).toBe(7);
    expect(await db.journal.count()).toBe(1);
    expect([...db.backendDB().objectStoreNames]).not.toContain('manifestNames');
    db.close();
  });

  it('getDb is a singleton', () => {
    expect(getDb()).toBe(getDb());
  });
});
