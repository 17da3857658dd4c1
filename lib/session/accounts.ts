import type { DestinyLinkedProfilesResponse } from 'bungie-api-ts/destiny2';
import type { HttpClient } from 'bungie-api-ts/http';
import type { UserInfoCard, UserMembershipData } from 'bungie-api-ts/user';
import { getLinkedProfilesForUser, getMembershipDataForCurrentUser } from '../bungie/endpoints';
import { membershipKey, type DestinyAccount } from '../bungie/protocol';

/** The stable key of an account: the one membership key (lib/bungie/protocol.ts). */
export { membershipKey as accountKey, type DestinyAccount } from '../bungie/protocol';

/** The user's Destiny accounts as loaded after sign-in. */
export interface AccountList {
  bnetMembershipId: string;
  /** "Name#1234" */
  bungieName: string;
  accounts: DestinyAccount[];
  primaryMembershipId?: string;
}

/** BungieMembershipType names as players know them. */
const PLATFORM_NAMES: Record<number, string> = {
  1: 'Xbox',
  2: 'PlayStation',
  3: 'Steam',
  4: 'Battle.net',
  5: 'Stadia',
  6: 'Epic Games',
  10: 'Demon',
  254: 'Bungie.net',
};

/** A membership type's platform name ("Steam", "PlayStation", …). */
export function platformName(membershipType: number): string {
  return PLATFORM_NAMES[membershipType] ?? `Platform ${membershipType}`;
}

/** "Name#0042": Bungie shows the code with four digits. */
export function bungieName(card: {
  bungieGlobalDisplayName?: string;
  bungieGlobalDisplayNameCode?: number;
  displayName?: string;
}): string {
  if (!card.bungieGlobalDisplayName) return card.displayName ?? '';
  const code = card.bungieGlobalDisplayNameCode;
  return code === undefined
    ? card.bungieGlobalDisplayName
    : `${card.bungieGlobalDisplayName}#${String(code).padStart(4, '0')}`;
}

/**
 * Bungie cross-save: a membership whose `crossSaveOverride` names another platform has been folded into that
 * platform's account and must not be offered; the primary (crossSaveOverride === its own type) plays on all its
 * `applicableMembershipTypes`. `dateLastPlayed` comes from the linked-profiles answer when we have it.
 */
export function accountsFrom(data: UserMembershipData, linked?: DestinyLinkedProfilesResponse): DestinyAccount[] {
  const lastPlayed = new Map<string, number>();
  for (const profile of linked?.profiles ?? []) {
    const time = Date.parse(profile.dateLastPlayed);
    if (Number.isFinite(time)) lastPlayed.set(membershipKey(profile), time);
  }
  return data.destinyMemberships
    .filter((m: UserInfoCard) => m.crossSaveOverride === 0 || m.crossSaveOverride === m.membershipType)
    .map((m) => {
      const crossSave =
        m.crossSaveOverride === m.membershipType ||
        (data.primaryMembershipId === m.membershipId && (m.applicableMembershipTypes?.length ?? 0) > 1);
      const types = crossSave && m.applicableMembershipTypes?.length ? m.applicableMembershipTypes : [m.membershipType];
      return {
        membershipType: m.membershipType,
        membershipId: m.membershipId,
        displayName: m.displayName,
        bungieGlobalDisplayName: m.bungieGlobalDisplayName,
        bungieGlobalDisplayNameCode: m.bungieGlobalDisplayNameCode,
        platform: crossSave ? `Cross Save (${platformName(m.membershipType)})` : platformName(m.membershipType),
        platforms: [...new Set(types.map(platformName))],
        crossSave,
        dateLastPlayed: lastPlayed.get(membershipKey(m)),
      };
    });
}

/**
 * The account to select when the user has not chosen one: the most recently played; without play dates, the
 * cross-save primary (Bungie's `primaryMembershipId`); otherwise the first Bungie lists.
 */
export function defaultAccount(accounts: DestinyAccount[], primaryMembershipId?: string): DestinyAccount | undefined {
  const played = accounts.filter((a) => a.dateLastPlayed !== undefined);
  if (played.length) return played.reduce((best, a) => (a.dateLastPlayed! > best.dateLastPlayed! ? a : best));
  return accounts.find((a) => a.membershipId === primaryMembershipId) ?? accounts[0];
}

/**
 * Load the signed-in user's Destiny accounts: GetMembershipsForCurrentUser, then the linked profiles for play dates.
 * Bungie: linked profiles is a nicety here; when it fails the memberships alone still make a usable list.
 */
export async function fetchAccounts(http: HttpClient): Promise<AccountList> {
  const memberships = (await getMembershipDataForCurrentUser(http)).Response;
  const bnetMembershipId = memberships.bungieNetUser.membershipId;
  let linked: DestinyLinkedProfilesResponse | undefined;
  try {
    linked = (await getLinkedProfilesForUser(http, bnetMembershipId)).Response;
  } catch {
    linked = undefined;
  }
  const accounts = accountsFrom(memberships, linked);
  const user = memberships.bungieNetUser;
  const name =
    bungieName({
      bungieGlobalDisplayName: user.cachedBungieGlobalDisplayName,
      bungieGlobalDisplayNameCode: user.cachedBungieGlobalDisplayNameCode,
      displayName: user.displayName,
    }) || (accounts[0] ? bungieName(accounts[0]) : '');
  return { bnetMembershipId, bungieName: name, accounts, primaryMembershipId: memberships.primaryMembershipId };
}
