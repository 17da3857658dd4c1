import { describe, expect, it } from 'vitest';
import { trimDefinition, trimItem } from '@/lib/manifest/trim';
import { MANIFEST_TABLES, type ManifestTable } from '@/lib/manifest/types';
import { fixtureTable } from './helpers';

const items = fixtureTable('DestinyInventoryItemDefinition');

describe('item trimming keeps the fields the product reads', () => {
  it.each([
    [
      2357297366,
      { name: 'Witherhoard', itemType: 3, tierType: 6, bucketTypeHash: 1498876634, uniqueLabel: 'exotic_weapon' },
    ],
    [2376481550, { name: 'Anarchy', itemType: 3, tierType: 6, bucketTypeHash: 953998645, equippable: true }],
    [3487922223, { name: 'Microphasic Datalattice', maxStackSize: 9999, isInstanceItem: false }],
    [1363029408, { name: 'Micro Mini' }],
    [2162824284, { name: 'Classified', redacted: true }],
  ])('%i', (hash, expected) => {
    const raw = items[String(hash)];
    const def = trimItem(raw, hash);
    expect(def).toMatchObject({ hash, ...expected });
    const inventory = raw.inventory as Record<string, unknown>;
    expect(def.tierTypeName).toBe(inventory.tierTypeName);
    expect(def.itemCategoryHashes).toEqual(raw.itemCategoryHashes ?? []);
    expect(def.classType).toBe(raw.classType);
    expect(JSON.stringify(def).length).toBeLessThan(JSON.stringify(raw).length);
  });

  it('flattens stats to statHash → value and sockets to entries and categories', () => {
    const raw = items['2357297366'];
    const def = trimItem(raw, 2357297366);
    const rawStats = (raw.stats as { stats: Record<string, { statHash: number; value: number }> }).stats;
    expect(def.stats).toEqual(Object.fromEntries(Object.values(rawStats).map((s) => [s.statHash, s.value])));
    const rawSockets = raw.sockets as { socketEntries: unknown[]; socketCategories: unknown[] };
    expect(def.sockets?.entries).toHaveLength(rawSockets.socketEntries.length);
    expect(def.sockets?.categories).toHaveLength(rawSockets.socketCategories.length);
    expect(def).not.toHaveProperty('investmentStats');
    expect(def).not.toHaveProperty('displayProperties');
  });

  it('keeps plug identity on plugs', () => {
    const plug = Object.values(items).find(
      (d) => (d.plug as { plugCategoryIdentifier?: string })?.plugCategoryIdentifier,
    );
    expect(plug).toBeDefined();
    const def = trimItem(plug!, plug!.hash as number);
    expect(def.plug?.plugCategoryIdentifier).toBe(
      (plug!.plug as { plugCategoryIdentifier: string }).plugCategoryIdentifier,
    );
  });

  it('survives a row with nothing but a hash (fields default, no crash)', () => {
    expect(trimItem({}, 1)).toMatchObject({ hash: 1, name: '', redacted: false, classType: 3, maxStackSize: 1 });
  });

  it('trims every fixture item without dropping names', () => {
    const trimmed = Object.values(items).map((raw) => trimItem(raw, raw.hash as number));
    expect(trimmed).toHaveLength(2864);
    expect(trimmed.filter((d) => !d.name)).toEqual([]);
  });
});

describe('small tables', () => {
  it.each(Object.entries(MANIFEST_TABLES) as [ManifestTable, string][])(
    '%s keeps hash and name for every row',
    (table, bungieName) => {
      const rows = Object.values(fixtureTable(bungieName));
      expect(rows.length).toBeGreaterThan(0);
      for (const raw of rows) {
        const def = trimDefinition(table, raw, raw.hash as number);
        expect(def.hash).toBe(raw.hash);
        expect(def.name).toBe((raw.displayProperties as { name?: string }).name ?? '');
      }
    },
  );

  it('keeps bucket capacity and category (General: the vault)', () => {
    const raw = fixtureTable('DestinyInventoryBucketDefinition')['138197802'];
    expect(trimDefinition('InventoryBucket', raw, 138197802)).toMatchObject({
      name: 'General',
      itemCount: raw.itemCount,
      category: raw.category,
      scope: raw.scope,
      location: raw.location,
    });
  });

  it('keeps Xûr’s sale list with prices and display categories', () => {
    const raw = fixtureTable('DestinyVendorDefinition')['2190858386'];
    const def = trimDefinition('Vendor', raw, 2190858386);
    const list = raw.itemList as { itemHash: number; currencies: { itemHash: number; quantity: number }[] }[];
    expect(def.name).toBe('Xûr');
    expect(def.itemList).toHaveLength(list.length);
    expect(def.itemList[0]).toMatchObject({ vendorItemIndex: 0, itemHash: list[0].itemHash });
    expect(def.itemList[0].currencies).toEqual(
      list[0].currencies.map((c) => ({ itemHash: c.itemHash, quantity: c.quantity })),
    );
    expect(def.displayCategories.length).toBe((raw.displayCategories as unknown[]).length);
  });

  it('keeps damage type enum and colour, class type, race and gender types', () => {
    expect(
      trimDefinition('DamageType', fixtureTable('DestinyDamageTypeDefinition')['151347233'], 151347233),
    ).toMatchObject({
      name: 'Stasis',
      enumValue: 6,
      color: { red: 77, green: 136, blue: 255, alpha: 255 },
    });
    expect(trimDefinition('Class', fixtureTable('DestinyClassDefinition')['671679327'], 671679327)).toMatchObject({
      name: 'Hunter',
      classType: 1,
    });
  });
});
