// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '@/test/fake-bungie';
import { api, envelopeOf, realEnvelope, signIn } from './helpers';

let emu: Emulator;
afterEach(async () => {
  await emu?.close();
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ now: Date.UTC(2026, 0, 5, 12), ...options });
  return emu;
}

function postToken(form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${emu.url}/Platform/App/OAuth/Token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
}

async function code(): Promise<string> {
  const r = await fetch(`${emu.url}/en/OAuth/Authorize?client_id=${emu.clientId}&response_type=code&state=s1`, {
    redirect: 'manual',
  });
  return new URL(r.headers.get('location')!).searchParams.get('code')!;
}

describe('OAuth authorize', () => {
  it('auto-approves with a redirect to the registered chromiumapp.org URL, echoing state', async () => {
    await start();
    const r = await fetch(`${emu.url}/en/OAuth/Authorize?client_id=50001&response_type=code&state=abc%2F1`, {
      redirect: 'manual',
    });
    expect(r.status).toBe(302);
    const location = new URL(r.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://iojnopefmmgbcipnognfpaddcgmpopfm.chromiumapp.org/');
    expect(location.searchParams.get('state')).toBe('abc/1');
    expect(location.searchParams.get('code')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses an unknown client id and a redirect that is not the registered one', async () => {
    await start();
    const wrongClient = await fetch(`${emu.url}/en/OAuth/Authorize?client_id=1&response_type=code`, {
      redirect: 'manual',
    });
    expect(wrongClient.status).toBe(400);
    const wrongRedirect = await fetch(
      `${emu.url}/en/OAuth/Authorize?client_id=50001&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example/')}`,
      { redirect: 'manual' },
    );
    expect(wrongRedirect.status).toBe(400);
  });

  it('consent mode serves #approve and #deny; deny redirects with access_denied', async () => {
    await start({ consent: true });
    const page = await fetch(`${emu.url}/en/OAuth/Authorize?client_id=50001&response_type=code&state=s9`);
    const html = await page.text();
    expect(html).toContain('id="approve"');
    expect(html).toContain('id="deny"');
    const decide = (decision: string) =>
      fetch(`${emu.url}/en/OAuth/Authorize/Decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ state: 's9', decision }),
        redirect: 'manual',
      });
    const denied = new URL((await decide('deny')).headers.get('location')!);
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('s9');
    const approved = new URL((await decide('approve')).headers.get('location')!);
    expect(approved.searchParams.get('code')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('OAuth token', () => {
  it('exchanges a code for the token response Bungie sends (Bungie-net/api #499 shape)', async () => {
    await start();
    const r = await postToken({
      grant_type: 'authorization_code',
      code: await code(),
      client_id: '50001',
      client_secret: 'vr-test-secret',
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual([
      'access_token',
      'token_type',
      'expires_in',
      'refresh_token',
      'refresh_expires_in',
      'membership_id',
    ]);
    expect(r.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_expires_in: 7776000,
      membership_id: '7094',
    });
  });

  it('accepts the client id and secret as HTTP Basic', async () => {
    await start();
    const basic = Buffer.from('50001:vr-test-secret').toString('base64');
    const r = await postToken(
      { grant_type: 'authorization_code', code: await code() },
      { authorization: `Basic ${basic}` },
    );
    expect(r.status).toBe(200);
  });

  it('codes are single use: a reused code answers invalid_grant AuthorizationCodeInvalid', async () => {
    await start();
    const c = await code();
    const form = { grant_type: 'authorization_code', code: c, client_id: '50001', client_secret: 'vr-test-secret' };
    expect((await postToken(form)).status).toBe(200);
    const again = await postToken(form);
    expect(again).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'AuthorizationCodeInvalid' },
    });
    const bogus = await postToken({ ...form, code: 'nope' });
    expect(bogus.body.error_description).toBe('AuthorizationCodeInvalid');
  });

  it('a wrong client secret answers 401 invalid_client and does not burn the code', async () => {
    await start();
    const c = await code();
    const bad = await postToken({
      grant_type: 'authorization_code',
      code: c,
      client_id: '50001',
      client_secret: 'wrong',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
    const good = await postToken({
      grant_type: 'authorization_code',
      code: c,
      client_id: '50001',
      client_secret: 'vr-test-secret',
    });
    expect(good.status).toBe(200);
  });

  it('public clients get no refresh token', async () => {
    await start({ clientSecret: null });
    const r = await postToken({ grant_type: 'authorization_code', code: await code(), client_id: '50001' });
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty('refresh_token');
    expect(r.body).not.toHaveProperty('refresh_expires_in');
    expect(r.body.membership_id).toBe('7094');
  });

  it('refreshes, rotates the refresh token, and rejects an expired one with RefreshTokenExpired', async () => {
    await start({ refreshTokenSeconds: 60 });
    const first = await signIn(emu);
    const refresh = (token: string) =>
      postToken({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: '50001',
        client_secret: 'vr-test-secret',
      });
    const second = await refresh(String(first.refresh_token));
    expect(second.status).toBe(200);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect((await refresh(String(first.refresh_token))).status).toBe(400);
    emu.control.setNow(emu.control.now() + 61_000);
    expect(await refresh(String(second.body.refresh_token))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'RefreshTokenExpired' },
    });
  });
});

describe('bearer checks on /Platform', () => {
  it('no token on an endpoint that needs one: 99 WebAuthRequired, the body Bungie sends (Bungie-net/api #58)', async () => {
    await start();
    const r = await api(emu, '/Platform/User/GetMembershipsForCurrentUser/');
    expect(r.status).toBe(401);
    expect(r.body).toEqual(realEnvelope('WebAuthRequired'));
  });

  it('an expired access token answers 2111 AccessTokenHasExpired', async () => {
    await start({ accessTokenSeconds: 5 });
    const { access_token } = await signIn(emu);
    expect(
      (await api(emu, '/Platform/User/GetMembershipsForCurrentUser/', { token: String(access_token) })).status,
    ).toBe(200);
    emu.control.setNow(emu.control.now() + 6_000);
    const r = await api(emu, '/Platform/User/GetMembershipsForCurrentUser/', { token: String(access_token) });
    expect(r.status).toBe(401);
    expect(envelopeOf(r.body)).toEqual({
      ErrorCode: 2111,
      ThrottleSeconds: 0,
      ErrorStatus: 'AccessTokenHasExpired',
      Message: 'Access token has expired.',
      MessageData: {},
    });
  });

  it('expireAccessTokens and revokeAll take effect at once', async () => {
    await start();
    const { access_token, refresh_token } = await signIn(emu);
    emu.control.expireAccessTokens();
    expect(
      (await api(emu, '/Platform/User/GetMembershipsForCurrentUser/', { token: String(access_token) })).body.ErrorCode,
    ).toBe(2111);
    emu.control.revokeAll();
    expect(
      (await api(emu, '/Platform/User/GetMembershipsForCurrentUser/', { token: String(access_token) })).body.ErrorCode,
    ).toBe(99);
    const r = await postToken({
      grant_type: 'refresh_token',
      refresh_token: String(refresh_token),
      client_id: '50001',
      client_secret: 'vr-test-secret',
    });
    expect(r.body.error_description).toBe('AuthorizationRecordRevoked');
  });

  it('tokens() lists every issued token and the request log never holds one', async () => {
    await start();
    const { access_token } = await signIn(emu);
    await api(emu, '/Platform/User/GetMembershipsForCurrentUser/', { token: String(access_token) });
    const tokens = emu.control.tokens();
    expect(tokens.access).toEqual([access_token]);
    expect(tokens.refresh).toHaveLength(1);
    const log = JSON.stringify(emu.control.requests());
    for (const t of [...tokens.access, ...tokens.refresh]) expect(log).not.toContain(t);
    expect(emu.control.requests().at(-1)!.headers.authorization).toBe('Bearer');
  });
});
