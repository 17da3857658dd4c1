import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBungieClient } from '@/lib/bungie/client';
import { createServerClock, SERVER_CLOCK_KEY } from '@/lib/bungie/server-clock';
import { startEmulator, type Emulator } from '@/test/fake-bungie';
import { defaultVendorsFile, readFixtureJson } from '@/test/fake-bungie/fixtures';
import { vendorsAt, type CapturedVendors } from '@/test/fake-bungie/vendors';
import { envelope, pretendFetch } from './pretend-fetch';

const HOUR = 3_600_000;
const SERVER = Date.parse('2026-07-03T17:01:00Z');

function answer(date: string | undefined, body: unknown = envelope(1, {})): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (date) headers.date = date;
  return new Response(JSON.stringify(body), { status: 200, headers });
}

describe('server clock', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it('is the device clock until Bungie answers once', () => {
    vi.setSystemTime(SERVER);
    const clock = createServerClock();
    expect(clock.offset()).toBeUndefined();
    expect(clock.now()).toBe(SERVER);
    expect(clock.toDevice(SERVER + HOUR)).toBe(SERVER + HOUR);
  });

  it.each([
    ['3 h behind', -3 * HOUR],
    ['5 h ahead', 5 * HOUR],
    ['a day ahead', 24 * HOUR],
  ])('a device clock %s: now() reads the Date header time, toDevice() converts back', (_label, skew) => {
    vi.setSystemTime(SERVER + skew);
    const clock = createServerClock();
    clock.observeResponse(new Headers({ date: new Date(SERVER).toUTCString() }));
    // A Date header names the whole second: the clock takes its middle.
    expect(clock.now()).toBe(SERVER + 500);
    expect(clock.toDevice(SERVER + 500 + HOUR)).toBe(SERVER + skew + HOUR);
    vi.advanceTimersByTime(90_000);
    expect(clock.now()).toBe(SERVER + 90_500);
  });

  it('does not jitter on rounding and latency, but follows a real change', () => {
    vi.setSystemTime(SERVER);
    const clock = createServerClock();
    clock.observe(SERVER + 2 * HOUR, 'date');
    clock.observe(SERVER + 2 * HOUR + 900, 'date');
    expect(clock.offset()).toBe(2 * HOUR);
    clock.observe(SERVER + 3 * HOUR, 'date');
    expect(clock.offset()).toBe(3 * HOUR);
  });

  it("a GetProfile responseMintedTimestamp counts only while no Date header was seen (it may be a cached answer's)", () => {
    vi.setSystemTime(SERVER);
    const clock = createServerClock();
    const minted = (iso: string) => envelope(1, { responseMintedTimestamp: iso });
    clock.observeResponse(new Headers(), minted('2026-07-03T19:01:00.250Z'));
    expect(clock.offset()).toBe(2 * HOUR + 250);
    clock.observeResponse(new Headers({ date: new Date(SERVER + HOUR).toUTCString() }));
    expect(clock.offset()).toBe(HOUR + 500);
    clock.observeResponse(new Headers(), minted('2026-07-03T22:00:00Z'));
    expect(clock.offset()).toBe(HOUR + 500);
  });

  it('a worker restart keeps the offset (storage.session); a garbled stored value is ignored', async () => {
    vi.setSystemTime(SERVER - 4 * HOUR);
    const first = createServerClock();
    first.observe(SERVER, 'date');
    await vi.waitFor(async () =>
      expect((await browser.storage.session.get(SERVER_CLOCK_KEY))[SERVER_CLOCK_KEY]).toBeDefined(),
    );
    const restarted = createServerClock();
    await restarted.load();
    expect(restarted.offset()).toBe(4 * HOUR);

    await browser.storage.session.set({ [SERVER_CLOCK_KEY]: { offsetMs: 'soon', source: 'date' } });
    const garbled = createServerClock();
    await garbled.load();
    expect(garbled.offset()).toBeUndefined();
  });

  it('the one HTTP client feeds the worker clock from every answer, errors included', async () => {
    vi.setSystemTime(SERVER + 6 * HOUR);
    vi.resetModules();
    const { serverNow } = await import('@/lib/bungie/server-clock');
    const { createBungieClient: create } = await import('@/lib/bungie/client');
    const { fetch } = pretendFetch(() => answer(new Date(SERVER).toUTCString(), envelope(5, {})));
    const client = create({ config: { origin: 'https://bungie.test', apiKey: 'k' }, fetch });
    await expect(
      client.http({ method: 'GET', url: 'https://bungie.test/Platform/Destiny2/Vendors/' }),
    ).rejects.toThrow();
    expect(serverNow()).toBe(SERVER + 500);
    expect(createBungieClient).toBeTypeOf('function');
  });
});

describe('emulator: Date header and Xûr departure follow its clock', () => {
  let emu: Emulator;
  afterEach(async () => emu?.close());

  it.each([
    ['Friday 17:01', Date.parse('2026-07-03T17:01:00Z'), '2026-07-07T17:00:00Z'],
    ['Tuesday 16:59', Date.parse('2026-07-07T16:59:00Z'), '2026-07-07T17:00:00Z'],
    ['Saturday of a December visit', Date.parse('2026-12-05T08:00:00Z'), '2026-12-08T17:00:00Z'],
  ])('%s: Date is the emulator clock; nextRefreshDate is the next reset', async (_label, at, departure) => {
    emu = await startEmulator({ now: at });
    const res = await fetch(`${emu.url}/Platform/Destiny2/Vendors/?components=400,402`, {
      headers: { 'X-API-Key': emu.apiKey },
    });
    const date = Date.parse(res.headers.get('date')!);
    expect(Math.abs(date - at)).toBeLessThan(5_000);
    const body = (await res.json()) as { Response: { vendors: { data: Record<string, { nextRefreshDate: string }> } } };
    expect(body.Response.vendors.data['2190858386'].nextRefreshDate).toBe(departure);
  });

  it('the character vendors answer (same capture path) carries the same departure', () => {
    const captured = readFixtureJson<{ Response: CapturedVendors }>(defaultVendorsFile).Response;
    const xur = (v: CapturedVendors) => v.vendors?.data?.['2190858386'] as { nextRefreshDate: string } | undefined;
    expect(xur(captured)?.nextRefreshDate).toBe('2026-07-03T09:00:00Z');
    expect(xur(vendorsAt(captured, Date.parse('2026-12-06T10:00:00Z')))?.nextRefreshDate).toBe('2026-12-08T17:00:00Z');
    expect(xur(vendorsAt(captured, Date.parse('2026-12-09T10:00:00Z')))).toBeUndefined();
  });

  it('Wednesday: Xûr is absent from the public answer, and the Date header still carries the emulator clock', async () => {
    const at = Date.parse('2026-07-08T12:00:00Z');
    emu = await startEmulator({ now: at });
    const res = await fetch(`${emu.url}/Platform/Destiny2/Vendors/?components=400`, {
      headers: { 'X-API-Key': emu.apiKey },
    });
    expect(Math.abs(Date.parse(res.headers.get('date')!) - at)).toBeLessThan(5_000);
    const body = (await res.json()) as { Response: { vendors: { data: Record<string, unknown> } } };
    expect(body.Response.vendors.data['2190858386']).toBeUndefined();
  });
});
