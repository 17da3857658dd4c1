// @vitest-environment node
import { getDestinyManifest, getProfile, getPublicVendors } from 'bungie-api-ts/destiny2';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { ACCESS_KEY, AUTH_STATUS_KEY, createAuth, REFRESH_KEY, type Auth } from '@/lib/bungie/auth';
import { createBungieClient, createBungieTransport, isPublicPath, type BungieClient } from '@/lib/bungie/client';
import { BungieError, LocalCode } from '@/lib/bungie/errors';
import type { BuildConfig } from '@/lib/config/build';
import { envelope, json, pretendFetch, type RecordedCall } from './pretend-fetch';

const ORIGIN = 'http://127.0.0.1:9999';
const REDIRECT = 'https://iojnopefmmgbcipnognfpaddcgmpopfm.chromiumapp.org/';

/** A tiny token server: numbered tokens so tests can tell generations apart. */
function tokenServer(options: { confidential?: boolean; refreshAnswer?: () => Response } = {}) {
  let generation = 0;
  const current = { access: '' };
  const pretend = pretendFetch((call: RecordedCall) => {
    if (call.path === '/Platform/App/OAuth/Token/') {
      const form = new URLSearchParams(call.body);
      if (form.get('grant_type') === 'refresh_token' && options.refreshAnswer) return options.refreshAnswer();
      generation += 1;
      current.access = `access-${generation}`;
      return json({
        access_token: current.access,
        token_type: 'Bearer',
        expires_in: 3600,
        ...(options.confidential === false
          ? {}
          : { refresh_token: `refresh-${generation}`, refresh_expires_in: 7_776_000 }),
        membership_id: '11001735',
      });
    }
    // Bungie's public endpoints answer whoever asks with the API key.
    if (/^\/Platform\/Destiny2\/(Manifest|Vendors)\/$/.test(call.path)) return json(envelope(1, { public: true }));
    return json(
      call.headers.authorization === `Bearer ${current.access}` ? envelope(1, { ok: true }) : envelope(2111, null),
      call.headers.authorization === `Bearer ${current.access}` ? 200 : 401,
    );
  });
  return { ...pretend, current, tokenCalls: () => pretend.calls.filter((c) => c.path.endsWith('/OAuth/Token/')) };
}

function setup(
  server: ReturnType<typeof tokenServer>,
  config: Partial<BuildConfig> = {},
  launch?: (details: { url: string }) => Promise<string | undefined>,
) {
  const full: BuildConfig = {
    origin: ORIGIN,
    apiKey: 'k',
    clientId: '50001',
    clientSecret: 'vr-test-secret',
    ...config,
  };
  const launches: string[] = [];
  const statuses: string[] = [];
  const defaultLaunch = async ({ url }: { url: string }) => {
    launches.push(url);
    const state = new URL(url).searchParams.get('state');
    return `${REDIRECT}?code=code-1&state=${state}`;
  };
  const transport = createBungieTransport({ config: full, fetch: server.fetch });
  const auth: Auth = createAuth({
    tokenEndpoint: transport,
    config: () => full,
    launchWebAuthFlow: launch ?? defaultLaunch,
    onStatusChange: (s) => statuses.push(s.state),
  });
  const client: BungieClient = createBungieClient({ transport, tokens: auth });
  const profile = () => getProfile(client.http, { membershipType: 3, destinyMembershipId: '1', components: [100] });
  return { auth, client, launches, statuses, profile };
}

async function stored() {
  return {
    local: await browser.storage.local.get(null),
    session: await browser.storage.session.get(null),
  };
}

