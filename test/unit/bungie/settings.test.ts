import { fakeBrowser } from 'wxt/testing/fake-browser';
import { beforeEach, describe, expect, it } from 'vitest';
import { effectiveConfig, loadUserSettings, saveUserSettings, SETTINGS_KEY } from '@/lib/bungie/settings';
import { browser } from 'wxt/browser';

const build = {
  origin: 'https://www.bungie.net',
  apiKey: 'build-key',
  clientId: '50001',
  clientSecret: 'build-secret',
};

describe('user overrides of the Bungie application values', () => {
  beforeEach(() => fakeBrowser.reset());

  it.each([
    ['nothing entered', {}, build],
    ['own API key only', { apiKey: 'mine' }, { ...build, apiKey: 'mine' }],
    [
      'own public client: the build secret is not mixed in',
      { clientId: '777' },
      { ...build, clientId: '777', clientSecret: '' },
    ],
    [
      'own confidential client',
      { apiKey: 'k', clientId: '777', clientSecret: 's' },
      { origin: build.origin, apiKey: 'k', clientId: '777', clientSecret: 's' },
    ],
    ['same client id as the build keeps the build secret', { clientId: '50001' }, build],
  ])('%s', (_name, user, expected) => {
    expect(effectiveConfig(build, user)).toEqual(expected);
  });

  it('stores trimmed values in storage.local and drops blank ones', async () => {
    await saveUserSettings({ apiKey: '  key  ', clientId: '', clientSecret: ' s ' });
    expect((await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]).toEqual({ apiKey: 'key', clientSecret: 's' });
    expect(await loadUserSettings()).toEqual({ apiKey: 'key', clientSecret: 's' });
  });

  it('reads nothing when nothing was saved', async () => {
    expect(await loadUserSettings()).toEqual({});
  });
});
