import { postmasterWarnings, vaultFill, type PostmasterLevel } from './capacity';
import { itemsIn } from './presentation';
import type { InventoryItem, InventoryModel } from './types';

/** What the popup shows first: small enough to hand to the popup before it opens the database. */
export interface PopupSnapshot {
  characterId: string;
  name: string;
  light?: number;
  /** Equipped subclass, weapons and armor of the current character, in game order. */
  equipped: InventoryItem[];
  vault: { used: number; capacity: number };
  /** Characters whose postmaster is nearly full (Bungie deletes the oldest reward once it is full). */
  warnings: { storeId: string; name: string; used: number; capacity: number; level: PostmasterLevel }[];
  fetchedAt?: number;
}

/**
 * The popup's first screen from a model: the character in game (else the most recently played one), its equipped
 * gear, the vault's fill against the General bucket's capacity, and the postmasters that need attention.
 */
export function popupSnapshot(model: InventoryModel, fetchedAt?: number): PopupSnapshot | undefined {
  const store =
    model.stores.find((s) => s.id === model.activeCharacterId) ?? model.stores.find((s) => s.kind === 'character');
  if (!store) return undefined;
  const equipped = Object.values(model.buckets)
    .filter((b) => b.equippable && !b.accountWide)
    .sort((a, b) => a.order - b.order)
    .flatMap((b) => itemsIn(model, store, b.hash).filter((i) => i.equipped))
    .filter((i) => i.isWeapon || i.isArmor || i.itemType === 16)
    // The popup never shows details; stats and sockets would only make the snapshot heavier.
    .map(({ stats: _stats, sockets: _sockets, ...item }) => item);
  const vault = vaultFill(model);
  return {
    characterId: store.id,
    name: store.name,
    light: store.light,
    equipped,
    vault: { used: vault.used, capacity: vault.capacity },
    warnings: postmasterWarnings(model).map((p) => ({
      storeId: p.storeId,
      name: model.stores.find((s) => s.id === p.storeId)?.name ?? '',
      used: p.used,
      capacity: p.capacity,
      level: p.level,
    })),
    fetchedAt,
  };
}
