/**
 * Issue 12 part 3: a profile refresh still in flight when the user signs out or switches accounts writes nothing
 * back (the session epoch moved between the start of the refresh and its writes).
 */
import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { beforeEach, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { getDb } from '@/lib/db/schema';
import { ACTIVE_PROFILE_KEY, popupSnapshotItem } from '@/lib/storage/items';

const POPUP_SNAPSHOT_KEY = popupSnapshotItem.name;
import { createProfileService } from '@/lib/profile/service';
import { loadDefinitions, loadProfile } from '../inventory/fixtures';

const membership = { membershipType: 2, membershipId: '4611686018433092312' };
const defs = loadDefinitions();

beforeEach(async () => {
  fakeBrowser.reset();
  await getDb().profiles.clear();
  await getDb().profileResponses.clear();
  await getDb().meta.clear();
});

it.each([
  ['while GetProfile is on its way', 'fetch'],
  ['while the definitions are read', 'definitions'],
])('a sign-out %s leaves no profile, pointer or snapshot behind', async (_name, when) => {
  let epoch = 7;
  const service = createProfileService({
    currentMembership: async () => membership,
    fetchProfile: async () => {
      if (when === 'fetch') epoch++;
      return { ...loadProfile(), responseMintedTimestamp: '2026-11-20T18:00:00Z' } as DestinyProfileResponse;
    },
    definitionsFor: async () => {
      if (when === 'definitions') epoch++;
      return defs;
    },
    epoch: () => epoch,
    now: () => Date.parse('2026-11-20T18:00:05Z'),
  });
  await expect(service.refresh({ force: true })).resolves.toMatchObject({ refreshed: false, reason: 'signed-out' });
  expect(await getDb().profiles.count()).toBe(0);
  expect(await getDb().profileResponses.count()).toBe(0);
  expect(await getDb().meta.get(ACTIVE_PROFILE_KEY)).toBeUndefined();
  expect((await browser.storage.session.get(POPUP_SNAPSHOT_KEY))[POPUP_SNAPSHOT_KEY]).toBeUndefined();
});
