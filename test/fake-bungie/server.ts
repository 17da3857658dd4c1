/**
 * The HTTP side of the emulator: routing, API-key and bearer checks, rate rules, faults, the request log and the
 * /__control surface. Game rules live in inventory.ts, OAuth in oauth.ts, vendors in vendors.ts.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { placeholderImage } from './assets';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import type { DestinyLinkedProfilesResponse, DestinyProfileUserInfoCard } from 'bungie-api-ts/destiny2';
import { BungieError, errorEnvelope, httpStatusFor, success, type Envelope } from './envelopes';
import { FaultInjector, type FaultAction, type FaultRule } from './faults';
import {
  bungieFixturesDir,
  defaultLinkedProfilesFile,
  defaultManifestDir,
  defaultProfileFile,
  defaultPublicVendorsFile,
  defaultVendorsFile,
  loadManifestTree,
  readFixtureJson,
  type ManifestTree,
} from './fixtures';
import { Inventory, type EmulatorState, type ItemRequest } from './inventory';
import { Loadouts, type LoadoutRequest, type LoadoutSlot } from './loadouts';
import { OAuthServer } from './oauth';
import { buildProfileResponse, parseComponents, type CapturedProfile } from './profile';
import {
  buildPublicVendorsResponse,
  buildVendorResponse,
  buildVendorsResponse,
  vendorsAt,
  type CapturedVendors,
} from './vendors';

export interface EmulatorOptions {
  /** Default 0: a random free port on 127.0.0.1. */
  port?: number;
  apiKey?: string;
  clientId?: string;
  /** null = public OAuth client (Bungie gives it no refresh token). */
  clientSecret?: string | null;
  /** The registered redirect URL (https; a chromiumapp.org URL for an extension). */
  redirectUrl?: string;
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
  /** Serve a consent page (buttons #approve / #deny) instead of approving at once. */
  consent?: boolean;
  manifestDir?: string;
  profileFile?: string;
  linkedProfilesFile?: string;
  vendorsFile?: string;
  publicVendorsFile?: string;
  /** Initial clock in ms (it then runs on in real time), or a clock function read on every request. */
  now?: number | (() => number);
  vaultCapacity?: number;
  /** Bungie's minimum gaps: 0.1 s between item actions, 1 s between loadout actions (default true). */
  enforceRateLimit?: boolean;
  /** When set, a request whose Origin header differs answers 2107 OriginHeaderDoesNotMatchKey. */
  allowedOrigin?: string;
  /**
   * How GetProfile answers a bearer token that expired: 'error' (default) is 2111 AccessTokenHasExpired; 'public' is
   * the anonymous view (owner-only components as `{privacy: 2}` without data), which a token lapsing while Bungie
   * builds the answer can produce. Other endpoints always answer 2111.
   */
  lapsedTokenProfile?: 'error' | 'public';
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** ErrorCode of the JSON envelope answered, when there was one. */
  errorCode?: number;
  /** Emulator clock when the request arrived. */
  time: number;
  /** Request headers, lower-cased; Authorization is reduced to its scheme. */
  headers: Record<string, string>;
  /** Parsed JSON body of /Platform POSTs (never the OAuth form, which carries secrets). */
  body?: unknown;
  /** Fault kinds applied to this request. */
  faults?: string[];
}

export interface PlayingOptions {
  /** In an activity, equipping is refused with 1671 DestinyCannotPerformActionAtThisLocation. */
  inActivity?: boolean;
}

export interface EmulatorControl {
  setNow(ms: number): void;
  now(): number;
  publishManifest(dir: string): void;
  setVaultCapacity(n: number): void;
  fault(rule: FaultRule): void;
  clearFaults(): void;
  state(): EmulatorState;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  tokens(): { access: string[]; refresh: string[] };
  expireAccessTokens(): void;
  expireRefreshTokens(): void;
  revokeAll(): void;
  setPlaying(characterId: string | null, options?: PlayingOptions): void;
  /** Replaces a character's in-game loadout slots (padded with empty slots to the loadout count). */
  setLoadouts(characterId: string, loadouts: LoadoutSlot[]): void;
}

