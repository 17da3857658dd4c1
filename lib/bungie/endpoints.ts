/**
 * Bungie endpoints, bungie-api-ts style: `fn(http, params)` returning the typed envelope. Most come straight from
 * bungie-api-ts (generated from Bungie's OpenAPI spec); pass them `BungieClient.http` so rate limits, auth and error
 * mapping apply. Wrappers here only pin parameters Bungie expects for our use.
 */
import type { DestinyLinkedProfilesResponse, ServerResponse } from 'bungie-api-ts/destiny2';
import { getLinkedProfiles } from 'bungie-api-ts/destiny2';
import type { HttpClient } from 'bungie-api-ts/http';

export {
  equipItem,
  equipItems,
  getDestinyManifest,
  getLinkedProfiles,
  getProfile,
  getPublicVendors,
  getVendor,
  getVendors,
  insertSocketPlugFree,
  pullFromPostmaster,
  setItemLockState,
  setQuestTrackedState,
  transferItem,
} from 'bungie-api-ts/destiny2';
export { getMembershipDataForCurrentUser } from 'bungie-api-ts/user';

/** BungieMembershipType.BungieNext: the Bungie.net account itself. */
const BUNGIE_NEXT = 254;

/**
 * Every Destiny profile linked to a Bungie.net account, with `dateLastPlayed` and cross-save flags. Bungie: ask with
 * the Bungie.net membership (type 254) and `getAllMemberships` so overridden cross-save accounts are listed too.
 */
export function getLinkedProfilesForUser(
  http: HttpClient,
  bnetMembershipId: string,
): Promise<ServerResponse<DestinyLinkedProfilesResponse>> {
  return getLinkedProfiles(http, {
    membershipType: BUNGIE_NEXT,
    membershipId: bnetMembershipId,
    getAllMemberships: true,
  });
}