describe('Bungie sign-in (auth)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ now: new Date('2026-11-20T17:00:00Z'), toFake: ['Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it('authorizes with client_id, response_type=code and a random state, then keeps the tokens where they belong', async () => {
    const server = tokenServer();
    const { auth, launches, statuses } = setup(server);
    await expect(auth.signIn()).resolves.toBe('11001735');
    const url = new URL(launches[0]);
    expect(url.origin + url.pathname).toBe(`${ORIGIN}/en/OAuth/Authorize`);
    expect(url.searchParams.get('client_id')).toBe('50001');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('state')).toMatch(/^[0-9a-f]{64}$/);
    expect(server.tokenCalls()[0].body).toBe('grant_type=authorization_code&code=code-1&client_id=50001');
    expect(server.tokenCalls()[0].headers.authorization).toBe(`Basic ${btoa('50001:vr-test-secret')}`);
    const { local, session } = await stored();
    expect(session[ACCESS_KEY]).toEqual({ token: 'access-1', expiresAt: Date.now() + 3_600_000 });
    expect(local[REFRESH_KEY]).toEqual({ token: 'refresh-1', expiresAt: Date.now() + 7_776_000_000 });
    expect(local[AUTH_STATUS_KEY]).toEqual({ state: 'signed-in', bnetMembershipId: '11001735' });
    expect(JSON.stringify(local)).not.toContain('access-1');
    expect(statuses).toEqual(['signed-in']);
  });

  it('two sign-ins use different states', async () => {
    const { auth, launches } = setup(tokenServer());
    await auth.signIn();
    await auth.signIn();
    expect(new URL(launches[0]).searchParams.get('state')).not.toBe(new URL(launches[1]).searchParams.get('state'));
  });

  it('a public client sends no secret', async () => {
    const server = tokenServer({ confidential: false });
    const { auth } = setup(server, { clientSecret: '' });
    await auth.signIn();
    expect(server.tokenCalls()[0].headers.authorization).toBeUndefined();
    expect((await stored()).local[REFRESH_KEY]).toBeUndefined();
  });

  it('refuses an answer whose state does not match, and exchanges nothing', async () => {
    const server = tokenServer();
    const { auth } = setup(server, {}, async () => `${REDIRECT}?code=code-1&state=forged`);
    await expect(auth.signIn()).rejects.toMatchObject({ code: LocalCode.StateMismatch });
    expect(server.tokenCalls()).toHaveLength(0);
    expect((await auth.status()).state).toBe('signed-out');
  });

  it('a closed sign-in window is "cancelled", not a crash', async () => {
    const { auth } = setup(tokenServer(), {}, async () => {
      throw new Error('The user did not approve access.');
    });
    const error = (await auth.signIn().catch((e: BungieError) => e)) as BungieError;
    expect(error.code).toBe(LocalCode.SignInCancelled);
    expect(error.userMessage).toBe('Sign-in was cancelled.');
  });

  it('refreshes shortly before expiry, once for all concurrent callers (single flight)', async () => {
    const server = tokenServer();
    const { auth, profile } = setup(server);
    await auth.signIn();
    vi.setSystemTime(Date.now() + 3_600_000 - 30_000);
    const answers = await Promise.all([profile(), profile(), profile(), profile()]);
    expect(answers.every((a) => (a.Response as unknown as { ok: boolean }).ok)).toBe(true);
    expect(server.tokenCalls().map((c) => new URLSearchParams(c.body).get('grant_type'))).toEqual([
      'authorization_code',
      'refresh_token',
    ]);
    expect(new URLSearchParams(server.tokenCalls()[1].body).get('refresh_token')).toBe('refresh-1');
    const api = server.calls.filter((c) => c.path.startsWith('/Platform/Destiny2'));
    expect(api.map((c) => c.headers.authorization)).toEqual(Array(4).fill('Bearer access-2'));
  });

  it('a token Bungie refuses early (2111) is refreshed once and the request retried once', async () => {
    const server = tokenServer();
    const { auth, profile } = setup(server);
    await auth.signIn();
    server.current.access = 'revoked-on-server';
    const answers = await Promise.all([profile(), profile()]);
    expect(answers).toHaveLength(2);
    expect(server.tokenCalls()).toHaveLength(2);
  });

  it('a caller holding an old token after a finished refresh gets the new token, not a second refresh', async () => {
    const server = tokenServer();
    const { auth } = setup(server);
    await auth.signIn();
    await expect(auth.refreshAfterRejection('access-1')).resolves.toBe('access-2');
    await expect(auth.refreshAfterRejection('access-1')).resolves.toBe('access-2');
    expect(server.tokenCalls()).toHaveLength(2);
  });

  it.each(['RefreshTokenExpired', 'AuthorizationRecordRevoked', 'ProvidedTokenNotValidRefreshToken'])(
    'Bungie answers %s to the refresh → tokens forgotten, state "expired", one "Sign in again" error',
    async (description) => {
      const server = tokenServer({
        refreshAnswer: () => json({ error: 'invalid_grant', error_description: description }, 400),
      });
      const { auth, profile, statuses } = setup(server);
      await auth.signIn();
      vi.setSystemTime(Date.now() + 3_600_000);
      const error = (await profile().catch((e: BungieError) => e)) as BungieError;
      expect(error.code).toBe(LocalCode.SignInRequired);
      expect(error.userMessage).toBe('Your Bungie sign-in has expired. Sign in again to continue.');
      expect((await auth.status()).state).toBe('expired');
      expect(statuses).toEqual(['signed-in', 'expired']);
      const { local, session } = await stored();
      expect(local[REFRESH_KEY]).toBeUndefined();
      expect(session[ACCESS_KEY]).toBeUndefined();
    },
  );

  it('a refresh token past its own expiry is not even sent', async () => {
    const server = tokenServer();
    const { auth, profile } = setup(server);
    await auth.signIn();
    vi.setSystemTime(Date.now() + 7_776_000_000 + 1);
    await expect(profile()).rejects.toMatchObject({ code: LocalCode.SignInRequired });
    expect(server.tokenCalls()).toHaveLength(1);
  });

  it('a network failure during refresh keeps the session (it may work next time)', async () => {
    const server = tokenServer({ refreshAnswer: () => new Response('gateway', { status: 502 }) });
    const { auth, profile } = setup(server);
    await auth.signIn();
    vi.setSystemTime(Date.now() + 3_600_000);
    await expect(profile()).rejects.toMatchObject({ code: LocalCode.BungieTrouble });
    expect((await auth.status()).state).toBe('signed-in');
    expect((await stored()).local[REFRESH_KEY]).toBeDefined();
  });

  it('a public client uses its token to the last second, then needs a new sign-in', async () => {
    const server = tokenServer({ confidential: false });
    const { auth, profile } = setup(server, { clientSecret: '' });
    await auth.signIn();
    vi.setSystemTime(Date.now() + 3_600_000 - 10_000);
    await expect(profile()).resolves.toMatchObject({ ErrorCode: 1 });
    vi.setSystemTime(Date.now() + 10_000);
    await expect(profile()).rejects.toMatchObject({ code: LocalCode.SignInRequired });
    expect((await auth.status()).state).toBe('expired');
    expect(server.tokenCalls()).toHaveLength(1);
  });

  it('signing in again after expiry asks Bungie to re-authenticate', async () => {
    const server = tokenServer({ confidential: false });
    const { auth, profile, launches } = setup(server, { clientSecret: '' });
    await auth.signIn();
    vi.setSystemTime(Date.now() + 3_600_001);
    await profile().catch(() => undefined);
    await auth.signIn();
    expect(new URL(launches[1]).searchParams.get('reauth')).toBe('true');
    expect((await auth.status()).state).toBe('signed-in');
  });

  it('without a sign-in, a call that needs the user never goes out and says "Sign in with Bungie first"', async () => {
    const server = tokenServer();
    const { profile } = setup(server);
    const error = (await profile().catch((e: BungieError) => e)) as BungieError;
    expect(error.code).toBe(LocalCode.NotSignedIn);
    expect(error.userMessage).toMatch(/Sign in/);
    expect(server.calls).toHaveLength(0);
  });

  it('a public client past its hour: GetProfile is refused locally, never sent anonymously', async () => {
    const server = tokenServer({ confidential: false });
    const { auth, profile } = setup(server, { clientSecret: '' });
    await auth.signIn();
    vi.setSystemTime(Date.now() + 3_600_000 + 1);
    await expect(profile()).rejects.toMatchObject({ code: LocalCode.SignInRequired });
    expect(server.calls.filter((c) => c.path.includes('/Profile/'))).toHaveLength(0);
    expect((await auth.status()).state).toBe('expired');
  });

  it('public endpoints (Manifest, public vendors) go out with the API key only, signed in or not', async () => {
    const server = tokenServer();
    const { auth, client } = setup(server);
    await getDestinyManifest(client.http);
    await auth.signIn();
    await getDestinyManifest(client.http);
    await getPublicVendors(client.http, { components: [400] });
    const publicCalls = server.calls.filter((c) => !c.path.includes('/OAuth/'));
    expect(publicCalls.map((c) => c.path)).toEqual([
      '/Platform/Destiny2/Manifest/',
      '/Platform/Destiny2/Manifest/',
      '/Platform/Destiny2/Vendors/',
    ]);
    expect(publicCalls.every((c) => c.headers.authorization === undefined && c.headers['x-api-key'] === 'k')).toBe(
      true,
    );
    expect(isPublicPath('/Platform/Destiny2/3/Profile/1/')).toBe(false);
    expect(isPublicPath('/Platform/Destiny2/3/Profile/1/Character/2/Vendors/')).toBe(false);
  });

  it('a refresh still in flight when the user signs out writes no token or status back', async () => {
    let answerRefresh: (r: Response) => void = () => undefined;
    const server = tokenServer({ refreshAnswer: () => new Promise<Response>((r) => (answerRefresh = r)) as never });
    const { auth, profile } = setup(server);
    await auth.signIn();
    vi.setSystemTime(Date.now() + 3_600_000);
    const pending = profile().catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.tokenCalls()).toHaveLength(2));
    await auth.signOut();
    answerRefresh(
      json({
        access_token: 'late-access',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'late-refresh',
        refresh_expires_in: 7_776_000,
        membership_id: '11001735',
      }),
    );
    await expect(pending).resolves.toMatchObject({ code: LocalCode.NotSignedIn });
    const { local, session } = await stored();
    expect(JSON.stringify({ local, session })).not.toMatch(/late-/);
    expect(local[AUTH_STATUS_KEY]).toEqual({ state: 'signed-out' });
    expect(server.calls.filter((c) => c.path.includes('/Profile/'))).toHaveLength(0);
  });

  it('expireSession (a partial profile) forgets the tokens and asks to sign in again', async () => {
    const { auth, profile } = setup(tokenServer());
    await auth.signIn();
    await auth.expireSession();
    expect((await auth.status()).state).toBe('expired');
    const { local, session } = await stored();
    expect(local[REFRESH_KEY]).toBeUndefined();
    expect(session[ACCESS_KEY]).toBeUndefined();
    await expect(profile()).rejects.toMatchObject({ code: LocalCode.SignInRequired });
  });

  it('sign-out forgets every token', async () => {
    const { auth } = setup(tokenServer());
    await auth.signIn();
    await auth.signOut();
    const { local, session } = await stored();
    expect(local[REFRESH_KEY]).toBeUndefined();
    expect(session[ACCESS_KEY]).toBeUndefined();
    expect(local[AUTH_STATUS_KEY]).toEqual({ state: 'signed-out' });
  });

  it.each([
    ['an expiry kept as a string', { token: 'planted', expiresAt: '9999999999999' }],
    ['a token that is not a string', { token: { planted: true }, expiresAt: null }],
    ['garbage', 'planted'],
  ])('a stored access token with %s never authorises a call: it reads as no token', async (_name, planted) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const server = tokenServer({ confidential: false });
    const { auth, profile } = setup(server, { clientSecret: '' });
    await auth.signIn();
    await browser.storage.session.set({ [ACCESS_KEY]: planted });
    // A public client has no refresh token: without a usable access token it needs a new sign-in.
    await expect(profile()).rejects.toMatchObject({ code: LocalCode.SignInRequired });
    expect(server.calls.filter((c) => c.path.includes('/Profile/'))).toEqual([]);
    expect((await auth.status()).state).toBe('expired');
  });

  it('a malformed stored refresh token is never sent to Bungie', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const server = tokenServer();
    const { auth, profile } = setup(server);
    await auth.signIn();
    await browser.storage.session.remove(ACCESS_KEY);
    await browser.storage.local.set({ [REFRESH_KEY]: { token: 'planted', expiresAt: 'later' } });
    await expect(profile()).rejects.toMatchObject({ code: LocalCode.SignInRequired });
    expect(server.tokenCalls()).toHaveLength(1);
    expect((await auth.status()).state).toBe('expired');
  });

  it('a malformed stored sign-in status reads as signed out (no call acts for a user)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const server = tokenServer();
    const { auth, profile } = setup(server);
    await auth.signIn();
    await browser.storage.local.set({ [AUTH_STATUS_KEY]: { state: 'admin' } });
    expect(await auth.status()).toEqual({ state: 'signed-out' });
    await expect(profile()).rejects.toMatchObject({ code: LocalCode.NotSignedIn });
    expect(server.calls.filter((c) => c.path.includes('/Profile/'))).toEqual([]);
  });

  it('the token provider runs on the plain layer alone: no client, no thunk back to it', async () => {
    const server = tokenServer();
    const full: BuildConfig = { origin: ORIGIN, apiKey: 'k', clientId: '50001', clientSecret: 's' };
    const auth = createAuth({
      tokenEndpoint: createBungieTransport({ config: full, fetch: server.fetch }),
      config: () => full,
      launchWebAuthFlow: async ({ url }) => `${REDIRECT}?code=c&state=${new URL(url).searchParams.get('state')}`,
    });
    await auth.signIn();
    expect(await auth.accessToken()).toBe('access-1');
    vi.setSystemTime(Date.now() + 3_600_000);
    expect(await auth.accessToken()).toBe('access-2');
    expect(server.calls.map((c) => c.path)).toEqual(['/Platform/App/OAuth/Token/', '/Platform/App/OAuth/Token/']);
  });

  it('refuses to start without a client id', async () => {
    const { auth, launches } = setup(tokenServer(), { clientId: '' });
    await expect(auth.signIn()).rejects.toMatchObject({ code: LocalCode.NotConfigured });
    expect(launches).toHaveLength(0);
  });
});
