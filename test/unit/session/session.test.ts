// @vitest-environment node
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { envelope, json, pretendFetch } from '../bungie/pretend-fetch';

const linked = JSON.parse(
  readFileSync('/work/shared/fixtures/bungie/responses/GetLinkedProfiles.dim-ace-accounts-2021-10.json', 'utf8'),
);
/** The Ace capture without cross-save: Steam (played 2021-10-11) and Stadia (never played). */
const steam = { ...linked.profiles[0], crossSaveOverride: 0 };
const stadia = { ...linked.profilesWithErrors[0].infoCard, crossSaveOverride: 0 };

function bungie() {
  return pretendFetch((call) => {
    if (call.path === '/Platform/App/OAuth/Token/') {
      return json({
        access_token: 'A',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'R',
        refresh_expires_in: 7_776_000,
        membership_id: '11001735',
      });
    }
    if (call.path === '/Platform/User/GetMembershipsForCurrentUser/') {
      return json(
        envelope(1, {
          destinyMemberships: [steam, stadia],
          bungieNetUser: {
            membershipId: '11001735',
            cachedBungieGlobalDisplayName: 'Ace',
            cachedBungieGlobalDisplayNameCode: 2060,
          },
        }),
      );
    }
    if (call.path.endsWith('/LinkedProfiles/')) return json(envelope(1, { ...linked, profiles: [steam] }));
    return json(envelope(1, {}));
  });
}

async function loadService() {
  vi.resetModules();
  return import('@/lib/session/session');
}

describe('the worker’s Bungie service', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.spyOn(fakeBrowser.identity, 'launchWebAuthFlow').mockImplementation(async ({ url }) => {
      const state = new URL(url).searchParams.get('state');
      return `https://iojnopefmmgbcipnognfpaddcgmpopfm.chromiumapp.org/?code=c&state=${state}`;
    });
    vi.stubEnv('WXT_BUNGIE_API_KEY', 'k');
    vi.stubEnv('WXT_BUNGIE_CLIENT_ID', '50001');
    vi.stubEnv('WXT_BUNGIE_CLIENT_SECRET', 's');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  it('signs in, picks the most recently played account, and keeps a switch across a fresh worker', async () => {
    vi.stubGlobal('fetch', bungie().fetch);
    const first = await loadService();
    const session = await first.authHandlers.authSignIn({});
    expect(session).toMatchObject({ signedIn: true, state: 'signed-in', bungieName: 'Ace#2060' });
    expect(session.accounts.map((a) => a.platform)).toEqual(['Steam', 'Stadia']);
    expect(session.membership?.platform).toBe('Steam');
    await first.authHandlers.authSelectAccount({ membershipType: 5, membershipId: stadia.membershipId });

    const restarted = await loadService();
    expect((await restarted.getSession()).membership?.platform).toBe('Stadia');
    const reloaded = await restarted.authHandlers.authReloadAccounts({});
    expect(reloaded.membership?.platform).toBe('Stadia');
  });

  it('refuses to select an account that is not the user’s', async () => {
    vi.stubGlobal('fetch', bungie().fetch);
    const service = await loadService();
    await service.authHandlers.authSignIn({});
    await expect(
      service.authHandlers.authSelectAccount({ membershipType: 1, membershipId: '1' }),
    ).rejects.toMatchObject({
      userMessage: 'That Destiny account is not on this Bungie.net account.',
    });
  });

  it('tells listeners about changes and sign-out clears tokens, accounts and cached personal data', async () => {
    vi.stubGlobal('fetch', bungie().fetch);
    const service = await loadService();
    const { getDb } = await import('@/lib/db/schema');
    const seen: boolean[] = [];
    service.onSessionChange((s) => seen.push(s.signedIn));
    await service.authHandlers.authSignIn({});
    await getDb().profiles.put({ key: '3:1', mintedAt: 1, fetchedAt: 1 });
    await getDb().profileResponses.put({ key: '3:1', mintedAt: 1, profile: {} });
    await getDb().journal.add({ createdAt: 1, status: 'done', data: {} });
    const out = await service.authHandlers.authSignOut({});
    expect(out).toMatchObject({ signedIn: false, state: 'signed-out', membership: null, accounts: [] });
    expect(await getDb().profiles.count()).toBe(0);
    expect(await getDb().profileResponses.count()).toBe(0);
    expect(await getDb().journal.count()).toBe(0);
    const local = await browser.storage.local.get(null);
    expect(Object.keys(local).filter((k) => k.startsWith('vr.auth.refresh') || k === 'vr.session')).toEqual([]);
    expect(seen).toContain(true);
    expect(seen.at(-1)).toBe(false);
  });

  it('sign-out also wipes the active profile, move status, hot definitions and popup snapshot, and moves the epoch', async () => {
    vi.stubGlobal('fetch', bungie().fetch);
    const service = await loadService();
    const { getDb } = await import('@/lib/db/schema');
    await service.authHandlers.authSignIn({});
    const epoch = service.sessionEpoch();
    await getDb().meta.bulkPut([
      { key: 'activeProfileKey', value: '3:1' },
      { key: 'moveStatus', value: { jobId: 1, state: 'done' } },
      { key: 'manifest.active', value: 'kept' },
    ]);
    await getDb().manifestHot.put({ version: 'v1', items: '[[1,{}]]' });
    await browser.storage.session.set({ 'vr.popupSnapshot': { name: 'Hunter' } });
    await service.authHandlers.authSignOut({});
    expect(service.sessionEpoch()).toBeGreaterThan(epoch);
    expect((await getDb().meta.toArray()).map((r) => r.key)).toEqual(['manifest.active']);
    expect(await getDb().manifestHot.count()).toBe(0);
    expect(await browser.storage.session.get('vr.popupSnapshot')).toEqual({});
    // The Manifest service writes the hot set 2 s after a lookup, from its own timer: while signed out it is refused.
    await expect(getDb().manifestHot.put({ version: 'v1', items: '[[1,{}]]' })).rejects.toThrow(/Signed out/);
    expect(await getDb().manifestHot.count()).toBe(0);
    await service.authHandlers.authSignIn({});
    await getDb().manifestHot.put({ version: 'v1', items: '[[1,{}]]' });
    expect(await getDb().manifestHot.count()).toBe(1);
  });

  it('switching accounts moves the epoch (a refresh for the old account writes nothing back)', async () => {
    vi.stubGlobal('fetch', bungie().fetch);
    const service = await loadService();
    await service.authHandlers.authSignIn({});
    const epoch = service.sessionEpoch();
    await service.authHandlers.authSelectAccount({ membershipType: 5, membershipId: stadia.membershipId });
    expect(service.sessionEpoch()).toBeGreaterThan(epoch);
  });

  it('user settings override the build key for the next request', async () => {
    const pretend = bungie();
    vi.stubGlobal('fetch', pretend.fetch);
    const service = await loadService();
    const view = await service.authHandlers.authSaveSettings({ apiKey: 'mine', clientId: '' });
    expect(view).toMatchObject({
      apiKey: 'mine',
      hasClientSecret: false,
      buildHasApiKey: true,
      buildHasClientSecret: true,
    });
    const client = await service.getBungieHttp();
    await client.http({ method: 'GET', url: 'https://www.bungie.net/Platform/Destiny2/Manifest/' });
    expect(pretend.calls.at(-1)?.headers['x-api-key']).toBe('mine');
  });
});
