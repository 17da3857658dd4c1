/**
 * Manifest pipeline benchmark (issue 6), in headless Chromium with the real built extension and the emulator.
 *
 *   node --import tsx test/bench/manifest.ts [--manifest DIR] [--keep]
 *
 * Without --manifest it generates a full-size Manifest (`make-manifest.py --full 45000`, ~190 MB of SQLite) into a
 * temporary folder. Measures: cold ingest in the worker (download → active, split into download / unzip / open /
 * read / write), peak memory of the extension's processes, IndexedDB size, a warm start with an unchanged version
 * (time and requests), a bulk lookup of ~1,750 item hashes, the same ingest in a document (what an offscreen
 * document would run), and the usual baseline (item-table JSON downloaded, parsed whole and stored) with our ratio
 * to it. Prints readable figures, then exactly one JSON line. Not a pass/fail test.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import initSqlJs from 'sql.js';
import { startEmulator } from '../fake-bungie';
import { launchExtension, ROOT, waitFor, type LaunchedExtension } from '../e2e/harness';

const SHARED = path.resolve(ROOT, '..', 'shared');
const LOOKUP_COUNT = 1750;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}:\n${out}`))));
  });
}

/** Copy the project (without node_modules and outputs), add the benchmark page, and build it for the emulator. */
async function buildBenchExtension(env: Record<string, string>): Promise<{ extDir: string; copy: string }> {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'vr-bench-src-'));
  const tar = spawnSync(
    'sh',
    [
      '-c',
      `tar --exclude=./node_modules --exclude=./.output --exclude=./.git --exclude=./test-results --exclude=./.wxt -cf - . | tar -xf - -C "${copy}"`,
    ],
    { cwd: ROOT },
  );
  if (tar.status !== 0) throw new Error(`copy failed: ${tar.stderr}`);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  const page = path.join(copy, 'entrypoints', 'manifest-bench');
  mkdirSync(page, { recursive: true });
  copyFileSync(path.join(ROOT, 'test', 'bench', 'manifest-bench-page.ts'), path.join(page, 'main.ts'));
  writeFileSync(
    path.join(page, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head>' +
      '<body><script type="module" src="./main.ts"></script></body></html>',
  );
  const out = mkdtempSync(path.join(os.tmpdir(), 'vr-bench-build-'));
  await run('npx', ['wxt', 'build', '--mode', 'test'], copy, { ...env, VR_OUT_DIR: out });
  return { extDir: path.join(out, 'chrome-mv3-test'), copy };
}

/** Peak memory of the browser's process tree, sampled from /proc (RSS of the extension process, PSS in total). */
class MemorySampler {
  private timer?: NodeJS.Timeout;
  peakExtensionRss = 0;
  peakTotalPss = 0;
  extensionPids = new Set<number>();

  constructor(private readonly userDataDir: string) {}

