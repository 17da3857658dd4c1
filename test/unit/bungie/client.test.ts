// @vitest-environment node
import { ARRIVAL_JITTER_MARGIN_MS } from '@/lib/bungie/rate-limit';
import { readFileSync } from 'node:fs';
import {
  equipItem,
  getProfile,
  insertSocketPlugFree,
  setItemLockState,
  setQuestTrackedState,
  transferItem,
} from 'bungie-api-ts/destiny2';
import type { HttpClient } from 'bungie-api-ts/http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBungieClient, type BungieHealth, type TokenSource } from '@/lib/bungie/client';
import { BungieError, ErrorCode, LocalCode } from '@/lib/bungie/errors';
import { envelope, json, later, pretendFetch, type RecordedCall } from './pretend-fetch';

const ORIGIN = 'http://127.0.0.1:9999';
const config = { origin: ORIGIN, apiKey: 'key-1' };

const issues = JSON.parse(readFileSync('/work/shared/fixtures/bungie/responses/errors.from-issues.json', 'utf8')) as {
  examples: { name: string; httpStatus?: number; body: { ErrorCode: number; ErrorStatus: string } }[];
};

const oauth = JSON.parse(
  readFileSync('/work/shared/fixtures/bungie/responses/oauth-token.from-issues.json', 'utf8'),
) as {
  confidential_client_token_response: { body: Record<string, unknown> };
  legacy_GetAccessTokensFromCode_response: { body: Record<string, unknown> };
};
/** A real confidential-client token answer (values redacted by the poster), as Bungie shapes it. */
const REAL_TOKEN = oauth.confidential_client_token_response.body;

const transfer = (http: HttpClient) =>
  transferItem(http, {
    itemReferenceHash: 1,
    stackSize: 1,
    transferToVault: true,
    itemId: '6917529',
    characterId: '2305843',
    membershipType: 3,
  });

const profile = (http: HttpClient) =>
  getProfile(http, { membershipType: 3, destinyMembershipId: '4611686', components: [100] });

async function settle<T>(promise: Promise<T>): Promise<T | BungieError> {
  return promise.catch((error: BungieError) => error);
}

function gaps(calls: RecordedCall[]): number[] {
  return calls.slice(1).map((call, i) => call.startedAt - calls[i].startedAt);
}

