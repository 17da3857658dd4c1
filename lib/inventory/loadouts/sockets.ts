/**
 * What a loadout records of sockets. The inventory model keeps each item's plugs by socket index (component 305)
 * but not what a socket is for: which sockets hold armor mods, and which plug is a socket's "empty" plug, come from
 * the item and plug definitions. Callers pass that knowledge in as a `SocketSource`, so this stays pure.
 */
import type { ItemDef } from '../../manifest/types';

/** DestinySocketCategoryDefinition "ARMOR MODS": the sockets of an armor piece that hold its mods. */
export const ARMOR_MODS_SOCKET_CATEGORY = 590099826;
/** DestinyItemCategoryDefinition 59 "Mods": every mod plug carries it; an empty socket's plug carries nothing else. */
const MODS_ITEM_CATEGORY = 59;

export interface SocketSource {
  /** The socket indexes of an item hash's armor-mod sockets, or undefined when the definition is unknown. */
  armorModSocketIndexes(itemHash: number): readonly number[] | undefined;
  /** True for a socket's empty plug ("Empty Mod Socket"), which a loadout does not record. */
  isEmptyPlug(plugHash: number): boolean;
}

/**
 * A SocketSource over trimmed item definitions (the same lookup the model builder uses). Bungie: armor mods sit in
 * the sockets of socket category 590099826; the "Empty … Socket" plugs are mod plugs whose only item category is
 * 59 (Mods), while real mods also carry their kind (Armor Mods 4104513227 and the slot's category).
 */
export function socketSourceFromDefinitions(item: (hash: number) => ItemDef | undefined): SocketSource {
  return {
    armorModSocketIndexes(itemHash) {
      const sockets = item(itemHash)?.sockets;
      if (!sockets) return undefined;
      return sockets.categories
        .filter((c) => c.socketCategoryHash === ARMOR_MODS_SOCKET_CATEGORY)
        .flatMap((c) => c.socketIndexes);
    },
    isEmptyPlug(plugHash) {
      const plug = item(plugHash);
      if (!plug) return plugHash === 0;
      return plug.itemCategoryHashes.every((c) => c === MODS_ITEM_CATEGORY);
    },
  };
}
