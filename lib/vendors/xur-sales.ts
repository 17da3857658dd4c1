import type {
  DestinyProfileResponse,
  DestinyPublicVendorSaleItemComponent,
  DestinyPublicVendorsResponse,
} from 'bungie-api-ts/destiny2';
import type { ItemDef } from '../manifest/types';
import { XUR_VENDOR_HASH } from './xur-schedule';

/** One price line of a sale: which currency, its icon, how many. */
export interface SaleCost {
  itemHash: number;
  name: string;
  icon?: string;
  quantity: number;
}

/** One thing Xûr sells, ready for the view. */
export interface XurSaleRow {
  /** Bungie's vendorItemIndex: stable within a visit and the game's display order. */
  vendorItemIndex: number;
  itemHash: number;
  name: string;
  icon?: string;
  itemTypeDisplayName: string;
  /** Tier name from the definition ("Exotic", "Legendary", …). */
  tier: string;
  /** TierType enum: 6 Exotic. */
  tierType: number;
  quantity: number;
  costs: SaleCost[];
  /** The player's cached profile holds this itemHash somewhere (character, equipment or vault). */
  owned: boolean;
  /** False when the Manifest has no definition for it (not loaded yet, or a brand-new item). */
  resolved: boolean;
}

/** The raw sale kept in the cache, so rows can be re-shaped when the Manifest or the profile changes. */
export interface RawSale {
  vendorItemIndex: number;
  itemHash: number;
  quantity: number;
  costs: { itemHash: number; quantity: number }[];
}

/** What one public-vendors answer says about Xûr. */
export interface XurPresence {
  present: boolean;
  sales: RawSale[];
  /** Bungie's `nextRefreshDate` for Xûr's vendor (ms), when he is here and it parses; see `xurDepartureAt`. */
  nextRefreshDate?: number;
}

export interface ShapeOptions {
  /** Trimmed item definition by hash (sold items and currencies); undefined when the Manifest lacks it. */
  item(hash: number): ItemDef | undefined;
  /** Item hashes the player owns; see `ownedItemHashes`. */
  owned?: ReadonlySet<number>;
  /** Turns Bungie's relative icon path into a URL the page can load. */
  assetUrl?(path: string | undefined): string | undefined;
}

const TIER_EXOTIC = 6;

/**
 * Read Xûr out of a GetPublicVendors answer (components 400 Vendors + 402 VendorSales). Bungie: outside his visit
 * the vendor is simply absent from `vendors.data`; a vendor entry with `enabled: false` means the same.
 */
export function readXurPresence(response: DestinyPublicVendorsResponse): XurPresence {
  const vendor = response.vendors?.data?.[XUR_VENDOR_HASH];
  if (!vendor || vendor.enabled === false) return { present: false, sales: [] };
  const saleItems: Record<string, DestinyPublicVendorSaleItemComponent> =
    response.sales?.data?.[XUR_VENDOR_HASH]?.saleItems ?? {};
  const sales = Object.values(saleItems)
    .map((s) => ({
      vendorItemIndex: s.vendorItemIndex,
      itemHash: s.itemHash,
      quantity: s.quantity ?? 1,
      costs: (s.costs ?? []).map((c) => ({ itemHash: c.itemHash, quantity: c.quantity })),
    }))
    .sort((a, b) => a.vendorItemIndex - b.vendorItemIndex);
  const refresh = Date.parse(vendor.nextRefreshDate ?? '');
  return { present: true, sales, ...(Number.isFinite(refresh) ? { nextRefreshDate: refresh } : {}) };
}

/**
 * Turn Xûr's raw sales into view rows: names, icons, type and tier from the Manifest, costs with currency names,
 * and whether the player owns each item. Bungie's sale list also carries menu entries that are not goods (links to
 * his sub-vendors, "Reset Rank", Xûr himself): definitions with no item type and no price, which are left out.
 * A sale whose definition is missing keeps its row with a placeholder name; Bungie's redacted items read "Classified".
 */
export function shapeXurSales(sales: readonly RawSale[], { item, owned, assetUrl }: ShapeOptions): XurSaleRow[] {
  const url = assetUrl ?? ((p: string | undefined) => p);
  const rows: XurSaleRow[] = [];
  for (const sale of sales) {
    const def = item(sale.itemHash);
    if (def && !def.itemTypeDisplayName && sale.costs.length === 0) continue;
    rows.push({
      vendorItemIndex: sale.vendorItemIndex,
      itemHash: sale.itemHash,
      name: !def ? `Unknown item ${sale.itemHash}` : def.redacted ? 'Classified' : def.name || 'Unnamed item',
      icon: url(def?.icon),
      itemTypeDisplayName: def?.itemTypeDisplayName ?? '',
      tier: def?.tierTypeName ?? '',
      tierType: def?.tierType ?? 0,
      quantity: sale.quantity,
      costs: sale.costs.map((c) => {
        const currency = item(c.itemHash);
        return {
          itemHash: c.itemHash,
          name: currency?.name || 'Unknown currency',
          icon: url(currency?.icon),
          quantity: c.quantity,
        };
      }),
      owned: owned?.has(sale.itemHash) ?? false,
      resolved: def !== undefined,
    });
  }
  return rows;
}

/** Names of the exotics among the rows, once each, in sale order: what a notification lists. */
export function exoticNames(rows: readonly XurSaleRow[]): string[] {
  return [...new Set(rows.filter((r) => r.tierType === TIER_EXOTIC).map((r) => r.name))];
}

/**
 * Every itemHash the profile holds: character inventories (postmaster included), equipment and the profile-wide
 * inventory (vault, consumables, modifications). Bungie splits them over components 102, 201 and 205.
 */
export function ownedItemHashes(profile: DestinyProfileResponse | undefined): Set<number> {
  const owned = new Set<number>();
  if (!profile) return owned;
  const add = (items: readonly { itemHash: number }[] | undefined) => items?.forEach((i) => owned.add(i.itemHash));
  add(profile.profileInventory?.data?.items);
  for (const c of Object.values(profile.characterInventories?.data ?? {})) add(c.items);
  for (const c of Object.values(profile.characterEquipment?.data ?? {})) add(c.items);
  return owned;
}
