import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/lib/db/schema';
import {
  ACTIVE_PROFILE_KEY,
  createProfileService,
  PROFILE_ALARM,
  PROFILE_COMPONENTS,
  type Membership,
} from '@/lib/profile/service';
import { loadDefinitions, loadProfile } from '../inventory/fixtures';

const membership: Membership = { membershipType: 2, membershipId: '4611686018433092312' };
const KEY = '2:4611686018433092312';
const defs = loadDefinitions();

function profileMintedAt(iso: string): DestinyProfileResponse {
  return { ...loadProfile(), responseMintedTimestamp: iso } as DestinyProfileResponse;
}

function setup(responses: DestinyProfileResponse[], clock = { t: Date.parse('2026-11-20T18:00:00Z') }) {
  const fetchProfile = vi.fn(async () => responses.shift()!);
  const service = createProfileService({
    currentMembership: async () => membership,
    fetchProfile,
    definitionsFor: async () => defs,
    now: () => clock.t,
  });
  return { service, fetchProfile, clock };
}

describe('profile cache', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await getDb().profiles.clear();
    await getDb().meta.clear();
  });

  it('asks Bungie for exactly the components the views need', async () => {
    const { service, fetchProfile } = setup([profileMintedAt('2026-11-20T18:00:00Z')]);
    await service.refresh();
    expect(fetchProfile).toHaveBeenCalledWith(membership, PROFILE_COMPONENTS);
    expect([...PROFILE_COMPONENTS]).toEqual(
      expect.arrayContaining([100, 102, 103, 200, 201, 205, 300, 302, 304, 305, 1000]),
    );
  });

  it('stores the response and the built model, and points the views at it', async () => {
    const { service } = setup([profileMintedAt('2026-11-20T18:00:00Z')]);
    await expect(service.refresh()).resolves.toMatchObject({ refreshed: true });
    const row = await getDb().profiles.get(KEY);
    expect(row?.mintedAt).toBe(Date.parse('2026-11-20T18:00:00Z'));
    expect(Object.keys(row?.model?.items ?? {}).length).toBe(966);
    expect((await getDb().meta.get(ACTIVE_PROFILE_KEY))?.value).toBe(KEY);
  });

  it('never lets an older response overwrite a newer cache', async () => {
    const { service, clock } = setup([
      profileMintedAt('2026-11-20T18:00:00Z'),
      profileMintedAt('2026-11-20T17:59:00Z'),
    ]);
    await service.refresh();
    clock.t += 60_000;
    await expect(service.refresh()).resolves.toMatchObject({ refreshed: false, reason: 'older-response' });
    expect((await getDb().profiles.get(KEY))?.mintedAt).toBe(Date.parse('2026-11-20T18:00:00Z'));
  });

  it.each([
    ['a view opening 10 s later', false, 10_000, false],
    ['the alarm 31 s later', false, 31_000, true],
    ['a forced refresh 2 s later', true, 2_000, false],
    ['a forced refresh 5 s later', true, 5_000, true],
  ])('does not refetch sooner than Bungie’s 30 s cache makes useful: %s', async (_name, force, after, fetched) => {
    const { service, fetchProfile, clock } = setup([
      profileMintedAt('2026-11-20T18:00:00Z'),
      profileMintedAt('2026-11-20T18:01:00Z'),
    ]);
    await service.refresh();
    clock.t += after;
    await service.refresh({ force });
    expect(fetchProfile).toHaveBeenCalledTimes(fetched ? 2 : 1);
  });

  it('concurrent callers share one request', async () => {
    const { service, fetchProfile } = setup([profileMintedAt('2026-11-20T18:00:00Z')]);
    await Promise.all([service.refresh(), service.refresh(), service.refresh()]);
    expect(fetchProfile).toHaveBeenCalledTimes(1);
  });

  it('patches the cached model (bumping its revision) without touching Bungie’s response', async () => {
    const { service } = setup([profileMintedAt('2026-11-20T18:00:00Z')]);
    await service.refresh();
    const before = await getDb().profileResponses.get(KEY);
    const revision = (await getDb().profiles.get(KEY))?.revision ?? 0;
    await service.patchModel(KEY, (m) => ({ ...m, vaultCapacity: 1 }));
    const after = await getDb().profiles.get(KEY);
    expect(after?.model?.vaultCapacity).toBe(1);
    expect(after?.revision).toBe(revision + 1);
    expect(await getDb().profileResponses.get(KEY)).toEqual(before);
  });

  it('keeps the raw response out of the row the views read', async () => {
    const { service } = setup([profileMintedAt('2026-11-20T18:00:00Z')]);
    await service.refresh();
    expect(Object.keys((await getDb().profiles.get(KEY)) ?? {}).sort()).toEqual([
      'fetchedAt',
      'key',
      'mintedAt',
      'model',
      'revision',
    ]);
    expect((await getDb().profileResponses.get(KEY))?.profile).toMatchObject({
      responseMintedTimestamp: '2026-11-20T18:00:00Z',
    });
  });

  it('rebuilds the model from the cached response (a new Manifest), unless something newer landed meanwhile', async () => {
    const { service } = setup([profileMintedAt('2026-11-20T18:00:00Z')]);
    await service.refresh();
    await service.patchModel(KEY, (m) => ({ ...m, vaultCapacity: 1 }));
    await expect(service.rebuild()).resolves.toBe(true);
    expect((await getDb().profiles.get(KEY))?.model?.vaultCapacity).toBe(1300);
  });

  it('writes the active account pointer only when it changes (each write wakes every open view)', async () => {
    const { service, clock } = setup([profileMintedAt('2026-11-20T18:00:00Z')]);
    await service.refresh();
    const puts = vi.spyOn(getDb().meta, 'put');
    clock.t += 1000;
    await service.refresh();
    expect(puts).not.toHaveBeenCalled();
  });

  it('keeps a refresh alarm only while the player is in game (or a view is open)', async () => {
    const playing = {
      ...profileMintedAt('2026-11-20T18:00:00Z'),
      profileTransitoryData: { data: {}, privacy: 1 },
    } as DestinyProfileResponse;
    const { service, clock } = setup([playing, profileMintedAt('2026-11-20T18:01:00Z')]);
    await service.refresh();
    expect(await fakeBrowser.alarms.get(PROFILE_ALARM)).toBeDefined();
    clock.t += 60_000;
    await service.refresh();
    expect(await fakeBrowser.alarms.get(PROFILE_ALARM)).toBeUndefined();
  });

  it('does nothing when signed out', async () => {
    const fetchProfile = vi.fn();
    const service = createProfileService({
      currentMembership: async () => undefined,
      fetchProfile,
      definitionsFor: async () => defs,
    });
    await expect(service.refresh()).resolves.toEqual({ refreshed: false, reason: 'signed-out' });
    expect(fetchProfile).not.toHaveBeenCalled();
  });
});
