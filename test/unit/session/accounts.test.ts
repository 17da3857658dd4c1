// @vitest-environment node
import { readFileSync } from 'node:fs';
import type { DestinyLinkedProfilesResponse } from 'bungie-api-ts/destiny2';
import type { UserMembershipData } from 'bungie-api-ts/user';
import { describe, expect, it } from 'vitest';
import { accountKey, accountsFrom, bungieName, defaultAccount, platformName } from '@/lib/session/accounts';

const dir = '/work/shared/fixtures/bungie/responses';
const load = (file: string) => JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as DestinyLinkedProfilesResponse;

/** GetMembershipsForCurrentUser lists every Destiny membership, overridden ones included, like linked profiles do. */
function membershipsFrom(linked: DestinyLinkedProfilesResponse): UserMembershipData {
  return {
    destinyMemberships: [...linked.profiles, ...linked.profilesWithErrors.map((e) => e.infoCard)] as never,
    primaryMembershipId: linked.profiles.find((p) => p.isCrossSavePrimary)?.membershipId,
    bungieNetUser: { membershipId: linked.bnetMembership.membershipId } as never,
  };
}

describe('Destiny accounts from real linked-profile captures', () => {
  it.each([
    [
      'GetLinkedProfiles.dim-2022-10-23.json',
      '2:4611686018433092312',
      'Cross Save (PlayStation)',
      ['Xbox', 'Steam', 'Stadia', 'PlayStation'],
    ],
    [
      'GetLinkedProfiles.dim-2025-07-15.json',
      '2:4611686018433092312',
      'Cross Save (PlayStation)',
      ['Xbox', 'Steam', 'Stadia', 'Epic Games', 'PlayStation'],
    ],
    [
      'GetLinkedProfiles.dim-ace-accounts-2021-10.json',
      '3:4611686018467367772',
      'Cross Save (Steam)',
      ['PlayStation', 'Stadia', 'Steam'],
    ],
    [
      'GetLinkedProfiles.dim-vidboi-accounts-2021-10.json',
      '2:4611686018433092312',
      'Cross Save (PlayStation)',
      ['Xbox', 'Steam', 'Stadia', 'PlayStation'],
    ],
  ])('%s: cross-save folds the overridden accounts into %s', (file, key, platform, platforms) => {
    const linked = load(file);
    const accounts = accountsFrom(membershipsFrom(linked), linked);
    expect(accounts.map(accountKey)).toEqual([key]);
    expect(accounts[0]).toMatchObject({ platform, platforms, crossSave: true });
    expect(accounts[0].dateLastPlayed).toBe(Date.parse(linked.profiles[0].dateLastPlayed));
    expect(defaultAccount(accounts, membershipsFrom(linked).primaryMembershipId)).toBe(accounts[0]);
  });

  it('without cross-save every platform is its own account and the most recently played is the default', () => {
    const linked = load('GetLinkedProfiles.dim-ace-accounts-2021-10.json');
    const steam = {
      ...linked.profiles[0],
      crossSaveOverride: 0,
      applicableMembershipTypes: [3],
      isCrossSavePrimary: false,
    };
    const stadia = { ...linked.profilesWithErrors[0].infoCard, crossSaveOverride: 0, applicableMembershipTypes: [5] };
    const withDates = {
      ...linked,
      profiles: [
        { ...steam, dateLastPlayed: '2021-10-01T00:00:00Z' },
        { ...steam, ...stadia, dateLastPlayed: '2021-10-11T00:00:00Z' },
      ],
    } as DestinyLinkedProfilesResponse;
    const data: UserMembershipData = {
      destinyMemberships: [steam, stadia] as never,
      bungieNetUser: { membershipId: '11001735' } as never,
    };
    const accounts = accountsFrom(data, withDates);
    expect(accounts.map((a) => a.platform)).toEqual(['Steam', 'Stadia']);
    expect(defaultAccount(accounts)?.platform).toBe('Stadia');
  });

  it('without play dates the cross-save primary, then the first account, is the default', () => {
    const linked = load('GetLinkedProfiles.dim-2025-07-15.json');
    const accounts = accountsFrom(membershipsFrom(linked));
    expect(accounts[0].dateLastPlayed).toBeUndefined();
    expect(defaultAccount(accounts, '4611686018433092312')?.membershipId).toBe('4611686018433092312');
    expect(defaultAccount([])).toBeUndefined();
  });

  it.each([
    [{ bungieGlobalDisplayName: 'Ace', bungieGlobalDisplayNameCode: 2060 }, 'Ace#2060'],
    [{ bungieGlobalDisplayName: 'VidBoi', bungieGlobalDisplayNameCode: 42 }, 'VidBoi#0042'],
    [{ displayName: 'OldName' }, 'OldName'],
  ])('Bungie name of %o is %s', (card, name) => {
    expect(bungieName(card)).toBe(name);
  });

  it.each([
    [1, 'Xbox'],
    [2, 'PlayStation'],
    [3, 'Steam'],
    [6, 'Epic Games'],
    [99, 'Platform 99'],
  ])('membership type %i is %s', (type, name) => {
    expect(platformName(type)).toBe(name);
  });
});
