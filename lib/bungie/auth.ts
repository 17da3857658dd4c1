import { browser } from 'wxt/browser';
import {
  accessTokenItem,
  authStatusItem,
  refreshTokenItem,
  type AuthStatus,
  type StoredToken,
} from '@/lib/storage/items';
import type { BuildConfig } from '@/lib/config/build';
import type { TokenEndpoint, TokenResponse, TokenSource } from './client';
import { BungieError, DEAD_GRANT_CODES, LocalCode } from './errors';
import type { AuthState } from './protocol';
import { systemClock, type Clock } from './rate-limit';

/** storage.local: the refresh token and its expiry (declared in lib/storage/items.ts). */
export const REFRESH_KEY = refreshTokenItem.name;
/** storage.session: the access token (memory-backed, gone when the browser closes). */
export const ACCESS_KEY = accessTokenItem.name;
/** storage.local: whether someone is signed in and which Bungie.net account; no secrets. */
export const AUTH_STATUS_KEY = authStatusItem.name;

export type { AuthStatus, StoredToken } from '@/lib/storage/items';
export type { AuthState } from './protocol';

/** Refresh this long before the access token runs out, so a request never leaves with a dying token. */
export const REFRESH_MARGIN_MS = 60_000;

export interface AuthOptions {
  /**
   * Bungie's OAuth token endpoint: the plain layer of lib/bungie/client.ts (`createBungieTransport`), which needs no
   * user token, so the provider and the authenticated client that asks it for tokens do not depend on each other.
   */
  tokenEndpoint: TokenEndpoint;
  config: () => Promise<BuildConfig> | BuildConfig;
  /** chrome.identity.launchWebAuthFlow by default; tests pass a pretend one. */
  launchWebAuthFlow?: (details: { url: string; interactive: boolean }) => Promise<string | undefined>;
  clock?: Clock;
  /** Called after every change of the sign-in state. */
  onStatusChange?: (status: AuthStatus) => void;
}

export interface Auth extends TokenSource {
  /** Run Bungie's OAuth flow in a browser window and keep the tokens; resolves the Bungie.net membership id. */
  signIn(): Promise<string>;
  /** Forget every token (the caller clears personal caches). */
  signOut(): Promise<void>;
  /**
   * The session can no longer see the user's whole profile (Bungie answered without the owner-only components):
   * forget the tokens and ask for a new sign-in, keeping the account and its cached inventory.
   */
  expireSession(): Promise<void>;
  status(): Promise<AuthStatus>;
}

function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Bungie OAuth for the service worker. Bungie rules it obeys: authorize at `/en/OAuth/Authorize` with a random
 * `state` checked on return; exchange the code at `/Platform/App/OAuth/Token/` (HTTP Basic for confidential clients,
 * client_id only for public ones); refresh before expiry with one refresh in flight for all callers; when Bungie says
 * the grant is dead (2106–2124) or a public client's hour is up, the session becomes "expired" (sign in again).
 * Tokens live only in storage (refresh: local, access: session) and in this closure; they never reach logs or errors.
 */