describe('Bungie client', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-20T17:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the API key to the configured origin, rewrites bungie-api-ts URLs, and resolves the success envelope', async () => {
    const { fetch, calls } = pretendFetch(() => json(envelope(1, { profile: true })));
    const client = createBungieClient({ config, fetch });
    const answer = await profile(client.http);
    expect(answer.Response).toEqual({ profile: true });
    expect(calls[0].url).toBe(`${ORIGIN}/Platform/Destiny2/3/Profile/4611686/?components=100`);
    expect(calls[0].headers['x-api-key']).toBe('key-1');
    expect(calls[0].headers.authorization).toBeUndefined();
  });

  it('posts JSON bodies for actions and adds the bearer token from the token source', async () => {
    const { fetch, calls } = pretendFetch(() => json(envelope(1, 0)));
    const tokens: TokenSource = {
      accessToken: async () => 'access-A',
      refreshAfterRejection: async () => 'access-B',
      signInError: () => new BungieError({ code: LocalCode.NotSignedIn }),
    };
    const client = createBungieClient({ config, fetch, tokens });
    await transfer(client.http);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0].body!)).toMatchObject({ itemId: '6917529', transferToVault: true });
    expect(calls[0].headers.authorization).toBe('Bearer access-A');
  });

  describe('spacing (Bungie: minimum gap between starts, one in flight per queue)', () => {
    it.each([
      ['TransferItem', 100, transfer],
      ['EquipItem', 100, (http: HttpClient) => equipItem(http, { itemId: '1', characterId: '2', membershipType: 3 })],
      [
        'SetLockState',
        100,
        (http: HttpClient) => setItemLockState(http, { state: true, itemId: '1', characterId: '2', membershipType: 3 }),
      ],
      [
        'InsertSocketPlugFree',
        500,
        (http: HttpClient) =>
          insertSocketPlugFree(http, {
            plug: { socketIndex: 0, socketArrayType: 0, plugItemHash: 1 },
            itemId: '1',
            characterId: '2',
            membershipType: 3,
          }),
      ],
      [
        'SetTrackedState',
        1000,
        (http: HttpClient) =>
          setQuestTrackedState(http, { state: true, itemId: '1', characterId: '2', membershipType: 3 }),
      ],
    ] as const)('%s: starts are %i ms (+ the jitter margin) apart', async (_name, gap, action) => {
      const { fetch, calls } = pretendFetch(() => json(envelope(1, 0)));
      const client = createBungieClient({ config, fetch });
      const all = Promise.all([1, 2, 3, 4].map(() => action(client.http)));
      await vi.advanceTimersByTimeAsync(5 * (gap + ARRIVAL_JITTER_MARGIN_MS));
      await all;
      expect(calls).toHaveLength(4);
      const spaced = gap + ARRIVAL_JITTER_MARGIN_MS;
      expect(gaps(calls)).toEqual([spaced, spaced, spaced]);
    });

    it('keeps one item action in flight: a slow answer delays the next start until it is back', async () => {
      const { fetch, calls } = pretendFetch(() => later(350, () => json(envelope(1, 0))));
      const client = createBungieClient({ config, fetch });
      const all = Promise.all([1, 2, 3].map(() => transfer(client.http)));
      await vi.advanceTimersByTimeAsync(2000);
      await all;
      for (let i = 1; i < calls.length; i++) expect(calls[i].startedAt).toBeGreaterThanOrEqual(calls[i - 1].endedAt!);
      expect(gaps(calls)).toEqual([350, 350]);
    });

    it('does not space reads that Bungie sets no gap for', async () => {
      const { fetch, calls } = pretendFetch(() => json(envelope(1, {})));
      const client = createBungieClient({ config, fetch });
      await Promise.all([profile(client.http), profile(client.http), profile(client.http)]);
      expect(gaps(calls)).toEqual([0, 0]);
    });

    it('a failed item action still releases the queue for the next one', async () => {
      let n = 0;
      const { fetch, calls } = pretendFetch(() =>
        json(envelope(n++ === 0 ? ErrorCode.DestinyNoRoomInDestination : 1, 0)),
      );
      const client = createBungieClient({ config, fetch });
      const first = settle(transfer(client.http));
      const second = transfer(client.http);
      await vi.advanceTimersByTimeAsync(500);
      expect(await first).toMatchObject({ code: 1642 });
      await expect(second).resolves.toMatchObject({ ErrorCode: 1 });
      expect(gaps(calls)).toEqual([100 + ARRIVAL_JITTER_MARGIN_MS]);
    });
  });

  describe('back-off after throttle codes', () => {
    it.each([31, 35, 36, 37, 51, 54, 55, 56, 1672])(
      'code %i is a throttle: the next request waits 1 s',
      async (code) => {
        let n = 0;
        const { fetch, calls } = pretendFetch(() => json(envelope(n++ === 0 ? code : 1, {})));
        const client = createBungieClient({ config, fetch });
        await settle(profile(client.http));
        const asked = Date.now();
        const next = profile(client.http);
        await vi.advanceTimersByTimeAsync(999);
        expect(calls).toHaveLength(1);
        await vi.advanceTimersByTimeAsync(1);
        await next;
        expect(calls[1].startedAt - asked).toBe(1000);
      },
    );

    it.each([1642, 1623, 5])('code %i is not a throttle: no wait', async (code) => {
      let n = 0;
      const { fetch, calls } = pretendFetch(() => json(envelope(n++ === 0 ? code : 1, {})));
      const client = createBungieClient({ config, fetch });
      await settle(profile(client.http));
      await profile(client.http);
      expect(calls[1].startedAt - calls[0].startedAt).toBe(0);
    });

    it('waits 1 s, 2 s, 4 s after three throttles, then relaxes: 1 s, then none', async () => {
      let n = 0;
      const { fetch, calls } = pretendFetch(() => json(envelope(n++ < 3 ? 36 : 1, {})));
      const client = createBungieClient({ config, fetch });
      const starts: number[] = [];
      for (let i = 0; i < 6; i++) {
        const asked = Date.now();
        const request = settle(profile(client.http));
        await vi.runAllTimersAsync();
        await request;
        starts.push(calls[i].startedAt - asked);
      }
      expect(starts).toEqual([0, 1000, 2000, 4000, 1000, 0]);
    });

    it('honours ThrottleSeconds when Bungie fills it in', async () => {
      let n = 0;
      const { fetch, calls } = pretendFetch(() => json(envelope(n++ === 0 ? 31 : 1, {}, { ThrottleSeconds: 7 })));
      const client = createBungieClient({ config, fetch });
      await settle(profile(client.http));
      const asked = Date.now();
      const second = profile(client.http);
      await vi.runAllTimersAsync();
      await second;
      expect(calls[1].startedAt - asked).toBe(7000);
    });
  });

  describe('error mapping', () => {
    it.each(issues.examples.filter((e) => e.body.ErrorCode !== 1).map((e) => [e.name, e] as const))(
      'real envelope: %s',
      async (_name, example) => {
        const { fetch } = pretendFetch(() => json(example.body, example.httpStatus ?? 200));
        const client = createBungieClient({ config, fetch });
        const error = await settle(transfer(client.http));
        expect(error).toBeInstanceOf(BungieError);
        expect(error).toMatchObject({
          code: example.body.ErrorCode,
          status: example.body.ErrorStatus,
          httpStatus: example.httpStatus ?? 200,
        });
        // A 500 carrying a Destiny code is that error, not an outage.
        expect((error as BungieError).isOutage).toBe(false);
        expect((error as BungieError).userMessage).toMatch(/\w+/);
        expect(client.health()).toBe('ok');
      },
    );

    it('HTTP 502 without an envelope → "Bungie is having trouble", health trouble until the next success', async () => {
      let n = 0;
      const { fetch } = pretendFetch(() =>
        n++ === 0
          ? new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } })
          : json(envelope(1, {})),
      );
      const health: BungieHealth[] = [];
      const client = createBungieClient({ config, fetch });
      client.onHealthChange((h) => health.push(h));
      const error = (await settle(profile(client.http))) as BungieError;
      expect(error).toMatchObject({ code: LocalCode.BungieTrouble, status: 'BungieTrouble', httpStatus: 502 });
      expect(error.isOutage).toBe(true);
      expect(error.userMessage).toBe('Bungie is having trouble right now. Try again in a moment.');
      await profile(client.http);
      expect(health).toEqual(['trouble', 'ok']);
    });

    it('SystemDisabled (5) → maintenance state', async () => {
      const { fetch } = pretendFetch(() => json(envelope(5, null, { ErrorStatus: 'SystemDisabled' }), 503));
      const client = createBungieClient({ config, fetch });
      const error = (await settle(profile(client.http))) as BungieError;
      expect(error.isMaintenance).toBe(true);
      expect(error.isOutage).toBe(false);
      expect(error.userMessage).toMatch(/maintenance/);
      expect(client.health()).toBe('maintenance');
    });

    it('a network failure becomes NetworkError', async () => {
      const { fetch } = pretendFetch(() => Promise.reject(new TypeError('Failed to fetch')));
      const client = createBungieClient({ config, fetch });
      await expect(settle(profile(client.http))).resolves.toMatchObject({ code: LocalCode.NetworkError });
    });

    it('an HTTP 404 page without an envelope becomes HttpError', async () => {
      const { fetch } = pretendFetch(() => new Response('nope', { status: 404 }));
      const client = createBungieClient({ config, fetch });
      await expect(settle(profile(client.http))).resolves.toMatchObject({ code: LocalCode.HttpError, httpStatus: 404 });
    });

    it('reports "slow" after 15 s, then times out at the hard limit', async () => {
      const { fetch } = pretendFetch(
        (_call, signal) =>
          new Promise<Response>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
      );
      const health: BungieHealth[] = [];
      const client = createBungieClient({ config, fetch, slowAfterMs: 15_000, timeoutMs: 40_000 });
      client.onHealthChange((h) => health.push(h));
      const request = settle(profile(client.http));
      await vi.advanceTimersByTimeAsync(14_999);
      expect(client.health()).toBe('ok');
      await vi.advanceTimersByTimeAsync(1);
      expect(client.health()).toBe('slow');
      await vi.advanceTimersByTimeAsync(25_000);
      expect(await request).toMatchObject({ code: LocalCode.Timeout, status: 'Timeout' });
      expect(health).toEqual(['slow', 'ok']);
    });
  });

  describe('bad-token answers: refresh once, retry once', () => {
    function tokensWith(refresh: () => Promise<string>, initial: string | null = 'old') {
      const source = {
        refreshes: 0,
        accessToken: async () => initial,
        refreshAfterRejection: async () => {
          source.refreshes += 1;
          return refresh();
        },
        signInError: () => new BungieError({ code: LocalCode.SignInRequired }),
      };
      return source;
    }

    it.each([22, 99, 2111])('code %i → one refresh, the request is retried with the new token', async (code) => {
      const { fetch, calls } = pretendFetch((call) =>
        json(call.headers.authorization === 'Bearer new' ? envelope(1, { ok: true }) : envelope(code, null), 401),
      );
      const tokens = tokensWith(async () => 'new');
      const client = createBungieClient({ config, fetch, tokens });
      await expect(profile(client.http)).resolves.toMatchObject({ Response: { ok: true } });
      expect(tokens.refreshes).toBe(1);
      expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
    });

    it('retries only once: a second refusal surfaces as an error', async () => {
      const { fetch, calls } = pretendFetch(() => json(envelope(99, null)));
      const tokens = tokensWith(async () => 'new');
      const client = createBungieClient({ config, fetch, tokens });
      await expect(settle(profile(client.http))).resolves.toMatchObject({ code: 99 });
      expect(tokens.refreshes).toBe(1);
      expect(calls).toHaveLength(2);
    });

    it('a refused refresh ends in the sign-in error, not a stack of errors', async () => {
      const { fetch, calls } = pretendFetch(() => json(envelope(2111, null)));
      const tokens = tokensWith(async () => {
        throw new BungieError({ code: LocalCode.SignInRequired });
      });
      const client = createBungieClient({ config, fetch, tokens });
      const error = (await settle(profile(client.http))) as BungieError;
      expect(error.needsSignIn).toBe(true);
      expect(error.userMessage).toMatch(/Sign in again/);
      expect(calls).toHaveLength(1);
    });

    it('without any token, a bad-token answer is "Sign in" without a refresh', async () => {
      const { fetch } = pretendFetch(() => json(envelope(99, null)));
      const tokens = tokensWith(async () => 'new', null);
      const client = createBungieClient({ config, fetch, tokens });
      await expect(settle(profile(client.http))).resolves.toMatchObject({ code: LocalCode.SignInRequired });
      expect(tokens.refreshes).toBe(0);
    });

    it('other errors are not retried', async () => {
      const { fetch, calls } = pretendFetch(() => json(envelope(1642, 0)));
      const tokens = tokensWith(async () => 'new');
      const client = createBungieClient({ config, fetch, tokens });
      await expect(settle(transfer(client.http))).resolves.toMatchObject({ code: 1642 });
      expect(calls).toHaveLength(1);
      expect(tokens.refreshes).toBe(0);
    });
  });

  describe('download (CDN files)', () => {
    it('streams the file with progress and sends no API key or token', async () => {
      const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
      const { fetch, calls } = pretendFetch(() => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 100_000) controller.enqueue(bytes.slice(i, i + 100_000));
            controller.close();
          },
        });
        return new Response(stream, { headers: { 'content-length': String(bytes.length) } });
      });
      const client = createBungieClient({ config, fetch });
      const progress: [number, number | undefined][] = [];
      const got = await client.download('/common/destiny2_content/json/en/aggregate.json', (r, t) =>
        progress.push([r, t]),
      );
      expect(got).toEqual(bytes);
      expect(progress).toEqual([
        [0, 300_000],
        [100_000, 300_000],
        [200_000, 300_000],
        [300_000, 300_000],
      ]);
      expect(calls[0].url).toBe(`${ORIGIN}/common/destiny2_content/json/en/aggregate.json`);
      expect(calls[0].headers['x-api-key']).toBeUndefined();
      expect(calls[0].headers.authorization).toBeUndefined();
    });

    it('a 503 from the CDN is "Bungie is having trouble"', async () => {
      const { fetch } = pretendFetch(() => new Response('down', { status: 503 }));
      const client = createBungieClient({ config, fetch });
      await expect(settle(client.download('/common/x.content'))).resolves.toMatchObject({
        code: LocalCode.BungieTrouble,
      });
    });
  });

  describe('token endpoint', () => {
    it('posts a form, with HTTP Basic for a confidential client', async () => {
      const { fetch, calls } = pretendFetch(() =>
        json({ access_token: 'a', token_type: 'Bearer', expires_in: 3600, membership_id: '1' }),
      );
      const client = createBungieClient({ config, fetch });
      await client.requestToken(
        { grant_type: 'authorization_code', code: 'c1', client_id: '50001' },
        { id: '50001', secret: 's' },
      );
      expect(calls[0].path).toBe('/Platform/App/OAuth/Token/');
      expect(calls[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(calls[0].body).toBe('grant_type=authorization_code&code=c1&client_id=50001');
      expect(calls[0].headers.authorization).toBe(`Basic ${btoa('50001:s')}`);
    });

    it.each([
      ['RefreshTokenExpired', 2118, true],
      ['AuthorizationRecordRevoked', 2124, true],
      ['AuthorizationCodeInvalid', 2106, true],
      ['AuthorizationCodeStale', 2122, true],
      ['ProvidedTokenNotValidRefreshToken', 2117, true],
      ['ApplicationTokenFormatNotValid', ErrorCode.ApplicationTokenFormatNotValid, false],
    ])(
      'OAuth error %s → code %i (needs sign-in: %s), and the grant never reaches the error text',
      async (description, code, dead) => {
        const { fetch } = pretendFetch(() =>
          json(
            {
              error: description === 'ApplicationTokenFormatNotValid' ? 'invalid_client' : 'invalid_grant',
              error_description: description,
            },
            400,
          ),
        );
        const client = createBungieClient({ config, fetch });
        const error = (await settle(
          client.requestToken({ grant_type: 'refresh_token', refresh_token: 'SECRET-REFRESH' }),
        )) as BungieError;
        expect(error.code).toBe(code);
        expect(error.needsSignIn).toBe(dead);
        expect(JSON.stringify({ ...error, message: error.message, userMessage: error.userMessage })).not.toContain(
          'SECRET-REFRESH',
        );
      },
    );
  });
  describe('envelope shape (parsed, not cast)', () => {
    const real = issues.examples.find((e) => e.body.ErrorCode === 1642)!.body as Record<string, unknown>;

    it.each([
      ['ErrorCode as text', { ...real, ErrorCode: '1642' }, 'ErrorCode'],
      ['ErrorCode not whole', { ...real, ErrorCode: 1642.5 }, 'ErrorCode'],
      ['ErrorStatus missing', { ...real, ErrorStatus: undefined }, 'ErrorStatus'],
      ['ErrorStatus a number', { ...real, ErrorStatus: 1642 }, 'ErrorStatus'],
      ['Message not text', { ...real, Message: { text: 'x' } }, 'Message'],
      ['ThrottleSeconds as text', { ...real, ThrottleSeconds: '60' }, 'ThrottleSeconds'],
      ['ThrottleSeconds negative', { ...real, ThrottleSeconds: -5 }, 'ThrottleSeconds'],
      ['ThrottleSeconds missing', { ...real, ThrottleSeconds: undefined }, 'ThrottleSeconds'],
      ['MessageData not an object', { ...real, MessageData: 'x' }, 'MessageData'],
      [
        'a success without Response',
        { ...real, ErrorCode: 1, ErrorStatus: 'Success', Response: undefined },
        'Response',
      ],
    ])('%s → MalformedAnswer with a sentence', async (_what, body, field) => {
      const { fetch } = pretendFetch(() => json(body));
      const client = createBungieClient({ config, fetch });
      const error = (await settle(transfer(client.http))) as BungieError;
      expect(error).toBeInstanceOf(BungieError);
      expect(error.code).toBe(LocalCode.MalformedAnswer);
      expect(error.message).toBe(`malformed answer: ${field}`);
      expect(error.userMessage).toBe(
        'Bungie.net sent an answer Vault Raider could not read, so nothing was changed. Try again in a moment.',
      );
    });

    it('a malformed throttle envelope sets no back-off from its text ThrottleSeconds', async () => {
      let n = 0;
      const { fetch, calls } = pretendFetch(() =>
        n++ === 0 ? json({ ...envelope(31), ThrottleSeconds: '600' }) : json(envelope(1, {})),
      );
      const client = createBungieClient({ config, fetch });
      await settle(profile(client.http));
      await profile(client.http);
      expect(calls[1].startedAt - calls[0].startedAt).toBeLessThan(1000);
    });

    it('the real envelopes from public issues parse as they are (success with its Response too)', async () => {
      for (const example of issues.examples) {
        const body = example.body.ErrorCode === 1 ? { ...example.body, Response: { ok: 1 } } : example.body;
        const { fetch } = pretendFetch(() => json(body, example.httpStatus ?? 200));
        const client = createBungieClient({ config, fetch });
        const result = await settle(profile(client.http));
        if (example.body.ErrorCode === 1) expect(result).toMatchObject({ Response: { ok: 1 } });
        else expect(result).toMatchObject({ code: example.body.ErrorCode, status: example.body.ErrorStatus });
      }
    });
  });

  describe('token answer shape (parsed, not cast)', () => {
    it('the real confidential-client answer parses to the token fields', async () => {
      const { fetch } = pretendFetch(() => json(REAL_TOKEN));
      const client = createBungieClient({ config, fetch });
      await expect(client.requestToken({ grant_type: 'authorization_code', code: 'c' })).resolves.toEqual({
        access_token: 'xxxxxxx',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'xxxxxxx',
        refresh_expires_in: 7776000,
        membership_id: '17429800',
      });
    });

    it('a public client answer (no refresh token) parses', async () => {
      const { refresh_token: _r, refresh_expires_in: _e, ...publicBody } = REAL_TOKEN;
      const { fetch } = pretendFetch(() => json(publicBody));
      const client = createBungieClient({ config, fetch });
      const token = await client.requestToken({ grant_type: 'authorization_code', code: 'c' });
      expect(token.refresh_token).toBeUndefined();
      expect(token.expires_in).toBe(3600);
    });

    const SECRET = 'SECRET-ACCESS-TOKEN';
    it.each([
      ['expires_in as text', { expires_in: '3600' }, 'expires_in'],
      ['expires_in negative', { expires_in: -1 }, 'expires_in'],
      ['expires_in zero', { expires_in: 0 }, 'expires_in'],
      ['expires_in missing', { expires_in: undefined }, 'expires_in'],
      ['expires_in null (NaN once serialised)', { expires_in: Number.NaN }, 'expires_in'],
      ['access_token missing', { access_token: undefined }, 'access_token'],
      ['access_token a number', { access_token: 12345 }, 'access_token'],
      ['refresh_expires_in as text', { refresh_expires_in: '7776000' }, 'refresh_expires_in'],
      ['refresh_expires_in negative', { refresh_expires_in: -7776000 }, 'refresh_expires_in'],
      ['refresh_token a number', { refresh_token: 5 }, 'refresh_token'],
      ['membership_id a number', { membership_id: 17429800 }, 'membership_id'],
      ['membership_id missing', { membership_id: undefined }, 'membership_id'],
    ])('%s → MalformedAnswer, and no token value in the error', async (_what, change, field) => {
      const { fetch } = pretendFetch(() => json({ ...REAL_TOKEN, access_token: SECRET, ...change }));
      const client = createBungieClient({ config, fetch });
      const error = (await settle(client.requestToken({ grant_type: 'authorization_code', code: 'c' }))) as BungieError;
      expect(error).toBeInstanceOf(BungieError);
      expect(error.code).toBe(LocalCode.MalformedAnswer);
      expect(error.message).toBe(`malformed answer: ${field}`);
      expect(error.userMessage).toMatch(/^Bungie\.net sent an answer Vault Raider could not read/);
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain(SECRET);
    });

    it('an infinite expires_in (1e400 in the JSON text) is refused', async () => {
      const text = JSON.stringify(REAL_TOKEN).replace('3600', '1e400');
      const { fetch } = pretendFetch(
        () => new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }),
      );
      const client = createBungieClient({ config, fetch });
      await expect(settle(client.requestToken({ grant_type: 'refresh_token' }))).resolves.toMatchObject({
        code: LocalCode.MalformedAnswer,
        message: 'malformed answer: expires_in',
      });
    });

    it('a 200 that is not JSON, or the retired envelope shape, is refused the same way', async () => {
      for (const answer of [
        () => new Response('<html>ok</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
        () => json(oauth.legacy_GetAccessTokensFromCode_response.body),
      ]) {
        const { fetch } = pretendFetch(answer);
        const client = createBungieClient({ config, fetch });
        await expect(settle(client.requestToken({ grant_type: 'refresh_token' }))).resolves.toMatchObject({
          code: LocalCode.MalformedAnswer,
        });
      }
    });

    it('an OAuth error inside an HTTP 200 is still that error', async () => {
      const { fetch } = pretendFetch(() => json({ error: 'invalid_grant', error_description: 'RefreshTokenExpired' }));
      const client = createBungieClient({ config, fetch });
      await expect(settle(client.requestToken({ grant_type: 'refresh_token' }))).resolves.toMatchObject({
        code: ErrorCode.RefreshTokenExpired,
      });
    });

    it('a malformed error envelope from the token endpoint is MalformedAnswer', async () => {
      const { fetch } = pretendFetch(() => json({ ErrorCode: '2118', ErrorStatus: 'RefreshTokenExpired' }, 400));
      const client = createBungieClient({ config, fetch });
      await expect(settle(client.requestToken({ grant_type: 'refresh_token' }))).resolves.toMatchObject({
        code: LocalCode.MalformedAnswer,
      });
    });
  });
});
