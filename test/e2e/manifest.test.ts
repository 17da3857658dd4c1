import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { manifestVersionKey } from '../../lib/manifest/version';
import { startEmulator, type Emulator } from '../fake-bungie';
import { buildExtension, launchExtension, ROOT, waitFor, type LaunchedExtension } from './harness';

const MAKE_MANIFEST = path.resolve(ROOT, '..', 'shared', 'tools', 'make-manifest.py');
const WITHERHOARD = 2357297366;
const STALL_MS = 6000;

const generated: string[] = [];

/** A fresh Manifest tree from the shared generator: a new seed gives a new content path (a new version). */
function generateManifest(seed: number): string {
  const out = mkdtempSync(path.join(os.tmpdir(), `vr-manifest-${seed}-`));
  generated.push(out);
  execFileSync('python3', [MAKE_MANIFEST, '--out', out, '--seed', String(seed)], { stdio: 'ignore' });
  return out;
}

function contentFile(dir: string): string {
  const folder = path.join(dir, 'common', 'destiny2_content', 'sqlite', 'en');
  const [name] = readdirSync(folder).filter((f) => f.endsWith('.content'));
  return path.join(folder, name);
}

function contentPathOf(dir: string): string {
  const index = JSON.parse(readFileSync(path.join(dir, 'Platform', 'Destiny2', 'Manifest', 'index.json'), 'utf8'));
  return index.Response.mobileWorldContentPaths.en;
}

interface PageView {
  active?: { version: string; bungieVersion: string; rowCounts: Record<string, number> };
  status?: { stage: string; percent?: number; error?: string };
  versions: string[];
}

/**
 * Read the extension's IndexedDB from one of its pages (same origin as the worker), without our code. Plain JS
 * source: tsx would wrap named inner functions in a `__name` helper the page does not have.
 */
const READ_DB = `async (hashList) => {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open('vault-raider');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const get = (store, key) =>
    new Promise((resolve) => {
      const req = db.transaction(store).objectStore(store).get(key);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(undefined);
    });
  const active = (await get('meta', 'manifest.active'))?.value;
  const status = (await get('meta', 'manifest.status'))?.value;
  const versions = await new Promise((resolve) => {
    const req = db.transaction('manifestVersions').objectStore('manifestVersions').getAllKeys();
    req.onsuccess = () => resolve(req.result.map(String));
  });
  const names = [];
  for (const hash of hashList) {
    const row = active ? await get('definitions', [active.version, 'InventoryItem', hash]) : undefined;
    names.push(row ? JSON.parse(row.json).name : null);
  }
  db.close();
  return { active, status, versions, names };
}`;

function readDb(page: Page, hashes: number[] = []): Promise<PageView & { names: (string | null)[] }> {
  return page.evaluate(`(${READ_DB})(${JSON.stringify(hashes)})`);
}

async function fireCheckAlarm(ext: LaunchedExtension): Promise<void> {
  // Unpacked extensions may use short alarms; keep the hourly period so the schedule survives the test.
  await ext.worker.evaluate(() =>
    chrome.alarms.create('manifest-check', { delayInMinutes: 1 / 60, periodInMinutes: 60 }),
  );
}

