import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../fake-bungie/index';
import { buildAgainst, launchExtension, waitFor, type LaunchedExtension } from './harness';

/** Storage keys that may hold a token (lib/bungie/auth.ts); a token anywhere else is a leak. */
const REFRESH_KEY = 'vr.auth.refresh';
const ACCESS_KEY = 'vr.auth.access';

const PLAYSTATION = '2:4611686018433092312';
const STEAM = '3:4611686018467367772';

/**
 * Two Destiny accounts without cross-save, so there is something to switch between. Built from the real 2025
 * linked-profiles capture (the emulator's default, whose PlayStation profile matches its GetProfile capture): the
 * cross-save override is lifted and a Steam profile taken from the real Ace capture is added, played less recently.
 */
function twoAccountFixture(): string {
  const fixtures = '/work/shared/fixtures/bungie/responses';
  const base = JSON.parse(readFileSync(path.join(fixtures, 'GetLinkedProfiles.dim-2025-07-15.json'), 'utf8'));
  const ace = JSON.parse(readFileSync(path.join(fixtures, 'GetLinkedProfiles.dim-ace-accounts-2021-10.json'), 'utf8'));
  const playstation = {
    ...base.profiles[0],
    crossSaveOverride: 0,
    isCrossSavePrimary: false,
    applicableMembershipTypes: [2],
  };
  const steam = { ...ace.profiles[0], crossSaveOverride: 0, isCrossSavePrimary: false, applicableMembershipTypes: [3] };
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vr-auth-')), 'linked.json');
  writeFileSync(file, JSON.stringify({ ...base, profiles: [playstation, steam], profilesWithErrors: [] }));
  return file;
}

