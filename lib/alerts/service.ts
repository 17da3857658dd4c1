import type { DestinyProfileResponse, DestinyPublicVendorsResponse } from 'bungie-api-ts/destiny2';
import { liveQuery, type Subscription } from 'dexie';
import { browser } from 'wxt/browser';
import { serverClock } from '../bungie/server-clock';
import { getDb, type VaultRaiderDB } from '../db/schema';
import { alertSettingsItem, xurNotifiedItem } from '../storage/items';
import { openSidePanelOrTab } from '../side-panel/open';
import type { ItemDef } from '../manifest/types';
import type { HandlerSet } from '../messaging/messages';
import { userMessage } from '../messaging/user-message';
import type { InventoryModel } from '../inventory/types';
import { decideBadge, postmasterAlerts, type BadgeDecision } from '../vendors/badge';
import { nextXurArrival, nextXurDeparture, xurDepartureAt, xurVisitAt } from '../vendors/xur-schedule';
import {
  exoticNames,
  ownedItemHashes,
  readXurPresence,
  shapeXurSales,
  type RawSale,
  type XurSaleRow,
} from '../vendors/xur-sales';
import type { AlertMessages, AlertSettings, XurViewState } from './messages';

/**
 * Bungie's clock (lib/bungie/server-clock.ts): every time the service reasons with is server time; only alarms,
 * which fire on the device clock, are converted back.
 */
export interface AlertClock {
  /** Server time now. */
  now(): number;
  /** The device-clock moment at which the server clock reads `serverMs`. */
  toDevice(serverMs: number): number;
  /** Settles once a kept offset is loaded (a worker restart). */
  load?(): Promise<void>;
}

/** Everything the alert service needs from the rest of the extension; tests pass fakes. */
export interface AlertDeps {
  /** GetPublicVendors (components 400, 402) through the one HTTP client; throws when Bungie does not answer. */
  fetchPublicVendors(): Promise<DestinyPublicVendorsResponse>;
  /** False when neither the build nor the user's settings hold an API key: then Bungie is not asked at all. */
  hasApiKey(): boolean | Promise<boolean>;
  /** Trimmed item definitions from the active Manifest; missing hashes are absent. */
  itemDefinitions(hashes: number[]): Promise<Map<number, ItemDef>>;
  /**
   * Whether a player is signed in, their cached GetProfile response (owned marks) and the inventory model the profile
   * service built from it (postmaster fills against the bucket definitions' capacities), if any.
   */
  player(): Promise<{ signedIn: boolean; profile?: DestinyProfileResponse; model?: InventoryModel }>;
  /** Sign-in, sign-out and account switches; returns an unsubscribe function. */
  onPlayerChange?(listener: () => void): () => void;
  /** Absolute URL for a Bungie asset path. */
  assetUrl?(path: string | undefined): string | undefined;
  /** Default: the worker's server clock, fed by every Bungie answer. */
  clock?: AlertClock;
  db?: VaultRaiderDB;
}

/** What the `vendors` table holds under key `xur`. */
export interface XurCache {
  present: boolean;
  /** Last successful answer. */
  checkedAt?: number;
  visitId?: string;
  departsAt?: number;
  sales: RawSale[];
  lastError?: string;
  lastErrorAt?: number;
}

export const ALARM_ARRIVAL = 'xur-arrival';
export const ALARM_DEPARTURE = 'xur-departure';
export const ALARM_CHECK = 'xur-check';
export const ALARM_RETRY = 'xur-retry';
const ALARMS = new Set([ALARM_ARRIVAL, ALARM_DEPARTURE, ALARM_CHECK, ALARM_RETRY]);

/** Bungie publishes the new vendor state a little after the hour; ask one minute late. */
const SETTLE_MS = 60_000;
const CHECK_PERIOD_MINUTES = 60;
const RETRY_MINUTES = 5;
const CACHE_KEY = 'xur';
/** storage.local: the visit id already announced, so restarts of the worker never announce it again. */
export const NOTIFIED_KEY = xurNotifiedItem.name;
export const NOTIFICATION_PREFIX = 'xur:';

export interface AlertService {
  /** Ask Bungie about Xûr now (serialised: concurrent calls run one after another). */
  check(): Promise<XurViewState>;
  /** Recompute the badge from the cache and the profile without asking Bungie. */
  updateBadge(): Promise<BadgeDecision>;
  viewState(): Promise<XurViewState>;
  /** Detach listeners: what a worker shutdown does; tests use it to simulate a restart. */
  stop(): void;
  /** Settles once the start-up work (alarms, badge, a stale-cache check) is done. */
  ready: Promise<void>;
}

let current: AlertService | undefined;

/** Read the alert settings from storage.local; missing keys (or a malformed value) fall back to notifications on. */
export async function readAlertSettings(): Promise<AlertSettings> {
  return alertSettingsItem.getValue();
}

/**
 * Start Xûr alerts in the service worker. Bungie: Xûr arrives Friday 17:00 UTC and leaves at the Tuesday 17:00 UTC
 * reset; the public vendors endpoint (API key only) says whether he is there and what he sells. Alarms may not survive
 * a browser restart, so every worker start re-creates the arrival and departure alarms and the hourly check. The
 * listeners are attached synchronously, as MV3 requires for events that wake the worker.
 */
