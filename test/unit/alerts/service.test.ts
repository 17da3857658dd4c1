import type { DestinyProfileResponse, DestinyPublicVendorsResponse } from 'bungie-api-ts/destiny2';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VaultRaiderDB } from '@/lib/db/schema';
import type { AlertDeps } from '@/lib/alerts/service';
import { BADGE_COLORS, POSTMASTER_BUCKET_HASH } from '@/lib/vendors/badge';
import { createServerClock, type ServerClock } from '@/lib/bungie/server-clock';
import { isXurScheduled, nextXurDeparture, XUR_VENDOR_HASH } from '@/lib/vendors/xur-schedule';
import { buildInventoryModel } from '@/lib/inventory/model';
import type { InventoryModel } from '@/lib/inventory/types';
import { loadDefinitions } from '../inventory/fixtures';
import { manifestItems, realProfile, XUR_CAPTURES, xurCapture } from '../vendors/fixtures';

type ServiceModule = typeof import('@/lib/alerts/service');

const FRIDAY_BEFORE = Date.parse('2026-07-03T16:59:00Z');
const FRIDAY_AFTER = Date.parse('2026-07-03T17:01:00Z');
const SUNDAY = Date.parse('2026-07-05T12:00:00Z');
const TUESDAY_AFTER = Date.parse('2026-07-07T17:01:00Z');
const NEXT_FRIDAY = Date.parse('2026-07-10T17:01:00Z');

const HOUR = 3_600_000;

/**
 * Public vendors as Bungie answers at server time `serverNow`: the real capture, without Xûr outside his weekend;
 * while he is here his `nextRefreshDate` is the coming reset (as the emulator answers), unless `nextRefreshDate`
 * says otherwise ('captured' keeps the capture's own value).
 */
function bungieAnswer(serverNow: number, nextRefreshDate?: number | 'captured'): DestinyPublicVendorsResponse {
  const capture = xurCapture(XUR_CAPTURES[1]);
  if (!isXurScheduled(serverNow)) {
    return { ...capture, vendors: { ...capture.vendors, data: {} }, sales: { ...capture.sales, data: {} } };
  }
  if (nextRefreshDate === 'captured') return capture;
  const xur = { ...capture.vendors!.data![XUR_VENDOR_HASH] };
  Object.assign(xur, { nextRefreshDate: new Date(nextRefreshDate ?? nextXurDeparture(serverNow)).toISOString() });
  return { ...capture, vendors: { ...capture.vendors!, data: { [XUR_VENDOR_HASH]: xur } } };
}

class BungieDown extends Error {
  userMessage = 'Bungie.net is down for maintenance. Vault Raider will try again shortly.';
}

let dbCounter = 0;

interface Harness {
  deps: AlertDeps;
  db: VaultRaiderDB;
  fetch: ReturnType<typeof vi.fn<() => Promise<DestinyPublicVendorsResponse>>>;
  notify: ReturnType<typeof vi.spyOn>;
  player: { signedIn: boolean; profile?: DestinyProfileResponse; model?: InventoryModel };
  apiKey: { present: boolean };
  clock: ServerClock;
  /** Device clock − server clock (ms): the test's Date is the device clock. */
  skew: number;
  /** What Bungie's next answers put in Xûr's `nextRefreshDate` (default: the coming reset). */
  nextRefreshDate?: number | 'captured';
}

/** Bungie's time as the fake Bungie sees it: the device clock less the skew. */
const serverTime = (h: Harness) => Date.now() - h.skew;

/** Move both clocks: the server to `serverMs`, the device to `serverMs + skew`. */
function setServerTime(h: Harness, serverMs: number) {
  vi.setSystemTime(serverMs + h.skew);
}

function harness(db = new VaultRaiderDB(`alerts-test-${++dbCounter}`), skew = 0): Harness {
  const items = manifestItems();
  const player: Harness['player'] = { signedIn: false };
  const apiKey = { present: true };
  const clock = createServerClock();
  // Like the one HTTP client: every answer's Date header sets the server clock, then the body is read.
  const answer = async () => {
    clock.observe(serverTime(h), 'date');
    return bungieAnswer(serverTime(h), h.nextRefreshDate);
  };
  const fetch = vi.fn(answer);
  const deps: AlertDeps = {
    fetchPublicVendors: fetch,
    hasApiKey: () => apiKey.present,
    itemDefinitions: async (hashes) => new Map(hashes.flatMap((h) => (items.has(h) ? [[h, items.get(h)!]] : []))),
    player: async () => player,
    db,
    clock,
  };
  const h: Harness = {
    deps,
    db,
    fetch,
    notify: vi.spyOn(browser.notifications, 'create'),
    player,
    apiKey,
    clock,
    skew,
  };
  return h;
}

