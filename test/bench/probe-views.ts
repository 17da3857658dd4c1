import { buildExtension, launchExtension } from '../e2e/harness';
import { startEmulator } from '../fake-bungie/index';
const emulator = await startEmulator({});
const extDir = await buildExtension({ mode: 'test', env: { WXT_BUNGIE_ORIGIN: emulator.url, WXT_BUNGIE_API_KEY: emulator.apiKey, WXT_BUNGIE_CLIENT_ID: emulator.clientId, WXT_BUNGIE_CLIENT_SECRET: emulator.clientSecret ?? '' } });
const ext = await launchExtension(extDir);
const popup = await ext.openPage('popup');
await popup.locator('#sign-in').click();
await popup.locator('#bungie-name').waitFor({ timeout: 30_000 });
const p0 = await ext.openPage('sidepanel');
await p0.locator('.inventory-grid .item-tile').first().waitFor({ timeout: 60_000 });
await p0.close(); await popup.close();
for (let i = 0; i < 3; i++) {
  for (const [page, mark] of [['sidepanel', 'vr:grid-painted'], ['popup', 'vr:popup-ready']]) {
    const tab = await ext.context.newPage();
    await tab.goto(`chrome-extension://${ext.extensionId}/${page}.html`);
    await tab.waitForFunction((m) => performance.getEntriesByName(m).length, mark, { timeout: 60000 });
    const marks = await tab.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { dcl: Math.round(nav.domContentLoadedEventEnd), ...Object.fromEntries(performance.getEntriesByType('mark').map((m, i) => [i + m.name, Math.round(m.startTime)])) };
    });
    console.log(page, JSON.stringify(marks));
    await tab.close();
  }
}
await ext.close(); await emulator.close();
