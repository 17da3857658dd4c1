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
      ['definitions', 'journal', 'manifestVersions', 'meta', 'profiles', 'vendors'].sort(),
    );
  });

  it('keys definitions by version, table and unsigned hash, so two versions coexist during a swap', async () => {
    const db = open('schema-keys');
    const def = { hash: 2357297366, name: 'Witherhoard' } as never;
    await db.definitions.bulkPut([
      { version: 'a', table: 'InventoryItem', hash: 2357297366, nameKey: 'witherhoard', def },
      { version: 'b', table: 'InventoryItem', hash: 2357297366, nameKey: 'witherhoard', def },
    ]);
    expect(await db.definitions.count()).toBe(2);
    expect((await db.definitions.get(['b', 'InventoryItem', 2357297366]))?.version).toBe('b');
    expect(await db.definitions.get(['b', 'InventoryItem', 2357297366 | 0])).toBeUndefined();
    await db.definitions.where('version').equals('a').delete();
    expect(await db.definitions.count()).toBe(1);
  });

  it('the same name is the same database (worker writes, pages read)', async () => {
    const writer = open('schema-shared');
    const reader = new VaultRaiderDB('schema-shared');
    await writer.meta.put({ key: 'k', value: 1 });
    expect((await reader.meta.get('k'))?.value).toBe(1);
    reader.close();
  });

  it('getDb is a singleton', () => {
    expect(getDb()).toBe(getDb());
  });
});
