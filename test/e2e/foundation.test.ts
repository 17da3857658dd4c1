import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildExtension, launchExtension, waitFor, type LaunchedExtension } from './harness';

describe('foundation: the built extension in Chromium', () => {
  let ext: LaunchedExtension;
  let extDir: string;

  before(async () => {
    extDir = await buildExtension({ mode: 'test' });
    ext = await launchExtension(extDir);
  });
  after(() => ext?.close());

  it('has the fixed development id, the CSP and the emulator host permission in test builds', () => {
    const manifest = JSON.parse(readFileSync(path.join(extDir, 'manifest.json'), 'utf8'));
    assert.equal(ext.extensionId, 'iojnopefmmgbcipnognfpaddcgmpopfm');
    assert.equal(
      manifest.content_security_policy.extension_pages,
      "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'; img-src 'self' https://www.bungie.net http://127.0.0.1:* http://localhost:*;",
    );
    assert.ok(manifest.host_permissions.includes('http://127.0.0.1/*'));
    assert.deepEqual([...manifest.permissions].sort(), [
      'alarms',
      'identity',
      'notifications',
      'sidePanel',
      'storage',
      'unlimitedStorage',
    ]);
  });

  it('renders the popup, and a page→worker message round-trips', async () => {
    const page = await ext.openPage('popup');
    await page.locator('main[data-worker="ready"]').waitFor();
    const reply = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'ping', payload: { sentAt: 42 } }));
    assert.equal(reply.ok, true);
    assert.equal(reply.data.sentAt, 42);
    assert.equal(typeof reply.data.workerStartedAt, 'number');
    const file = await ext.screenshot(page, 'foundation-popup');
    assert.ok(existsSync(file));
  });

  it('the popup button opens the side panel (a sidepanel.html target appears), which renders', async () => {
    const popup = await ext.openPage('popup');
    await popup.locator('main[data-worker="ready"]').waitFor();
    const cdp = await ext.context.newCDPSession(popup);
    const panelTargets = async () =>
      (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.url.endsWith('/sidepanel.html')).length;
    assert.equal(await panelTargets(), 0);
    await popup.click('#open-side-panel');
    await waitFor(panelTargets, { what: 'the side panel to open' });
    await cdp.detach();
    // Headless Chromium has no side-panel UI to photograph: render the same page in a tab.
    const panel = await ext.openPage('sidepanel');
    await panel.locator('main[data-worker="ready"]').waitFor();
    await ext.screenshot(panel, 'foundation-sidepanel');
  });

  it('renders the options page with the OAuth redirect URL to register', async () => {
    const page = await ext.openPage('options');
    const url = await page.locator('#redirect-url').textContent();
    assert.equal(url?.trim(), `https://${ext.extensionId}.chromiumapp.org/`);
    await ext.screenshot(page, 'foundation-options');
  });

  it('reads back a badge set by the worker', async () => {
    await ext.worker.evaluate(() => chrome.action.setBadgeText({ text: 'E2E' }));
    const page = await ext.openPage('options');
    assert.equal(await page.evaluate(() => chrome.action.getBadgeText({})), 'E2E');
    await ext.worker.evaluate(() => chrome.action.setBadgeText({ text: '' }));
  });

  it('an alarm fires and reaches the worker', async () => {
    await ext.worker.evaluate(() => chrome.alarms.create('e2e-probe', { delayInMinutes: 1 / 60 }));
    const fired = await waitFor(
      () =>
        ext.worker.evaluate(() =>
          chrome.storage.session.get('lastAlarm').then((r) => r.lastAlarm as { name: string } | undefined),
        ),
      { timeout: 8000, what: 'the e2e-probe alarm' },
    );
    assert.equal(fired.name, 'e2e-probe');
  });
});
