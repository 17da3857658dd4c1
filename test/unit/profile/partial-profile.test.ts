// @vitest-environment node
/**
 * Issue 12 part 2 against the emulator: a GetProfile answer the user cannot see whole (owner-only components with
 * `privacy: 2` and no data) never replaces a complete cached profile, no reconcile plans from it, and the session
 * asks to sign in again. The extension's own auth, client and profile service run in Node, as in the worker.
 */
import type { DestinyComponentType } from 'bungie-api-ts/destiny2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createAuth, type Auth } from '@/lib/bungie/auth';
import { createBungieClient, createBungieTransport, type BungieClient } from '@/lib/bungie/client';
import { getProfile } from '@/lib/bungie/endpoints';
import type { Clock } from '@/lib/bungie/rate-limit';
import { getDb } from '@/lib/db/schema';
import {
  createProfileService,
  missingOwnerComponents,
  PARTIAL_PROFILE_SENTENCE,
  profileKey,
} from '@/lib/profile/service';
import { startEmulator, type Emulator, type EmulatorOptions } from '@/test/fake-bungie';
import { loadDefinitions, loadProfile } from '../inventory/fixtures';
import { MEMBERSHIP_ID, MEMBERSHIP_TYPE } from '../fake-bungie/helpers';

const MEMBERSHIP = { membershipType: MEMBERSHIP_TYPE, membershipId: MEMBERSHIP_ID };
const KEY = profileKey(MEMBERSHIP);
const START = Date.parse('2026-11-20T17:00:00Z');
const HOUR = 3_600_000;
const defs = loadDefinitions();

interface World {
  emu: Emulator;
  auth: Auth;
  client: BungieClient;
  clock: { t: number };
  service: ReturnType<typeof createProfileService>;
  partials: number[][];
}

let world: World | undefined;

async function start(emulator: EmulatorOptions): Promise<World> {
  const clock = { t: START };
  // One clock for the extension and the emulator: the test moves time, nothing depends on the real date.
  const fake: Clock = { now: () => clock.t, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
  const emu = await startEmulator({ enforceRateLimit: false, now: () => clock.t, ...emulator });
  const config = { origin: emu.url, apiKey: emu.apiKey, clientId: emu.clientId, clientSecret: emu.clientSecret ?? '' };
  const transport = createBungieTransport({ config });
  const auth: Auth = createAuth({
    tokenEndpoint: transport,
    config: () => config,
    clock: fake,
    // The emulator approves at once: follow its redirect to read the code, as chrome.identity would.
    launchWebAuthFlow: async ({ url }) => (await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '',
  });
  const client: BungieClient = createBungieClient({ transport, tokens: auth });
  const partials: number[][] = [];
  const service = createProfileService({
    currentMembership: async () => MEMBERSHIP,
    fetchProfile: async (m, components) =>
      (
        await getProfile(client.http, {
          membershipType: m.membershipType,
          destinyMembershipId: m.membershipId,
          components: [...components] as DestinyComponentType[],
        })
      ).Response,
    definitionsFor: async () => defs,
    onPartialProfile: async (missing) => {
      partials.push(missing);
      await auth.expireSession();
    },
    now: () => clock.t,
  });
  await auth.signIn();
  await expect(service.refresh({ force: true })).resolves.toMatchObject({ refreshed: true });
  world = { emu, auth, client, clock, service, partials };
  return world;
}

async function cachedRow() {
  const row = await getDb().profiles.get(KEY);
  return { mintedAt: row?.mintedAt, fetchedAt: row?.fetchedAt, items: Object.keys(row?.model?.items ?? {}).length };
}

describe('a profile the user cannot see whole never replaces one they could', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await getDb().profiles.clear();
    await getDb().profileResponses.clear();
    await getDb().meta.clear();
  });
  afterEach(async () => {
    await world?.emu.close();
    world = undefined;
  });

  it('spots owner-only components that came back private, disabled or absent', () => {
    const full = loadProfile();
    expect(missingOwnerComponents(full, [102, 201, 300])).toEqual([]);
    const stripped = {
      ...full,
      profileInventory: { privacy: 2 },
      characterInventories: { ...full.characterInventories, disabled: true },
      itemComponents: { ...full.itemComponents, instances: undefined },
    } as never;
    expect(missingOwnerComponents(stripped, [100, 102, 201, 300])).toEqual([102, 201, 300]);
    // Only what was asked for counts.
    expect(missingOwnerComponents(stripped, [100, 205])).toEqual([]);
  });

  it('a public client past its hour: GetProfile is not sent anonymously, the cache stays, "sign in again"', async () => {
    const { emu, auth, service, clock } = await start({ clientSecret: null });
    const before = await cachedRow();
    expect(before.items).toBeGreaterThan(900);
    emu.control.clearRequests();
    clock.t += HOUR + 1_000;
    await expect(service.refresh({ force: true })).rejects.toMatchObject({ userMessage: /Sign in again/ });
    expect(emu.control.requests().filter((r) => r.path.includes('/Profile/'))).toHaveLength(0);
    expect(await cachedRow()).toEqual(before);
    expect((await auth.status()).state).toBe('expired');
  });

  it('a token that expires between the check and the call (Bungie answers 2111): cache kept, "sign in again"', async () => {
    const { emu, auth, service, clock } = await start({ clientSecret: null });
    const before = await cachedRow();
    // The token still has 2 s when the client checks it; the answer is built after it ran out.
    clock.t += HOUR - 2_000;
    emu.control.fault({ route: '/Platform/Destiny2/*/Profile/*/', kind: 'delay', ms: 50, once: true });
    const pending = service.refresh({ force: true });
    setTimeout(() => (clock.t += 5_000), 10);
    await expect(pending).rejects.toMatchObject({ userMessage: /Sign in again/ });
    expect(emu.control.requests().some((r) => r.path.includes('/Profile/') && r.errorCode === 2111)).toBe(true);
    expect(await cachedRow()).toEqual(before);
    expect((await auth.status()).state).toBe('expired');
  });

  it('a token that expires between the check and the call (Bungie answers the public view): cache kept, no plan, "sign in again"', async () => {
    const { emu, auth, service, clock, partials } = await start({ clientSecret: null, lapsedTokenProfile: 'public' });
    const before = await cachedRow();
    clock.t += HOUR - 2_000;
    emu.control.fault({ route: '/Platform/Destiny2/*/Profile/*/', kind: 'delay', ms: 50, once: true });
    const pending = service.refresh({ force: true, reconcile: true });
    setTimeout(() => (clock.t += 5_000), 10);
    await expect(pending).rejects.toThrow(PARTIAL_PROFILE_SENTENCE);
    const answered = emu.control.requests().filter((r) => r.path.includes('/Profile/'));
    expect(answered.at(-1)?.errorCode).toBe(1);
    expect(partials).toEqual([[102, 201, 300]]);
    expect(await cachedRow()).toEqual(before);
    expect((await getDb().profileResponses.get(KEY))?.mintedAt).toBe(before.mintedAt);
    expect((await auth.status()).state).toBe('expired');
  });
});