export interface Emulator {
  url: string;
  port: number;
  apiKey: string;
  clientId: string;
  clientSecret: string | null;
  close(): Promise<void>;
  control: EmulatorControl;
}

const ITEM_ACTIONS = ['transferitem', 'equipitem', 'equipitems', 'setlockstate', 'pullfrompostmaster'];
/** Bungie's published minimum gap between starts of the same item action (DIM rate-limit-config uses the same). */
const ITEM_ACTION_GAP_MS = 100;
const LOADOUT_ACTIONS = ['equiploadout', 'snapshotloadout', 'updateloadoutidentifiers', 'clearloadout'];
/** openapi x-documentation-attributes ThrottleSecondsBetweenActionPerUser "1" for the four loadout actions. */
const LOADOUT_ACTION_GAP_MS = 1000;

const PLATFORM_ICONS: Record<number, string> = {
  1: '/img/theme/bungienet/icons/xboxLiveLogo.png',
  2: '/img/theme/bungienet/icons/psnLogo.png',
  3: '/img/theme/bungienet/icons/steamLogo.png',
  5: '/img/theme/bungienet/icons/stadiaLogo.png',
  6: '/img/theme/bungienet/icons/egsLogo.png',
};

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.content': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
};

interface Reply {
  status: number;
  body: string | Buffer;
  /** Streamed from disk instead of body (CDN files). */
  file?: string;
  contentType: string;
  headers?: Record<string, string>;
  errorCode?: number;
}

function jsonReply(envelope: Envelope | Record<string, unknown>, status: number): Reply {
  const errorCode = typeof envelope.ErrorCode === 'number' ? envelope.ErrorCode : undefined;
  return { status, body: JSON.stringify(envelope), contentType: 'application/json; charset=utf-8', errorCode };
}

function errorReply(error: BungieError): Reply {
  return jsonReply(errorEnvelope(error.code, error.options), error.options.status ?? httpStatusFor(error.code));
}

function htmlReply(status: number, html: string, headers?: Record<string, string>): Reply {
  return { status, body: html, contentType: 'text/html; charset=utf-8', headers };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function loggedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' ? text.split(' ')[0] : text;
  }
  return out;
}

