/**
 * `npm run demo`: the Bungie emulator with the real sample account, a demo build of the extension pointed at it, and
 * Chromium with the extension loaded (headed when a display exists).
 *
 * `npm run demo -- --headless --out DIR` drives the extension as far as the product goes (sign in, Manifest,
 * inventory, item details, search, a move, Xûr), writes a screenshot of every page into DIR and exits 0.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildAgainst, launchExtension, waitFor, type LaunchedExtension } from '../e2e/harness';
import { startEmulator } from './index';

interface DemoArgs {
  headless: boolean;
  out?: string;
}

function parseArgs(argv: string[]): DemoArgs {
  const args: DemoArgs = { headless: !process.env.DISPLAY };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--headless') args.headless = true;
    else if (argv[i] === '--headed') args.headless = false;
    else if (argv[i] === '--out') args.out = argv[++i];
  }
  return args;
}

/** A Friday evening (UTC) in the emulator's clock, so Xûr is in town during the demo. */
function demoClock(): number {
  const d = new Date();
  const daysToFriday = (5 - d.getUTCDay() + 7) % 7;
  d.setUTCDate(d.getUTCDate() + daysToFriday);
  d.setUTCHours(18, 0, 0, 0);
  return d.getTime();
}

async function shot(ext: LaunchedExtension, page: Page, out: string | undefined, name: string) {
  if (!out) return;
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`  screenshot ${file}`);
}

async function drive(ext: LaunchedExtension, out: string | undefined) {
  const popup = await ext.openPage('popup');
  await popup.setViewportSize({ width: 400, height: 600 });
  await shot(ext, popup, out, '01-popup-signed-out');
  console.log('• signing in with the sample account');
  await popup.locator('#sign-in').click();
  await popup.locator('#bungie-name').waitFor({ timeout: 20_000 });

  console.log('• waiting for the Manifest and the inventory');
  const panel = await ext.openPage('sidepanel');
  await panel.locator('.inventory-grid[data-complete]').waitFor({ timeout: 60_000 });
  await shot(ext, panel, out, '02-sidepanel-inventory');

  const tile = panel.locator('.inventory-grid .item-tile.exotic').first();
  await tile.hover();
  await panel.locator('.item-details').waitFor();
  await shot(ext, panel, out, '03-item-details');

  await panel.fill('#inventory-search', 'is:exotic is:weapon');
  await panel.mouse.move(0, 0);
  await shot(ext, panel, out, '04-search');
  await panel.fill('#inventory-search', '');

  await popup.reload();
  await popup.locator('.popup-summary').waitFor({ timeout: 20_000 });
  await popup.fill('#quick-find', 'is:exotic');
  await shot(ext, popup, out, '05-popup-signed-in');

  const xur = await ext.openPage('sidepanel', '?view=xur');
  // Wait for Bungie's answer, not the "Loading…" frame.
  await waitFor(() => xur.locator('.xur-view:not([data-status="loading"]):not([data-status="unknown"])').count(), {
    timeout: 20_000,
    what: 'the Xûr view',
  }).catch(() => 0);
  await shot(ext, xur, out, '06-xur');

  const options = await ext.openPage('options');
  await shot(ext, options, out, '07-options');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.out) mkdirSync(args.out, { recursive: true });
  const emulator = await startEmulator({ now: demoClock() });
  console.log(`Bungie emulator on ${emulator.url}`);
  const extDir = await buildAgainst(emulator, 'demo');
  console.log(`Extension built in ${extDir}`);
  const ext = await launchExtension(extDir, { headed: !args.headless });
  console.log(`Chromium started with Vault Raider (${ext.extensionId})`);

  if (args.headless) {
    try {
      await drive(ext, args.out);
      console.log(args.out ? `Demo screenshots are in ${args.out}` : 'Demo run finished.');
    } finally {
      await ext.close();
      await emulator.close();
    }
    return;
  }

  const popup = await ext.openPage('popup');
  await popup.bringToFront();
  console.log('Click "Sign in with Bungie" in the popup tab, then open the side panel. Ctrl+C to stop.');
  const stop = async () => {
    await ext.close().catch(() => undefined);
    await emulator.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  ext.context.on('close', () => void stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
