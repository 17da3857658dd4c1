// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { isXurPresent, startEmulator, XUR_VENDOR_HASH, type Emulator, type EmulatorOptions } from '@/test/fake-bungie';
import { HUNTER, MEMBERSHIP_ID, PROFILE_PATH, api, envelopeOf, realEnvelope, signIn } from './helpers';

const FRIDAY_1800 = Date.UTC(2026, 0, 9, 18);
const WEDNESDAY = Date.UTC(2026, 0, 14, 12);
const VENDORS_PATH = `/Platform/Destiny2/2/Profile/${MEMBERSHIP_ID}/Character/${HUNTER}/Vendors/`;

let emu: Emulator;
let token: string;
afterEach(async () => {
  await emu?.close();
});

async function start(options: EmulatorOptions = {}): Promise<void> {
  emu = await startEmulator({ now: FRIDAY_1800, ...options });
  token = String((await signIn(emu)).access_token);
}

describe('Xûr schedule', () => {
  it.each([
    { label: 'Friday 16:59', at: Date.UTC(2026, 0, 9, 16, 59), present: false },
    { label: 'Friday 17:00', at: Date.UTC(2026, 0, 9, 17, 0), present: true },
    { label: 'Sunday 03:00', at: Date.UTC(2026, 0, 11, 3), present: true },
    { label: 'Tuesday 16:59', at: Date.UTC(2026, 0, 13, 16, 59), present: true },
    { label: 'Tuesday 17:00', at: Date.UTC(2026, 0, 13, 17, 0), present: false },
    { label: 'Wednesday 12:00', at: WEDNESDAY, present: false },
  ])('$label UTC → present: $present', ({ at, present }) => {
    expect(isXurPresent(at)).toBe(present);
  });
});

describe('vendors', () => {
  it('public vendors need only the API key and carry only the public fields', async () => {
    await start();
    const r = await api(emu, '/Platform/Destiny2/Vendors/?components=400,402');
    expect(r.status).toBe(200);
    const response = r.body.Response as {
      vendors: { data: Record<string, Record<string, unknown>> };
      sales: { data: Record<string, { saleItems: Record<string, Record<string, unknown>> }> };
    };
    expect(Object.keys(response.vendors.data[XUR_VENDOR_HASH]).sort()).toEqual([
      'enabled',
      'nextRefreshDate',
      'vendorHash',
    ]);
    const sales = Object.values(response.sales.data[XUR_VENDOR_HASH].saleItems);
    expect(sales.length).toBe(18);
    for (const sale of sales) expect(sale).not.toHaveProperty('saleStatus');
  });

  it('Xûr leaves the public and character vendors at the weekly reset', async () => {
    await start({ now: WEDNESDAY });
    const publicVendors = (await api(emu, '/Platform/Destiny2/Vendors/?components=400,402')).body.Response as {
      vendors: { data: Record<string, unknown> };
    };
    expect(publicVendors.vendors.data).not.toHaveProperty(String(XUR_VENDOR_HASH));
    const character = (await api(emu, `${VENDORS_PATH}?components=400,402`, { token })).body.Response as {
      vendors: { data: Record<string, unknown> };
      sales: { data: Record<string, unknown> };
      vendorGroups: { data: { groups: { vendorHashes: number[] }[] } };
    };
    expect(character.vendors.data).not.toHaveProperty(String(XUR_VENDOR_HASH));
    expect(character.sales.data).not.toHaveProperty(String(XUR_VENDOR_HASH));
    expect(character.vendorGroups.data.groups.flatMap((g) => g.vendorHashes)).not.toContain(XUR_VENDOR_HASH);
    const single = await api(emu, `${VENDORS_PATH}${XUR_VENDOR_HASH}/?components=400`, { token });
    expect(single.status).toBe(500);
    expect(single.body).toEqual(envelopeOf(realEnvelope('DestinyVendorNotFound')));
    emu.control.setNow(FRIDAY_1800 + 7 * 86_400_000);
    // A week on, the first access token has expired; sign in again as the extension would refresh.
    token = String((await signIn(emu)).access_token);
    const back = (await api(emu, `${VENDORS_PATH}${XUR_VENDOR_HASH}/?components=400,402`, { token })).body.Response as {
      vendor: { data: { vendorHash: number } };
    };
    expect(back.vendor.data.vendorHash).toBe(XUR_VENDOR_HASH);
  });

  it('character vendors need a bearer token and return only the requested components', async () => {
    await start();
    expect((await api(emu, `${VENDORS_PATH}?components=400`)).body).toEqual(realEnvelope('WebAuthRequired'));
    const r = await api(emu, `${VENDORS_PATH}?components=402`, { token });
    expect(Object.keys(r.body.Response as object)).toEqual(['sales']);
  });
});

