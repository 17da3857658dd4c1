/**
 * GetVendors, GetVendor and GetPublicVendors built from the real captures, with Xûr following the emulator's clock.
 */
import { BungieError } from './envelopes';

export const XUR_VENDOR_HASH = 2190858386;

interface Component {
  data?: Record<string, unknown>;
  privacy?: number;
}

/** A GetVendors Response as captured (fixtures/bungie/responses/GetVendors.*.json). */
export interface CapturedVendors {
  vendorGroups?: { data?: { groups: { vendorGroupHash: number; vendorHashes: number[] }[] }; privacy?: number };
  vendors?: Component;
  categories?: Component;
  sales?: Component;
  itemComponents?: Record<string, Record<string, unknown>>;
  currencyLookups?: Component;
  stringVariables?: Component;
}

const WEEK_MINUTES = 7 * 24 * 60;
const FRIDAY_1700 = 5 * 24 * 60 + 17 * 60;
const TUESDAY_1700 = 2 * 24 * 60 + 17 * 60;

/** Bungie: Xûr is present from Friday 17:00 UTC until the weekly reset on Tuesday 17:00 UTC. */
export function isXurPresent(nowMs: number): boolean {
  const d = new Date(nowMs);
  const minute = (d.getUTCDay() * 24 * 60 + d.getUTCHours() * 60 + d.getUTCMinutes()) % WEEK_MINUTES;
  return minute >= FRIDAY_1700 || minute < TUESDAY_1700;
}

const ITEM_COMPONENT_KEYS: Record<number, string> = {
  300: 'instances',
  301: 'objectives',
  302: 'perks',
  304: 'stats',
  305: 'sockets',
  308: 'plugStates',
  309: 'plugObjectives',
  310: 'reusablePlugs',
};

function withoutVendor(vendors: CapturedVendors, hash: number): CapturedVendors {
  const key = String(hash);
  const drop = (c: Component | undefined): Component | undefined => {
    if (!c?.data || !(key in c.data)) return c;
    const { [key]: _gone, ...data } = c.data;
    return { ...c, data };
  };
  const out: CapturedVendors = {
    ...vendors,
    vendors: drop(vendors.vendors),
    categories: drop(vendors.categories),
    sales: drop(vendors.sales),
  };
  if (vendors.itemComponents && key in vendors.itemComponents) {
    const { [key]: _gone, ...rest } = vendors.itemComponents;
    out.itemComponents = rest;
  }
  if (vendors.vendorGroups?.data) {
    out.vendorGroups = {
      ...vendors.vendorGroups,
      data: {
        groups: vendors.vendorGroups.data.groups
          .map((g) => ({ ...g, vendorHashes: g.vendorHashes.filter((h) => h !== hash) }))
          .filter((g) => g.vendorHashes.length > 0),
      },
    };
  }
  return out;
}

/** The first Tuesday 17:00 UTC (the weekly reset) strictly after `nowMs`. */
export function nextWeeklyReset(nowMs: number): number {
  const d = new Date(nowMs);
  const minute = (d.getUTCDay() * 24 * 60 + d.getUTCHours() * 60 + d.getUTCMinutes()) % WEEK_MINUTES;
  const startOfMinute = nowMs - (nowMs % 60_000);
  const ahead = (TUESDAY_1700 - minute + WEEK_MINUTES) % WEEK_MINUTES || WEEK_MINUTES;
  return startOfMinute + ahead * 60_000;
}

/**
 * Xûr's vendor entry with `nextRefreshDate` at his departure, the next weekly reset after `nowMs` (emulator choice:
 * the captures carry the capture week's date, which would be in the past for any other clock).
 */
function withXurDeparture(vendors: CapturedVendors, nowMs: number): CapturedVendors {
  const key = String(XUR_VENDOR_HASH);
  const xur = vendors.vendors?.data?.[key] as Record<string, unknown> | undefined;
  if (!xur || !vendors.vendors?.data) return vendors;
  const nextRefreshDate = new Date(nextWeeklyReset(nowMs)).toISOString().replace('.000Z', 'Z');
  return {
    ...vendors,
    vendors: { ...vendors.vendors, data: { ...vendors.vendors.data, [key]: { ...xur, nextRefreshDate } } },
  };
}

/** The vendors visible at a moment: the capture, less Xûr outside his weekend; while he is here he leaves at reset. */
export function vendorsAt(captured: CapturedVendors, nowMs: number): CapturedVendors {
  return isXurPresent(nowMs) ? withXurDeparture(captured, nowMs) : withoutVendor(captured, XUR_VENDOR_HASH);
}

