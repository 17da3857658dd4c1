/**
 * The one placeholder for an item the Manifest cannot describe. Bungie: redacted definitions are unreleased content
 * ("Classified"); hashes with no definition are usually items newer than our Manifest (or deleted ones). The
 * definition lookups (lib/manifest/lookup.ts) hand out `placeholderDef`; the inventory model builds its placeholder
 * items from the same definition, keeping the item's real place and count.
 */
import type { ItemDef } from '../manifest/types';

export type PlaceholderKind = 'missing' | 'classified';

/** What a placeholder is called on a tile (the lookups add the hash to a missing one's name). */
export const PLACEHOLDER_NAMES: Readonly<Record<PlaceholderKind, string>> = {
  classified: 'Classified',
  missing: 'Unknown item',
};

/** A stand-in definition: no type, no class, no tier, not movable, not equippable. */
export function placeholderDef(hash: number, kind: PlaceholderKind, bucketTypeHash = 0): ItemDef {
  return {
    hash,
    name: kind === 'classified' ? PLACEHOLDER_NAMES.classified : `${PLACEHOLDER_NAMES.missing} ${hash}`,
    description:
      kind === 'classified'
        ? 'Bungie has not revealed this item yet.'
        : 'This item is not in the item database yet; Vault Raider is checking for an update.',
    redacted: kind === 'classified',
    itemTypeDisplayName: kind === 'classified' ? 'Classified' : 'Unknown',
    itemType: 0,
    itemSubType: 0,
    classType: 3,
    bucketTypeHash,
    tierType: 0,
    tierTypeName: '',
    maxStackSize: 1,
    isInstanceItem: false,
    nonTransferrable: true,
    equippable: false,
    itemCategoryHashes: [],
  };
}
