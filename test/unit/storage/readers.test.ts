// @vitest-environment node
import 'fake-indexeddb/auto';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readAlertSettings } from '@/lib/alerts/service';
import { createServerClock } from '@/lib/bungie/server-clock';
import { loadUserSettings } from '@/lib/bungie/settings';

/** The modules that read storage use the validated items: a malformed value is never used. */
describe('storage readers ignore malformed values', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  it('alert settings: a non-boolean switch reads as notifications on', async () => {
    await browser.storage.local.set({ alertSettings: { xurNotifications: 'off' } });
    expect(await readAlertSettings()).toEqual({ xurNotifications: true });
    await browser.storage.local.set({ alertSettings: { xurNotifications: false } });
    expect(await readAlertSettings()).toEqual({ xurNotifications: false });
  });

  it('Bungie settings: a malformed value reads as none, so the build values apply', async () => {
    await browser.storage.local.set({ 'vr.bungie.settings': { apiKey: 42, clientId: ['x'] } });
    expect(await loadUserSettings()).toEqual({});
  });

  it('server clock: a non-numeric stored offset is not used (device clock until the next answer)', async () => {
    await browser.storage.session.set({ serverClock: { offsetMs: '3600000', source: 'date' } });
    const clock = createServerClock({ deviceNow: () => 1_000 });
    await clock.load();
    expect(clock.offset()).toBeUndefined();
    expect(clock.now()).toBe(1_000);
  });
});
