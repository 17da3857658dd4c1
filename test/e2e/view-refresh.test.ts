import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../fake-bungie/index';
import { launchSignedIn, waitFor, type LaunchedExtension } from './harness';

/**
 * Issue 12 part 6: an open view keeps refreshing across the worker's idle stops (its `view` port is held again), and
 * Bungie's images load under the test build's CSP (img-src allows the emulator).
 */
describe('an open side panel across worker stops', () => {
  let emulator: Emulator;
  let ext: LaunchedExtension;
  let panel: Page;

  before(async () => {
    emulator = await startEmulator();
    ext = await launchSignedIn(emulator);
    panel = await ext.openPage('sidepanel');
    await panel.locator('.inventory-grid[data-complete]').waitFor({ timeout: 60_000 });
  });
  after(async () => {
    await ext?.close();
    await emulator?.close();
  });

  it("the emulator's item icons load (the CSP's img-src lets the test build's Bungie origin in)", async () => {
    const loaded = await waitFor(
      () =>
        panel.evaluate(
          () =>
            [...document.querySelectorAll<HTMLImageElement>('.inventory-grid .item-tile img')].filter(
              (img) => img.complete && img.naturalWidth > 0,
            ).length,
        ),
      { timeout: 20_000, what: 'item icons to load' },
    );
    assert.ok(loaded > 0);
    const origin = new URL(emulator.url).origin;
    const sources = await panel.evaluate(() =>
      [...document.querySelectorAll<HTMLImageElement>('.inventory-grid .item-tile img')].map((img) => img.src),
    );
    assert.ok(
      sources.every((src) => src.startsWith(`${origin}/`)),
      'every icon comes from the Bungie origin',
    );
    assert.deepEqual(
      ext.consoleLines.filter((line) => /Content Security Policy/i.test(line)),
      [],
      'no CSP violation was reported',
    );
  });

  it('after the worker stops, the view holds its port again: the worker wakes and keeps the refresh alarm', async () => {
    const alarm = () => panel.evaluate(() => chrome.alarms.get('profile-refresh').then((a) => a?.name ?? null));
    assert.equal(await alarm(), 'profile-refresh', 'an open view keeps the refresh alarm');

    await ext.stopWorker();
    const stoppedAt = Date.now();
    // Nothing else talks to the worker now: only the side panel's reconnect (after 1 s) can start it again. A loaded
    // 2-core machine needs a second or two more to start the worker, so the ping waits well past that.
    await new Promise((r) => setTimeout(r, 6_000));
    const pingAt = Date.now();
    const pong = await panel.evaluate(() => chrome.runtime.sendMessage({ type: 'ping', payload: { sentAt: 0 } }));
    const startedAt = pong.data.workerStartedAt as number;
    assert.ok(startedAt >= stoppedAt - 500, 'a new worker runs');
    assert.ok(
      startedAt < pingAt - 1_000,
      `the panel woke it (${startedAt - stoppedAt} ms after the stop), not the ping`,
    );

    // A second view opening and closing in the new worker must not look like "the last view closed".
    const popup = await ext.openPage('popup');
    await popup.locator('main[data-worker="ready"]').waitFor();
    await popup.close();
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(await alarm(), 'profile-refresh', 'the refresh alarm survives: the new worker counts the open panel');

    // And it refreshes: a forced refresh from the same panel goes out to Bungie through the new worker.
    emulator.control.clearRequests();
    await panel.evaluate(() => chrome.runtime.sendMessage({ type: 'refreshProfile', payload: { force: true } }));
    assert.ok(emulator.control.requests().some((r) => /\/Destiny2\/\d+\/Profile\/\d+\/$/.test(r.path)));
  });
  it("the popup's tab fallback opens the side panel on the view it asked for (Xûr)", async () => {
    const popup = await ext.openPage('popup');
    await popup.locator('main[data-worker="ready"]').waitFor();
    const opened = ext.context.waitForEvent('page', { predicate: (p) => p.url().includes('/sidepanel.html') });
    const reply = await popup.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'openSidePanel', payload: { view: 'xur' } }),
    );
    assert.deepEqual(reply, { ok: true, data: { ok: true } });
    const tab = await opened;
    assert.match(tab.url(), /\/sidepanel\.html\?view=xur$/);
    await tab.locator('.xur-view').waitFor({ timeout: 20_000 });
    assert.equal(await tab.locator('[data-view="xur"]').getAttribute('aria-pressed'), 'true');
    await tab.close();
    await popup.close();
  });

  it('the real worker refuses a malformed payload with a sentence and ignores names that are not its handlers', async () => {
    const ask = (message: unknown) =>
      panel.evaluate(
        (m) => chrome.runtime.sendMessage(m).catch((e: Error) => ({ rejected: e.message })),
        message as Record<string, unknown>,
      );
    const malformed = await ask({ type: 'runMove', payload: { kind: 'teleport', itemKey: '1' } });
    assert.equal(malformed.ok, false);
    assert.match(
      malformed.error,
      /^Vault Raider refused a malformed "runMove" request \(kind: .+\), so nothing was changed\./,
    );
    for (const type of ['toString', '__proto__', 'constructor']) {
      const reply = await ask({ type, payload: {} });
      assert.ok(!reply || !('ok' in reply), `${type} got ${JSON.stringify(reply)}`);
    }
  });
});
