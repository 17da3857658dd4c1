import type { ServerResponse } from 'bungie-api-ts/destiny2';
import type { HttpClient, HttpClientConfig } from 'bungie-api-ts/http';
import { ofetch, type FetchResponse } from 'ofetch';
import * as v from 'valibot';
import { BAD_ACCESS_TOKEN_CODES, BungieError, ErrorCode, LocalCode, THROTTLE_CODES, statusName } from './errors';
import {
  BUNGIE_RATE_RULES,
  createBackoff,
  ARRIVAL_JITTER_MARGIN_MS,
  createRateLimiter,
  systemClock,
  type Clock,
  type RateRule,
} from './rate-limit';
import type { BungieHealth } from './protocol';
import { serverClock } from './server-clock';

/** Where to talk to and with which key; read again for every request so option-page changes apply at once. */
export interface BungieClientConfig {
  /** Bungie.net (or the emulator), no trailing slash. */
  origin: string;
  apiKey: string;
}

/** The auth side of the client: lib/bungie/auth.ts implements it. */
export interface TokenSource {
  /** A usable access token, refreshed first when it is about to expire; null when nobody is signed in. */
  accessToken(): Promise<string | null>;
  /** Bungie refused `rejected`: return a fresh token (one refresh shared by all callers) or throw a BungieError. */
  refreshAfterRejection(rejected: string): Promise<string>;
  /** The error to raise when an endpoint needs a user and no token is available. */
  signInError(): BungieError;
}

export type { BungieHealth } from './protocol';

/** Options of the plain layer: where to talk to, and how long to wait. */
export interface BungieTransportOptions {
  config: BungieClientConfig | (() => BungieClientConfig);
  /** A pretend fetch in tests; the platform fetch otherwise. */
  fetch?: typeof globalThis.fetch;
  /** After this long without an answer the client reports `slow` (the "Bungie is slow" banner). */
  slowAfterMs?: number;
  /** Hard timeout for API requests (not for CDN downloads, which report progress instead). */
  timeoutMs?: number;
}

/** Options of the whole client: the plain layer (given, or built from its options), tokens, throttling. */
export type BungieClientOptions = (BungieTransportOptions | { transport: BungieTransport }) & {
  /** The token provider the authenticated layer asks; without one every request goes out with the API key alone. */
  tokens?: TokenSource;
  clock?: Clock;
  rateRules?: readonly RateRule[];
};

/** The OAuth token endpoint as the token provider sees it (the plain layer implements it; no user token involved). */
export interface TokenEndpoint {
  /** POST the form to Bungie's OAuth token endpoint; `client` adds HTTP Basic client authentication. */
  requestToken(form: Record<string, string>, client?: { id: string; secret: string }): Promise<TokenResponse>;
}

/**
 * The plain layer: one request out, one answer mapped (envelope → data or BungieError), Bungie's health and clock
 * observed. No tokens of its own, no queue: the layers above add those.
 */
export interface BungieTransport extends TokenEndpoint {
  /** Send one /Platform request for `path`, with `token` as the bearer when given. */
  send(request: HttpClientConfig, path: string, token: string | null): Promise<ServerResponse<unknown>>;
  download: BungieClient['download'];
  health(): BungieHealth;
  onHealthChange(listener: (health: BungieHealth) => void): () => void;
}

/** The OAuth token endpoint's answer (RFC 6749 fields as Bungie sends them). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  refresh_expires_in?: number;
  /** The Bungie.net membership id (not a Destiny membership id). */
  membership_id: string;
}

export interface BungieClient {
  /** bungie-api-ts HttpClient: resolves the success envelope, rejects with a BungieError. */
  http: HttpClient;
  /** Stream a CDN file (Manifest zip/json) from `path` under the origin, reporting progress. No API key needed. */
  download(
    path: string,
    onProgress?: (received: number, total: number | undefined) => void,
    signal?: AbortSignal,
  ): Promise<Uint8Array>;
  /** POST the form to Bungie's OAuth token endpoint; `client` adds HTTP Basic client authentication. */
  requestToken(form: Record<string, string>, client?: { id: string; secret: string }): Promise<TokenResponse>;
  health(): BungieHealth;
  /** Called with the new state whenever the health changes; returns an unsubscribe function. */
  onHealthChange(listener: (health: BungieHealth) => void): () => void;
}

