/**
 * Issue 12 part 2 in Chromium: a GetProfile answer without the owner-only components (the token lapsed on Bungie's
 * side) leaves the cached inventory on screen with its age and asks to sign in again.
 * Issue 12 part 3 in Chromium: signing out is final. A GetProfile still on its way (the emulator's delay fault) when
 * the user signs out must write nothing back; five seconds later nothing personal remains in storage.local,
 * storage.session or IndexedDB.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../fake-bungie/index';
import { launchSignedIn, signIn, waitFor, type LaunchedExtension } from './harness';

const MEMBERSHIP_ID = '4611686018433092312';
const CHARACTER_IDS = ['2305843009260802821', '2305843009260802822', '2305843009260802823'];
const PROFILE_ROUTE = `/Platform/Destiny2/*/Profile/${MEMBERSHIP_ID}/`;
/** Tables holding Manifest definitions (public data, and large): counted, not dumped. */
const PUBLIC_TABLES = ['definitions', 'manifestVersions'];
/** DIM's real backup of this account: its loadouts, tags and notes are personal data the sign-out must wipe too. */
const DIM_BACKUP = path.resolve(
  import.meta.dirname,
  '../../../shared/fixtures/bungie/responses/DIM-export.dim-api-data.2024-05-25.json',
);

interface Dump {
  local: Record<string, unknown>;
  session: Record<string, unknown>;
  tables: Record<string, unknown[]>;
}

describe('partial profiles and sign-out: Chromium against the emulator', () => {
  let emu: Emulator;
  let ext: LaunchedExtension;

  before(async () => {
    // A token Bungie no longer honours gets GetProfile's public view (owner-only components without data).
    emu = await startEmulator({ lapsedTokenProfile: 'public' });
    ext = await launchSignedIn(emu);
  });
  after(async () => {
    await ext?.close();
    await emu?.close();
  });

  /** Everything the extension keeps, read in the worker (same origin as the pages). */
  function dump(): Promise<Dump> {
    return ext.worker.evaluate(async (skip) => {
      const open = indexedDB.open('vault-raider');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const tables: Record<string, unknown[]> = {};
      for (const name of Array.from(db.objectStoreNames)) {
        if (skip.includes(name)) continue;
        tables[name] = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      }
      db.close();
      return {
        local: await chrome.storage.local.get(null),
        session: await chrome.storage.session.get(null),
        tables,
      };
    }, PUBLIC_TABLES);
  }

  it('a profile answer without the owner-only parts keeps the cached inventory and asks to sign in again', async () => {
    const panel = await ext.openPage('sidepanel');
    await panel.locator('.inventory-grid[data-complete]').waitFor({ timeout: 60_000 });
    const tiles = await panel.locator('.inventory-grid .item-tile').count();
    assert.ok(tiles > 900, `${tiles} tiles`);
    // Bungie stops honouring the tokens; the extension still thinks its access token has most of its hour left.
    emu.control.expireAccessTokens();
    emu.control.expireRefreshTokens();
    emu.control.clearRequests();
    // A forced refresh within 3 s of the last one is answered from the cache ("fresh"): ask until one goes out.
    const reply = await waitFor(
      async () => {
        const r = await panel.evaluate(() =>
          chrome.runtime.sendMessage({ type: 'refreshProfile', payload: { force: true } }),
        );
        return r.ok && r.data?.reason === 'fresh' ? null : r;
      },
      { interval: 500, what: 'a forced refresh to reach Bungie' },
    );
    assert.equal(reply.ok, false);
    assert.match(reply.error, /only the public part of your inventory/);
    const answered = emu.control.requests().filter((r) => r.path.includes('/Profile/'));
    assert.equal(answered.at(-1)?.errorCode, 1, 'Bungie answered with the public view');
    await panel.locator('#sign-in-again').waitFor();
    assert.equal(await panel.locator('.inventory-grid .item-tile').count(), tiles, 'the cached inventory stays');
    assert.match((await panel.locator('[data-testid="age"]').textContent()) ?? '', /updated/);
    await ext.screenshot(panel, 'sidepanel-partial-profile-sign-in-again');
    await panel.close();
    // Sign in again for the next test.
    await signIn(ext);
  });

  it('a slow profile refresh in flight at sign-out writes nothing back; 5 s later nothing personal remains', async () => {
    const panel = await ext.openPage('sidepanel');
    await panel.locator('.inventory-grid[data-complete]').waitFor({ timeout: 60_000 });
    // The personal data this test expects to disappear is really there first (the hot set is written 2 s later).
    const loaded = await waitFor(
      async () => {
        const d = await dump();
        return d.tables.profiles.length && d.tables.manifestHot.length && d.session['vr.popupSnapshot'] ? d : null;
      },
      { timeout: 20_000, what: 'the profile, hot set and popup snapshot to be stored' },
    );
    assert.ok(JSON.stringify(loaded.tables).includes(MEMBERSHIP_ID));
    // The account's loadouts, tags and notes (a DIM backup imported through the worker) are stored too.
    const imported = await panel.evaluate(
      (text) => chrome.runtime.sendMessage({ type: 'importDimBackup', payload: { text } }),
      readFileSync(DIM_BACKUP, 'utf8'),
    );
    assert.equal(imported.ok, true, imported.error);
    assert.deepEqual([imported.data.loadouts, imported.data.tags, imported.data.notes], [19, 592, 40]);
    const personal = await dump();
    assert.equal(personal.tables.loadouts.length, 19);
    assert.equal(personal.tables.annotations.length, 592);

    emu.control.clearRequests();
    emu.control.fault({ route: PROFILE_ROUTE, kind: 'delay', ms: 3_000, once: true });
    // A forced refresh from the view; its GetProfile now takes 3 s to come back. (Within 3 s of the last refresh the
    // worker answers from the cache, so ask again until one is on its way.)
    await waitFor(
      async () => {
        await panel.evaluate(() => {
          void chrome.runtime.sendMessage({ type: 'refreshProfile', payload: { force: true } });
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        return emu.control.requests().find((r) => r.path.includes('/Profile/') && r.faults?.includes('delay'));
      },
      { interval: 700, what: 'the slow GetProfile to be on its way' },
    );

    const popup = await ext.openPage('popup');
    await popup.locator('#sign-out').click();
    await popup.locator('#sign-in').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    const slow = emu.control.requests().find((r) => r.path.includes('/Profile/') && r.faults?.includes('delay'));
    assert.equal(slow?.status, 200, 'the slow GetProfile was answered while we waited (and its answer dropped)');
    const after = await dump();
    for (const table of [
      'profiles',
      'profileResponses',
      'journal',
      'manifestHot',
      'loadouts',
      'annotations',
      'itemHashTags',
    ]) {
      assert.deepEqual(after.tables[table], [], `${table} is empty`);
    }
    const metaKeys = (after.tables.meta as { key: string }[]).map((r) => r.key);
    assert.ok(!metaKeys.includes('activeProfileKey'), `meta keeps ${metaKeys.join(', ')}`);
    assert.ok(!metaKeys.includes('moveStatus'));
    for (const key of ['vr.session', 'vr.auth.refresh']) assert.equal(after.local[key], undefined, key);
    for (const key of ['vr.auth.access', 'vr.popupSnapshot']) assert.equal(after.session[key], undefined, key);
    assert.deepEqual(after.local['vr.auth.status'], { state: 'signed-out' });
    // Nothing anywhere names the account, its characters or its Bungie name.
    const everything = JSON.stringify(after);
    for (const personal of [MEMBERSHIP_ID, ...CHARACTER_IDS, 'VidBoi']) {
      assert.ok(!everything.includes(personal), `"${personal}" is still stored`);
    }
    await popup.close();
    await panel.close();
  });
});
