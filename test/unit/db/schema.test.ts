import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb, VaultRaiderDB } from '@/lib/db/schema';

const names: string[] = [];
function open(name: string): VaultRaiderDB {
  names.push(name);
  return new VaultRaiderDB(name);
}
afterEach(async () => {
  for (const name of names.splice(0)) await new VaultRaiderDB(name).delete();
});

describe('database schema', () => {
  it('keeps the tables other domains use next to the Manifest tables', () => {
    const db = open('schema-tables');
    expect(db.tables.map((t) => t.name).sort()).toEqual(
      [
        'definitions',
        'journal',
        'manifestHot',
        'manifestNames',
        'manifestVersions',
        'meta',
        'profiles',
        'profileResponses',
        'vendors',
      ].sort(),
    );
  });

  it('keys definitions by version, table and unsigned hash, so two versions coexist during a swap', async () => {
    const db = open('schema-keys');
    const json = JSON.stringify({ hash: 2357297366, name: 'Witherhoard' });
    await db.definitions.bulkPut([
      { version: 'a', table: 'InventoryItem', hash: 2357297366, json },
      { version: 'b', table: 'InventoryItem', hash: 2357297366, json },
      { version: 'a', table: 'Class', hash: 1, json: '{}' },
    ]);
    expect((await db.definitions.get(['b', 'InventoryItem', 2357297366]))?.version).toBe('b');
    expect(await db.definitions.get(['b', 'InventoryItem', 2357297366 | 0])).toBeUndefined();
    expect(await db.definitions.count()).toBe(3);
    await db.definitions.where('[version+table+hash]').between(['a'], ['a', []]).delete();
    expect(await db.definitions.toCollection().primaryKeys()).toEqual([['b', 'InventoryItem', 2357297366]]);
  });

  it('the same name is the same database (worker writes, pages read)', async () => {
    const writer = open('schema-shared');
    const reader = new VaultRaiderDB('schema-shared');
    await writer.meta.put({ key: 'k', value: 1 });
    expect((await reader.meta.get('k'))?.value).toBe(1);
    reader.close();
  });

  it('upgrading from v1 drops the old-shape Manifest rows (the next check ingests again) and keeps other data', async () => {
    const v1 = new Dexie('schema-upgrade');
    names.push('schema-upgrade');
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
    db.close();
  });

  it('getDb is a singleton', () => {
    expect(getDb()).toBe(getDb());
  });
});
