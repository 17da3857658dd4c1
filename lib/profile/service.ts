import type { DestinyComponentType, DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { browser } from 'wxt/browser';
import { getProfile } from '../bungie/endpoints';
import { liveQuery } from 'dexie';
import { expireSession, getBungieHttp, getSession, onSessionChange, sessionEpoch } from '../session/session';
import { membershipKey } from '../bungie/protocol';
import { getDb, type ProfileRow } from '../db/schema';
import { ACTIVE_PROFILE_KEY } from '../storage/items';
import { popupSnapshotItem } from '../storage/items';
import { buildInventoryModel } from '../inventory/model';
import { popupSnapshot } from '../inventory/popup-snapshot';
import type { DefinitionSource, InventoryModel } from '../inventory/types';
import { getActiveManifest, loadDefinitionSource } from '../manifest/lookup';
import { runManifestCheck } from '../manifest/service';
import type { HandlerSet } from '../messaging/messages';
import type { ProfileMessages } from './messages';

/**
 * Components the views need: 100 Profiles, 102 ProfileInventories, 103 ProfileCurrencies, 200 Characters,
 * 201 CharacterInventories, 205 CharacterEquipment, 300 ItemInstances, 302 ItemPerks, 304 ItemStats,
 * 305 ItemSockets, 1000 Transitory ("is playing").
 */
export const PROFILE_COMPONENTS = [100, 102, 103, 200, 201, 205, 300, 302, 304, 305, 1000] as const;

/** Bungie caches character data for ~30 s; refetching sooner only returns the same data. */
export const PROFILE_CACHE_MS = 30_000;
/** An explicit "refresh" click may refetch sooner, but never hammer Bungie. */
const FORCED_MIN_GAP_MS = 3_000;

export const PROFILE_ALARM = 'profile-refresh';

/**
 * Components only the signed-in owner sees (OpenAPI ComponentPrivacySetting 2 in a real capture): 102 vault,
 * 201 character inventories, 300 item instances. An answer where one of them came back private (`privacy: 2`
 * without data), disabled or absent is a partial view of the account (token lapsed mid-flight, a public client past
 * its hour, an anonymous call) and never replaces a cached profile.
 */
export const OWNER_ONLY_COMPONENTS = [102, 201, 300] as const;

/** The sentence shown when Bungie answered without the owner-only components. */
export const PARTIAL_PROFILE_SENTENCE =
  'Bungie.net sent only the public part of your inventory, so Vault Raider kept the last complete one. Sign in again to refresh it.';

/** The owner-only components `requested` asked for that came back without their data. */
export function missingOwnerComponents(profile: DestinyProfileResponse, requested: readonly number[]): number[] {
  const where: Record<number, { data?: unknown; disabled?: boolean } | undefined> = {
    102: profile.profileInventory,
    201: profile.characterInventories,
    300: profile.itemComponents?.instances,
  };
  return OWNER_ONLY_COMPONENTS.filter((c) => {
    if (!requested.includes(c)) return false;
    const component = where[c];
    return !component || component.disabled === true || component.data === undefined || component.data === null;
  });
}
export { ACTIVE_PROFILE_KEY } from '../storage/items';

export interface Membership {
  membershipType: number;
  membershipId: string;
}

export interface ProfileServiceDeps {
  /** The selected Destiny membership, or undefined when signed out. */
  currentMembership(): Promise<Membership | undefined>;
  /** GetProfile through the one HTTP client (unwrapped Response). */
  fetchProfile(m: Membership, components: readonly number[]): Promise<DestinyProfileResponse>;
  /** Definitions for every hash the profile holds (bulk lookup from the active Manifest). */
  definitionsFor(profile: DestinyProfileResponse): Promise<DefinitionSource>;
  /** Hook for the worker wiring: subscribe to sign-in and Manifest changes. */
  onStart?(api: { refresh(opts?: { force?: boolean }): Promise<unknown>; rebuild(): Promise<boolean> }): void;
  /**
   * The session epoch (lib/session/epoch.ts): when it moved between the start of a refresh and one of its writes, the
   * user signed out or switched accounts meanwhile, and the answer is dropped.
   */
  epoch?(): number;
  /** Bungie answered without the owner-only components: the session must sign in again. */
  onPartialProfile?(missing: number[]): Promise<void> | void;
  now?: () => number;
}

/** The cache key of a membership's profile: the one membership key (lib/bungie/protocol.ts). */
export { membershipKey as profileKey } from '../bungie/protocol';

/** Parse `responseMintedTimestamp` (ISO) to ms; Bungie: never let an older response overwrite a newer cache. */
export function mintedAtOf(profile: DestinyProfileResponse): number {
  const ms = Date.parse(profile.responseMintedTimestamp ?? '');
  return Number.isFinite(ms) ? ms : 0;
}

/**
 * The worker-side profile cache: fetches GetProfile with the view components, builds the inventory model, and stores
 * both in Dexie so pages open from the cache instantly. Refreshes on demand, when a view opens, and on an alarm while
 * a view is open or the player is in game.
 */
export function createProfileService(deps: ProfileServiceDeps) {
  const now = deps.now ?? Date.now;
  const epochNow = deps.epoch ?? (() => 0);
  const db = getDb();
  let inFlight: Promise<Awaited<ReturnType<typeof refresh>>> | undefined;
  /** Counts local patches (the move executor): a response fetched before one of them must not undo it. */
  let patches = 0;
  let openViews = 0;
  let playing = false;

  async function cached(key: string): Promise<ProfileRow | undefined> {
    return db.profiles.get(key);
  }

  /** Hand the popup its first screen through storage.session, so it can paint before opening the database. */
  async function publishSnapshot(model: InventoryModel, fetchedAt: number) {
    await popupSnapshotItem.setValue(popupSnapshot(model, fetchedAt) ?? null);
  }

  /** Tell the views which account to show; written only on change, since every write wakes their live queries. */
  async function pointViewsAt(key: string) {
    if ((await db.meta.get(ACTIVE_PROFILE_KEY))?.value !== key)
      await db.meta.put({ key: ACTIVE_PROFILE_KEY, value: key });
  }

  async function refresh({ force = false, reconcile = false } = {}): Promise<ProfileMessages['refreshProfile']['res']> {
    const epoch = epochNow();
    const ended = () => epochNow() !== epoch;
    const signedOut = { refreshed: false, reason: 'signed-out' } as const;
    const membership = await deps.currentMembership();
    if (!membership || ended()) return signedOut;
    const key = membershipKey(membership);
    const row = await cached(key);
    const age = row ? now() - row.fetchedAt : Infinity;
    // A reconcile (the move executor after a failed call) knows the cache is wrong, so no age makes it fresh enough.
    if (!reconcile && age < (force ? FORCED_MIN_GAP_MS : PROFILE_CACHE_MS)) {
      if (ended()) return signedOut;
      await pointViewsAt(key);
      return { refreshed: false, mintedAt: row?.mintedAt, reason: 'fresh' };
    }
    const patchesBefore = patches;
    const profile = await deps.fetchProfile(membership, PROFILE_COMPONENTS);
    // Signed out or switched while the answer was on its way: it is not the current session's to keep.
    if (ended()) return signedOut;
    const missing = missingOwnerComponents(profile, PROFILE_COMPONENTS);
    if (missing.length) {
      await deps.onPartialProfile?.(missing);
      throw new ProfileError(PARTIAL_PROFILE_SENTENCE);
    }
    const mintedAt = mintedAtOf(profile);
    const defs = await deps.definitionsFor(profile);
    const model = buildInventoryModel(profile, defs, { now: now() });
    model.mintedAt = mintedAt;

    if (ended()) return signedOut;
    const stored = await db.transaction('rw', db.profiles, db.profileResponses, db.meta, async () => {
      if (ended()) return false;
      const current = await db.profiles.get(key);
      await pointViewsAt(key);
      if (current && current.mintedAt > mintedAt) return false;
      // A move landed while this answer was on its way: it may predate the move, and the patched cache is newer.
      // (A reconcile is never raced by a patch: the executor settles its patches before asking for one.)
      if (!reconcile && patches !== patchesBefore) return false;
      await db.profiles.put({ key, mintedAt, fetchedAt: now(), revision: (current?.revision ?? 0) + 1, model });
      await db.profileResponses.put({ key, mintedAt, profile });
      return true;
    });
    if (ended()) return signedOut;
    if (stored) await publishSnapshot(model, now());
    playing = Boolean(model.activeCharacterId);
    await syncAlarm();
    return stored ? { refreshed: true, mintedAt } : { refreshed: false, mintedAt, reason: 'older-response' };
  }

  /**
   * One refresh at a time: concurrent callers share it. A reconcile never shares a refresh that started before it
   * (that answer may predate the change being reconciled): it queues a fetch of its own behind it.
   */
  function refreshOnce(opts: { force?: boolean; reconcile?: boolean } = {}) {
    if (opts.reconcile) {
      const before = inFlight?.catch(() => undefined) ?? Promise.resolve();
      const mine: Promise<Awaited<ReturnType<typeof refresh>>> = before
        .then(() => refresh(opts))
        .finally(() => {
          if (inFlight === mine) inFlight = undefined;
        });
      inFlight = mine;
      return mine;
    }
    inFlight ??= refresh(opts).finally(() => (inFlight = undefined));
    return inFlight;
  }

  /** Keep the refresh alarm only while someone looks or plays. */
  async function syncAlarm() {
    if (openViews > 0 || playing) {
      const existing = await browser.alarms.get(PROFILE_ALARM);
      if (!existing) await browser.alarms.create(PROFILE_ALARM, { periodInMinutes: 1 });
    } else {
      await browser.alarms.clear(PROFILE_ALARM);
    }
  }

  /** Replace the cached model after a local change (the move executor), keeping the Bungie response as is. */
  async function patchModel(
    key: string,
    update: (m: InventoryModel) => InventoryModel,
  ): Promise<InventoryModel | undefined> {
    return db
      .transaction('rw', db.profiles, async () => {
        const row = await db.profiles.get(key);
        if (!row?.model) return undefined;
        const model = update(row.model);
        patches++;
        await db.profiles.update(key, { model, revision: (row.revision ?? 0) + 1 });
        return { model, fetchedAt: row.fetchedAt };
      })
      .then(async (done) => {
        if (!done) return undefined;
        await publishSnapshot(done.model, done.fetchedAt);
        return done.model;
      });
  }

  /** Rebuild the cached model from the cached response (a new Manifest version may name or resolve more items). */
  async function rebuild(): Promise<boolean> {
    const membership = await deps.currentMembership();
    if (!membership) return false;
    const key = membershipKey(membership);
    const row = await cached(key);
    const response = await db.profileResponses.get(key);
    if (!row || !response) return false;
    const profile = response.profile as DestinyProfileResponse;
    const model = buildInventoryModel(profile, await deps.definitionsFor(profile), { now: now() });
    model.mintedAt = row.mintedAt;
    // Only if nothing (a move, a refresh) changed the cache meanwhile; else that newer model stands.
    return db
      .transaction('rw', db.profiles, async () => {
        const current = await db.profiles.get(key);
        if (!current || current.revision !== row.revision) return false;
        await db.profiles.update(key, { model, revision: (current.revision ?? 0) + 1 });
        return true;
      })
      .then(async (done) => {
        if (done) await publishSnapshot(model, row.fetchedAt);
        return done;
      });
  }

  function start() {
    deps.onStart?.({ refresh: refreshOnce, rebuild });
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === PROFILE_ALARM) void refreshOnce().catch(() => undefined);
    });
    // Pages hold a port named 'view' while open: a view opening refreshes, and keeps the alarm alive.
    browser.runtime.onConnect.addListener((port) => {
      if (port.name !== 'view') return;
      openViews++;
      void refreshOnce().catch(() => undefined);
      void syncAlarm();
      port.onDisconnect.addListener(() => {
        openViews = Math.max(0, openViews - 1);
        void syncAlarm();
      });
    });
  }

  const handlers: HandlerSet<ProfileMessages> = {
    refreshProfile: ({ force }) => refreshOnce({ force }),
  };

  return { start, refresh: refreshOnce, rebuild, patchModel, cached, handlers };
}