export const DEFAULT_SLOW_AFTER_MS = 15_000;
export const DEFAULT_TIMEOUT_MS = 45_000;
const TOKEN_PATH = '/Platform/App/OAuth/Token/';

/** Bungie's response envelope, as every /Platform answer (and some token-endpoint errors) carries it. */
const envelopeSchema = v.object({
  ErrorCode: v.pipe(v.number(), v.integer()),
  ThrottleSeconds: v.pipe(v.number(), v.finite(), v.minValue(0)),
  ErrorStatus: v.string(),
  Message: v.string(),
  MessageData: v.optional(v.record(v.string(), v.unknown())),
  Response: v.optional(v.unknown()),
});

/** What the token endpoint answers on success (RFC 6749 fields as Bungie sends them). */
const tokenSchema = v.object({
  access_token: v.pipe(v.string(), v.nonEmpty()),
  token_type: v.optional(v.string(), 'Bearer'),
  expires_in: v.pipe(v.number(), v.finite(), v.gtValue(0)),
  refresh_token: v.optional(v.pipe(v.string(), v.nonEmpty())),
  refresh_expires_in: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0))),
  membership_id: v.pipe(v.string(), v.regex(/^\d{1,20}$/)),
});

/**
 * Where the answer's shape is wrong, for the error's developer message: the field names only, never the values
 * (a token answer's values are secrets).
 */
function shapeProblem(issues: readonly v.BaseIssue<unknown>[]): string {
  const fields = [...new Set(issues.map((i) => i.path?.map((p) => String(p.key)).join('.') || '(body)'))];
  return `malformed answer: ${fields.join(', ')}`;
}

/**
 * Read a body as Bungie's envelope: `undefined` when it does not claim to be one (no `ErrorCode`: an HTML error page,
 * an OAuth error), a MalformedAnswer BungieError when it claims to be one but has the wrong shape (also a success
 * without `Response`), the envelope otherwise.
 */
function readEnvelope(
  data: unknown,
  httpStatus: number,
  endpoint: string,
): ServerResponse<unknown> | BungieError | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('ErrorCode' in data)) return undefined;
  const parsed = v.safeParse(envelopeSchema, data);
  if (!parsed.success) {
    return new BungieError({
      code: LocalCode.MalformedAnswer,
      message: shapeProblem(parsed.issues),
      httpStatus,
      endpoint,
    });
  }
  if (parsed.output.ErrorCode === ErrorCode.Success && parsed.output.Response === undefined) {
    return new BungieError({
      code: LocalCode.MalformedAnswer,
      message: 'malformed answer: Response',
      httpStatus,
      endpoint,
    });
  }
  return parsed.output as ServerResponse<unknown>;
}

/**
 * Endpoints that need only the API key (Bungie's OpenAPI: no `oauth2` security): the Manifest, public vendors,
 * settings and global alerts. Everything else acts for the signed-in user and requires a bearer token.
 */
const PUBLIC_PATHS = [
  /^\/Platform\/Destiny2\/Manifest\//i,
  /^\/Platform\/Destiny2\/Vendors\/?$/i,
  /^\/Platform\/Settings\/?$/i,
  /^\/Platform\/GlobalAlerts\/?$/i,
];

/** True for a path that never carries the user's token (see PUBLIC_PATHS). */
export function isPublicPath(path: string): boolean {
  const bare = path.split('?')[0];
  return PUBLIC_PATHS.some((pattern) => pattern.test(bare));
}

/** bungie-api-ts builds absolute www.bungie.net URLs; we keep only the path so the configured origin applies. */
function toPath(url: string): string {
  const match = /^https?:\/\/[^/]+(\/.*)$/i.exec(url);
  return match ? match[1] : url.startsWith('/') ? url : `/${url}`;
}

