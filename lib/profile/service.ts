import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { browser } from 'wxt/browser';
import { getDb, type ProfileRow } from '../db/schema';
import { buildInventoryModel } from '../inventory/model';
import type { DefinitionSource, InventoryModel } from '../inventory/types';
import type { HandlerSet } from '../messages';
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
/** Meta key holding the `${membershipType}:${membershipId}` the views should show. */
export const ACTIVE_PROFILE_KEY = 'activeProfileKey';

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
  /** Called when the profile holds hashes the Manifest cannot resolve (the Manifest service rate-limits it). */
  onUnresolvedHashes?(hashes: number[]): void;
  now?: () => number;
}

/** `${membershipType}:${membershipId}` — the cache key of a membership's profile. */
export function profileKey(m: Membership): string {
  return `${m.membershipType}:${m.membershipId}`;
}

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
  const db = getDb();
  let inFlight: Promise<Awaited<ReturnType<typeof refresh>>> | undefined;
  let openViews = 0;
  let playing = false;

  async function cached(key: string): Promise<ProfileRow | undefined> {
    return db.profiles.get(key);
  }

  async function refresh({ force = false } = {}): Promise<ProfileMessages['refreshProfile']['res']> {
    const membership = await deps.currentMembership();
    if (!membership) return { refreshed: false, reason: 'signed-out' };
    const key = profileKey(membership);
    const row = await cached(key);
    const age = row ? now() - row.fetchedAt : Infinity;
    if (age < (force ? FORCED_MIN_GAP_MS : PROFILE_CACHE_MS)) {
      await db.meta.put({ key: ACTIVE_PROFILE_KEY, value: key });
      return { refreshed: false, mintedAt: row?.mintedAt, reason: 'fresh' };
    }
    const profile = await deps.fetchProfile(membership, PROFILE_COMPONENTS);
    const mintedAt = mintedAtOf(profile);
    const defs = await deps.definitionsFor(profile);
    const model = buildInventoryModel(profile, defs, { now: now() });
    model.mintedAt = mintedAt;
    if (model.missingHashes.length) deps.onUnresolvedHashes?.(model.missingHashes);

    const stored = await db.transaction('rw', db.profiles, db.meta, async () => {
      const current = await db.profiles.get(key);
      await db.meta.put({ key: ACTIVE_PROFILE_KEY, value: key });
      if (current && current.mintedAt > mintedAt) return false;
      await db.profiles.put({ key, mintedAt, fetchedAt: now(), profile, model });
      return true;
    });
    playing = Boolean(model.activeCharacterId);
    await syncAlarm();
    return stored ? { refreshed: true, mintedAt } : { refreshed: false, mintedAt, reason: 'older-response' };
  }

  /** One refresh at a time: concurrent callers share it. */
  function refreshOnce(opts: { force?: boolean } = {}) {
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
  async function patchModel(key: string, update: (m: InventoryModel) => InventoryModel): Promise<InventoryModel | undefined> {
    return db.transaction('rw', db.profiles, async () => {
      const row = await db.profiles.get(key);
      if (!row?.model) return undefined;
      const model = update(row.model);
      await db.profiles.update(key, { model });
      return model;
    });
  }

  function start() {
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

  return { start, refresh: refreshOnce, patchModel, cached, handlers };
}

export type ProfileService = ReturnType<typeof createProfileService>;
