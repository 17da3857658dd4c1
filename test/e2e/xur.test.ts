import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../fake-bungie/index';
import { buildAgainst, launchExtension, waitFor, type LaunchedExtension } from './harness';

/**
 * The emulator's clock decides whether Xûr is there (Friday 17:00 → Tuesday 17:00 UTC), and the extension sees that
 * clock through each answer's Date header (server time), whatever the machine's own date: test/clock-matrix.sh runs
 * this file with the real clock moved to a Tuesday evening, a Wednesday and a Thursday.
 */
const FRIDAY_BEFORE = Date.UTC(2026, 6, 3, 16, 59);
const FRIDAY_AFTER = Date.UTC(2026, 6, 3, 17, 1);
const TUESDAY_AFTER = Date.UTC(2026, 6, 7, 17, 1);
/** The emulator's nextRefreshDate for Xûr during that visit: the reset. */
const DEPARTURE = Date.UTC(2026, 6, 7, 17, 0);
const NEXT_ARRIVAL = Date.UTC(2026, 6, 10, 17, 0);

/** The 2026 capture's sale rows as the Manifest fixture names them (menu entries such as "Reset Rank" excluded). */
const EXPECTED_EXOTICS = [
  'Sunken Ember',
  'Distant Wake',
  'Solemn Relic',
  'Radiant Compass',
  'Cold Relic',
  'Burning Paragon',
  'Relativism',
  'Exotic Engram',
  'Hidden Gambit',
];