describe('sign in with Bungie: Chromium against the emulator', () => {
  let emu: Emulator;
  let ext: LaunchedExtension;
  /** Every reply the worker sent to a page during the run, for the token scan. */
  const replies: unknown[] = [];

  async function message<T>(page: Page, type: string, payload: unknown = {}): Promise<T> {
    const reply = await page.evaluate(([t, p]) => chrome.runtime.sendMessage({ type: t, payload: p }), [
      type,
      payload,
    ] as const);
    replies.push(reply);
    if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
    return reply.data as T;
  }

  /** Click "Sign in" in the popup and approve (or tamper with) Bungie's consent page in the auth window. */
  async function signIn(popup: Page, { forgeState = false } = {}) {
    const consent = ext.context.waitForEvent('page', { predicate: (p) => p.url().includes('/en/OAuth/Authorize') });
    await popup.click('#sign-in');
    const window = await consent;
    await window.locator('#approve').waitFor();
    if (forgeState) {
      // A forged answer (another site's code, or a replay) carries a state the extension never issued.
      await window.evaluate(() => {
        (document.querySelector('input[name="state"]') as HTMLInputElement).value = 'forged-state';
      });
    }
    await window.click('#approve');
  }

  async function storage() {
    return ext.worker.evaluate(async () => ({
      local: await chrome.storage.local.get(null),
      session: await chrome.storage.session.get(null),
    }));
  }

  before(async () => {
    emu = await startEmulator({ consent: true, linkedProfilesFile: twoAccountFixture() });
    const dir = await buildAgainst(emu);
    ext = await launchExtension(dir);
  });
  after(async () => {
    await ext?.close();
    await emu?.close();
  });

  it('signed out, the popup offers "Sign in with Bungie" and the options page shows the redirect URL and state', async () => {
    const popup = await ext.openPage('popup');
    await popup.locator('#sign-in').waitFor();
    assert.equal((await popup.locator('#sign-in').textContent())?.trim(), 'Sign in with Bungie');
    await ext.screenshot(popup, 'auth-popup-signed-out');
    const options = await ext.openPage('options');
    assert.equal(
      (await options.locator('#redirect-url').textContent())?.trim(),
      `https://${ext.extensionId}.chromiumapp.org/`,
    );
    await options.locator('#sign-in-state[data-auth="signed-out"]').waitFor();
    await ext.screenshot(options, 'auth-options-signed-out');
    await popup.close();
    await options.close();
  });

  it('refuses an answer whose state does not match, and tells the user', async () => {
    const popup = await ext.openPage('popup');
    await signIn(popup, { forgeState: true });
    const error = await popup.locator('#auth-error').textContent();
    assert.match(error ?? '', /Sign-in was refused/);
    assert.equal(
      emu.control.requests().filter((r) => r.path.toLowerCase().includes('/oauth/token')).length,
      0,
      'no code was exchanged',
    );
    assert.equal(await popup.locator('#sign-in').count(), 1);
    await popup.close();
  });

  it('signs in through launchWebAuthFlow, loads the accounts and picks the most recently played', async () => {
    const popup = await ext.openPage('popup');
    await signIn(popup);
    await popup.locator('#bungie-name').waitFor();
    assert.equal((await popup.locator('#bungie-name').textContent())?.trim(), 'VidBoi#9226');
    assert.match((await popup.locator('#account-platform').textContent()) ?? '', /PlayStation/);
    assert.equal(await popup.locator('#account-switcher').inputValue(), PLAYSTATION);
    const stored = await storage();
    assert.equal((stored.local['vr.auth.status'] as { state: string }).state, 'signed-in');
    assert.ok(stored.local[REFRESH_KEY], 'refresh token kept in storage.local');
    assert.ok(stored.session[ACCESS_KEY], 'access token kept in storage.session');
    assert.equal(emu.control.tokens().access.length, 1);
    await ext.screenshot(popup, 'auth-popup-signed-in');
    const options = await ext.openPage('options');
    await options.locator('#sign-in-state[data-auth="signed-in"]').waitFor();
    await ext.screenshot(options, 'auth-options-signed-in');
    await options.close();
    await popup.close();
  });

  it('switching the account persists across a worker restart', async () => {
    const popup = await ext.openPage('popup');
    await popup.locator('#account-switcher').waitFor();
    await popup.selectOption('#account-switcher', STEAM);
    await waitFor(async () => (await popup.locator('#account-platform').textContent())?.includes('Steam'), {
      what: 'the Steam account to be shown',
    });
    await popup.close();

    const before = await ext.worker.evaluate(() => self.performance.timeOrigin);
    await ext.stopWorker();
    const page = await ext.openPage('popup');
    const session = await message<{ membership: { membershipType: number; membershipId: string } }>(
      page,
      'authSession',
    );
    const after = await ext.worker.evaluate(() => self.performance.timeOrigin);
    assert.notEqual(after, before, 'the worker restarted with fresh globals');
    assert.equal(`${session.membership.membershipType}:${session.membership.membershipId}`, STEAM);
    await page.locator('#account-switcher').waitFor();
    assert.equal(await page.locator('#account-switcher').inputValue(), STEAM);
    await page.close();
  });

  it('an access token Bungie calls expired is refreshed silently and the request retried', async () => {
    const page = await ext.openPage('options');
    emu.control.clearRequests();
    emu.control.expireAccessTokens();
    const session = await message<{ signedIn: boolean; accounts: unknown[] }>(page, 'authReloadAccounts');
    assert.equal(session.signedIn, true);
    assert.equal(session.accounts.length, 2);
    const log = emu.control.requests().map((r) => `${r.status} ${r.errorCode ?? '-'} ${r.path}`);
    assert.deepEqual(log.slice(0, 3), [
      '401 2111 /Platform/User/GetMembershipsForCurrentUser/',
      '200 - /Platform/App/OAuth/Token/',
      '200 1 /Platform/User/GetMembershipsForCurrentUser/',
    ]);
    assert.equal(emu.control.tokens().access.length, 2);
    await page.close();
  });

  it('an expired refresh token ends in one clear "Sign in again" state', async () => {
    const popup = await ext.openPage('popup');
    await popup.locator('#bungie-name').waitFor();
    emu.control.expireAccessTokens();
    emu.control.expireRefreshTokens();
    const page = await ext.openPage('options');
    await assert.rejects(message(page, 'authReloadAccounts'), /Your Bungie sign-in has expired. Sign in again/);
    // The open popup follows the worker's storage and switches to the sign-in-again state by itself.
    await popup.locator('#sign-in-again').waitFor();
    assert.equal((await popup.locator('#sign-in').textContent())?.trim(), 'Sign in again');
    assert.equal(await popup.locator('#auth-error').count(), 0, 'no error stack, just the state');
    const stored = await storage();
    assert.equal(stored.local[REFRESH_KEY], undefined);
    assert.equal(stored.session[ACCESS_KEY], undefined);
    await ext.screenshot(popup, 'auth-popup-sign-in-again');

    // Signing in again keeps the chosen account.
    await signIn(popup);
    await popup.locator('#bungie-name').waitFor();
    assert.equal(await popup.locator('#account-switcher').inputValue(), STEAM);
    await popup.close();
    await page.close();
  });

  it('the options page stores a user API key and client id that override the build values', async () => {
    const options = await ext.openPage('options');
    await options.locator('#user-api-key').waitFor();
    await options.fill('#user-api-key', 'my-own-key');
    await options.click('#save-settings');
    await options.locator('#settings-saved').waitFor();
    const view = await message<{ apiKey: string; hasClientSecret: boolean }>(options, 'authSettings');
    assert.equal(view.apiKey, 'my-own-key');
    emu.control.clearRequests();
    await message(options, 'authReloadAccounts').catch(() => undefined);
    const keys = emu.control.requests().map((r) => r.headers['x-api-key']);
    assert.ok(keys.length > 0 && keys.every((k) => k === 'my-own-key'), `requests used ${keys.join(', ')}`);
    await options.fill('#user-api-key', '');
    await options.click('#save-settings');
    await waitFor(async () => (await message<{ apiKey: string }>(options, 'authSettings')).apiKey === '', {
      what: 'the override to be cleared',
    });
    await options.close();
  });

  it('sign-out forgets the tokens and the cached personal data', async () => {
    const popup = await ext.openPage('popup');
    await popup.locator('#sign-out').waitFor();
    await popup.evaluate(async () => {
      // A cached profile and a journal row, as the profile service and the executor would leave them.
      const open = indexedDB.open('vault-raider');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const tx = db.transaction(['profiles', 'journal'], 'readwrite');
      tx.objectStore('profiles').put({ key: '3:4611686018467367772', mintedAt: 1, fetchedAt: 1, profile: {} });
      tx.objectStore('journal').put({ createdAt: 1, status: 'done', data: {} });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    });
    await popup.click('#sign-out');
    await popup.locator('#sign-in').waitFor();
    const counts = await popup.evaluate(
      async (stores) => {
        const open = indexedDB.open('vault-raider');
        const db = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)));
        const result = await Promise.all(
          stores.map(
            (store) =>
              new Promise<number>((resolve) => {
                const request = db.transaction(store).objectStore(store).count();
                request.onsuccess = () => resolve(request.result);
              }),
          ),
        );
        db.close();
        return { profiles: result[0], journal: result[1] };
      },
      ['profiles', 'journal'],
    );
    assert.deepEqual(counts, { profiles: 0, journal: 0 });
    const stored = await storage();
    assert.equal(stored.local[REFRESH_KEY], undefined);
    assert.equal(stored.session[ACCESS_KEY], undefined);
    assert.equal(stored.local['vr.session'], undefined);
    await popup.close();
  });

  it('no token value appears in storage outside its key, in the request log, in console output or in replies', async () => {
    // Sign in once more so there are live tokens in storage while we scan.
    const popup = await ext.openPage('popup');
    await signIn(popup);
    await popup.locator('#bungie-name').waitFor();
    await message(popup, 'authSession');
    const { access, refresh } = emu.control.tokens();
    const tokens = [...access, ...refresh];
    assert.ok(access.length >= 3 && refresh.length >= 3, 'several generations of tokens were issued');

    const stored = await storage();
    const leaks: string[] = [];
    const scan = (where: string, text: string) => {
      for (const token of tokens) if (text.includes(token)) leaks.push(`${where} contains token ${token.slice(0, 6)}…`);
    };
    for (const [key, value] of Object.entries(stored.local))
      if (key !== REFRESH_KEY) scan(`storage.local[${key}]`, JSON.stringify(value));
    for (const [key, value] of Object.entries(stored.session))
      if (key !== ACCESS_KEY) scan(`storage.session[${key}]`, JSON.stringify(value));
    // Inside their keys only the current generation is kept.
    assert.equal((stored.local[REFRESH_KEY] as { token: string }).token, refresh.at(-1));
    assert.equal((stored.session[ACCESS_KEY] as { token: string }).token, access.at(-1));
    scan('the emulator request log', JSON.stringify(emu.control.requests()));
    scan('console output', ext.consoleLines.join('\n'));
    scan('replies to pages', JSON.stringify(replies));
    scan('the popup', await popup.content());
    assert.deepEqual(leaks, []);
    await popup.close();
  });
});