describe('faults', () => {
  it('once: HTTP 503 without an envelope, then normal service', async () => {
    await start();
    emu.control.fault({ route: '/Platform/Destiny2/*/Profile/*/', kind: 'http', status: 503, once: true });
    const first = await api(emu, `${PROFILE_PATH}?components=100`, { token });
    expect(first.status).toBe(503);
    expect(first.body).toEqual({});
    expect((await api(emu, `${PROFILE_PATH}?components=100`, { token })).status).toBe(200);
  });

  it('SystemDisabled 5 envelope for N requests on matching routes only', async () => {
    await start();
    emu.control.fault({ route: '/Platform/Destiny2/**', kind: 'error', errorCode: 5, times: 2 });
    const r = await api(emu, `${PROFILE_PATH}?components=100`, { token });
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ ErrorCode: 5, ErrorStatus: 'SystemDisabled', ThrottleSeconds: 0 });
    expect((await api(emu, '/Platform/User/GetMembershipsForCurrentUser/', { token })).status).toBe(200);
    expect((await api(emu, '/Platform/Destiny2/Manifest/')).body.ErrorCode).toBe(5);
    expect((await api(emu, '/Platform/Destiny2/Manifest/')).body.ErrorCode).toBe(1);
  });

  it('HTTP 500 with the 1618 envelope Bungie sends (Bungie-net/api #1738)', async () => {
    await start();
    emu.control.fault({
      route: '/Platform/Destiny2/*/Profile/*/',
      kind: 'http',
      status: 500,
      envelope: true,
      errorCode: 1618,
    });
    const r = await api(emu, `${PROFILE_PATH}?components=100,200`, { token });
    expect(r.status).toBe(500);
    expect(r.body).toEqual(realEnvelope('DestinyUnexpectedError'));
  });

  it('throttle codes carry ThrottleSeconds', async () => {
    await start();
    emu.control.fault({ route: '/Platform/Destiny2/Manifest/', kind: 'throttle', errorCode: 36, throttleSeconds: 3 });
    expect((await api(emu, '/Platform/Destiny2/Manifest/')).body).toMatchObject({
      ErrorCode: 36,
      ErrorStatus: 'ThrottleLimitExceededMomentarily',
      ThrottleSeconds: 3,
    });
  });

  it('probability with a seed hits the same requests on every run', async () => {
    const pattern = async () => {
      await start();
      emu.control.fault({
        route: '/Platform/Destiny2/Manifest/',
        kind: 'http',
        status: 502,
        probability: 0.5,
        seed: 42,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await api(emu, '/Platform/Destiny2/Manifest/')).status);
      await emu.close();
      return statuses;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first).toContain(502);
    expect(first).toContain(200);
  });

  it('delays and dropped connections', async () => {
    await start();
    emu.control.fault({ route: '/Platform/Destiny2/Manifest/', kind: 'delay', ms: 150, once: true });
    const t0 = performance.now();
    expect((await api(emu, '/Platform/Destiny2/Manifest/')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    emu.control.fault({ route: '/Platform/Destiny2/Manifest/', kind: 'drop', once: true });
    await expect(api(emu, '/Platform/Destiny2/Manifest/')).rejects.toThrow();
    emu.control.clearFaults();
    expect((await api(emu, '/Platform/Destiny2/Manifest/')).status).toBe(200);
  });

  /** Read a body until it ends, fails, or stays silent for `quietMs`; the bytes seen and how it stopped. */
  async function readBody(response: Response, quietMs: number): Promise<{ received: number; how: string }> {
    const reader = response.body!.getReader();
    let received = 0;
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const quiet = new Promise<'quiet'>((r) => (timer = setTimeout(() => r('quiet'), quietMs)));
      const next = await Promise.race([reader.read(), quiet]).catch(() => 'error' as const);
      clearTimeout(timer);
      if (next === 'quiet' || next === 'error') {
        await reader.cancel().catch(() => undefined);
        return { received, how: next };
      }
      if (next.done) return { received, how: 'end' };
      received += next.value.byteLength;
    }
  }

  async function contentPath(): Promise<string> {
    const manifest = (await api(emu, '/Platform/Destiny2/Manifest/')).body.Response as {
      mobileWorldContentPaths: Record<string, string>;
    };
    return manifest.mobileWorldContentPaths.en;
  }

  it('hang: the Manifest CDN file sends its headers and the first bytes, then nothing, with the socket open', async () => {
    await start();
    const path = await contentPath();
    const full = Number((await fetch(`${emu.url}${path}`, { method: 'GET' })).headers.get('content-length'));
    expect(full).toBeGreaterThan(10_000);
    emu.control.fault({ route: '/common/destiny2_content/sqlite/**', kind: 'hang', afterBytes: 4096, once: true });
    const response = await fetch(`${emu.url}${path}`);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBe(full);
    expect(await readBody(response, 300)).toEqual({ received: 4096, how: 'quiet' });
    expect(emu.control.requests().at(-1)?.faults).toEqual(['hang']);
    // Only once: the next request gets the whole file.
    expect(await readBody(await fetch(`${emu.url}${path}`), 2000)).toEqual({ received: full, how: 'end' });
  });

  it('hang with no bytes, and on an API route too', async () => {
    await start();
    emu.control.fault({ route: '/Platform/Destiny2/Manifest/', kind: 'hang', afterBytes: 0, once: true });
    const response = await fetch(`${emu.url}/Platform/Destiny2/Manifest/`, { headers: { 'X-API-Key': emu.apiKey } });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await readBody(response, 300)).toEqual({ received: 0, how: 'quiet' });
  });

  it('destroy: the Manifest CDN file breaks off mid-body', async () => {
    await start();
    const path = await contentPath();
    emu.control.fault({ route: '/common/destiny2_content/sqlite/**', kind: 'destroy', afterBytes: 8192, once: true });
    const response = await fetch(`${emu.url}${path}`);
    expect(response.status).toBe(200);
    const result = await readBody(response, 2000);
    expect(result.how).toBe('error');
    expect(result.received).toBeLessThanOrEqual(8192);
    expect(emu.control.requests().at(-1)?.faults).toEqual(['destroy']);
  });
});