/** A fresh copy of the service module: what a worker restart gives (module state gone, storage kept). */
async function freshModule(): Promise<ServiceModule> {
  vi.resetModules();
  return import('@/lib/alerts/service');
}

async function fireAlarm(name: string) {
  await fakeBrowser.alarms.onAlarm.trigger({ name, scheduledTime: Date.now() });
}

async function badge() {
  return {
    text: await browser.action.getBadgeText({}),
    title: await browser.action.getTitle({}),
  };
}

describe('Xûr alert service', () => {
  let stops: (() => void)[] = [];

  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ toFake: ['Date'] });
    stops = [];
  });
  afterEach(() => {
    stops.forEach((stop) => stop());
    vi.useRealTimers();
  });

  async function start(h: Harness, mod?: ServiceModule) {
    const m = mod ?? (await freshModule());
    const service = m.startAlertService(h.deps);
    stops.push(() => service.stop());
    await service.ready;
    return { m, service };
  }

  it('creates the arrival, departure and hourly alarms on start, in UTC', async () => {
    vi.setSystemTime(SUNDAY);
    const h = harness();
    await start(h);
    const alarms = Object.fromEntries((await browser.alarms.getAll()).map((a) => [a.name, a]));
    expect(new Date(alarms['xur-arrival'].scheduledTime).toISOString()).toBe('2026-07-10T17:01:00.000Z');
    expect(new Date(alarms['xur-departure'].scheduledTime).toISOString()).toBe('2026-07-07T17:01:00.000Z');
    expect(alarms['xur-check'].periodInMinutes).toBe(60);
  });

  it('Friday 16:59 → nothing; the arrival alarm after 17:00 → badge and one notification listing his exotics', async () => {
    vi.setSystemTime(FRIDAY_BEFORE);
    const h = harness();
    await start(h);
    expect(h.fetch).toHaveBeenCalledTimes(1);
    expect((await badge()).text).toBe('');
    expect(await browser.notifications.getAll()).toEqual({});

    vi.setSystemTime(FRIDAY_AFTER);
    await fireAlarm('xur-arrival');
    expect(await badge()).toEqual({
      text: 'Xûr',
      title: 'Xûr is here until Tue 17:00 UTC. Open Vault Raider to see his wares.',
    });
    expect(await browser.action.getBadgeBackgroundColor({})).toEqual([0x5b, 0x21, 0xb6, 255]);
    const all = await browser.notifications.getAll();
    expect(Object.keys(all)).toEqual(['xur:2026-07-03']);
    const [, options] = h.notify.mock.calls[0] as [string, { iconUrl: string; message: string; title: string }];
    expect(options.iconUrl).toBe('chrome-extension://test-extension-id/icon/128.png');
    expect(options.title).toBe('Xûr has arrived');
    expect(options.message).toBe(
      'Exotics: Sunken Ember, Distant Wake, Solemn Relic, Radiant Compass, Cold Relic, Burning Paragon, Relativism, Exotic Engram, Hidden Gambit.',
    );
    expect((await browser.storage.local.get('xurNotifiedVisit')).xurNotifiedVisit).toBe('2026-07-03');

    const row = await h.db.vendors.get('xur');
    expect(row?.data).toMatchObject({
      present: true,
      visitId: '2026-07-03',
      departsAt: Date.parse('2026-07-07T17:00:00Z'),
    });
  });

  it('notifies once per visit across worker restarts, and again for the next visit', async () => {
    vi.setSystemTime(FRIDAY_AFTER);
    const h = harness();
    const first = await start(h);
    expect(h.notify).toHaveBeenCalledTimes(1);
    await browser.notifications.clear('xur:2026-07-03');

    // The worker dies: listeners gone, module state gone; storage.local and IndexedDB stay.
    first.service.stop();
    for (const at of [SUNDAY, SUNDAY + 3_600_000 * 2]) {
      vi.setSystemTime(at);
      const again = await start(harness(h.db), await freshModule());
      await fireAlarm('xur-check');
      again.service.stop();
    }
    expect(h.notify).toHaveBeenCalledTimes(1);
    expect(await browser.notifications.getAll()).toEqual({});
    expect((await badge()).text).toBe('Xûr');

    vi.setSystemTime(TUESDAY_AFTER);
    const afterReset = harness(h.db);
    const tue = await start(afterReset, await freshModule());
    expect(afterReset.fetch).toHaveBeenCalled();
    expect((await badge()).text).toBe('');
    tue.service.stop();

    vi.setSystemTime(NEXT_FRIDAY);
    await start(harness(h.db), await freshModule());
    expect(h.notify).toHaveBeenCalledTimes(2);
    expect(Object.keys(await browser.notifications.getAll())).toEqual(['xur:2026-07-10']);
  });

  it('concurrent alarms (arrival and hourly at once) still raise one notification', async () => {
    vi.setSystemTime(FRIDAY_BEFORE);
    const h = harness();
    await start(h);
    vi.setSystemTime(FRIDAY_AFTER);
    await Promise.all([fireAlarm('xur-arrival'), fireAlarm('xur-check'), fireAlarm('xur-retry')]);
    expect(h.notify).toHaveBeenCalledTimes(1);
  });

  it('before the Manifest is there it waits for names instead of announcing a nameless visit', async () => {
    vi.setSystemTime(FRIDAY_AFTER);
    const h = harness();
    const itemDefinitions = h.deps.itemDefinitions;
    h.deps.itemDefinitions = async () => new Map();
    await start(h);
    expect((await badge()).text).toBe('Xûr');
    expect(h.notify).not.toHaveBeenCalled();
    expect(await browser.alarms.get('xur-retry')).toBeDefined();

    h.deps.itemDefinitions = itemDefinitions;
    await fireAlarm('xur-retry');
    expect(h.notify).toHaveBeenCalledTimes(1);
    expect((h.notify.mock.calls[0][1] as { message: string }).message).toMatch(/^Exotics: Sunken Ember, /);
  });

  it('Bungie down: keeps the last known badge, no repeated notification, retries on an alarm', async () => {
    vi.setSystemTime(FRIDAY_AFTER);
    const h = harness();
    const { m } = await start(h);
    expect((await badge()).text).toBe('Xûr');

    h.fetch.mockRejectedValue(new BungieDown());
    vi.setSystemTime(SUNDAY);
    await fireAlarm('xur-check');
    await fireAlarm('xur-check');
    expect((await badge()).text).toBe('Xûr');
    expect(await browser.alarms.get('xur-retry')).toBeDefined();
    expect(await m.alertHandlers.getXurState({})).toMatchObject({
      status: 'present',
      lastError: new BungieDown().userMessage,
    });

    h.fetch.mockImplementation(async () => bungieAnswer(serverTime(h)));
    await fireAlarm('xur-retry');
    expect((await badge()).text).toBe('Xûr');
    expect(h.notify).toHaveBeenCalledTimes(1);
    expect(await browser.alarms.get('xur-retry')).toBeUndefined();
    expect((await m.alertHandlers.getXurState({})).lastError).toBeUndefined();
  });

  it('Bungie down at the Tuesday reset: the schedule alone clears the badge', async () => {
    vi.setSystemTime(SUNDAY);
    const h = harness();
    const { m } = await start(h);
    expect((await badge()).text).toBe('Xûr');
    h.fetch.mockRejectedValue(new BungieDown());
    vi.setSystemTime(TUESDAY_AFTER);
    await fireAlarm('xur-departure');
    expect((await badge()).text).toBe('');
    const view = await m.alertHandlers.getXurState({});
    expect(view).toMatchObject({ status: 'absent', lastError: new BungieDown().userMessage });
  });

  it('a Bungie outage before any answer leaves the badge empty and the state unknown', async () => {
    vi.setSystemTime(SUNDAY);
    const h = harness();
    h.fetch.mockRejectedValue(new BungieDown());
    const { m } = await start(h);
    expect((await badge()).text).toBe('');
    expect(await m.alertHandlers.getXurState({})).toMatchObject({ status: 'unknown', rows: [] });
    expect(h.notify).not.toHaveBeenCalled();
  });

  it('without an API key Bungie is never asked and nothing flaps', async () => {
    vi.setSystemTime(SUNDAY);
    const h = harness();
    h.apiKey.present = false;
    const { m } = await start(h);
    await fireAlarm('xur-check');
    expect(h.fetch).not.toHaveBeenCalled();
    expect((await badge()).text).toBe('');
    expect((await m.alertHandlers.checkXur({})).lastError).toMatch(/API key/);
  });

  it('notifications can be turned off; turning them back on announces the visit once', async () => {
    vi.setSystemTime(FRIDAY_AFTER);
    const h = harness();
    const mod = await freshModule();
    await mod.alertHandlers.setAlertSettings({ xurNotifications: false });
    await start(h, mod);
    expect((await badge()).text).toBe('Xûr');
    expect(h.notify).not.toHaveBeenCalled();
    expect(await mod.alertHandlers.getAlertSettings({})).toEqual({ xurNotifications: false });

    await mod.alertHandlers.setAlertSettings({ xurNotifications: true });
    await fireAlarm('xur-check');
    await fireAlarm('xur-check');
    expect(h.notify).toHaveBeenCalledTimes(1);
  });

  it('a nearly full postmaster takes the badge from Xûr when signed in, and gives it back when signed out', async () => {
    vi.setSystemTime(SUNDAY);
    const h = harness();
    const profile = realProfile();
    const [id, inv] = Object.entries(profile.characterInventories.data!)[1];
    const pm = inv.items.find((i) => i.bucketHash === POSTMASTER_BUCKET_HASH)!;
    inv.items.push(...Array.from({ length: 13 }, () => ({ ...pm })));
    profile.characterInventories.data![id] = inv;
    h.player.signedIn = true;
    h.player.profile = profile;
    h.player.model = buildInventoryModel(profile, loadDefinitions());
    const { service } = await start(h);
    expect((await badge()).text).toBe('19');
    expect((await badge()).title).toMatch(/^Postmaster nearly full: Warlock 19\/21\./);
    expect(await browser.action.getBadgeBackgroundColor({})).toEqual([0xb9, 0x1c, 0x1c, 255]);
    expect(BADGE_COLORS.warning).toBe('#B91C1C');

    h.player.signedIn = false;
    await service.updateBadge();
    expect((await badge()).text).toBe('Xûr');
  });

  it('follows the profile cache: a profile write re-decides the badge (Dexie live query)', async () => {
    vi.setSystemTime(SUNDAY);
    const h = harness();
    h.deps.player = async () => {
      const row = (await h.db.profiles.toArray())[0];
      return { signedIn: Boolean(row), model: row?.model };
    };
    await start(h);
    expect((await badge()).text).toBe('Xûr');
    const profile = realProfile();
    const [id, inv] = Object.entries(profile.characterInventories.data!)[0];
    const pm = inv.items.find((i) => i.bucketHash === POSTMASTER_BUCKET_HASH)!;
    profile.characterInventories.data![id] = {
      ...inv,
      items: [...inv.items, ...Array.from({ length: 10 }, () => ({ ...pm }))],
    };
    await h.db.transaction('rw', h.db.profiles, h.db.profileResponses, async () => {
      await h.db.profileResponses.put({ key: '3:1', mintedAt: 1, profile });
      await h.db.profiles.put({
        key: '3:1',
        mintedAt: 1,
        fetchedAt: 1,
        model: buildInventoryModel(profile, loadDefinitions()),
      });
    });
    await vi.waitFor(async () => expect((await badge()).text).toBe('18'), { timeout: 3000 });
  });

  it('clicking the notification opens the Xûr view (a tab where the side panel cannot open)', async () => {
    vi.setSystemTime(FRIDAY_AFTER);
    const h = harness();
    await start(h);
    const created = vi.spyOn(browser.tabs, 'create');
    await fakeBrowser.notifications.onClicked.trigger('xur:2026-07-03');
    await vi.waitFor(() => expect(created).toHaveBeenCalled());
    expect(created.mock.calls[0][0]).toEqual({ url: 'chrome-extension://test-extension-id/sidepanel.html?view=xur' });
    expect((await browser.storage.session.get('sidePanelView')).sidePanelView).toBe('xur');
    await fakeBrowser.notifications.onClicked.trigger('someone-else');
    expect(created).toHaveBeenCalledTimes(1);
  });

  it("getXurState: the real sale rows with names, costs and the player's owned marks", async () => {
    vi.setSystemTime(SUNDAY);
    const h = harness();
    h.player.signedIn = true;
    h.player.profile = realProfile();
    const { m } = await start(h);
    const view = await m.alertHandlers.getXurState({});
    expect(view.status).toBe('present');
    expect(view.nextArrivalAt).toBe(Date.parse('2026-07-10T17:00:00Z'));
    expect(view.rows).toHaveLength(14);
    expect(view.rows[0]).toMatchObject({
      name: 'Sunken Ember',
      tier: 'Exotic',
      costs: [{ name: 'Strange Coin', quantity: 41 }],
      owned: false,
    });
    expect(view.rows.filter((r) => r.owned).map((r) => r.name)).toEqual([
      'Enhancement Core',
      'Enhancement Prism',
      'Enhancement Prism',
    ]);
    expect(h.fetch).toHaveBeenCalledTimes(1);
    expect(Object.keys(xurCapture(XUR_CAPTURES[1]).vendors.data!)).toEqual([String(XUR_VENDOR_HASH)]);
  });
  describe('a device clock hours off changes nothing the badge, the Xûr view and the notification say', () => {
    const alarmTimes = async () =>
      Object.fromEntries((await browser.alarms.getAll()).map((a) => [a.name, a.scheduledTime]));

    it.each([
      ['5 h behind', -5 * HOUR],
      ['7 h ahead', 7 * HOUR],
      ['46 h behind (a Wednesday device on a Friday server)', -46 * HOUR],
      ['3 days ahead (a device already past the reset)', 72 * HOUR],
    ])('device %s', async (_label, skew) => {
      const h = harness(undefined, skew);
      setServerTime(h, FRIDAY_AFTER);
      const { m } = await start(h);
      expect(await badge()).toEqual({
        text: 'Xûr',
        title: 'Xûr is here until Tue 17:00 UTC. Open Vault Raider to see his wares.',
      });
      const view = await m.alertHandlers.getXurState({});
      expect(view).toMatchObject({
        status: 'present',
        departsAt: Date.parse('2026-07-07T17:00:00Z'),
        nextArrivalAt: Date.parse('2026-07-10T17:00:00Z'),
      });
      expect(Object.keys(await browser.notifications.getAll())).toEqual(['xur:2026-07-03']);
      const [, options] = h.notify.mock.calls[0] as [string, { contextMessage: string }];
      expect(options.contextMessage).toBe('Until Tue, 07 Jul 2026 17:00 UTC');

      // Alarms fire on the device clock: each is the server target shifted by the skew.
      const alarms = await alarmTimes();
      expect(alarms['xur-departure']).toBe(Date.parse('2026-07-07T17:01:00Z') + skew);
      expect(alarms['xur-arrival']).toBe(Date.parse('2026-07-10T17:01:00Z') + skew);

      // Bungie down on Sunday: the badge stays (the server clock says the visit is not over).
      h.fetch.mockRejectedValue(new BungieDown());
      setServerTime(h, SUNDAY);
      expect(await m.alertHandlers.checkXur({})).toMatchObject({ status: 'present' });
      expect((await badge()).text).toBe('Xûr');

      // Bungie still down after the reset: the server clock (last offset) clears the badge.
      setServerTime(h, TUESDAY_AFTER);
      await fireAlarm('xur-departure');
      expect((await badge()).text).toBe('');
      expect(await m.alertHandlers.getXurState({})).toMatchObject({
        status: 'absent',
        nextArrivalAt: Date.parse('2026-07-10T17:00:00Z'),
      });
    });

    it('a worker restart keeps the server offset: no flip before the first new answer', async () => {
      const skew = -46 * HOUR;
      const h = harness(undefined, skew);
      setServerTime(h, FRIDAY_AFTER);
      const first = await start(h);
      first.service.stop();
      // Module state gone; storage.session keeps the offset. Bungie is down at the restart.
      const again = harness(h.db, skew);
      again.fetch.mockRejectedValue(new BungieDown());
      setServerTime(again, SUNDAY);
      const { m } = await start(again, await freshModule());
      expect((await badge()).text).toBe('Xûr');
      expect(await m.alertHandlers.getXurState({})).toMatchObject({
        status: 'present',
        departsAt: Date.parse('2026-07-07T17:00:00Z'),
      });
    });
  });

  it("Xûr's departure is Bungie's nextRefreshDate: the view, the title, the notification and the alarm follow it", async () => {
    vi.setSystemTime(FRIDAY_AFTER);
    const h = harness();
    h.nextRefreshDate = Date.parse('2026-07-07T15:30:00Z');
    const { m } = await start(h);
    expect((await badge()).title).toBe('Xûr is here until Tue 15:30 UTC. Open Vault Raider to see his wares.');
    expect((await m.alertHandlers.getXurState({})).departsAt).toBe(Date.parse('2026-07-07T15:30:00Z'));
    const [, options] = h.notify.mock.calls[0] as [string, { contextMessage: string }];
    expect(options.contextMessage).toBe('Until Tue, 07 Jul 2026 15:30 UTC');
    expect((await browser.alarms.get('xur-departure'))?.scheduledTime).toBe(Date.parse('2026-07-07T15:31:00Z'));
  });

  it("the capture's nextRefreshDate (Friday 09:00, days after he leaves) is not taken for his departure", async () => {
    vi.setSystemTime(SUNDAY);
    const h = harness();
    h.nextRefreshDate = 'captured';
    expect(xurCapture(XUR_CAPTURES[1]).vendors!.data![XUR_VENDOR_HASH].nextRefreshDate).toBe('2026-07-03T09:00:00Z');
    const { m } = await start(h);
    expect((await m.alertHandlers.getXurState({})).departsAt).toBe(Date.parse('2026-07-07T17:00:00Z'));
  });
});