function causeName(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  if (cause && typeof cause === 'object' && 'name' in cause) return String((cause as { name: unknown }).name);
  return (error as { name?: string })?.name ?? '';
}

/**
 * Layer 1, the plain HTTP client (house style: lib/bungie/client.ts is the only module that calls fetch). Bungie rules
 * it obeys: every /Platform request carries `X-API-Key`; the envelope's ErrorCode is the truth (1 = success, even on
 * HTTP 500); an HTTP 5xx without an envelope means Bungie is in trouble. It also reports Bungie's health ("slow",
 * "maintenance", "trouble"), feeds the server clock, talks to the OAuth token endpoint for the token provider
 * (lib/bungie/auth.ts) and streams CDN downloads. It knows nothing of users: a token is whatever the caller passes.
 */
export function createBungieTransport(options: BungieTransportOptions): BungieTransport {
  const slowAfterMs = options.slowAfterMs ?? DEFAULT_SLOW_AFTER_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const readConfig = typeof options.config === 'function' ? options.config : () => options.config as BungieClientConfig;
  const $fetch = ofetch.create({ retry: 0, ignoreResponseError: true }, options.fetch ? { fetch: options.fetch } : {});

  const listeners = new Set<(health: BungieHealth) => void>();
  let slowRequests = 0;
  let condition: 'ok' | 'maintenance' | 'trouble' = 'ok';
  let lastHealth: BungieHealth = 'ok';

  function health(): BungieHealth {
    if (condition !== 'ok') return condition;
    return slowRequests > 0 ? 'slow' : 'ok';
  }

  function publishHealth() {
    const next = health();
    if (next === lastHealth) return;
    lastHealth = next;
    for (const listener of listeners) listener(next);
  }

  function config(): BungieClientConfig {
    const value = readConfig();
    return { origin: value.origin.replace(/\/+$/, ''), apiKey: value.apiKey };
  }

  /** Track one request for the "slow" signal; returns the function that ends the tracking. */
  function watchSlow(): () => void {
    let slow = false;
    const timer = setTimeout(() => {
      slow = true;
      slowRequests += 1;
      publishHealth();
    }, slowAfterMs);
    return () => {
      clearTimeout(timer);
      if (slow) {
        slowRequests -= 1;
        publishHealth();
      }
    };
  }

  function transportError(error: unknown, endpoint: string, signal?: AbortSignal): BungieError {
    if (signal?.aborted) return new BungieError({ code: LocalCode.Aborted, endpoint });
    const name = causeName(error);
    if (name === 'TimeoutError') return new BungieError({ code: LocalCode.Timeout, endpoint });
    return new BungieError({ code: LocalCode.NetworkError, endpoint });
  }

  /** Map an answer to success data or a BungieError, and update the health from it. */
  function settle(response: FetchResponse<unknown>, endpoint: string): ServerResponse<unknown> {
    const data = readEnvelope(response._data, response.status, endpoint);
    if (data instanceof BungieError) throw data;
    if (data) {
      if (data.ErrorCode === ErrorCode.Success) {
        condition = 'ok';
        return data;
      }
      const error = new BungieError({
        code: data.ErrorCode,
        status: data.ErrorStatus,
        message: data.Message,
        httpStatus: response.status,
        throttleSeconds: data.ThrottleSeconds,
        endpoint,
      });
      if (error.code === ErrorCode.SystemDisabled) condition = 'maintenance';
      else condition = 'ok';
      throw error;
    }
    if (response.status >= 500 || response.ok) {
      condition = 'trouble';
      throw new BungieError({ code: LocalCode.BungieTrouble, httpStatus: response.status, endpoint });
    }
    if (response.status === 401) {
      throw new BungieError({ code: ErrorCode.WebAuthRequired, httpStatus: 401, endpoint });
    }
    throw new BungieError({ code: LocalCode.HttpError, httpStatus: response.status, endpoint });
  }

  async function send(request: HttpClientConfig, path: string, token: string | null) {
    const { origin, apiKey } = config();
    const headers: Record<string, string> = { 'X-API-Key': apiKey };
    if (token) headers.Authorization = `Bearer ${token}`;
    const done = watchSlow();
    try {
      let response: FetchResponse<unknown>;
      try {
        response = await $fetch.raw(`${origin}${path}`, {
          method: request.method,
          query: request.params,
          body: request.body,
          headers,
          timeout: timeoutMs,
          responseType: 'json',
        });
      } catch (error) {
        throw transportError(error, path);
      }
      // Bungie's clock, not the device's, decides Xûr's visit and the resets (lib/bungie/server-clock.ts).
      serverClock.observeResponse(response.headers, response._data);
      return settle(response, path);
    } finally {
      done();
      publishHealth();
    }
  }

  async function download(
    path: string,
    onProgress?: (received: number, total: number | undefined) => void,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    const endpoint = toPath(path);
    let response: FetchResponse<ReadableStream<Uint8Array> | undefined>;
    try {
      response = await $fetch.raw<ReadableStream<Uint8Array> | undefined, 'stream'>(`${config().origin}${endpoint}`, {
        method: 'GET',
        responseType: 'stream',
        signal,
      });
    } catch (error) {
      throw transportError(error, endpoint, signal);
    }
    if (!response.ok || !response._data) {
      const code = response.status >= 500 ? LocalCode.BungieTrouble : LocalCode.HttpError;
      throw new BungieError({ code, httpStatus: response.status, endpoint });
    }
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    const reader = response._data.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    onProgress?.(0, total);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        onProgress?.(received, total);
      }
    } catch (error) {
      throw transportError(error, endpoint, signal);
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  }

  async function requestToken(
    form: Record<string, string>,
    client?: { id: string; secret: string },
  ): Promise<TokenResponse> {
    const { origin, apiKey } = config();
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-API-Key': apiKey,
    };
    if (client?.secret)
      headers.Authorization = `Basic ${btoa(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`)}`;
    let response: FetchResponse<unknown>;
    const done = watchSlow();
    try {
      response = await $fetch.raw(`${origin}${TOKEN_PATH}`, {
        method: 'POST',
        body: new URLSearchParams(form).toString(),
        headers,
        timeout: timeoutMs,
        responseType: 'json',
      });
    } catch (error) {
      throw transportError(error, TOKEN_PATH);
    } finally {
      done();
      publishHealth();
    }
    serverClock.observeResponse(response.headers);
    const data = response._data;
    // An OAuth error (`error`) or an envelope is a refusal, whatever the HTTP status; any other 2xx must be a token.
    const refusal = typeof data === 'object' && data !== null && ('error' in data || 'ErrorCode' in data);
    if (!response.ok || refusal) throw tokenError(response.status, data);
    const parsed = v.safeParse(tokenSchema, data);
    if (!parsed.success) {
      throw new BungieError({
        code: LocalCode.MalformedAnswer,
        message: shapeProblem(parsed.issues),
        httpStatus: response.status,
        endpoint: TOKEN_PATH,
      });
    }
    return parsed.output;
  }

  return {
    send,
    download,
    requestToken,
    health,
    onHealthChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** One /Platform request for a path, whoever sends it (the signature each layer takes and gives). */
type Send = (request: HttpClientConfig, path: string) => Promise<ServerResponse<unknown>>;

/**
 * Layer 2, authenticated fetch: asks the token provider for the user's token and hands it to the plain layer.
 * Public endpoints go out with the API key alone; every other call is the user's and never leaves anonymously
 * (Bungie would answer it with the owner-only components stripped, which must not pass for the user's profile).
 * A bad-token answer (22, 99, 2111) gets one refresh and one retry.
 */
function authenticated(transport: BungieTransport, tokens: TokenSource | undefined): Send {
  return async (request, path) => {
    const needsUser = Boolean(tokens) && !isPublicPath(path);
    const token = needsUser && tokens ? await tokens.accessToken() : null;
    if (needsUser && !token) throw tokens!.signInError();
    try {
      return await transport.send(request, path, token);
    } catch (error) {
      const badToken = error instanceof BungieError && BAD_ACCESS_TOKEN_CODES.has(error.code);
      if (!badToken || !tokens) throw error;
      if (!token) throw tokens.signInError();
      const fresh = await tokens.refreshAfterRejection(token);
      return await transport.send(request, path, fresh);
    }
  };
}

/**
 * Layer 3, throttling: item/socket/tracked/loadout actions are spaced per Bungie's published gaps, one in flight per
 * queue (the queue holds the whole call, a token refresh and its retry included); throttle codes trigger an
 * exponential back-off that every later request waits out, and a success ends it.
 */
function throttled(next: Send, clock: Clock, rateRules: readonly RateRule[]): HttpClient {
  const limiter = createRateLimiter(rateRules, clock, ARRIVAL_JITTER_MARGIN_MS);
  const backoff = createBackoff(clock);
  return (async (request: HttpClientConfig) => {
    const path = toPath(request.url);
    return limiter.run(path, async () => {
      const wait = backoff.delayMs();
      if (wait > 0) await clock.sleep(wait);
      try {
        const answer = await next(request, path);
        backoff.succeeded();
        return answer;
      } catch (error) {
        if (error instanceof BungieError && THROTTLE_CODES.has(error.code)) backoff.throttled(error.throttleSeconds);
        throw error;
      }
    });
  }) as HttpClient;
}

/**
 * The one Bungie client, as DIM layers its own: the plain HTTP client (fetch, envelope, health), wrapped by
 * authenticated fetch (the token provider's token, one retry), wrapped by throttling (per-path queues, back-off).
 * The token provider (lib/bungie/auth.ts) talks to the token endpoint through the same plain layer, so tokens and
 * client do not depend on each other: build the transport, then the provider on it, then the client on both.
 */
export function createBungieClient(options: BungieClientOptions): BungieClient {
  const transport = 'transport' in options ? options.transport : createBungieTransport(options);
  const http = throttled(
    authenticated(transport, options.tokens),
    options.clock ?? systemClock,
    options.rateRules ?? BUNGIE_RATE_RULES,
  );
  return {
    http,
    download: transport.download,
    requestToken: transport.requestToken,
    health: transport.health,
    onHealthChange: transport.onHealthChange,
  };
}

/**
 * Map a failed token-endpoint answer. Bungie answers OAuth errors as `{error, error_description}` where the
 * description is a PlatformErrorCodes name (e.g. "RefreshTokenExpired"), and sometimes as a Destiny envelope.
 * Only names and codes are kept: the body may echo the grant, which must never reach an error text.
 */
function tokenError(httpStatus: number, data: unknown): BungieError {
  const endpoint = TOKEN_PATH;
  const envelope = readEnvelope(data, httpStatus, endpoint);
  if (envelope instanceof BungieError) return envelope;
  if (envelope?.ErrorCode === ErrorCode.Success) {
    // A "successful" envelope where the token should be (the retired GetAccessTokensFromCode shape): no token to keep.
    return new BungieError({
      code: LocalCode.MalformedAnswer,
      message: 'malformed answer: envelope',
      httpStatus,
      endpoint,
    });
  }
  if (envelope) {
    return new BungieError({ code: envelope.ErrorCode, status: envelope.ErrorStatus, httpStatus, endpoint });
  }
  const body = (typeof data === 'object' && data !== null ? data : {}) as {
    error?: unknown;
    error_description?: unknown;
  };
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  const named = Object.entries(ErrorCode).find(([name]) => name.toLowerCase() === description.toLowerCase());
  if (named) return new BungieError({ code: named[1], httpStatus, endpoint });
  if (httpStatus >= 500) return new BungieError({ code: LocalCode.BungieTrouble, httpStatus, endpoint });
  if (body.error === 'invalid_grant') {
    return new BungieError({ code: ErrorCode.AuthorizationRecordInvalid, httpStatus, endpoint });
  }
  if (body.error === 'invalid_client' || body.error === 'unauthorized_client') {
    return new BungieError({ code: ErrorCode.ApiInvalidOrExpiredKey, httpStatus, endpoint });
  }
  return new BungieError({ code: LocalCode.HttpError, status: statusName(LocalCode.HttpError), httpStatus, endpoint });
}
