/**
 * `npm run bench:inventory` — how fast the views open, in headless Chromium with the real built extension.
 *
 * For the real 2021 profile and for a full account (vault filled to its capacity with `make-manifest.py --vault-fill`,
 * ~1,800 items): time from opening sidepanel.html to the grid's first screen painted and to every tile rendered and
 * painted (the grid renders in two passes), from opening popup.html to usable (all
 * read the `vr:*` performance marks the views set after the frame that shows the data), the bytes of JS the popup
 * loads (gzipped, sql.js excluded — the popup never loads it), and the pure per-keystroke search time
 * (test/bench/inventory-search.ts). Prints figures, then exactly one JSON line. Not a pass/fail test.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateFullAccount, buildAgainst, launchExtension, ROOT, type LaunchedExtension } from '../e2e/harness';
import { startEmulator } from '../fake-bungie/index';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const round = (x: number) => Math.round(x * 10) / 10;

/** The JS files popup.html loads (its module script and the chunks it preloads/imports), gzipped. */
function popupJsBytes(extDir: string): { files: number; raw: number; gzip: number } {
  const html = readFileSync(path.join(extDir, 'popup.html'), 'utf8');
  const queue = [...html.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((m) => m[1]);
  const seen = new Set<string>();
  let raw = 0;
  let gzip = 0;
  while (queue.length) {
    const rel = queue.shift()!.replace(/^\.?\//, '');
    if (seen.has(rel)) continue;
    seen.add(rel);
    const file = path.join(extDir, rel);
    if (!existsSync(file)) continue;
    const code = readFileSync(file);
    raw += code.length;
    gzip += gzipSync(code, { level: 9 }).length;
    for (const m of code.toString('utf8').matchAll(/(?:from|import)\s*\(?\s*["']([^"']+\.js)["']/g)) {
      queue.push(path.posix.join(path.posix.dirname(rel), m[1]));
    }
  }
  return { files: seen.size, raw, gzip };
}

async function signIn(ext: LaunchedExtension) {
  const popup = await ext.openPage('popup');
  await popup.locator('#sign-in').click();
  await popup.locator('#bungie-name').waitFor({ timeout: 30_000 });
  const panel = await ext.openPage('sidepanel');
  await panel.locator('.inventory-grid .item-tile').first().waitFor({ timeout: 120_000 });
  await panel.close();
  await popup.close();
}

/** Open a view in a fresh tab and read the performance marks it sets (ms since navigation start). */
async function timeView(
  ext: LaunchedExtension,
  page: string,
  marks: string[],
  width: number,
  height: number,
): Promise<number[]> {
  const tab = await ext.context.newPage();
  await tab.setViewportSize({ width, height });
  await tab.goto(`chrome-extension://${ext.extensionId}/${page}.html`);
  const t = await tab.waitForFunction(
    (names) => {
      const times = names.map((n) => performance.getEntriesByName(n)[0]?.startTime);
      return times.every((x) => x !== undefined) ? times : undefined;
    },
    marks,
    { timeout: 30_000 },
  );
  const ms = (await t.jsonValue()) as number[];
  await tab.close();
  return ms;
}

async function measure(label: string, emulatorOptions: Parameters<typeof startEmulator>[0]) {
  const emulator = await startEmulator(emulatorOptions);
  const extDir = await buildAgainst(emulator);
  const ext = await launchExtension(extDir);
  try {
    await signIn(ext);
    const itemCount = await ext.worker.evaluate(async () => {
      const open = indexedDB.open('vault-raider');
      const db = await new Promise<IDBDatabase>(
        (res, rej) => ((open.onsuccess = () => res(open.result)), (open.onerror = rej)),
      );
      const rows = await new Promise<{ model?: { items: object } }[]>((res) => {
        const req = db.transaction('profiles').objectStore('profiles').getAll();
        req.onsuccess = () => res(req.result);
      });
      db.close();
      return Object.keys(rows[0]?.model?.items ?? {}).length;
    });
    const panel: number[] = [];
    const panelComplete: number[] = [];
    const popup: number[] = [];
    const GRID = ['vr:grid-painted', 'vr:grid-complete'];
    // One warm-up each: the first open after sign-in also compiles the page's JS.
    await timeView(ext, 'sidepanel', GRID, 1280, 860);
    await timeView(ext, 'popup', ['vr:popup-ready'], 400, 600);
    for (let i = 0; i < RUNS; i++) {
      const [first, all] = await timeView(ext, 'sidepanel', GRID, 1280, 860);
      panel.push(first);
      panelComplete.push(all);
      popup.push((await timeView(ext, 'popup', ['vr:popup-ready'], 400, 600))[0]);
    }
    const js = popupJsBytes(extDir);
    console.log(`\n${label}: ${itemCount} items`);
    console.log(`  side panel open → first screen of the grid painted: median ${round(median(panel))} ms`);
    console.log(`    runs: ${panel.map(round).join(', ')}`);
    console.log(`  side panel open → every tile rendered and painted: median ${round(median(panelComplete))} ms`);
    console.log(`    runs: ${panelComplete.map(round).join(', ')}`);
    console.log(
      `  popup open → usable:             median ${round(median(popup))} ms  (runs: ${popup.map(round).join(', ')})`,
    );
    console.log(
      `  popup JS: ${js.files} files, ${(js.raw / 1024).toFixed(1)} KB raw, ${(js.gzip / 1024).toFixed(1)} KB gzipped`,
    );
    return {
      items: itemCount,
      sidepanelMs: round(median(panel)),
      sidepanelCompleteMs: round(median(panelComplete)),
      popupMs: round(median(popup)),
      popupJsGzipKB: round(js.gzip / 1024),
    };
  } finally {
    await ext.close();
    await emulator.close();
  }
}

async function main() {
  console.log(`bench:inventory — ${new Date().toISOString()} — ${os.cpus().length} cores, node ${process.version}`);
  const real = await measure('Real 2021 profile', {});

  const fullAccount = generateFullAccount('vr-bench-inv-');
  const full = await measure('Full account (vault at capacity)', fullAccount);

  const search = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/bench/inventory-search.ts')], {
    encoding: 'utf8',
  });
  const searchLine = search.stdout.trim().split('\n').pop() ?? '{}';
  let searchFigures: Record<string, unknown> = {};
  try {
    searchFigures = JSON.parse(searchLine);
  } catch {
    console.log('search bench did not print JSON:', search.stderr.slice(-500));
  }
  console.log('\nPer-keystroke search (pure, node):', searchLine);
  console.log(
    '\nTargets: side panel ≤ 150 ms (goal ≤ 100), popup ≤ 80 ms (goal ≤ 60), search ≤ 5 ms (goal ≤ 3), popup JS ≤ 150 KB gz',
  );
  console.log(
    JSON.stringify({ bench: 'inventory', date: new Date().toISOString(), real, full, search: searchFigures }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