/** Character GetVendors Response for the requested components (400 vendors+groups, 401, 402, 3xx, 600, 1200). */
export function buildVendorsResponse(vendors: CapturedVendors, components: number[]): Record<string, unknown> {
  const wanted = new Set(components);
  const out: Record<string, unknown> = {};
  if (wanted.has(400)) {
    if (vendors.vendorGroups) out.vendorGroups = vendors.vendorGroups;
    if (vendors.vendors) out.vendors = vendors.vendors;
  }
  if (wanted.has(401) && vendors.categories) out.categories = vendors.categories;
  if (wanted.has(402) && vendors.sales) out.sales = vendors.sales;
  const itemKeys = components.map((c) => ITEM_COMPONENT_KEYS[c]).filter(Boolean);
  if (itemKeys.length > 0 && vendors.itemComponents) {
    out.itemComponents = Object.fromEntries(
      Object.entries(vendors.itemComponents).map(([hash, parts]) => [
        hash,
        Object.fromEntries(Object.entries(parts).filter(([key]) => itemKeys.includes(key))),
      ]),
    );
  }
  if (wanted.has(600) && vendors.currencyLookups) out.currencyLookups = vendors.currencyLookups;
  if (wanted.has(1200) && vendors.stringVariables) out.stringVariables = vendors.stringVariables;
  return out;
}

/** GetVendor (one vendor); a vendor that is not there answers 1627 DestinyVendorNotFound. */
export function buildVendorResponse(
  vendors: CapturedVendors,
  vendorHash: string,
  components: number[],
): Record<string, unknown> {
  const vendor = vendors.vendors?.data?.[vendorHash];
  if (!vendor) throw new BungieError(1627);
  const wanted = new Set(components);
  const out: Record<string, unknown> = {};
  const privacy = vendors.vendors?.privacy ?? 2;
  if (wanted.has(400)) out.vendor = { data: vendor, privacy };
  if (wanted.has(401)) out.categories = { data: vendors.categories?.data?.[vendorHash] ?? {}, privacy };
  if (wanted.has(402)) {
    const sales = vendors.sales?.data?.[vendorHash] as { saleItems?: unknown } | undefined;
    out.sales = { data: sales?.saleItems ?? {}, privacy };
  }
  const itemKeys = components.map((c) => ITEM_COMPONENT_KEYS[c]).filter(Boolean);
  if (itemKeys.length > 0) {
    const parts = vendors.itemComponents?.[vendorHash] ?? {};
    out.itemComponents = Object.fromEntries(Object.entries(parts).filter(([key]) => itemKeys.includes(key)));
  }
  if (wanted.has(600) && vendors.currencyLookups) out.currencyLookups = vendors.currencyLookups;
  if (wanted.has(1200) && vendors.stringVariables) out.stringVariables = vendors.stringVariables;
  return out;
}

const PUBLIC_VENDOR_KEYS = ['vendorHash', 'nextRefreshDate', 'enabled'];
const PUBLIC_SALE_KEYS = [
  'vendorItemIndex',
  'itemHash',
  'overrideStyleItemHash',
  'quantity',
  'costs',
  'overrideNextRefreshDate',
  'apiPurchasable',
];

function pickKeys(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in obj).map((k) => [k, obj[k]]));
}

/**
 * GetPublicVendors (API key only): DestinyPublicVendorsResponse, i.e. the captured vendors reduced to the public
 * component fields (DestinyPublicVendorComponent, DestinyPublicVendorSaleItemComponent in the OpenAPI spec).
 */
export function buildPublicVendorsResponse(vendors: CapturedVendors, components: number[]): Record<string, unknown> {
  const wanted = new Set(components);
  const out: Record<string, unknown> = {};
  if (wanted.has(400)) {
    if (vendors.vendorGroups) out.vendorGroups = vendors.vendorGroups;
    out.vendors = {
      data: Object.fromEntries(
        Object.entries(vendors.vendors?.data ?? {}).map(([hash, v]) => [
          hash,
          pickKeys(v as Record<string, unknown>, PUBLIC_VENDOR_KEYS),
        ]),
      ),
      privacy: 1,
    };
  }
  if (wanted.has(401) && vendors.categories) out.categories = { ...vendors.categories, privacy: 1 };
  if (wanted.has(402)) {
    out.sales = {
      data: Object.fromEntries(
        Object.entries(vendors.sales?.data ?? {}).map(([hash, s]) => {
          const saleItems = (s as { saleItems: Record<string, Record<string, unknown>> }).saleItems;
          return [
            hash,
            {
              saleItems: Object.fromEntries(
                Object.entries(saleItems).map(([i, sale]) => [i, pickKeys(sale, PUBLIC_SALE_KEYS)]),
              ),
            },
          ];
        }),
      ),
      privacy: 1,
    };
  }
  if (wanted.has(1200) && vendors.stringVariables) out.stringVariables = vendors.stringVariables;
  return out;
}
