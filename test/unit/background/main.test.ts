import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { getDb } from '@/lib/db/schema';
import { xurCapture, XUR_CAPTURES } from '../vendors/fixtures';

/**
 * The real service worker: `main()` of entrypoints/background/index.ts under WXT's fakeBrowser and fake-indexeddb,
 * with every service it starts. Events are fired at it as Chrome would fire them; the network is a stub that answers
 * GetPublicVendors with a real capture and everything else with Bungie's maintenance envelope (no emulator, and
 * nothing ever leaves the machine).
 */

const OWN_PAGE = () => ({
  id: browser.runtime.id,
  url: browser.runtime.getURL('/popup.html'),
  origin: browser.runtime.getURL('/').slice(0, -1),
});

function envelope(ErrorCode: number, Response: unknown) {
  return {
    Response,
    ErrorCode,
    ThrottleSeconds: 0,
    ErrorStatus: ErrorCode === 1 ? 'Success' : 'SystemDisabled',
    Message: ErrorCode === 1 ? 'Ok' : 'This system is temporarily disabled for maintenance.',
    MessageData: {},
  };
}

const requests: string[] = [];
const network = vi.fn(async (input: RequestInfo | URL) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  requests.push(url);
  const body = /\/Destiny2\/Vendors\//.test(url) ? envelope(1, xurCapture(XUR_CAPTURES[1])) : envelope(5, {});
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json', date: new Date().toUTCString() },
  });
});

/** Fire `runtime.onMessage` as Chrome does; the router's answer (undefined: no answer). */
async function message(msg: unknown, sender: object = OWN_PAGE()): Promise<unknown> {
  const answers = await fakeBrowser.runtime.onMessage.trigger(msg, sender as never);
  const given = answers.filter((a) => a !== undefined);
  expect(given.length).toBeLessThanOrEqual(1);
  return given[0];
}

/** Ports: fakeBrowser has no `runtime.onConnect`; a minimal event so the profile service can listen for views. */
function portEvent() {
  const listeners = new Set<(port: unknown) => void>();
  return {
    addListener: (l: (port: unknown) => void) => void listeners.add(l),
    removeListener: (l: (port: unknown) => void) => void listeners.delete(l),
    hasListener: (l: (port: unknown) => void) => listeners.has(l),
    trigger: (port: unknown) => [...listeners].forEach((l) => l(port)),
  };
}
const onConnect = portEvent();

beforeAll(async () => {
  // The worker touches `fetch` only through lib/bungie/client.ts (ofetch reads the global at each call).
  vi.stubGlobal('fetch', network);
  fakeBrowser.reset();
  Object.defineProperty(fakeBrowser.runtime, 'onConnect', { value: onConnect, configurable: true });
  await browser.storage.local.set({ 'vr.bungie.settings': { apiKey: 'test-api-key' } });
  const { default: background } = await import('@/entrypoints/background/index');
  background.main!();
  // Start-up asks Bungie once for Xûr (no cache yet): let it settle before the events below.
  await vi.waitFor(() => expect(requests.some((u) => u.includes('/Destiny2/Vendors/'))).toBe(true), {
    timeout: 10_000,
  });
  await vi.waitFor(async () => expect((await getDb().vendors.get('xur'))?.data).toBeDefined(), { timeout: 10_000 });
});

afterAll(() => {
  vi.unstubAllGlobals();
});

describe('the service worker (main() under fakeBrowser)', () => {
  beforeEach(() => {
    requests.length = 0;
  });

  it("answers a message from the extension's own page with its handler's reply", async () => {
    const reply = await message({ type: 'ping', payload: { sentAt: 42 } });
    expect(reply).toMatchObject({ ok: true, data: { pong: true, sentAt: 42 } });
    expect((reply as { data: { workerStartedAt: number } }).data.workerStartedAt).toEqual(expect.any(Number));
  });

  it.each([
    ['a web page', { url: 'https://evil.example/', origin: 'https://evil.example' }],
    ['another extension', { id: 'otherextension', url: 'chrome-extension://otherextension/popup.html' }],
    [
      'a content script in a tab',
      { id: 'test-extension-id', url: 'https://www.bungie.net/7/en/Destiny', tab: { id: 3 } },
    ],
  ])('gives no answer to %s', async (_who, sender) => {
    expect(await message({ type: 'ping', payload: { sentAt: 1 } }, sender)).toBeUndefined();
  });

  it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty'])(
    'does not dispatch %s (not one of its own handlers)',
    async (type) => {
      expect(await message({ type, payload: {} })).toBeUndefined();
    },
  );

  it('refuses a malformed payload with a sentence and runs nothing', async () => {
    const create = vi.spyOn(browser.tabs, 'create');
    const reply = (await message({ type: 'openSidePanel', payload: { view: 'settings' } })) as {
      ok: boolean;
      error: string;
    };
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/^Vault Raider refused a malformed "openSidePanel" request/);
    expect(create).not.toHaveBeenCalled();
  });

  it("openSidePanel with view 'xur' where there is no side panel opens a tab on the Xûr view", async () => {
    expect((browser as unknown as { sidePanel?: unknown }).sidePanel).toBeUndefined();
    const create = vi.spyOn(browser.tabs, 'create');
    expect(await message({ type: 'openSidePanel', payload: { view: 'xur' } })).toEqual({
      ok: true,
      data: { ok: true },
    });
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0][0]).toEqual({ url: browser.runtime.getURL('/sidepanel.html?view=xur') });
    // The tab (the side panel page) takes the asked view from the worker, once.
    expect(await message({ type: 'takeSidePanelView', payload: {} })).toEqual({ ok: true, data: { view: 'xur' } });
    expect(await message({ type: 'takeSidePanelView', payload: {} })).toEqual({ ok: true, data: {} });
  });

  it("an alarm reaches its service: 'xur-check' asks Bungie for Xûr again and keeps the answer", async () => {
    const before = (await getDb().vendors.get('xur'))!.fetchedAt;
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'xur-check', scheduledTime: Date.now() });
    expect(requests.filter((u) => u.includes('/Destiny2/Vendors/'))).toHaveLength(1);
    const row = await getDb().vendors.get('xur');
    expect(row!.fetchedAt).toBeGreaterThanOrEqual(before);
    const state = (await message({ type: 'getXurState', payload: {} })) as { ok: true; data: { checkedAt?: number } };
    expect(state.data.checkedAt).toBe(row!.fetchedAt);
  });

  it('an alarm that is not its own reaches no Bungie call', async () => {
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'someone-else', scheduledTime: Date.now() });
    expect(requests).toEqual([]);
  });
});