export function createAuth(options: AuthOptions): Auth {
  const clock = options.clock ?? systemClock;
  const launch =
    options.launchWebAuthFlow ??
    ((details: { url: string; interactive: boolean }) => browser.identity.launchWebAuthFlow(details));
  let refreshing: Promise<string> | null = null;
  let knownState: AuthState = 'signed-out';
  /**
   * Bumped by every sign-in and sign-out: a token exchange or refresh that was in flight across one belongs to a
   * session that is over, and must not write its tokens or status back.
   */
  let generation = 0;

  async function readStatus(): Promise<AuthStatus> {
    // A malformed stored status reads as signed out (lib/storage/items.ts logs what it ignored).
    const status = await authStatusItem.getValue();
    knownState = status.state;
    return status;
  }

  async function writeStatus(status: AuthStatus) {
    knownState = status.state;
    await authStatusItem.setValue(status);
    options.onStatusChange?.(status);
  }

  /** A stored token of the wrong shape (say, a non-numeric expiry) reads as no token: it never authorises a call. */
  async function readToken(item: typeof accessTokenItem): Promise<StoredToken | undefined> {
    return (await item.getValue()) ?? undefined;
  }

  async function forgetTokens() {
    await accessTokenItem.removeValue();
    await refreshTokenItem.removeValue();
  }

  async function keep(answer: TokenResponse, from: number) {
    if (from !== generation) throw signInError();
    const now = clock.now();
    const access: StoredToken = { token: answer.access_token, expiresAt: now + answer.expires_in * 1000 };
    await accessTokenItem.setValue(access);
    if (answer.refresh_token) {
      const expiresAt = answer.refresh_expires_in ? now + answer.refresh_expires_in * 1000 : null;
      await refreshTokenItem.setValue({ token: answer.refresh_token, expiresAt });
    } else {
      // Public client (Bungie-net/api #24): no refresh token; an older one must not outlive this sign-in.
      await refreshTokenItem.removeValue();
    }
  }

  async function expire(from = generation) {
    if (from !== generation) return;
    await forgetTokens();
    const status = await readStatus();
    if (status.state !== 'signed-out') await writeStatus({ ...status, state: 'expired' });
  }

  function signInError(): BungieError {
    return new BungieError({
      code: knownState === 'signed-out' ? LocalCode.NotSignedIn : LocalCode.SignInRequired,
    });
  }

  async function clientCredentials(config: BuildConfig) {
    return config.clientSecret ? { id: config.clientId, secret: config.clientSecret } : undefined;
  }

  async function refreshNow(): Promise<string> {
    const from = generation;
    const stored = await readToken(refreshTokenItem);
    if (!stored || (stored.expiresAt !== null && stored.expiresAt <= clock.now())) {
      await expire(from);
      throw signInError();
    }
    const config = await options.config();
    let answer: TokenResponse;
    try {
      answer = await options.tokenEndpoint.requestToken(
        { grant_type: 'refresh_token', refresh_token: stored.token, client_id: config.clientId },
        await clientCredentials(config),
      );
    } catch (error) {
      if (error instanceof BungieError && DEAD_GRANT_CODES.has(error.code)) {
        await expire(from);
        throw signInError();
      }
      throw error;
    }
    await keep(answer, from);
    return answer.access_token;
  }

  function usable(access: StoredToken | undefined): boolean {
    return Boolean(access && (access.expiresAt === null || access.expiresAt - clock.now() > REFRESH_MARGIN_MS));
  }

  /**
   * One refresh for everyone: callers arriving while it runs share its result, and a caller holding an older token
   * gets the token a finished refresh already stored (Bungie rotates refresh tokens, so a second refresh with the
   * old one would be refused and sign the user out).
   */
  function refreshShared(stale: string | undefined): Promise<string> {
    if (refreshing) return refreshing;
    const mine: Promise<string> = (async () => {
      const current = await readToken(accessTokenItem);
      if (current && usable(current) && current.token !== stale) return current.token;
      return refreshNow();
    })().finally(() => {
      if (refreshing === mine) refreshing = null;
    });
    refreshing = mine;
    return mine;
  }

  async function accessToken(): Promise<string | null> {
    const status = await readStatus();
    if (status.state !== 'signed-in') return null;
    if (refreshing) return refreshing;
    const access = await readToken(accessTokenItem);
    if (access && usable(access)) return access.token;
    const refresh = await readToken(refreshTokenItem);
    if (!refresh) {
      // A public client lives one hour: use the token to its last second, then ask for a new sign-in.
      if (access?.expiresAt && access.expiresAt > clock.now()) return access.token;
      await expire();
      return null;
    }
    return refreshShared(access?.token);
  }

  async function refreshAfterRejection(rejected: string): Promise<string> {
    if (refreshing) return refreshing;
    const current = await readToken(accessTokenItem);
    if (current && current.token !== rejected) return current.token;
    if (!refreshing && !(await readToken(refreshTokenItem))) {
      await expire();
      throw signInError();
    }
    return refreshShared(rejected);
  }

  async function signIn(): Promise<string> {
    const from = ++generation;
    refreshing = null;
    const config = await options.config();
    if (!config.clientId || !config.apiKey) throw new BungieError({ code: LocalCode.NotConfigured });
    const state = randomState();
    const authorize = new URL(`${config.origin}/en/OAuth/Authorize`);
    authorize.searchParams.set('client_id', config.clientId);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('state', state);
    if (knownState === 'expired') authorize.searchParams.set('reauth', 'true');

    let redirected: string | undefined;
    try {
      redirected = await launch({ url: authorize.href, interactive: true });
    } catch {
      throw new BungieError({ code: LocalCode.SignInCancelled });
    }
    if (!redirected) throw new BungieError({ code: LocalCode.SignInCancelled });
    const answer = new URL(redirected).searchParams;
    if (answer.get('state') !== state) throw new BungieError({ code: LocalCode.StateMismatch });
    const code = answer.get('code');
    if (!code) throw new BungieError({ code: LocalCode.SignInCancelled });

    const tokens = await options.tokenEndpoint.requestToken(
      { grant_type: 'authorization_code', code, client_id: config.clientId },
      await clientCredentials(config),
    );
    await keep(tokens, from);
    await writeStatus({ state: 'signed-in', bnetMembershipId: tokens.membership_id });
    return tokens.membership_id;
  }

  async function signOut() {
    generation++;
    refreshing = null;
    await forgetTokens();
    await writeStatus({ state: 'signed-out' });
  }

  async function expireSession() {
    refreshing = null;
    await expire();
  }

  return { accessToken, refreshAfterRejection, signInError, signIn, signOut, expireSession, status: readStatus };
}
