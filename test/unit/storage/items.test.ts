import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import * as v from 'valibot';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  accessTokenItem,
  alertSettingsItem,
  authStatusItem,
  bungieSettingsItem,
  healthItem,
  popupSnapshotItem,
  refreshTokenItem,
  serverClockItem,
  sessionItem,
  sidePanelViewItem,
  validatedItem,
  xurNotifiedItem,
} from '@/lib/storage/items';

describe('storage items: declared once, every read validated', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps the raw key names earlier builds and the e2e tests use', () => {
    expect(
      [
        refreshTokenItem,
        accessTokenItem,
        authStatusItem,
        sessionItem,
        healthItem,
        bungieSettingsItem,
        serverClockItem,
        alertSettingsItem,
        xurNotifiedItem,
        popupSnapshotItem,
        sidePanelViewItem,
      ].map((i) => `${i.area}:${i.name}`),
    ).toEqual([
      'local:vr.auth.refresh',
      'session:vr.auth.access',
      'local:vr.auth.status',
      'local:vr.session',
      'session:vr.bungie.health',
      'local:vr.bungie.settings',
      'session:serverClock',
      'local:alertSettings',
      'local:xurNotifiedVisit',
      'session:vr.popupSnapshot',
      'session:sidePanelView',
    ]);
  });

  it('writes under the raw key and reads a well-formed value back', async () => {
    await refreshTokenItem.setValue({ token: 'r', expiresAt: 123 });
    expect((await browser.storage.local.get('vr.auth.refresh'))['vr.auth.refresh']).toEqual({
      token: 'r',
      expiresAt: 123,
    });
    expect(await refreshTokenItem.getValue()).toEqual({ token: 'r', expiresAt: 123 });
    await refreshTokenItem.removeValue();
    expect(await browser.storage.local.get('vr.auth.refresh')).toEqual({});
  });

  it('an absent value reads as the default, without a complaint', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await authStatusItem.getValue()).toEqual({ state: 'signed-out' });
    expect(await alertSettingsItem.getValue()).toEqual({ xurNotifications: true });
    expect(await refreshTokenItem.read()).toEqual({ value: null });
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    [
      'a token expiry that is not a number',
      'session',
      'vr.auth.access',
      { token: 't', expiresAt: 'soon' },
      accessTokenItem,
    ],
    ['a token that is a number', 'local', 'vr.auth.refresh', { token: 42, expiresAt: null }, refreshTokenItem],
    ['garbage instead of a status', 'local', 'vr.auth.status', 'signed-in', authStatusItem],
    ['an unknown sign-in state', 'local', 'vr.auth.status', { state: 'admin' }, authStatusItem],
    [
      'an account list without accounts',
      'local',
      'vr.session',
      { bnetMembershipId: '1', bungieName: 'x' },
      sessionItem,
    ],
    ['an unknown health', 'session', 'vr.bungie.health', 'fine', healthItem],
    ['settings as a string', 'local', 'vr.bungie.settings', 'apiKey=1', bungieSettingsItem],
    [
      'a clock offset that is not finite',
      'session',
      'serverClock',
      { offsetMs: 'NaN', source: 'date' },
      serverClockItem,
    ],
    ['notifications as a string', 'local', 'alertSettings', { xurNotifications: 'no' }, alertSettingsItem],
    ['a visit id that is a number', 'local', 'xurNotifiedVisit', 7, xurNotifiedItem],
    ['a snapshot without its vault', 'session', 'vr.popupSnapshot', { characterId: '1', name: 'x' }, popupSnapshotItem],
    ['an unknown side panel view', 'session', 'sidePanelView', 'settings', sidePanelViewItem],
  ] as const)('%s reads as the default, with a sentence', async (_name, area, key, stored, item) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await browser.storage[area].set({ [key]: stored });
    const read = await (item as { read(): Promise<{ value: unknown; problem?: string }> }).read();
    expect(read.value).toEqual(item.fallback);
    expect(read.problem).toMatch(/^Vault Raider ignored .+ kept in browser storage: it is not in the expected form/);
    expect(warn).toHaveBeenCalledWith(read.problem);
    expect(await item.getValue()).toEqual(item.fallback);
  });

  it('never puts a stored value into the sentence (a token is a secret)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await browser.storage.session.set({ 'vr.auth.access': { token: 'SECRET-TOKEN', expiresAt: 'x' } });
    const { problem } = await accessTokenItem.read();
    expect(problem).toContain('expiresAt');
    expect(problem).not.toContain('SECRET-TOKEN');
  });

  it('watch hands on parsed values; a malformed write is seen as the default', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const item = validatedItem('local:test.item', v.number(), 0, 'a test number');
    const seen: number[] = [];
    const unwatch = item.watch((value) => seen.push(value));
    await item.setValue(5);
    await browser.storage.local.set({ 'test.item': 'five' });
    await vi.waitFor(() => expect(seen).toEqual([5, 0]));
    unwatch();
  });
});
