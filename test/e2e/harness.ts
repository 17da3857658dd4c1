import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

/** Debian's Chromium; playwright-core never downloads a browser here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BuildOptions {
  /** WXT mode; non-production modes add the emulator's host permission and the fixed dev key. */
  mode?: 'test' | 'demo' | 'production';
  env?: Record<string, string>;
}

/** Build the extension into a fresh folder (so parallel builds never collide) and return the unpacked path. */
export async function buildExtension({ mode = 'test', env = {} }: BuildOptions = {}): Promise<string> {
  const outBase = mkdtempSync(path.join(os.tmpdir(), 'vr-build-'));
  cleanupOnExit(outBase);
  await run('npx', ['wxt', 'build', '--mode', mode], { ...env, VR_OUT_DIR: outBase });
  return path.join(outBase, mode === 'production' ? 'chrome-mv3' : `chrome-mv3-${mode}`);
}

const temporaryDirs = new Set<string>();
/** Remove the build and browser-profile folders this process made when it exits. */
function cleanupOnExit(dir: string) {
  if (!temporaryDirs.size) {
    process.once('exit', () => {
      for (const d of temporaryDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  temporaryDirs.add(dir);
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed:\n${output}`)),
    );
  });
}

export interface LaunchedExtension {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** Open one of the extension's pages (popup, sidepanel, options) in a tab. */
  openPage(name: string, query?: string): Promise<Page>;
  /** Save a PNG of the visible page under test-results/screenshots and return its path. */
  screenshot(page: Page, name: string): Promise<string>;
  /** Stop the service worker the way Chrome does when it idles; the next event restarts it with fresh globals. */
  stopWorker(): Promise<void>;
  /** Everything the extension printed to its consoles during the run. */
  consoleLines: string[];
  close(): Promise<void>;
}

/** Flags from the recipe: no background traffic, and no DNS lookups except for the emulator on loopback. */
export function chromiumArgs(extDir: string, headed = false): string[] {
  return [
    ...(headed ? [] : ['--headless=new']),
    `--disable-extensions-except=${extDir}`,
    `--load-extension=${extDir}`,
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
  ];
}

/** Launch Debian's Chromium with the unpacked extension loaded and find its id from the worker URL. */
export async function launchExtension(
  extDir: string,
  { headed = false, userDataDir }: { headed?: boolean; userDataDir?: string } = {},
): Promise<LaunchedExtension> {
  const profileDir = userDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'vr-profile-'));
  if (!userDataDir) cleanupOnExit(profileDir);
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: !headed,
    args: chromiumArgs(extDir, headed),
    viewport: { width: 1280, height: 860 },
  });
  const consoleLines: string[] = [];
  let [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent('serviceworker');
  worker.on('console', (m) => consoleLines.push(`[worker] ${m.text()}`));
  const extensionId = new URL(worker.url()).host;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  async function openPage(name: string, query = ''): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => consoleLines.push(`[${name}] ${m.text()}`));
    await page.goto(`chrome-extension://${extensionId}/${name}.html${query}`);
    return page;
  }

  async function stopWorker(): Promise<void> {
    const page = await openPage('options');
    const cdp = await context.newCDPSession(page);
    const versionId = await new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        const v = versions.find(
          (x) => x.scriptURL.startsWith(`chrome-extension://${extensionId}/`) && x.runningStatus === 'running',
        );
        if (v) resolve(v.versionId);
      });
      void cdp.send('ServiceWorker.enable');
    });
    await cdp.send('ServiceWorker.stopWorker', { versionId });
    await cdp.detach();
    await page.close();
  }

  return {
    context,
    worker,
    extensionId,
    openPage,
    stopWorker,
    consoleLines,
    async screenshot(page, name) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      // The viewport, as a player sees it: offscreen rows of the grid skip rendering (content-visibility), so a
      // full-page capture would show them as empty bands.
      await page.screenshot({ path: file });
      return file;
    },
    close: () => context.close(),
  };
}

/** Poll `probe` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  { timeout = 10_000, interval = 100, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** What a build needs to know of the Bungie emulator it talks to. */
export interface EmulatorEndpoint {
  url: string;
  apiKey: string;
  clientId: string;
  clientSecret: string | null;
}

/** Build-time variables that point a test or demo build at the emulator (confidential client when it has a secret). */
export function emulatorEnv(emulator: EmulatorEndpoint): Record<string, string> {
  return {
    WXT_BUNGIE_ORIGIN: emulator.url,
    WXT_BUNGIE_API_KEY: emulator.apiKey,
    WXT_BUNGIE_CLIENT_ID: emulator.clientId,
    WXT_BUNGIE_CLIENT_SECRET: emulator.clientSecret ?? '',
  };
}

/** Build the extension against a running emulator. */
export function buildAgainst(emulator: EmulatorEndpoint, mode: BuildOptions['mode'] = 'test'): Promise<string> {
  return buildExtension({ mode, env: emulatorEnv(emulator) });
}

/** Sign in through the popup (launchWebAuthFlow against the emulator's auto-approving authorize page). */
export async function signIn(ext: LaunchedExtension): Promise<void> {
  const popup = await ext.openPage('popup');
  await popup.locator('#sign-in').click();
  await popup.locator('#bungie-name').waitFor({ timeout: 30_000 });
  await popup.close();
}

/** Build against the emulator, launch Chromium with the build, and sign in. */
export async function launchSignedIn(emulator: EmulatorEndpoint): Promise<LaunchedExtension> {
  const ext = await launchExtension(await buildAgainst(emulator));
  await signIn(ext);
  return ext;
}

/**
 * A full account for the emulator: the real profile with its vault filled to the General bucket's capacity, and the
 * matching Manifest, generated by the shared tool into a temporary folder.
 */
export function generateFullAccount(prefix = 'vr-full-'): { manifestDir: string; profileFile: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanupOnExit(dir);
  const profileFile = path.join(dir, 'profile.json');
  const manifestDir = path.join(dir, 'm');
  execFileSync('python3', [
    path.resolve(ROOT, '../shared/tools/make-manifest.py'),
    ...['--out', manifestDir, '--profile-out', profileFile, '--vault-fill', '1300', '--quiet'],
  ]);
  return { manifestDir, profileFile };
}