export function startAlertService(deps: AlertDeps): AlertService {
  const clock = deps.clock ?? serverClock;
  const now = () => clock.now();
  const db = deps.db ?? getDb();
  let chain: Promise<unknown> = Promise.resolve();
  let windowId: number | undefined;
  let profileWatch: Subscription | undefined;
  let unwatchPlayer: (() => void) | undefined;
  let stopped = false;

  const onAlarm = (alarm: { name: string }) => {
    if (ALARMS.has(alarm.name)) return check().then(() => undefined);
  };
  const onClicked = (id: string) => {
    if (id.startsWith(NOTIFICATION_PREFIX)) void openXurView(id);
  };
  const onFocus = (id: number) => {
    if (id !== browser.windows.WINDOW_ID_NONE) windowId = id;
  };
  browser.alarms.onAlarm.addListener(onAlarm);
  browser.notifications.onClicked.addListener(onClicked);
  browser.windows?.onFocusChanged?.addListener(onFocus);

  async function readCache(): Promise<XurCache | undefined> {
    return (await db.vendors.get(CACHE_KEY))?.data as XurCache | undefined;
  }

  async function writeCache(cache: XurCache, fetchedAt: number): Promise<void> {
    await db.vendors.put({ key: CACHE_KEY, fetchedAt, data: cache });
  }

  /**
   * Arrival and departure alarms at server times `at` leads to (departure: Bungie's, while he is here). Alarms fire on
   * the device clock, so each target is converted: when = deviceNow + (target − serverNow).
   */
  async function scheduleAlarms(at: number, departsAt?: number): Promise<void> {
    const departure = departsAt !== undefined && departsAt > at ? departsAt : nextXurDeparture(at);
    await browser.alarms.create(ALARM_ARRIVAL, { when: clock.toDevice(nextXurArrival(at) + SETTLE_MS) });
    await browser.alarms.create(ALARM_DEPARTURE, { when: clock.toDevice(departure + SETTLE_MS) });
    // Re-creating a periodic alarm restarts its period; only add it when it is missing.
    if (!(await browser.alarms.get(ALARM_CHECK))) {
      await browser.alarms.create(ALARM_CHECK, { periodInMinutes: CHECK_PERIOD_MINUTES });
    }
  }

  async function shapeRows(sales: RawSale[], profile: DestinyProfileResponse | undefined): Promise<XurSaleRow[]> {
    if (sales.length === 0) return [];
    const hashes = sales.flatMap((s) => [s.itemHash, ...s.costs.map((c) => c.itemHash)]);
    const defs = await deps.itemDefinitions([...new Set(hashes)]);
    return shapeXurSales(sales, {
      item: (h) => defs.get(h),
      owned: ownedItemHashes(profile),
      assetUrl: deps.assetUrl,
    });
  }

  async function viewState(): Promise<XurViewState> {
    // A page can ask a freshly woken worker before start() ran: read the kept server offset first (memoised).
    await clock.load?.();
    const cache = await readCache();
    const at = now();
    const base = { nextArrivalAt: nextXurArrival(at), lastError: cache?.lastError };
    if (!cache || cache.checkedAt === undefined) return { ...base, status: 'unknown', rows: [] };
    if (!cache.present) return { ...base, status: 'absent', checkedAt: cache.checkedAt, rows: [] };
    const { profile } = await deps.player();
    return {
      ...base,
      status: 'present',
      checkedAt: cache.checkedAt,
      departsAt: cache.departsAt,
      rows: await shapeRows(cache.sales, profile),
    };
  }

  async function updateBadge(): Promise<BadgeDecision> {
    const [cache, player] = await Promise.all([readCache(), deps.player()]);
    const decision = decideBadge({
      signedIn: player.signedIn,
      postmaster: player.signedIn ? postmasterAlerts(player.model) : [],
      xur: cache && cache.checkedAt !== undefined ? { present: cache.present, departsAt: cache.departsAt } : undefined,
    });
    await browser.action.setBadgeText({ text: decision.text });
    await browser.action.setBadgeBackgroundColor({ color: decision.color });
    await browser.action.setBadgeTextColor?.({ color: '#FFFFFF' });
    await browser.action.setTitle({ title: decision.title });
    return decision;
  }

  async function notifyOnce(visitId: string, departsAt: number, sales: RawSale[]): Promise<void> {
    if (!(await readAlertSettings()).xurNotifications) return;
    const notified = await xurNotifiedItem.getValue();
    if (notified === visitId) return;
    const { profile } = await deps.player();
    const rows = await shapeRows(sales, profile);
    if (rows.length > 0 && rows.every((r) => !r.resolved)) {
      // The Manifest is not there yet (first install): announce with names on the retry rather than without.
      await browser.alarms.create(ALARM_RETRY, { delayInMinutes: RETRY_MINUTES });
      return;
    }
    const exotics = exoticNames(rows);
    const message = exotics.length
      ? `Exotics: ${exotics.join(', ')}.`
      : `He sells ${sales.length} items. Open Vault Raider to see them.`;
    await browser.notifications.create(`${NOTIFICATION_PREFIX}${visitId}`, {
      type: 'basic',
      // Chrome: a notification without an icon is silently dropped (create resolves, getAll stays empty).
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: 'Xûr has arrived',
      message,
      contextMessage: `Until ${new Date(departsAt).toUTCString().replace(':00 GMT', ' UTC')}`,
    });
    await xurNotifiedItem.setValue(visitId);
  }

  async function runCheck(): Promise<XurViewState> {
    await clock.load?.();
    const cache = (await readCache()) ?? { present: false, sales: [] };
    const known = cache.present ? cache.departsAt : undefined;
    if (!(await deps.hasApiKey())) {
      const at = now();
      await scheduleAlarms(at, known);
      await writeCache(
        { ...cache, lastError: 'No Bungie API key is configured, so Xûr cannot be checked.', lastErrorAt: at },
        at,
      );
      return viewState();
    }
    let response: DestinyPublicVendorsResponse;
    try {
      response = await deps.fetchPublicVendors();
    } catch (error) {
      // Keep the last known state (no badge flapping); the retry alarm and the hourly check ask again.
      const at = now();
      await scheduleAlarms(at, known);
      await browser.alarms.create(ALARM_RETRY, { delayInMinutes: RETRY_MINUTES });
      const stale = cache.present && cache.departsAt !== undefined && at >= cache.departsAt;
      // Xûr leaves when Bungie said (the weekly reset), which is also when Bungie is most often down: the server
      // clock, as last read from Bungie's answers, is enough.
      await writeCache(
        { ...cache, present: stale ? false : cache.present, lastError: userMessage(error), lastErrorAt: at },
        at,
      );
      if (stale) await updateBadge();
      return viewState();
    }
    // The answer has just set the server clock: read it after the call, not before.
    const at = now();
    const presence = readXurPresence(response);
    const visit = xurVisitAt(at);
    const departsAt = xurDepartureAt(at, presence.nextRefreshDate);
    const next: XurCache = presence.present
      ? { present: true, checkedAt: at, visitId: visit.id, departsAt, sales: presence.sales }
      : { present: false, checkedAt: at, sales: [] };
    await writeCache(next, at);
    await scheduleAlarms(at, next.departsAt);
    await browser.alarms.clear(ALARM_RETRY);
    await updateBadge();
    if (presence.present) await notifyOnce(visit.id, departsAt, presence.sales);
    return viewState();
  }

  function check(): Promise<XurViewState> {
    const run = chain.then(runCheck, runCheck);
    chain = run.catch(() => undefined);
    return run;
  }

  async function openXurView(notificationId: string): Promise<void> {
    // The click's user gesture lasts until the first await: the helper opens the panel before it awaits anything.
    await openSidePanelOrTab('xur', windowId);
    await browser.notifications.clear(notificationId);
  }

  async function start(): Promise<void> {
    try {
      const win = await browser.windows.getLastFocused();
      windowId ??= win?.id;
    } catch {
      // No windows API (or no window yet): clicks fall back to opening a tab.
    }
    await clock.load?.();
    const at = now();
    const cache = await readCache();
    await scheduleAlarms(at, cache?.present ? cache.departsAt : undefined);
    await updateBadge();
    const stale =
      !cache?.checkedAt ||
      at - cache.checkedAt >= CHECK_PERIOD_MINUTES * 60_000 ||
      (cache.present && cache.departsAt !== undefined && at >= cache.departsAt) ||
      (!cache.present && at >= nextXurArrival(cache.checkedAt));
    if (stale) await check();
    if (stopped) return;
    unwatchPlayer = deps.onPlayerChange?.(() => void updateBadge().catch(() => undefined));
    // The postmaster half of the badge follows the profile cache the worker writes.
    profileWatch = liveQuery(() => db.profiles.toCollection().keys()).subscribe({
      next: () => void updateBadge().catch(() => undefined),
      error: () => undefined,
    });
  }

  const service: AlertService = {
    check,
    updateBadge,
    viewState,
    stop() {
      stopped = true;
      browser.alarms.onAlarm.removeListener(onAlarm);
      browser.notifications.onClicked.removeListener(onClicked);
      browser.windows?.onFocusChanged?.removeListener(onFocus);
      profileWatch?.unsubscribe();
      unwatchPlayer?.();
      if (current === service) current = undefined;
    },
    ready: Promise.resolve(),
  };
  service.ready = start().catch(() => undefined);
  current = service;
  return service;
}

function running(): AlertService {
  if (!current)
    throw Object.assign(new Error('alerts not started'), { userMessage: 'Xûr alerts are not running yet.' });
  return current;
}

/** Page → worker handlers for Xûr and alert settings; they act on the service `startAlertService` started. */
export const alertHandlers: HandlerSet<AlertMessages> = {
  getXurState: () => running().viewState(),
  checkXur: () => running().check(),
  getAlertSettings: () => readAlertSettings(),
  setAlertSettings: async (patch) => {
    const next = { ...(await readAlertSettings()), ...patch };
    await alertSettingsItem.setValue(next);
    return next;
  },
};