describe('Manifest pipeline in Chromium', () => {
  let emu: Emulator;
  let ext: LaunchedExtension;
  let page: Page;

  before(async () => {
    emu = await startEmulator();
    // Hold the first download so the side panel can be seen in its "downloading" state.
    emu.control.fault({ route: '/common/destiny2_content/sqlite/**', kind: 'delay', ms: 4000, once: true });
    const extDir = await buildExtension({
      mode: 'test',
      env: {
        WXT_BUNGIE_ORIGIN: emu.url,
        WXT_BUNGIE_API_KEY: emu.apiKey,
        WXT_BUNGIE_CLIENT_ID: emu.clientId,
        // Test builds only: a short stall timeout (production: 60 s). Longer than the delay faults used below.
        WXT_VR_MANIFEST_STALL_MS: String(STALL_MS),
      },
    });
    ext = await launchExtension(extDir);
    // A bare extension page to read IndexedDB from (same origin as the worker).
    page = await ext.openPage('options');
  });
  after(async () => {
    await ext?.close();
    await emu?.close();
    for (const dir of generated) rmSync(dir, { recursive: true, force: true });
  });

  it('first run ingests the Manifest; the side panel shows progress, then the data is there', async () => {
    const panel = await ext.openPage('sidepanel');
    await panel.locator('.manifest-progress[data-stage="downloading"]').waitFor({ timeout: 5000 });
    await ext.screenshot(panel, 'manifest-first-run-progress');
    await panel.locator('.manifest-progress').waitFor({ state: 'detached', timeout: 30_000 });
    const view = await readDb(page, [WITHERHOARD]);
    assert.equal(view.status?.stage, 'ready');
    assert.equal(view.active?.rowCounts.InventoryItem, 2864);
    assert.equal(view.names[0], 'Witherhoard');
    await ext.screenshot(panel, 'manifest-first-run-ready');
  });

  it('the options page shows the version, the last check, and "check now" answers without a download', async () => {
    const options = await ext.openPage('options');
    await options.locator('#manifest-version').waitFor();
    assert.equal(await options.locator('#manifest-version').textContent(), '262326.21.05.28.1049-1-bnet.49560');
    assert.notEqual(await options.locator('#manifest-last-check').textContent(), 'never');
    emu.control.clearRequests();
    await options.click('#manifest-check-now');
    await options.locator('#manifest-check-outcome').waitFor();
    assert.match((await options.locator('#manifest-check-outcome').textContent()) ?? '', /up to date/);
    const paths = emu.control.requests().map((r) => r.path);
    assert.deepEqual(
      paths.filter((p) => p.includes('destiny2_content') || p.includes('Manifest')),
      ['/Platform/Destiny2/Manifest/'],
    );
    await ext.screenshot(options, 'manifest-options');
    await options.close();
  });

  it('a new version published in the emulator is picked up by the alarm and swapped with no gap in lookups', async () => {
    const before = await readDb(page);
    const dir = generateManifest(2);
    emu.control.publishManifest(dir);
    const newKey = manifestVersionKey(contentPathOf(dir));
    assert.notEqual(before.active?.version, newKey);

    await fireCheckAlarm(ext);
    const seen = new Set<string>();
    let gaps = 0;
    await waitFor(
      async () => {
        const view = await readDb(page, [WITHERHOARD]);
        if (view.names[0] === null) gaps++;
        if (view.active) seen.add(view.active.version);
        return view.active?.version === newKey && view.status?.stage === 'ready';
      },
      { timeout: 30_000, interval: 20, what: 'the new Manifest version to become active' },
    );
    assert.equal(gaps, 0, 'every lookup during the swap found a definition');
    assert.deepEqual([...seen], [before.active!.version, newKey]);
    await waitFor(async () => (await readDb(page)).versions.length === 1, { what: 'the old version to be deleted' });
    assert.deepEqual((await readDb(page)).versions, [newKey]);
  });

  it('a corrupt new version leaves the old one working and says so', async () => {
    const current = (await readDb(page)).active!.version;
    const dir = generateManifest(3);
    const file = contentFile(dir);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    emu.control.publishManifest(dir);

    await fireCheckAlarm(ext);
    const view = await waitFor(
      async () => {
        const v = await readDb(page, [WITHERHOARD]);
        return v.status?.stage === 'error' ? v : undefined;
      },
      { timeout: 30_000, what: 'the corrupt version to be refused' },
    );
    assert.equal(view.active?.version, current);
    assert.equal(typeof view.names[0], 'string');
    assert.match(view.status?.error ?? '', /keeps using the current item database/);
    assert.match(view.status?.error ?? '', /will not download that file again until Bungie\.net publishes a new one/);
    assert.deepEqual(view.versions, [current]);
    // A damaged file is not fetched again: no timed retry, and the next check asks only for the Manifest index.
    const retry = await ext.worker.evaluate(() => chrome.alarms.get('manifest-retry'));
    assert.equal(retry, undefined, 'no retry of a damaged file');
    emu.control.clearRequests();
    await fireCheckAlarm(ext);
    await waitFor(async () => emu.control.requests().some((r) => r.path === '/Platform/Destiny2/Manifest/'), {
      what: 'the next check',
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(
      emu.control.requests().filter((r) => r.path.includes('destiny2_content')),
      [],
      'the damaged file is not downloaded again',
    );
    const panel = await ext.openPage('sidepanel');
    await panel.locator('.manifest-progress[data-stage="error"]').waitFor();
    await ext.screenshot(panel, 'manifest-corrupt-version');
  });

  it('a worker stopped mid-ingest leaves the old version active, and the next start retries cleanly', async () => {
    const current = (await readDb(page)).active!.version;
    const dir = generateManifest(4);
    emu.control.publishManifest(dir);
    const newKey = manifestVersionKey(contentPathOf(dir));
    emu.control.fault({ route: '/common/destiny2_content/sqlite/**', kind: 'delay', ms: 3000, once: true });
    await fireCheckAlarm(ext);
    await waitFor(async () => (await readDb(page)).status?.stage === 'downloading', { what: 'the download to start' });
    await ext.stopWorker();
    const meanwhile = await readDb(page, [WITHERHOARD]);
    assert.equal(meanwhile.active?.version, current);
    assert.equal(typeof meanwhile.names[0], 'string');
    // Any event restarts the worker; its start-up sees the interrupted ingest and checks again.
    await page.evaluate(() => chrome.runtime.sendMessage({ type: 'ping', payload: { sentAt: 1 } }));
    await waitFor(async () => (await readDb(page)).active?.version === newKey, {
      timeout: 30_000,
      what: 'the retried ingest to finish',
    });
    await waitFor(async () => (await readDb(page)).versions.length === 1, { what: 'stale versions to be gone' });
  });

  it('a download that hangs after the first bytes is aborted after the stall timeout; the old Manifest stays', async () => {
    const current = (await readDb(page)).active!.version;
    const dir = generateManifest(5);
    emu.control.publishManifest(dir);
    emu.control.fault({ route: '/common/destiny2_content/sqlite/**', kind: 'hang', afterBytes: 4096, once: true });
    const started = Date.now();
    await fireCheckAlarm(ext);
    const view = await waitFor(
      async () => {
        const v = await readDb(page, [WITHERHOARD]);
        return v.status?.stage === 'error' ? v : undefined;
      },
      { timeout: STALL_MS + 20_000, what: 'the stalled download to be aborted' },
    );
    assert.ok(Date.now() - started >= STALL_MS, 'not aborted before the stall timeout');
    const hung = emu.control.requests().filter((r) => r.faults?.includes('hang'));
    assert.equal(hung.length, 1, 'the hang fault hit the Manifest file');
    assert.equal(view.active?.version, current);
    assert.equal(typeof view.names[0], 'string');
    assert.deepEqual(view.versions, [current]);
    const sentence = view.status?.error ?? '';
    assert.match(sentence, /no data came from Bungie\.net for 6 seconds/);
    assert.match(sentence, /keeps using the current item database and will try again in 5 minutes\.$/);
    const retry = await ext.worker.evaluate(() => chrome.alarms.get('manifest-retry'));
    assert.ok(retry, 'network trouble gets a timed retry');
    const panel = await ext.openPage('sidepanel');
    const line = panel.locator('.manifest-progress[data-stage="error"]');
    await line.waitFor();
    assert.equal((await line.textContent())?.trim(), sentence);
    await ext.screenshot(panel, 'manifest-stalled-download');
    await panel.close();
  });

  it('a socket destroyed mid-body keeps the old Manifest; "check now" then gets the new one', async () => {
    const current = (await readDb(page)).active!.version;
    emu.control.fault({ route: '/common/destiny2_content/sqlite/**', kind: 'destroy', afterBytes: 8192, once: true });
    // The network back-off holds automatic checks for 5 minutes; "check now" may try at once.
    const options = await ext.openPage('options');
    await options.locator('#manifest-version').waitFor();
    await options.click('#manifest-check-now');
    await options.locator('#manifest-check-outcome').waitFor({ timeout: 30_000 });
    const outcome = (await options.locator('#manifest-check-outcome').textContent()) ?? '';
    assert.match(
      outcome,
      /could not be downloaded from Bungie\.net; Vault Raider keeps using the current item database/,
    );
    assert.match(outcome, /will try again in 10 minutes\.$/);
    assert.ok(
      emu.control.requests().some((r) => r.faults?.includes('destroy')),
      'the destroy fault hit',
    );
    const view = await readDb(page, [WITHERHOARD]);
    assert.equal(view.status?.stage, 'error');
    assert.equal(view.status?.error, outcome);
    assert.equal(view.active?.version, current);
    assert.equal(typeof view.names[0], 'string');
    assert.deepEqual(view.versions, [current]);
    // The connection is fine again: "check now" downloads the new version.
    await options.click('#manifest-check-now');
    await waitFor(async () => (await readDb(page)).status?.stage === 'ready', {
      timeout: 30_000,
      what: 'the new version after the destroyed download',
    });
    assert.notEqual((await readDb(page)).active?.version, current);
    await options.close();
  });
});
