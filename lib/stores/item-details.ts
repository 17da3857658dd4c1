import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { InventoryItem } from '../inventory/types';
import { readDefinitions } from '../manifest/live';
import type { ItemDef } from '../manifest/types';

export interface ItemDetailsView {
  item: InventoryItem;
  def?: ItemDef;
  stats: { statHash: number; name: string; value: number }[];
  plugs: { plugHash: number; name: string; icon?: string; description?: string; kind: string }[];
}

const POWER_STATS = new Set([1480404414, 3897883278, 1935470627]);

/** Stats players read on a tile's details, in the game's order; everything else on the item is noise here. */
const STAT_ORDER = [
  1480404414, 1935470627, 4043523819, 1240592695, 155624089, 943549884, 4188031367, 1345609583, 2715839340, 3555269338,
  4284893193, 3871231066, 2961396640, 447667954, 1931675084, 2837207746, 2996146975, 392767087, 1943323491, 1735777505,
  144602215, 4244567218,
];

/**
 * Details for one hovered/focused tile: the full trimmed definition (screenshot, flavour text), stat names and the
 * plugs in its sockets, read from the active Manifest in Dexie. Cached per item hash while the page lives.
 */
export const useItemDetailsStore = defineStore('itemDetails', () => {
  const current = shallowRef<ItemDetailsView>();
  const cache = new Map<string, ItemDetailsView>();
  let token = 0;

  async function show(item: InventoryItem | undefined) {
    const mine = ++token;
    if (!item) {
      current.value = undefined;
      return;
    }
    const hit = cache.get(item.key);
    if (hit) {
      current.value = hit;
      return;
    }
    current.value = { item, stats: [], plugs: [] };
    const plugHashes = (item.sockets ?? []).filter((s) => s.isVisible && s.plugHash).map((s) => s.plugHash);
    const items = await readDefinitions('InventoryItem', [item.itemHash, ...plugHashes]);
    const def = items.get(item.itemHash);
    // Instance stats (component 304) when the profile has them, else the definition's base stats.
    const rawStats = item.stats?.length
      ? item.stats
      : Object.entries(def?.stats ?? {}).map(([statHash, value]) => ({ statHash: Number(statHash), value }));
    const statDefs = await readDefinitions(
      'Stat',
      rawStats.map((s) => s.statHash),
    );
    const stats = rawStats
      .map((s) => ({ ...s, name: statDefs.get(s.statHash)?.name ?? '' }))
      // Power is shown on its own; a zero base stat is one the item does not really have.
      .filter((s) => s.name && s.value > 0 && !POWER_STATS.has(s.statHash))
      .sort((a, b) => rank(a.statHash) - rank(b.statHash));
    const plugs = plugHashes
      .map((h) => items.get(h))
      .filter((d): d is ItemDef => Boolean(d?.name))
      .map((d) => ({
        plugHash: d.hash,
        name: d.name,
        icon: d.icon,
        description: d.description,
        kind: d.itemTypeDisplayName || d.plug?.plugCategoryIdentifier || '',
      }));
    const view = { item, def, stats, plugs };
    cache.set(item.key, view);
    if (mine === token) current.value = view;
  }

  function rank(statHash: number) {
    const i = STAT_ORDER.indexOf(statHash);
    return i === -1 ? STAT_ORDER.length : i;
  }

  return { current, show };
});
