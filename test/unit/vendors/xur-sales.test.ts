import { describe, expect, it } from 'vitest';
import { XUR_VENDOR_HASH } from '@/lib/vendors/xur-schedule';
import { exoticNames, ownedItemHashes, readXurPresence, shapeXurSales } from '@/lib/vendors/xur-sales';
import { manifestItems, realProfile, XUR_CAPTURES, xurCapture } from './fixtures';

const cases = [
  {
    file: XUR_CAPTURES[0],
    sales: 20,
    rows: 20,
    exotics: [
      'Exotic Engram',
      'Hard Light',
      'Hawkmoon',
      "Dead Man's Tale",
      "Liar's Handshake",
      'Lion Rampant',
      'Crown of Tempests',
    ],
    hawkmoonCosts: ['Glimmer ×125000', 'Legendary Shards ×200', 'Exotic Cipher ×1', 'Ascendant Shard ×1'],
    owned: [4124984448, 3856705927, 3654674561, 4165919945, 2582755344, 2050789284, 2222560548, 3479737253, 3827066919],
  },
  {
    file: XUR_CAPTURES[1],
    sales: 18,
    // "More Strange Offers", "Strange Gear Offers", "Xûr" and "Reset Rank" are menu entries, not goods.
    rows: 14,
    exotics: [
      'Sunken Ember',
      'Distant Wake',
      'Solemn Relic',
      'Radiant Compass',
      'Cold Relic',
      'Burning Paragon',
      'Relativism',
      'Exotic Engram',
      'Hidden Gambit',
    ],
    hawkmoonCosts: undefined,
    owned: [3853748946, 4257549984, 4257549984],
  },
];

describe('Xûr sales from the real captures', () => {
  const items = manifestItems();
  const item = (h: number) => items.get(h);
  const owned = ownedItemHashes(realProfile());

  it.each(cases)('$file: present, $sales sales, $rows rows with names, icons and costs', (c) => {
    const presence = readXurPresence(xurCapture(c.file));
    expect(presence.present).toBe(true);
    // Bungie's nextRefreshDate is read as given; xurDepartureAt judges whether it is his departure.
    expect(presence.nextRefreshDate).toBe(
      Date.parse(c.file.includes('2022') ? '2022-10-21T09:00:00Z' : '2026-07-03T09:00:00Z'),
    );
    expect(presence.sales).toHaveLength(c.sales);
    const indexes = presence.sales.map((s) => s.vendorItemIndex);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));

    const rows = shapeXurSales(presence.sales, { item, owned, assetUrl: (p) => p && `https://bungie.test${p}` });
    expect(rows).toHaveLength(c.rows);
    for (const row of rows) {
      expect(row.name).not.toMatch(/^Unknown/);
      expect(row.icon).toMatch(/^https:\/\/bungie\.test\/common\/destiny2_content\/icons\//);
      expect(row.itemTypeDisplayName).not.toBe('');
      for (const cost of row.costs) {
        expect(cost.name).not.toBe('Unknown currency');
        expect(cost.quantity).toBeGreaterThan(0);
      }
    }
    expect(exoticNames(rows)).toEqual(c.exotics);
    expect(
      rows
        .filter((r) => r.owned)
        .map((r) => r.itemHash)
        .sort(),
    ).toEqual([...c.owned].sort());
    if (c.hawkmoonCosts) {
      const hawkmoon = rows.find((r) => r.name === 'Hawkmoon')!;
      expect(hawkmoon).toMatchObject({ itemTypeDisplayName: 'Hand Cannon', tier: 'Exotic', tierType: 6 });
      expect(hawkmoon.costs.map((x) => `${x.name} ×${x.quantity}`)).toEqual(c.hawkmoonCosts);
    }
  });

  it.each(XUR_CAPTURES)('%s: without Xûr in `vendors` he is absent', (file) => {
    const response = xurCapture(file);
    const vendors = { ...response.vendors, data: {} };
    expect(readXurPresence({ ...response, vendors })).toEqual({ present: false, sales: [] });
    const disabled = {
      ...response.vendors,
      data: { [XUR_VENDOR_HASH]: { ...response.vendors.data![XUR_VENDOR_HASH], enabled: false } },
    };
    expect(readXurPresence({ ...response, vendors: disabled }).present).toBe(false);
  });

  it('keeps a sale the Manifest does not know, with a placeholder name; redacted items read "Classified"', () => {
    const sales = [
      { vendorItemIndex: 1, itemHash: 1, quantity: 1, costs: [{ itemHash: 2, quantity: 5 }] },
      { vendorItemIndex: 2, itemHash: 3856705927, quantity: 1, costs: [] },
    ];
    const hawkmoon = items.get(3856705927)!;
    const rows = shapeXurSales(sales, {
      item: (h) => (h === 3856705927 ? { ...hawkmoon, redacted: true } : undefined),
    });
    expect(rows.map((r) => [r.name, r.owned, r.costs[0]?.name])).toEqual([
      ['Unknown item 1', false, 'Unknown currency'],
      ['Classified', false, undefined],
    ]);
  });

  it('owned hashes come from vault, character inventories and equipment', () => {
    const profile = realProfile();
    const all = ownedItemHashes(profile);
    const equipped = Object.values(profile.characterEquipment.data!)[0].items[0].itemHash;
    const vault = profile.profileInventory.data!.items[0].itemHash;
    expect(all.has(equipped)).toBe(true);
    expect(all.has(vault)).toBe(true);
    expect(ownedItemHashes(undefined).size).toBe(0);
  });
});