export type ProfileService = ReturnType<typeof createProfileService>;

let workerService: ProfileService | undefined;

/**
 * The worker's profile service with its real dependencies: the selected membership from the session, GetProfile
 * through the one Bungie client, and definitions from the active Manifest (whose lookup reports unresolved hashes
 * to the Manifest service's rate-limited recheck).
 */
export function profileService(): ProfileService {
  workerService ??= createProfileService({
    async currentMembership() {
      const session = await getSession();
      return session.signedIn && session.membership ? session.membership : undefined;
    },
    async fetchProfile(m, components) {
      const client = await getBungieHttp();
      const response = await getProfile(client.http, {
        membershipType: m.membershipType,
        destinyMembershipId: m.membershipId,
        components: [...components] as DestinyComponentType[],
      });
      return response.Response;
    },
    epoch: sessionEpoch,
    onPartialProfile: () => expireSession(),
    async definitionsFor(profile) {
      // The first sign-in can race the first Manifest ingest: wait for it rather than show a vault of placeholders.
      if (!(await getActiveManifest())) await runManifestCheck();
      if (!(await getActiveManifest()))
        throw new ProfileError(
          'The item database is still downloading; your inventory appears as soon as it is ready.',
        );
      return loadDefinitionSource(profileItemHashes(profile));
    },
    onStart({ refresh, rebuild }) {
      // Sign-in and account switches load that account's profile; health changes (also session events) do not.
      // An expired session keeps its account's cached inventory (and the popup's snapshot) on screen, with its age.
      let shown: string | undefined;
      let shownSignedIn = false;
      onSessionChange((session) => {
        const key =
          session.state !== 'signed-out' && session.membership ? membershipKey(session.membership) : undefined;
        // Another account (or none): the popup's snapshot belongs to the previous one.
        if (key !== shown) void popupSnapshotItem.removeValue();
        if (key && session.signedIn && (key !== shown || !shownSignedIn))
          void refresh({ force: true }).catch(() => undefined);
        shown = key;
        shownSignedIn = session.signedIn;
      });
      let version: string | undefined;
      liveQuery(() => getActiveManifest()).subscribe((active) => {
        const previous = version;
        version = active?.version;
        if (previous && version && previous !== version) void rebuild().catch(() => undefined);
      });
    },
  });
  return workerService;
}

/** A profile failure with a sentence for the player. */
export class ProfileError extends Error {
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

/** Every item hash a profile holds (inventories, equipment, vault), for one bulk definition lookup. */
export function profileItemHashes(profile: DestinyProfileResponse): Set<number> {
  const hashes = new Set<number>();
  const add = (items: { itemHash: number }[] | undefined) => items?.forEach((i) => hashes.add(i.itemHash));
  add(profile.profileInventory?.data?.items);
  for (const inv of Object.values(profile.characterInventories?.data ?? {})) add(inv.items);
  for (const eq of Object.values(profile.characterEquipment?.data ?? {})) add(eq.items);
  return hashes;
}
