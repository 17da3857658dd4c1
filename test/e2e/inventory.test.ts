import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../fake-bungie/index';
import { generateFullAccount, launchSignedIn, waitFor, type LaunchedExtension } from './harness';

/** Everything a GetProfile capture holds, counted straight from the JSON (not through our model). */
function countProfileItems(file: string): { total: number; vault: number } {
  const { Response: r } = JSON.parse(readFileSync(file, 'utf8'));
  const chars = (o: Record<string, { items: unknown[] }>) => Object.values(o).reduce((n, c) => n + c.items.length, 0);
  const profileItems = r.profileInventory.data.items as { bucketHash: number }[];
  return {
    total: profileItems.length + chars(r.characterInventories.data) + chars(r.characterEquipment.data),
    vault: profileItems.filter((i) => i.bucketHash === 138197802).length,
  };
}

describe('inventory: a full account in the side panel and the popup', () => {
  let emulator: Emulator;
  let ext: LaunchedExtension;
  let expected: { total: number; vault: number };
  let panel: Page;

  before(async () => {
    // A full account: the real profile with its vault filled to the General bucket's capacity.
    const { manifestDir, profileFile } = generateFullAccount('vr-e2e-inv-');
    expected = countProfileItems(profileFile);
    emulator = await startEmulator({ manifestDir, profileFile });
    ext = await launchSignedIn(emulator);
  });
  after(async () => {
    await ext?.close();
    await emulator?.close();
  });

  it('the side panel shows every item of the account, with the vault at its capacity', async () => {
    panel = await ext.openPage('sidepanel');
    await panel.locator('.inventory-grid[data-complete]').waitFor({ timeout: 60_000 });
    const tiles = await panel.locator('.inventory-grid .item-tile').count();
    assert.equal(tiles, expected.total);
    const vaultHeader = await panel.locator('.store-header.vault .fill').textContent();
    assert.equal(vaultHeader?.trim(), `${expected.vault}/1300`);
    assert.match((await panel.locator('[data-testid="age"]').textContent()) ?? '', /updated/);
    // Tiles are focusable and speak: name, tier and type, power.
    const label = await panel.locator('.inventory-grid .item-tile.exotic').first().getAttribute('aria-label');
    assert.match(label ?? '', /Exotic .+, \d+ power/);
    await ext.screenshot(panel, 'inventory-sidepanel-full-account');
  });

  it('item details appear on hover and on keyboard focus', async () => {
    const tile = panel.locator('.inventory-grid .item-tile.exotic').first();
    const name = (await tile.getAttribute('aria-label'))?.split(',')[0];
    await tile.hover();
    const details = panel.locator('.item-details');
    await details.waitFor();
    assert.equal((await details.locator('h2').textContent())?.trim(), name);
    await waitFor(() => details.locator('.stats li').count(), { what: 'stat bars' });
    await ext.screenshot(panel, 'inventory-item-details');
    await panel.mouse.move(2, 2);
    await details.waitFor({ state: 'detached' });
    await tile.focus();
    await details.waitFor();
  });

  it('search dims what does not match and explains a query it cannot read', async () => {
    await panel.fill('#inventory-search', 'is:exotic is:weapon');
    const count = Number((await panel.locator('.match-count').textContent())?.match(/\d+/)?.[0]);
    assert.ok(count > 0);
    const dimmed = await panel.locator('.inventory-grid .item-tile.dimmed').count();
    assert.equal(dimmed, expected.total - count);
    await panel.mouse.move(2, 2);
    await ext.screenshot(panel, 'inventory-search');
    await panel.fill('#inventory-search', 'is:exotic (');
    assert.match((await panel.locator('.search-error').textContent()) ?? '', /Expected a search term/);
    await panel.fill('#inventory-search', '');
  });

  it('a narrow side panel shows one character beside the vault, with a picker for the others', async () => {
    await panel.setViewportSize({ width: 420, height: 860 });
    await panel.reload();
    await panel.locator('.inventory-grid[data-complete]').waitFor({ timeout: 30_000 });
    const picker = panel.locator('.store-picker button');
    assert.equal(await picker.count(), 3);
    assert.equal(await panel.locator('.inventory-grid .column-head').count(), 2);
    const second = picker.nth(1);
    const storeId = await second.getAttribute('data-store-id');
    await second.click();
    await panel.locator(`.inventory-grid .store-header[data-store-id="${storeId}"]`).waitFor();
    const width = await panel.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 420, `no horizontal scrolling (content is ${width} px wide)`);
    await ext.screenshot(panel, 'inventory-sidepanel-narrow');
    await panel.setViewportSize({ width: 1280, height: 860 });
  });

  it('the popup opens from the cache with equipped gear, vault fill and quick find', async () => {
    // Make Bungie slow: the popup must not wait for it.
    emulator.control.fault({ route: /\/Profile\/\d+\/$/, kind: 'delay', ms: 5000, times: 3 });
    const popup = await ext.openPage('popup');
    await popup.setViewportSize({ width: 400, height: 600 });
    const started = Date.now();
    await popup.locator('.popup-summary .item-tile').first().waitFor({ timeout: 3000 });
    assert.ok(Date.now() - started < 3000);
    assert.match(
      (await popup.locator('.popup-summary .vault').textContent()) ?? '',
      new RegExp(`${expected.vault}/1300`),
    );
    // Regression: the "appears once it has loaded" line once showed under a loaded summary.
    assert.equal(await popup.locator('.popup-inventory > .empty').count(), 0);
    await popup.fill('#quick-find', 'is:exotic is:weapon');
    await popup.locator('.results .result').first().waitFor();
    await ext.screenshot(popup, 'inventory-popup');
    emulator.control.clearFaults();
  });
});
