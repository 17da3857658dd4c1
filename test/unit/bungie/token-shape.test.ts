// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { ACCESS_KEY, AUTH_STATUS_KEY, createAuth, REFRESH_KEY, type Auth } from '@/lib/bungie/auth';
import { createBungieTransport } from '@/lib/bungie/client';
import { BungieError, LocalCode } from '@/lib/bungie/errors';
import type { BuildConfig } from '@/lib/config/build';
import { json, pretendFetch } from './pretend-fetch';

const REAL_TOKEN = (
  JSON.parse(readFileSync('/work/shared/fixtures/bungie/responses/oauth-token.from-issues.json', 'utf8')) as {
    confidential_client_token_response: { body: Record<string, unknown> };
  }
).confidential_client_token_response.body;

const REDIRECT = 'https://iojnopefmmgbcipnognfpaddcgmpopfm.chromiumapp.org/';

/** Auth over a pretend token endpoint whose next answers the test sets. */
function setup(answers: Record<string, unknown>[]) {
  const config: BuildConfig = { origin: 'http://127.0.0.1:9999', apiKey: 'k', clientId: '50001', clientSecret: 's' };
  const { fetch } = pretendFetch(() => json(answers.shift()));
  const auth: Auth = createAuth({
    tokenEndpoint: createBungieTransport({ config, fetch }),
    config: () => config,
    launchWebAuthFlow: async ({ url }) => `${REDIRECT}?code=c1&state=${new URL(url).searchParams.get('state')}`,
  });
  return auth;
}

async function everythingStored() {
  return { ...(await browser.storage.local.get(null)), ...(await browser.storage.session.get(null)) };
}

describe('a malformed token answer is never stored', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ now: new Date('2026-11-20T17:00:00Z'), toFake: ['Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it.each([
    ['expires_in as text', { expires_in: '3600' }],
    ['expires_in negative', { expires_in: -3600 }],
    ['refresh_expires_in as text', { refresh_expires_in: '7776000' }],
    ['membership_id missing', { membership_id: undefined }],
  ])('sign-in with %s: a sentence, and no token or signed-in status kept', async (_what, change) => {
    const auth = setup([{ ...REAL_TOKEN, access_token: 'A-1', refresh_token: 'R-1', ...change }]);
    const error = (await auth.signIn().catch((e: unknown) => e)) as BungieError;
    expect(error).toBeInstanceOf(BungieError);
    expect(error.code).toBe(LocalCode.MalformedAnswer);
    expect(error.userMessage).toBe(
      'Bungie.net sent an answer Vault Raider could not read, so nothing was changed. Try again in a moment.',
    );
    const stored = await everythingStored();
    expect(stored[ACCESS_KEY]).toBeUndefined();
    expect(stored[REFRESH_KEY]).toBeUndefined();
    expect(stored[AUTH_STATUS_KEY]).not.toMatchObject({ state: 'signed-in' });
    expect(JSON.stringify(stored)).not.toMatch(/A-1|R-1/);
  });

  it('a refresh answered with a text expires_in keeps the old tokens as they were', async () => {
    const auth = setup([
      { ...REAL_TOKEN, access_token: 'A-1', refresh_token: 'R-1' },
      { ...REAL_TOKEN, access_token: 'A-2', refresh_token: 'R-2', expires_in: 'soon' },
    ]);
    await auth.signIn();
    const before = await everythingStored();
    vi.setSystemTime(Date.now() + 3_600_000); // the access token lapsed: the next call refreshes
    await expect(auth.accessToken()).rejects.toMatchObject({ code: LocalCode.MalformedAnswer });
    const after = await everythingStored();
    expect(after[REFRESH_KEY]).toEqual(before[REFRESH_KEY]);
    expect(after[ACCESS_KEY]).toEqual(before[ACCESS_KEY]);
    expect(JSON.stringify(after)).not.toMatch(/A-2|R-2/);
  });
});
