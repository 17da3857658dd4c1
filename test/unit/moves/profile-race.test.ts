/**
 * The cache must never step back behind a move: a refresh whose GetProfile left before the executor patched the
 * cached model (a view opening, the alarm) is dropped, while a reconcile (asked for after the patches settled) lands.
 */
import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { beforeEach, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { getDb } from '@/lib/db/schema';
import { applyStep } from '@/lib/inventory/apply-step';
import { planMove } from '@/lib/inventory/plan-moves';
import { createProfileService } from '@/lib/profile/service';
import { loadDefinitions, loadProfile } from '../inventory/fixtures';

const membership = { membershipType: 2, membershipId: '4611686018433092312' };
const key = `${membership.membershipType}:${membership.membershipId}`;

beforeEach(async () => {
  fakeBrowser.reset();
  await getDb().profiles.clear();
});

it('drops a refresh that was fetched before a move patched the cache, and keeps a reconcile', async () => {
  let minted = Date.UTC(2026, 6, 1);
  let clock = minted;
  let release: (() => void) | undefined = undefined as (() => void) | undefined;
  let holdNext = false;
  const service = createProfileService({
    currentMembership: async () => membership,
    fetchProfile: async () => {
      const profile = { ...loadProfile(), responseMintedTimestamp: new Date((minted += 60_000)).toISOString() };
      if (holdNext) {
        holdNext = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      return profile as DestinyProfileResponse;
    },
    definitionsFor: async () => loadDefinitions(),
    now: () => clock,
  });
  await service.refresh({ force: true, reconcile: true });
  const model = (await service.cached(key))!.model!;
  const item = Object.values(model.items).find((i) => i.location === 'vault' && i.isWeapon && i.isInstanced)!;
  const plan = planMove(model, { kind: 'move', itemKey: item.key, to: model.stores[0].id });
  if (!plan.ok) throw new Error(plan.reason);

  // A view opens a minute later: an ordinary refresh, whose answer arrives after the move's patch.
  clock += 60_000;
  holdNext = true;
  const stale = service.refresh({ force: true });
  while (!release) await new Promise((r) => setTimeout(r, 10));
  await service.patchModel(key, (m) => plan.steps.reduce(applyStep, m));
  release();
  expect(await stale).toMatchObject({ refreshed: false });
  expect((await service.cached(key))!.model!.items[item.key].owner).toBe(model.stores[0].id);

  // A reconcile after the patch is the truth and replaces the cache (here: the capture, with the item in the vault).
  expect(await service.refresh({ reconcile: true })).toMatchObject({ refreshed: true });
  expect((await service.cached(key))!.model!.items[item.key].location).toBe('vault');
});