  private browserPid(): number | undefined {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmd.includes(`--user-data-dir=${this.userDataDir}`) && !cmd.includes('--type=')) return Number(entry);
      } catch {
        // The process exited while we looked.
      }
    }
    return undefined;
  }

  private tree(root: number): number[] {
    const parents = new Map<number, number[]>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = parents.get(ppid) ?? [];
        list.push(Number(entry));
        parents.set(ppid, list);
      } catch {
        // gone
      }
    }
    const out: number[] = [];
    const queue = [root];
    while (queue.length) {
      const pid = queue.shift()!;
      out.push(pid);
      queue.push(...(parents.get(pid) ?? []));
    }
    return out;
  }

  private kb(file: string, field: string): number {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
      return match ? Number(match[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  private cmdline(pid: number): string {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      // The process exited while we looked.
      return '';
    }
  }

  sample(): void {
    const root = this.browserPid();
    if (!root) return;
    let extension = 0;
    let total = 0;
    for (const pid of this.tree(root)) {
      total += this.kb(`/proc/${pid}/smaps_rollup`, 'Pss');
      if (this.cmdline(pid).includes('--extension-process')) {
        this.extensionPids.add(pid);
        extension += this.kb(`/proc/${pid}/status`, 'VmRSS');
      }
    }
    this.peakExtensionRss = Math.max(this.peakExtensionRss, extension);
    this.peakTotalPss = Math.max(this.peakTotalPss, total);
  }

  start(): void {
    this.reset();
    this.timer = setInterval(() => this.sample(), 100);
  }

  reset(): void {
    this.peakExtensionRss = 0;
    this.peakTotalPss = 0;
  }

  stop(): { extensionRss: number; totalPss: number } {
    clearInterval(this.timer);
    this.sample();
    return { extensionRss: this.peakExtensionRss, totalPss: this.peakTotalPss };
  }
}

function generateFullManifest(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vr-manifest-full-'));
  console.log(`generating a full-size Manifest into ${dir} (about 25 s)…`);
  const gen = spawnSync('python3', [path.join(SHARED, 'tools', 'make-manifest.py'), '--out', dir, '--full', '45000'], {
    stdio: 'inherit',
  });
  if (gen.status !== 0) throw new Error('make-manifest.py failed');
  return dir;
}

function manifestIndex(dir: string) {
  return JSON.parse(readFileSync(path.join(dir, 'Platform', 'Destiny2', 'Manifest', 'index.json'), 'utf8')).Response;
}

/** A full account's worth of distinct item hashes: every hash of the real profile, padded with Manifest items. */
async function accountHashes(dir: string): Promise<number[]> {
  const profile = JSON.parse(
    readFileSync(path.join(SHARED, 'fixtures', 'bungie', 'responses', 'GetProfile.dim-2021-05-28.json'), 'utf8'),
  ).Response;
  const hashes = new Set<number>();
  const add = (items: { itemHash: number }[] = []) => items.forEach((i) => hashes.add(i.itemHash));
  add(profile.profileInventory?.data?.items);
  for (const c of Object.values(profile.characterInventories?.data ?? {}) as { items: { itemHash: number }[] }[])
    add(c.items);
  for (const c of Object.values(profile.characterEquipment?.data ?? {}) as { items: { itemHash: number }[] }[])
    add(c.items);
  const zip = readFileSync(path.join(dir, manifestIndex(dir).mobileWorldContentPaths.en));
  const [sqlite] = Object.values(unzipSync(new Uint8Array(zip)));
  const SQL = await initSqlJs();
  const db = new SQL.Database(sqlite);
  const rows = db.exec(`SELECT id FROM DestinyInventoryItemDefinition ORDER BY id LIMIT ${LOOKUP_COUNT * 2}`);
  db.close();
  for (const [id] of rows[0].values) {
    if (hashes.size >= LOOKUP_COUNT) break;
    hashes.add(Number(id) >>> 0);
  }
  return [...hashes];
}

interface MetaView {
  active?: { version: string };
  status?: { stage: string; lastCheckedAt?: number; lastSuccessAt?: number; error?: string };
  lastIngest?: Record<string, number>;
}

const READ_META = `(async () => {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open('vault-raider');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const get = (key) => new Promise((resolve) => {
    const req = db.transaction('meta').objectStore('meta').get(key);
    req.onsuccess = () => resolve(req.result ? req.result.value : undefined);
    req.onerror = () => resolve(undefined);
  });
  const out = { active: await get('manifest.active'), status: await get('manifest.status'), lastIngest: await get('manifest.lastIngest') };
  db.close();
  return out;
})()`;

/** Read the Manifest meta rows from an extension page or from the worker itself (both have the same IndexedDB). */
function readMeta(target: { evaluate(expression: string): Promise<unknown> }): Promise<MetaView> {
  return target.evaluate(READ_META) as Promise<MetaView>;
}

function dirSize(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const ms = (value: number) => Math.round(value);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const given = arg('manifest');
  const manifestDir = given ?? generateFullManifest();
  const index = manifestIndex(manifestDir);
  const hashes = await accountHashes(manifestDir);
  const emu = await startEmulator({ manifestDir });
  const cleanup: string[] = [];
  let ext: LaunchedExtension | undefined;
  try {
    console.log('building the extension (with the benchmark page)…');
    const { extDir, copy } = await buildBenchExtension({
      WXT_BUNGIE_ORIGIN: emu.url,
      WXT_BUNGIE_API_KEY: emu.apiKey,
      WXT_BUNGIE_CLIENT_ID: emu.clientId,
    });
    cleanup.push(copy, path.dirname(extDir));
    const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'vr-bench-profile-'));
    cleanup.push(userDataDir);

    // Cold: a fresh profile; installing the extension starts the ingest in the worker.
    const sampler = new MemorySampler(userDataDir);
    const launchedAt = Date.now();
    const samplerBoot = setInterval(() => sampler.sample(), 100);
    ext = await launchExtension(extDir, { userDataDir });
    clearInterval(samplerBoot);
    sampler.start();
    // Poll from the worker itself: an open page would share the extension process and inflate its memory.
    const worker = ext.worker;
    const cold = await waitFor(
      async () => {
        const meta = await readMeta(worker);
        if (meta.status?.stage === 'error') throw new Error(`ingest failed: ${meta.status.error}`);
        return meta.active && meta.lastIngest ? meta : undefined;
      },
      { timeout: 180_000, interval: 100, what: 'the cold ingest' },
    );
    const coldWall = Date.now() - launchedAt;
    const coldMemory = sampler.stop();
    const timings = cold.lastIngest!;
    const page = await ext.openPage('manifest-bench');
    await page.waitForFunction(() => document.body.dataset.ready === 'true');

    const estimate = (await page.evaluate('vrBench.storageEstimate()')) as { usage: number };
    const idbDir = path.join(userDataDir, 'Default', 'IndexedDB');
    const idbBytes = dirSize(idbDir);

    // Bulk lookup through the real lookup code (first run is cold in the page, then warm).
    const lookup = (await page.evaluate(`vrBench.lookup(${JSON.stringify(hashes)}, 7)`)) as {
      found: number;
      ms: number[];
    };

    // With the account's hot set (the worker stores it after building a model): a fresh page reads one row.
    await page.evaluate(`vrBench.remember(${JSON.stringify(hashes)})`);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const hotLookup = (await page.evaluate(`vrBench.lookup(${JSON.stringify(hashes)}, 1)`)) as { ms: number[] };

    // The same ingest in a document context (an offscreen document is one), into its own database.
    sampler.start();
    const documentRun = (await page.evaluate(
      `vrBench.ingestInDocument(${JSON.stringify(emu.url)}, ${JSON.stringify(emu.apiKey)})`,
    )) as { wallMs: number; result: { outcome: string; timings?: Record<string, number>; error?: string } };
    const documentMemory = sampler.stop();

    // Baseline: item-table JSON, parsed whole, stored as one value (what most tools do).
    sampler.start();
    const itemJsonUrl = `${emu.url}${index.jsonWorldComponentContentPaths.en.DestinyInventoryItemDefinition}`;
    const base = (await page.evaluate(`vrBench.baseline(${JSON.stringify(itemJsonUrl)})`)) as {
      bytes: number;
      rows: number;
      downloadMs: number;
      parseMs: number;
      storeMs: number;
    };
    const baseMemory = sampler.stop();
    const baseTotal = base.downloadMs + base.parseMs + base.storeMs;

    // Warm start: the browser starts again with the same profile; the version is unchanged.
    await ext.close();
    ext = undefined;
    emu.control.clearRequests();
    const before = cold.status?.lastSuccessAt ?? 0;
    const relaunchedAt = Date.now();
    ext = await launchExtension(extDir, { userDataDir });
    const warmPage = await ext.openPage('manifest-bench');
    const warm = await waitFor(
      async () => {
        const meta = await readMeta(warmPage);
        return (meta.status?.lastSuccessAt ?? 0) > before && meta.status?.stage === 'ready' ? meta : undefined;
      },
      { timeout: 60_000, interval: 20, what: 'the warm check' },
    );
    const warmWall = Date.now() - relaunchedAt;
    const warmCheckMs = (warm.status!.lastSuccessAt ?? 0) - (warm.status!.lastCheckedAt ?? 0);
    const warmRequests = emu.control.requests().filter((r) => !r.path.startsWith('/__control'));
    const warmBytes = warmRequests.some((r) => r.path.includes('destiny2_content'));

    const ratioTime = (timings.total ?? 0) / baseTotal;
    const ratioMemory = coldMemory.extensionRss / Math.max(1, baseMemory.extensionRss);
    const figures = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} cores, ${mb(os.totalmem())} MB RAM, ${os.platform()} ${os.release()}`,
      manifestVersion: index.version,
      itemRows: timings.rows,
      zipMB: mb(timings.bytes),
      sqliteMB: mb(timings.databaseBytes),
      coldTotalMs: ms(timings.total),
      coldDownloadMs: ms(timings.download),
      coldUnzipMs: ms(timings.unzip),
      coldOpenMs: ms(timings.open),
      coldReadMs: ms(timings.read),
      coldWriteMs: ms(timings.write),
      coldActivateMs: ms(timings.activate),
      coldLaunchToActiveMs: coldWall,
      peakExtensionRssMB: mb(coldMemory.extensionRss),
      peakBrowserPssMB: mb(coldMemory.totalPss),
      extensionProcesses: sampler.extensionPids.size,
      indexedDbMB: mb(idbBytes),
      storageUsageMB: mb(estimate.usage),
      warmCheckMs: ms(warmCheckMs),
      warmLaunchToReadyMs: warmWall,
      warmRequests: warmRequests.length,
      warmDownloaded: warmBytes,
      lookupHashes: hashes.length,
      lookupFound: lookup.found,
      lookupFirstMs: Math.round(lookup.ms[0] * 10) / 10,
      lookupMedianMs: Math.round(median(lookup.ms.slice(1)) * 10) / 10,
      lookupHotSetFirstMs: Math.round(hotLookup.ms[0] * 10) / 10,
      documentIngestMs: ms(documentRun.result.timings?.total ?? NaN),
      documentIngestOutcome: documentRun.result.outcome,
      documentPeakExtensionRssMB: mb(documentMemory.extensionRss),
      baselineMB: mb(base.bytes),
      baselineTotalMs: ms(baseTotal),
      baselineDownloadMs: ms(base.downloadMs),
      baselineParseMs: ms(base.parseMs),
      baselineStoreMs: ms(base.storeMs),
      baselinePeakExtensionRssMB: mb(baseMemory.extensionRss),
      ratioTimeVsBaseline: Math.round(ratioTime * 100) / 100,
      ratioMemoryVsBaseline: Math.round(ratioMemory * 100) / 100,
    };

    console.log('');
    console.log(
      `Manifest ${index.version}: ${timings.rows} rows, zip ${figures.zipMB} MB, SQLite ${figures.sqliteMB} MB`,
    );
    console.log(
      `cold ingest (worker):   ${figures.coldTotalMs} ms   [download ${figures.coldDownloadMs}, unzip ${figures.coldUnzipMs}, ` +
        `open ${figures.coldOpenMs}, read ${figures.coldReadMs}, write-wait ${figures.coldWriteMs}, activate ${figures.coldActivateMs}]` +
        `   target ≤ 8000 (goal 5000)`,
    );
    console.log(`  launch → active:      ${figures.coldLaunchToActiveMs} ms`);
    console.log(
      `peak memory:            extension process ${figures.peakExtensionRssMB} MB RSS (${figures.extensionProcesses} process(es)), ` +
        `whole browser ${figures.peakBrowserPssMB} MB PSS   target ≤ 600 (goal 400)`,
    );
    console.log(`IndexedDB on disk:      ${figures.indexedDbMB} MB (storage.estimate ${figures.storageUsageMB} MB)`);
    console.log(
      `warm start:             check ${figures.warmCheckMs} ms, ${figures.warmRequests} request(s)` +
        `${figures.warmDownloaded ? ' INCLUDING a download' : ''}, launch → ready ${figures.warmLaunchToReadyMs} ms   target 1 request, ≤ 150 ms`,
    );
    console.log(
      `bulk lookup:            ${figures.lookupFound}/${figures.lookupHashes} hashes, first ${figures.lookupFirstMs} ms, ` +
        `median ${figures.lookupMedianMs} ms   target ≤ 30`,
    );
    console.log(
      `  fresh page, hot set:  ${figures.lookupHotSetFirstMs} ms (the account's definitions stored by the worker in one row)`,
    );
    console.log(
      `ingest in a document:   ${figures.documentIngestMs} ms (${figures.documentIngestOutcome}), ` +
        `peak extension process ${figures.documentPeakExtensionRssMB} MB`,
    );
    console.log(
      `baseline (item JSON):   ${figures.baselineTotalMs} ms [download ${figures.baselineDownloadMs}, parse ${figures.baselineParseMs}, ` +
        `store ${figures.baselineStoreMs}] for ${figures.baselineMB} MB, peak extension process ${figures.baselinePeakExtensionRssMB} MB`,
    );
    console.log(
      `ours vs baseline:       time ×${figures.ratioTimeVsBaseline}, peak memory ×${figures.ratioMemoryVsBaseline} ` +
        `(ours stores 11 trimmed tables; the baseline one untrimmed table)`,
    );
    console.log(JSON.stringify(figures));
  } finally {
    await ext?.close();
    await emu.close();
    if (!process.argv.includes('--keep')) {
      for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
      if (!given) rmSync(manifestDir, { recursive: true, force: true });
    }
  }
}

await main();