describe('request log and HTTP control', () => {
  it('logs method, path, query, status and ErrorCode of every call', async () => {
    await start();
    emu.control.clearRequests();
    await api(emu, `${PROFILE_PATH}?components=100,200`, { token });
    await api(emu, PROFILE_PATH, { token });
    expect(
      emu.control
        .requests()
        .map(({ method, path, query, status, errorCode }) => ({ method, path, query, status, errorCode })),
    ).toEqual([
      { method: 'GET', path: PROFILE_PATH, query: { components: '100,200' }, status: 200, errorCode: 1 },
      { method: 'GET', path: PROFILE_PATH, query: {}, status: 200, errorCode: 18 },
    ]);
  });

  it('/__control mirrors control for a separately started emulator', async () => {
    await start();
    const call = async (name: string, args: unknown = {}) =>
      (
        (await (
          await fetch(`${emu.url}/__control/${name}`, { method: 'POST', body: JSON.stringify(args) })
        ).json()) as {
          result: unknown;
        }
      ).result;
    await call('setNow', { ms: WEDNESDAY });
    expect(await call('now')).toBeGreaterThanOrEqual(WEDNESDAY);
    await call('fault', { rule: { routeRegExp: 'manifest', kind: 'error', errorCode: 5, once: true } });
    expect((await api(emu, '/Platform/Destiny2/Manifest/')).body.ErrorCode).toBe(5);
    await call('setVaultCapacity', { n: 600 });
    expect(((await call('state')) as { vaultCapacity: number }).vaultCapacity).toBe(600);
    expect(((await call('requests')) as unknown[]).length).toBeGreaterThan(0);
  });
});