describe('Xûr: badge, notification and wares in Chromium against the emulator', () => {
  let emu: Emulator;
  let ext: LaunchedExtension;
  let page: Page;

  const message = <T>(type: string, payload: unknown = {}) =>
    page.evaluate(
      async ([t, p]) => {
        const reply = await chrome.runtime.sendMessage({ type: t, payload: p });
        if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
        return reply.data;
      },
      [type, payload] as const,
    ) as Promise<T>;
  const badgeText = () => page.evaluate(() => chrome.action.getBadgeText({}));
  const notifications = () => ext.worker.evaluate(() => chrome.notifications.getAll());
  /** Fire one of the service's alarms now instead of at Friday/Tuesday 17:01 UTC. */
  const fireAlarm = (name: string) =>
    ext.worker.evaluate((n) => chrome.alarms.create(n, { delayInMinutes: 1 / 60 }), name);

  before(async () => {
    emu = await startEmulator({ now: FRIDAY_BEFORE });
    const dir = await buildAgainst(emu);
    ext = await launchExtension(dir);
    page = await ext.openPage('options');
    // Names come from the Manifest, which the worker ingests from the emulator on first start.
    const activeManifest = () =>
      ext.worker.evaluate(async () => {
        const open = indexedDB.open('vault-raider');
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        if (!db.objectStoreNames.contains('meta')) return db.close();
        const row = await new Promise<{ value?: unknown } | undefined>((resolve, reject) => {
          const request = db.transaction('meta').objectStore('meta').get('manifest.active');
          request.onsuccess = () => resolve(request.result as { value?: unknown } | undefined);
          request.onerror = () => reject(request.error);
        });
        db.close();
        return row?.value;
      });
    await waitFor(activeManifest, {
      timeout: 60_000,
      what: 'the Manifest to be ingested',
    });
  });
  after(async () => {
    await ext?.close();
    await emu?.close();
  });

  it('creates the arrival, departure and hourly alarms on worker start', async () => {
    const names = await waitFor(
      async () => {
        const all = await ext.worker.evaluate(() => chrome.alarms.getAll());
        const mine = all.map((a) => a.name).filter((n) => n.startsWith('xur-'));
        return mine.length >= 3 ? mine.sort() : undefined;
      },
      { what: 'the Xûr alarms' },
    );
    assert.deepEqual(
      names.filter((n) => n !== 'xur-retry'),
      ['xur-arrival', 'xur-check', 'xur-departure'],
    );
  });

  it('Friday 16:59 UTC: Bungie says Xûr is away — no badge, no notification', async () => {
    const state = await message<{ status: string; nextArrivalAt: number }>('checkXur');
    assert.equal(state.status, 'absent');
    assert.equal(state.nextArrivalAt, Date.UTC(2026, 6, 3, 17, 0), 'the arrival is judged on server time');
    assert.equal(await badgeText(), '');
    assert.deepEqual(await notifications(), {});
  });

  it("the worker keeps Bungie's time (Date header) and sets its alarms on the device clock from it", async (t) => {
    const { offset, deviceNow, arrival } = await ext.worker.evaluate(async () => {
      const stored = (await chrome.storage.session.get('serverClock')).serverClock as { offsetMs: number };
      return {
        offset: stored.offsetMs,
        deviceNow: Date.now(),
        arrival: (await chrome.alarms.get('xur-arrival'))!.scheduledTime,
      };
    });
    // test/clock-matrix.sh reads this line to show that Chromium itself ran on the moved clock.
    t.diagnostic(`device clock in the worker: ${new Date(deviceNow).toISOString()}`);
    const expected = emu.control.now() - deviceNow;
    assert.ok(Math.abs(offset - expected) < 3000, `server − device offset ${offset} ≈ ${expected}`);
    // Arrival Friday 17:00 + 1 min settle, on the server clock, converted to the device clock.
    const arrivalOnServer = arrival + offset;
    assert.ok(Math.abs(arrivalOnServer - Date.UTC(2026, 6, 3, 17, 1)) < 3000, 'arrival alarm at server Fri 17:01');
  });

  it('Friday 17:01 UTC: the arrival alarm sets the badge and raises one notification', async () => {
    emu.control.setNow(FRIDAY_AFTER);
    await fireAlarm('xur-arrival');
    await waitFor(async () => (await badgeText()) === 'Xûr', { what: 'the Xûr badge' });
    const title = await page.evaluate(() => chrome.action.getTitle({}));
    assert.equal(title, 'Xûr is here until Tue 17:00 UTC. Open Vault Raider to see his wares.');
    const state = await message<{ departsAt: number; nextArrivalAt: number }>('getXurState');
    assert.equal(state.departsAt, DEPARTURE, "departure from the emulator's nextRefreshDate");
    assert.equal(state.nextArrivalAt, NEXT_ARRIVAL);
    const all = await waitFor(
      async () => {
        const n = await notifications();
        return Object.keys(n).length ? n : undefined;
      },
      { what: 'the notification' },
    );
    const ids = Object.keys(all);
    assert.equal(ids.length, 1);
    assert.equal(ids[0], 'xur:2026-07-03');
  });

  it('the Xûr view shows the real captured sale items with names, types and costs', async () => {
    const panel = await ext.openPage('sidepanel', '?view=xur');
    await panel.locator('.xur-view[data-status="present"] .xur-sale-item').first().waitFor();
    assert.match((await panel.locator('.xur-view .line').first().textContent()) ?? '', /Here until .*Jul.*7.*UTC/);
    const rows = panel.locator('.xur-sale-item');
    assert.equal(await rows.count(), 14);
    const exotics = await panel.locator('.xur-sale-item[data-tier="exotic"] .name').allTextContents();
    assert.deepEqual(
      exotics.map((n) => n.trim()),
      EXPECTED_EXOTICS,
    );
    const sunken = panel.locator('.xur-sale-item', { hasText: 'Sunken Ember' });
    assert.match((await sunken.locator('.cost').first().textContent()) ?? '', /41 Strange Coin/);
    assert.equal(await panel.locator('.xur-sale-item[data-owned="true"]').count(), 0);
    await ext.screenshot(panel, 'xur-sidepanel');
    await panel.close();
  });

  it('a worker restart does not announce the same visit again', async () => {
    const [id] = Object.keys(await notifications());
    await ext.worker.evaluate((n) => chrome.notifications.clear(n), id);
    await ext.stopWorker();
    const state = await message<{ status: string }>('checkXur');
    assert.equal(state.status, 'present');
    await fireAlarm('xur-check');
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(await notifications(), {});
    assert.equal(await badgeText(), 'Xûr');
  });

  it('Bungie down: the badge stays, no notification, and the next alarm retries', async () => {
    emu.control.fault({ route: '/Platform/Destiny2/Vendors/**', kind: 'http', status: 503 });
    const state = await message<{ status: string; lastError?: string }>('checkXur');
    assert.equal(state.status, 'present');
    assert.ok(state.lastError, 'the failed check explains itself');
    assert.equal(await badgeText(), 'Xûr');
    assert.ok(await ext.worker.evaluate(() => chrome.alarms.get('xur-retry')), 'a retry alarm is set');
    emu.control.clearFaults();
    await fireAlarm('xur-retry');
    await waitFor(async () => !(await ext.worker.evaluate(() => chrome.alarms.get('xur-retry'))), {
      what: 'the retry to succeed',
    });
    assert.deepEqual(await notifications(), {});
  });

  it('Tuesday 17:01 UTC: the departure alarm clears the badge', async () => {
    emu.control.setNow(TUESDAY_AFTER);
    await fireAlarm('xur-departure');
    await waitFor(async () => (await badgeText()) === '', { what: 'the badge to clear' });
    assert.equal(await page.evaluate(() => chrome.action.getTitle({})), 'Vault Raider');
    const panel = await ext.openPage('sidepanel', '?view=xur');
    await panel.locator('.xur-view[data-status="absent"]').waitFor();
    await ext.screenshot(panel, 'xur-sidepanel-away');
    await panel.close();
  });
});
