import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../fake-bungie/index';
import { buildAgainst, buildExtension, launchExtension, waitFor, type LaunchedExtension } from './harness';

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
});

/**
 * The worker's own badge, from a real condition: Bungie (the emulator) says Xûr is here. Its own build and browser,
 * so the screenshots above keep a build that knows no Bungie origin. The emulator's clock decides the visit
 * (Friday 17:00 → Tuesday 17:00 UTC); the extension reads it from each answer's Date header, whatever the day.
 */
describe('foundation: the worker sets the badge from what Bungie says', () => {
  const SATURDAY = Date.UTC(2026, 6, 4, 12, 0);
  const TUESDAY_AFTER = Date.UTC(2026, 6, 7, 17, 1);
  let emu: Emulator;
  let ext: LaunchedExtension;
  const badgeText = () => ext.worker.evaluate(() => chrome.action.getBadgeText({}));

  before(async () => {
    emu = await startEmulator({ now: SATURDAY });
    ext = await launchExtension(await buildAgainst(emu));
  });
  after(async () => {
    await ext?.close();
    await emu?.close();
  });

  it('on start, the worker asks Bungie about Xûr and badges his visit, signed out', async () => {
    await waitFor(async () => (await badgeText()) === 'Xûr', { timeout: 30_000, what: 'the Xûr badge' });
    const page = await ext.openPage('options');
    assert.equal(await page.evaluate(() => chrome.action.getBadgeText({})), 'Xûr');
  });

  it('an alarm reaches the worker: its check after the reset clears the badge', async () => {
    assert.equal(await badgeText(), 'Xûr');
    emu.control.setNow(TUESDAY_AFTER);
    await ext.worker.evaluate(() => chrome.alarms.create('xur-check', { delayInMinutes: 1 / 60 }));
    await waitFor(async () => (await badgeText()) === '', { timeout: 15_000, what: 'the badge to clear' });
  });
});
