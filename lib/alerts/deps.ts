import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { getPublicVendors } from '../bungie/endpoints';
import { membershipKey } from '../bungie/protocol';
import { getBungieHttp, getSession, onSessionChange } from '../session/session';
import { effectiveConfig, loadUserSettings } from '../bungie/settings';
import { buildConfig, bungieAssetUrl } from '../config/build';
import { getDb } from '../db/schema';
import { getDefinitions } from '../manifest/lookup';
import type { AlertDeps } from './service';

/** Bungie: the Vendors (400) and VendorSales (402) components are all Xûr's presence and wares need. */
const PUBLIC_VENDOR_COMPONENTS = [400, 402];

/**
 * The alert service's real collaborators: the one Bungie client (public vendors need only the API key), the active
 * Manifest, the session and the profile cache the profile service writes.
 */
export function defaultAlertDeps(): AlertDeps {
  const db = getDb();
  return {
    async fetchPublicVendors() {
      const client = await getBungieHttp();
      return (await getPublicVendors(client.http, { components: PUBLIC_VENDOR_COMPONENTS })).Response;
    },
    async hasApiKey() {
      return Boolean(effectiveConfig(buildConfig(), await loadUserSettings()).apiKey);
    },
    itemDefinitions: (hashes) => getDefinitions('InventoryItem', hashes, db),
    async player() {
      const session = await getSession();
      if (!session.signedIn || !session.membership) return { signedIn: session.signedIn };
      const key = membershipKey(session.membership);
      const [row, cached] = await Promise.all([db.profileResponses.get(key), db.profiles.get(key)]);
      return { signedIn: true, profile: row?.profile as DestinyProfileResponse | undefined, model: cached?.model };
    },
    onPlayerChange: (listener) => onSessionChange(() => listener()),
    assetUrl: bungieAssetUrl,
    db,
  };
}