/** Starts the emulator on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apiKey = options.apiKey ?? 'vr-test-api-key';
  const clientId = options.clientId ?? '50001';
  const clientSecret = options.clientSecret === undefined ? 'vr-test-secret' : options.clientSecret;
  const redirectUrl = options.redirectUrl ?? 'https://iojnopefmmgbcipnognfpaddcgmpopfm.chromiumapp.org/';
  const enforceRateLimit = options.enforceRateLimit ?? true;

  let clockFn = typeof options.now === 'function' ? options.now : undefined;
  let clockOffset = typeof options.now === 'number' ? options.now - Date.now() : 0;
  const now = () => (clockFn ? clockFn() : Date.now() + clockOffset);

  let manifest: ManifestTree = loadManifestTree(options.manifestDir ?? defaultManifestDir);
  const cdnDirs: string[] = [manifest.dir];

  const profileEnvelope = readFixtureJson<{ Response: CapturedProfile }>(options.profileFile ?? defaultProfileFile);
  const inventory = new Inventory(profileEnvelope.Response, () => manifest);
  if (options.vaultCapacity !== undefined) inventory.vaultCapacityOverride = options.vaultCapacity;
  const loadouts = new Loadouts(inventory);

  const linked = readFixtureJson<DestinyLinkedProfilesResponse>(
    options.linkedProfilesFile ?? defaultLinkedProfilesFile,
  );
  const characterVendors = readFixtureJson<{ Response: CapturedVendors }>(options.vendorsFile ?? defaultVendorsFile);
  const publicVendors = readFixtureJson<{ Response: CapturedVendors }>(
    options.publicVendorsFile ?? defaultPublicVendorsFile,
  );
  const componentNames = readFixtureJson<{ enums: Record<string, { values: Record<string, number> }> }>(
    join(bungieFixturesDir, 'openapi', 'enums.selected.json'),
  ).enums['Destiny.DestinyComponentType'].values;

  const oauth = new OAuthServer(
    {
      clientId,
      clientSecret,
      redirectUrl,
      accessTokenSeconds: options.accessTokenSeconds ?? 3600,
      refreshTokenSeconds: options.refreshTokenSeconds ?? 7_776_000,
      bnetMembershipId: linked.bnetMembership.membershipId,
    },
    now,
  );
  const faults = new FaultInjector();
  const log: RequestLogEntry[] = [];
  const lastActionStart = new Map<string, number>();
  let playing: { characterId: string; startedAt: number } | null = null;

  const userInfo = (): DestinyProfileUserInfoCard => {
    const card = linked.profiles.find(
      (p) => p.membershipId === inventory.membershipId && p.membershipType === inventory.membershipType,
    );
    if (!card) throw new Error('The linked-profiles fixture does not contain the profile fixture’s membership');
    const {
      dateLastPlayed: _d,
      isOverridden: _o,
      isCrossSavePrimary: _p,
      platformSilver: _s,
      ...info
    } = card as DestinyProfileUserInfoCard & { platformSilver?: unknown };
    return info as DestinyProfileUserInfoCard;
  };

  function membershipData(): Record<string, unknown> {
    const cards = [
      ...linked.profiles.map((p) => {
        const {
          dateLastPlayed: _d,
          isOverridden: _o,
          isCrossSavePrimary: _p,
          platformSilver: _s,
          ...card
        } = p as DestinyProfileUserInfoCard & { platformSilver?: unknown };
        return card;
      }),
      ...linked.profilesWithErrors.map((e) => e.infoCard),
    ].map((card) => ({ ...card, iconPath: card.iconPath || (PLATFORM_ICONS[card.membershipType] ?? '') }));
    const primary = linked.profiles.find((p) => p.isCrossSavePrimary && p.crossSaveOverride !== 0);
    const bnet = linked.bnetMembership;
    return {
      destinyMemberships: cards,
      ...(primary ? { primaryMembershipId: primary.membershipId } : {}),
      bungieNetUser: {
        membershipId: bnet.membershipId,
        uniqueName: bnet.supplementalDisplayName,
        displayName: bnet.displayName,
        profilePicturePath: bnet.iconPath,
        cachedBungieGlobalDisplayName: bnet.bungieGlobalDisplayName,
        cachedBungieGlobalDisplayNameCode: bnet.bungieGlobalDisplayNameCode,
      },
    };
  }

  function transitory(): Record<string, unknown> | null {
    if (!playing) return null;
    const character = profileEnvelope.Response.characters.data?.[playing.characterId];
    return {
      partyMembers: [
        {
          membershipId: inventory.membershipId,
          emblemHash: character?.emblemHash ?? 0,
          displayName: userInfo().displayName,
          status: 11,
        },
      ],
      currentActivity: {
        startTime: new Date(playing.startedAt).toISOString(),
        score: 0,
        highestOpposingFactionScore: 0,
        numberOfOpponents: 0,
        numberOfPlayers: 1,
      },
      joinability: { openSlots: 5, privacySetting: 0, closedReasons: 0 },
      tracking: [],
      lastOrbitedDestinationHash: 0,
    };
  }

  /**
   * Bearer check: required endpoints answer 99 without a token; a token that is sent is always validated. With
   * `publicWhenLapsed`, an expired token gets the anonymous answer instead of 2111 (see `lapsedTokenProfile`).
   */
  function authorize(req: IncomingMessage, required: boolean, publicWhenLapsed = false): boolean {
    const header = req.headers.authorization;
    if (!header) {
      if (required) throw new BungieError(99);
      return false;
    }
    const check = oauth.checkBearer(header);
    if (!check.ok && check.code === 2111 && publicWhenLapsed) return false;
    if (!check.ok) throw new BungieError(check.code);
    return true;
  }

  function checkMembership(type: string, id: string): void {
    if (Number(type) !== inventory.membershipType || id !== inventory.membershipId) throw new BungieError(1601);
  }

  function platform(req: IncomingMessage, url: URL, segments: string[], body: Buffer): Reply {
    const key = req.headers['x-api-key'];
    if (!key) throw new BungieError(2102);
    if (key !== apiKey) throw new BungieError(2101);
    if (options.allowedOrigin && req.headers.origin && req.headers.origin !== options.allowedOrigin) {
      throw new BungieError(2107);
    }
    const lower = segments.map((s) => s.toLowerCase());
    const method = req.method ?? 'GET';
    const is = (...parts: string[]) =>
      parts.length === lower.length && parts.every((p, i) => p === '*' || p === lower[i]);

    if (method === 'GET' && is('destiny2', 'manifest')) {
      return { status: 200, body: manifest.indexJson, contentType: 'application/json; charset=utf-8', errorCode: 1 };
    }
    if (method === 'GET' && is('user', 'getmembershipsforcurrentuser')) {
      authorize(req, true);
      return jsonReply(success(membershipData()), 200);
    }
    if (method === 'GET' && is('destiny2', '*', 'profile', '*', 'linkedprofiles')) {
      authorize(req, false);
      const id = segments[3];
      const known =
        linked.bnetMembership.membershipId === id ||
        linked.profiles.some((p) => p.membershipId === id) ||
        linked.profilesWithErrors.some((e) => e.infoCard.membershipId === id);
      if (!known) throw new BungieError(1601);
      return jsonReply(success(linked), 200);
    }
    if (method === 'GET' && is('destiny2', '*', 'profile', '*')) {
      const authorized = authorize(req, false, options.lapsedTokenProfile === 'public');
      checkMembership(segments[1], segments[3]);
      const components = parseComponents(url.searchParams.get('components'), componentNames);
      const response = buildProfileResponse(profileEnvelope.Response, {
        components,
        authorized,
        mintedAt: now(),
        userInfo: userInfo(),
        transitory: transitory(),
        characterLoadouts: loadouts.component(),
      });
      return jsonReply(success(response), 200);
    }
    if (method === 'GET' && is('destiny2', '*', 'profile', '*', 'character', '*', 'vendors')) {
      authorize(req, true);
      checkMembership(segments[1], segments[3]);
      if (!inventory.characterIds().includes(segments[5])) throw new BungieError(1620);
      const components = parseComponents(url.searchParams.get('components'), componentNames);
      return jsonReply(success(buildVendorsResponse(vendorsAt(characterVendors.Response, now()), components)), 200);
    }
    if (method === 'GET' && is('destiny2', '*', 'profile', '*', 'character', '*', 'vendors', '*')) {
      authorize(req, true);
      checkMembership(segments[1], segments[3]);
      if (!inventory.characterIds().includes(segments[5])) throw new BungieError(1620);
      const components = parseComponents(url.searchParams.get('components'), componentNames);
      const vendors = vendorsAt(characterVendors.Response, now());
      return jsonReply(success(buildVendorResponse(vendors, segments[7], components)), 200);
    }
    if (method === 'GET' && is('destiny2', 'vendors')) {
      const components = parseComponents(url.searchParams.get('components'), componentNames);
      return jsonReply(success(buildPublicVendorsResponse(vendorsAt(publicVendors.Response, now()), components)), 200);
    }
    if (method === 'POST' && is('destiny2', 'actions', 'items', '*') && ITEM_ACTIONS.includes(lower[3])) {
      authorize(req, true);
      return itemAction(lower[3], body);
    }
    if (method === 'POST' && is('destiny2', 'actions', 'loadouts', '*') && LOADOUT_ACTIONS.includes(lower[3])) {
      authorize(req, true);
      return loadoutAction(lower[3], body);
    }
    return htmlReply(404, '<html><body><h1>404 - Not Found</h1></body></html>');
  }

  /** Every start of an action counts, refused or not; closer than `gapMs` to the last start answers 51. */
  function throttle(action: string, gapMs: number): void {
    if (enforceRateLimit) {
      const last = lastActionStart.get(action);
      const gap = last === undefined ? Number.POSITIVE_INFINITY : now() - last;
      if (gap < gapMs) {
        throw new BungieError(51, { throttleSeconds: Math.max(1, Math.ceil((gapMs - gap) / 1000)) });
      }
    }
    lastActionStart.set(action, now());
  }

  function actionBody<T>(body: Buffer): T {
    let request: T;
    try {
      request = JSON.parse(body.toString('utf8') || 'null') as T;
    } catch {
      throw new BungieError(18, { actionResponse: true });
    }
    if (!request || typeof request !== 'object') throw new BungieError(18, { actionResponse: true });
    return request;
  }

  function loadoutAction(action: string, body: Buffer): Reply {
    throttle(action, LOADOUT_ACTION_GAP_MS);
    const request = actionBody<LoadoutRequest>(body);
    switch (action) {
      case 'equiploadout':
        return jsonReply(success(loadouts.equip(request)), 200);
      case 'snapshotloadout':
        return jsonReply(success(loadouts.snapshot(request)), 200);
      case 'updateloadoutidentifiers':
        return jsonReply(success(loadouts.updateIdentifiers(request)), 200);
      default:
        return jsonReply(success(loadouts.clear(request)), 200);
    }
  }

  function itemAction(action: string, body: Buffer): Reply {
    throttle(action, ITEM_ACTION_GAP_MS);
    const request = actionBody<ItemRequest>(body);
    switch (action) {
      case 'transferitem':
        return jsonReply(success(inventory.transfer(request)), 200);
      case 'pullfrompostmaster':
        return jsonReply(success(inventory.pullFromPostmaster(request)), 200);
      case 'equipitem':
        return jsonReply(success(inventory.equip(request)), 200);
      case 'equipitems':
        return jsonReply(success(inventory.equipItems(request)), 200);
      default:
        return jsonReply(success(inventory.setLockState(request)), 200);
    }
  }

  function authorizePage(url: URL): Reply {
    const params = url.searchParams;
    if (params.get('client_id') !== clientId || params.get('response_type') !== 'code') {
      return htmlReply(400, '<html><body><h1>Invalid OAuth request</h1></body></html>');
    }
    const requested = params.get('redirect_uri');
    if (requested && requested !== redirectUrl) {
      return htmlReply(400, '<html><body><h1>The redirect URL does not match the application</h1></body></html>');
    }
    const state = params.get('state') ?? '';
    if (!options.consent) return redirect(oauth.issueCode(), state);
    const hidden = `<input type="hidden" name="state" value="${escapeHtml(state)}">`;
    return htmlReply(
      200,
      `<!doctype html><html><head><title>Authorize application</title></head><body>
<h1>Vault Raider wants to access your Bungie.net account</h1>
<form method="post" action="/en/OAuth/Authorize/Decision">${hidden}
<button id="approve" name="decision" value="approve" type="submit">Approve</button>
<button id="deny" name="decision" value="deny" type="submit">Deny</button>
</form></body></html>`,
    );
  }

  function redirect(code: string | null, state: string): Reply {
    const target = new URL(redirectUrl);
    if (code) target.searchParams.set('code', code);
    else target.searchParams.set('error', 'access_denied');
    target.searchParams.set('state', state);
    return htmlReply(302, '', { location: target.toString() });
  }

  function cdn(path: string): Reply | null {
    const relative = decodeURIComponent(path).replace(/^\/+/, '');
    for (const dir of [...cdnDirs].reverse()) {
      const file = resolve(dir, relative);
      if (!file.startsWith(dir + sep)) return null;
      if (existsSync(file) && statSync(file).isFile()) {
        return { status: 200, body: '', file, contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
      }
    }
    return null;
  }

  const control: EmulatorControl = {
    setNow(ms) {
      clockFn = undefined;
      clockOffset = ms - Date.now();
    },
    now,
    publishManifest(dir) {
      manifest = loadManifestTree(dir);
      if (!cdnDirs.includes(manifest.dir)) cdnDirs.push(manifest.dir);
    },
    setVaultCapacity(n) {
      inventory.vaultCapacityOverride = n;
    },
    fault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    state: () => ({ ...inventory.snapshot(), loadouts: loadouts.state() }),
    requests: () => structuredClone(log),
    clearRequests() {
      log.length = 0;
    },
    tokens: () => oauth.tokens(),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    expireRefreshTokens: () => oauth.expireRefreshTokens(),
    revokeAll: () => oauth.revokeAll(),
    setPlaying(characterId, playingOptions = {}) {
      playing = characterId ? { characterId, startedAt: now() } : null;
      inventory.setInActivity(characterId && playingOptions.inActivity ? characterId : null);
    },
    setLoadouts: (characterId, slots) => loadouts.set(characterId, slots),
  };

  function controlRequest(name: string, body: Buffer): Reply {
    const args = (body.length ? JSON.parse(body.toString('utf8')) : {}) as Record<string, unknown>;
    const result = ((): unknown => {
      switch (name) {
        case 'setNow':
          return control.setNow(Number(args.ms));
        case 'now':
          return control.now();
        case 'publishManifest':
          return control.publishManifest(String(args.dir));
        case 'setVaultCapacity':
          return control.setVaultCapacity(Number(args.n));
        case 'fault': {
          const rule = args.rule as FaultRule & { routeRegExp?: string };
          if (rule.routeRegExp) rule.route = new RegExp(rule.routeRegExp, 'i');
          return control.fault(rule);
        }
        case 'clearFaults':
          return control.clearFaults();
        case 'state':
          return control.state();
        case 'requests':
          return control.requests();
        case 'clearRequests':
          return control.clearRequests();
        case 'tokens':
          return control.tokens();
        case 'expireAccessTokens':
          return control.expireAccessTokens();
        case 'expireRefreshTokens':
          return control.expireRefreshTokens();
        case 'revokeAll':
          return control.revokeAll();
        case 'setPlaying':
          return control.setPlaying((args.characterId as string | null) ?? null, {
            inActivity: Boolean(args.inActivity),
          });
        case 'setLoadouts':
          return control.setLoadouts(String(args.characterId), args.loadouts as LoadoutSlot[]);
        default:
          throw new Error(`Unknown control ${name}`);
      }
    })();
    return jsonReply({ ok: true, result: result ?? null }, 200);
  }

  async function route(req: IncomingMessage, url: URL, body: Buffer): Promise<Reply> {
    const path = url.pathname;
    const segments = path.split('/').filter(Boolean);
    const lower = path.toLowerCase();
    try {
      if (lower === '/en/oauth/authorize' || lower === '/en/oauth/authorize/') {
        if (req.method === 'GET') return authorizePage(url);
      }
      if (lower === '/en/oauth/authorize/decision' && req.method === 'POST') {
        const form = new URLSearchParams(body.toString('utf8'));
        const state = form.get('state') ?? '';
        return redirect(form.get('decision') === 'approve' ? oauth.issueCode() : null, state);
      }
      if (lower === '/platform/app/oauth/token' || lower === '/platform/app/oauth/token/') {
        if (req.method !== 'POST') return htmlReply(405, '');
        const result = oauth.token(new URLSearchParams(body.toString('utf8')), req.headers.authorization);
        return {
          status: result.status,
          body: JSON.stringify(result.body),
          contentType: 'application/json; charset=utf-8',
        };
      }
      if (segments[0]?.toLowerCase() === 'platform') return platform(req, url, segments.slice(1), body);
      if (segments[0]?.toLowerCase() === 'common') {
        const file = cdn(path);
        if (file) return file;
        const image = placeholderImage(path);
        if (image) return { status: 200, ...image };
        return htmlReply(404, '<html><body><h1>404 - Not Found</h1></body></html>');
      }
      return htmlReply(404, '<html><body><h1>404 - Not Found</h1></body></html>');
    } catch (error) {
      if (error instanceof BungieError) return errorReply(error);
      throw error;
    }
  }

  function faultReply(action: FaultAction, isItemAction: boolean): Reply {
    if (action.kind === 'http') {
      if (action.envelope) return jsonReply(errorEnvelope(action.errorCode), action.status);
      return htmlReply(
        action.status,
        `<html><head><title>${action.status}</title></head><body><h1>${action.status}</h1><p>bungie.net is having trouble.</p></body></html>`,
      );
    }
    if (action.kind === 'error') {
      const envelope = errorEnvelope(action.errorCode, {
        throttleSeconds: action.throttleSeconds,
        actionResponse: isItemAction && action.errorCode >= 1600 && action.errorCode < 1700,
      });
      return jsonReply(envelope, action.status ?? httpStatusFor(action.errorCode));
    }
    throw new Error(`Fault ${action.kind} has no reply`);
  }

  function send(res: ServerResponse, req: IncomingMessage, reply: Reply): void {
    const origin = req.headers.origin;
    res.setHeader('access-control-allow-origin', origin ?? '*');
    res.setHeader('access-control-allow-headers', 'X-API-Key, Authorization, Content-Type');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('cache-control', 'private');
    // HTTP Date from the emulator's clock: the extension takes server time from it (lib/bungie/server-clock.ts).
    res.setHeader('date', new Date(now()).toUTCString());
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.errorCode !== undefined && reply.status >= 400)
      res.setHeader('x-ventcore-status', String(reply.errorCode));
    res.statusCode = reply.status;
    res.setHeader('content-type', reply.contentType);
    if (reply.file) {
      res.setHeader('content-length', statSync(reply.file).size);
      createReadStream(reply.file).pipe(res);
      return;
    }
    res.end(reply.body);
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      console.error('[fake-bungie]', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('emulator error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    if (url.pathname.startsWith('/__control/')) {
      send(res, req, controlRequest(url.pathname.slice('/__control/'.length).replace(/\/$/, ''), body));
      return;
    }
    if (req.method === 'OPTIONS') {
      send(res, req, { status: 204, body: '', contentType: 'text/plain' });
      return;
    }
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      time: now(),
      headers: loggedHeaders(req),
    };
    const isPlatformPost = req.method === 'POST' && /^\/platform\//i.test(url.pathname) && !/oauth/i.test(url.pathname);
    if (isPlatformPost && body.length) {
      try {
        entry.body = JSON.parse(body.toString('utf8'));
      } catch {
        entry.body = body.toString('utf8');
      }
    }
    log.push(entry);

    const actions = faults.match(entry.method, url.pathname);
    if (actions.length) entry.faults = actions.map((a) => a.kind);
    for (const action of actions.filter((a) => a.kind === 'delay')) {
      await new Promise((r) => setTimeout(r, action.ms));
    }
    if (actions.some((a) => a.kind === 'drop')) {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    const answer = actions.find((a) => a.kind === 'http' || a.kind === 'error');
    const isItemAction = /\/actions\/(items|loadouts)\//i.test(url.pathname);
    const reply = answer ? faultReply(answer, isItemAction) : await route(req, url, body);
    entry.status = reply.status;
    if (reply.errorCode !== undefined) entry.errorCode = reply.errorCode;
    const cut = actions.find((a) => a.kind === 'hang' || a.kind === 'destroy');
    if (cut) cutBodyShort(res, req, cut);
    send(res, req, reply);
  }

  /**
   * `hang` / `destroy`: let the headers (full Content-Length) and the first `afterBytes` body bytes through, then
   * swallow the rest and either keep the socket open or destroy it. Works for file and in-memory replies alike.
   */
  function cutBodyShort(res: ServerResponse, req: IncomingMessage, action: FaultAction): void {
    if (action.kind !== 'hang' && action.kind !== 'destroy') return;
    let budget = action.afterBytes;
    let stopped = false;
    const write = res.write.bind(res) as (chunk: Buffer) => boolean;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      if (action.kind === 'destroy') req.socket.destroy();
    };
    const take = (chunk: unknown) => {
      if (!res.headersSent) res.flushHeaders();
      if (stopped || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      const slice = bytes.subarray(0, budget);
      budget -= slice.length;
      if (slice.length) write(slice);
      if (budget <= 0) stop();
    };
    res.write = ((chunk: unknown) => {
      take(chunk);
      return true;
    }) as typeof res.write;
    res.end = ((chunk?: unknown) => {
      if (!res.headersSent && !res.hasHeader('content-length') && chunk !== undefined && typeof chunk !== 'function') {
        res.setHeader('content-length', Buffer.byteLength(chunk as string | Buffer));
      }
      take(chunk);
      stop();
      return res;
    }) as typeof res.end;
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    clientId,
    clientSecret,
    control,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
