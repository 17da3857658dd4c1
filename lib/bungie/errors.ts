/**
 * Bungie error model: every failure of a Bungie request becomes one `BungieError` carrying Bungie's own code and
 * status name plus a sentence a player can read. Codes are Bungie's PlatformErrorCodes (openapi.json); we keep our
 * own numeric constants because bungie-api-ts declares them as a const enum.
 */

/** The PlatformErrorCodes this extension reacts to, by Bungie's names. */
export const ErrorCode = {
  Success: 1,
  SystemDisabled: 5,
  InsufficientPrivileges: 12,
  InvalidParameters: 18,
  WebAuthModuleAsyncFailed: 22,
  ThrottleLimitExceeded: 31,
  ThrottleLimitExceededMinutes: 35,
  ThrottleLimitExceededMomentarily: 36,
  ThrottleLimitExceededSeconds: 37,
  PerEndpointRequestThrottleExceeded: 51,
  PerApplicationThrottleExceeded: 54,
  PerApplicationAnonymousThrottleExceeded: 55,
  PerApplicationAuthenticatedThrottleExceeded: 56,
  PerUserThrottleExceeded: 57,
  WebAuthRequired: 99,
  DestinyAccountNotFound: 1601,
  DestinyUnexpectedError: 1618,
  DestinyCharacterNotFound: 1620,
  DestinyItemNotFound: 1623,
  DestinyVendorNotFound: 1627,
  DestinyItemAlreadyInInventory: 1632,
  DestinyItemUnequippable: 1640,
  DestinyItemUniqueEquipRestricted: 1641,
  DestinyNoRoomInDestination: 1642,
  DestinyServiceFailure: 1643,
  DestinyUniquenessViolation: 1648,
  DestinyCannotPerformActionOnEquippedItem: 1656,
  DestinyItemNotTransferrable: 1660,
  DestinyItemActionForbidden: 1663,
  DestinyPrivacyRestriction: 1665,
  DestinyCannotPerformActionAtThisLocation: 1671,
  DestinyThrottledByGameServer: 1672,
  DestinyItemNotTransferrableHasSideEffects: 1673,
  DestinyItemLocked: 1674,
  DestinyPGCRNotFound: 1653,
  DestinySocketActionNotAllowed: 1678,
  ApiInvalidOrExpiredKey: 2101,
  ApiKeyMissingFromRequest: 2102,
  ApplicationDisabled: 2103,
  AuthorizationCodeInvalid: 2106,
  ApplicationTokenFormatNotValid: 2112,
  OriginHeaderDoesNotMatchKey: 2107,
  RefreshTokenNotYetValid: 2110,
  AccessTokenHasExpired: 2111,
  OAuthAccessTokenExpired: 2115,
  ProvidedTokenNotValidRefreshToken: 2117,
  RefreshTokenExpired: 2118,
  AuthorizationRecordInvalid: 2119,
  TokenPreviouslyRevoked: 2120,
  TokenInvalidMembership: 2121,
  AuthorizationCodeStale: 2122,
  AuthorizationRecordExpired: 2123,
  AuthorizationRecordRevoked: 2124,
} as const;

/**
 * Failures that have no Destiny error code of their own. Negative so they never collide with PlatformErrorCodes;
 * the status names double as `BungieError.status`.
 */
export const LocalCode = {
  /** HTTP 5xx (or a non-JSON answer) without a Destiny envelope: Bungie's servers are in trouble. */
  BungieTrouble: -1,
  /** The request never got an answer (offline, DNS, connection reset). */
  NetworkError: -2,
  /** No answer before the hard timeout. */
  Timeout: -3,
  /** An HTTP 4xx without a Destiny envelope. */
  HttpError: -4,
  /** The user's session cannot be refreshed any more: they must sign in again. */
  SignInRequired: -5,
  /** Never signed in, and the endpoint needs a signed-in user. */
  NotSignedIn: -6,
  /** The OAuth answer did not carry the `state` we sent. */
  StateMismatch: -7,
  /** The user closed or refused the Bungie sign-in window. */
  SignInCancelled: -8,
  /** The request was aborted by its caller. */
  Aborted: -9,
  /** No API key / client id configured. */
  NotConfigured: -10,
  /** An answer that claims to be Bungie's (envelope, token) but does not have its shape. */
  MalformedAnswer: -11,
} as const;

const statusByCode = new Map<number, string>(
  [...Object.entries(ErrorCode), ...Object.entries(LocalCode)].map(([name, code]) => [code, name]),
);

/** Bungie asks every client to slow down after these (Bungie: back off on throttle codes). */
export const THROTTLE_CODES: ReadonlySet<number> = new Set([
  ErrorCode.ThrottleLimitExceeded,
  ErrorCode.ThrottleLimitExceededMinutes,
  ErrorCode.ThrottleLimitExceededMomentarily,
  ErrorCode.ThrottleLimitExceededSeconds,
  ErrorCode.PerEndpointRequestThrottleExceeded,
  ErrorCode.PerApplicationThrottleExceeded,
  ErrorCode.PerApplicationAnonymousThrottleExceeded,
  ErrorCode.PerApplicationAuthenticatedThrottleExceeded,
  ErrorCode.PerUserThrottleExceeded,
  ErrorCode.DestinyThrottledByGameServer,
]);

/** An API answer meaning "this access token is bad or expired": refresh once and retry once. */
export const BAD_ACCESS_TOKEN_CODES: ReadonlySet<number> = new Set([
  ErrorCode.WebAuthModuleAsyncFailed,
  ErrorCode.WebAuthRequired,
  ErrorCode.AccessTokenHasExpired,
  ErrorCode.OAuthAccessTokenExpired,
]);

/** A token-endpoint answer meaning the grant can never work again: the user must sign in again. */
export const DEAD_GRANT_CODES: ReadonlySet<number> = new Set([
  ErrorCode.AuthorizationCodeInvalid,
  ErrorCode.RefreshTokenNotYetValid,
  ErrorCode.ProvidedTokenNotValidRefreshToken,
  ErrorCode.RefreshTokenExpired,
  ErrorCode.AuthorizationRecordInvalid,
  ErrorCode.TokenPreviouslyRevoked,
  ErrorCode.TokenInvalidMembership,
  ErrorCode.AuthorizationCodeStale,
  ErrorCode.AuthorizationRecordExpired,
  ErrorCode.AuthorizationRecordRevoked,
]);

const SIGN_IN_AGAIN = 'Your Bungie sign-in has expired. Sign in again to continue.';
const SLOW_DOWN = 'Bungie.net asked Vault Raider to slow down. Wait a few seconds and try again.';
const BAD_KEY =
  'Bungie.net refused the API key. Check the API key and client id on the options page, and that the application is set up for this extension.';

/**
 * The sentence a player sees for each code they can meet. Bungie's own `Message` is English developer text and may
 * quote request details, so the UI shows these instead.
 */
export const ERROR_SENTENCES: Readonly<Record<number, string>> = {
  [ErrorCode.SystemDisabled]: 'Bungie.net is down for maintenance. Try again when maintenance is over.',
  [ErrorCode.InsufficientPrivileges]: 'Bungie.net says this account may not do that.',
  [ErrorCode.InvalidParameters]: 'Bungie.net refused the request as invalid. Refresh your inventory and try again.',
  [ErrorCode.WebAuthModuleAsyncFailed]: SIGN_IN_AGAIN,
  [ErrorCode.ThrottleLimitExceeded]: SLOW_DOWN,
  [ErrorCode.ThrottleLimitExceededMinutes]: 'Bungie.net asked Vault Raider to pause for a few minutes.',
  [ErrorCode.ThrottleLimitExceededMomentarily]: SLOW_DOWN,
  [ErrorCode.ThrottleLimitExceededSeconds]: SLOW_DOWN,
  [ErrorCode.PerEndpointRequestThrottleExceeded]: SLOW_DOWN,
  [ErrorCode.PerApplicationThrottleExceeded]: SLOW_DOWN,
  [ErrorCode.PerApplicationAnonymousThrottleExceeded]: SLOW_DOWN,
  [ErrorCode.PerApplicationAuthenticatedThrottleExceeded]: SLOW_DOWN,
  [ErrorCode.PerUserThrottleExceeded]: SLOW_DOWN,
  [ErrorCode.WebAuthRequired]: SIGN_IN_AGAIN,
  [ErrorCode.DestinyAccountNotFound]: 'This Bungie.net account has no Destiny 2 account on that platform.',
  [ErrorCode.DestinyUnexpectedError]: 'Bungie is having trouble right now. Try again in a moment.',
  [ErrorCode.DestinyCharacterNotFound]: 'That character was not found. Refresh your inventory.',
  [ErrorCode.DestinyItemNotFound]: 'That item is no longer where Vault Raider thought it was. Refresh your inventory.',
  [ErrorCode.DestinyVendorNotFound]: 'That vendor is not available right now.',
  [ErrorCode.DestinyItemAlreadyInInventory]: 'That item is already there.',
  [ErrorCode.DestinyItemUnequippable]:
    'That item cannot be equipped on this character (class or level), or not while you are in this activity.',
  [ErrorCode.DestinyItemUniqueEquipRestricted]:
    'Only one exotic weapon and one exotic armor piece can be equipped at a time.',
  [ErrorCode.DestinyNoRoomInDestination]: 'There is no room for that item where it is going.',
  [ErrorCode.DestinyServiceFailure]: 'The Destiny servers failed to answer. Try again in a moment.',
  [ErrorCode.DestinyUniquenessViolation]: 'You can only hold one of that item.',
  [ErrorCode.DestinyCannotPerformActionOnEquippedItem]: 'That item is equipped: equip something else first.',
  [ErrorCode.DestinyItemNotTransferrable]: 'That item cannot be transferred.',
  [ErrorCode.DestinyItemActionForbidden]: 'Bungie does not allow that action on this item.',
  [ErrorCode.DestinyPrivacyRestriction]: 'That account’s privacy settings hide this information.',
  [ErrorCode.DestinyCannotPerformActionAtThisLocation]:
    'That cannot be done while you are in this activity. Go to orbit or a social space and try again.',
  [ErrorCode.DestinyThrottledByGameServer]: 'The Destiny game servers asked us to wait. Try again in a few seconds.',
  [ErrorCode.DestinyItemNotTransferrableHasSideEffects]: 'Moving that item would have side effects in game.',
  [ErrorCode.DestinyItemLocked]: 'That item is locked.',
  [ErrorCode.DestinyPGCRNotFound]: 'Bungie has no report for that activity.',
  [ErrorCode.DestinySocketActionNotAllowed]: 'Bungie does not allow changing that socket from outside the game.',
  [ErrorCode.ApiInvalidOrExpiredKey]: BAD_KEY,
  [ErrorCode.ApiKeyMissingFromRequest]: BAD_KEY,
  [ErrorCode.ApplicationDisabled]: 'Bungie.net has disabled this application.',
  [ErrorCode.AuthorizationCodeInvalid]: 'Bungie.net did not accept the sign-in. Sign in again.',
  [ErrorCode.ApplicationTokenFormatNotValid]:
    'Bungie.net refused the OAuth client secret. Check the client id and secret on the options page.',
  [ErrorCode.OriginHeaderDoesNotMatchKey]:
    'Bungie.net refused requests from this extension: the application’s Origin header must be chrome-extension://<this extension id>.',
  [ErrorCode.RefreshTokenNotYetValid]: SIGN_IN_AGAIN,
  [ErrorCode.AccessTokenHasExpired]: SIGN_IN_AGAIN,
  [ErrorCode.OAuthAccessTokenExpired]: SIGN_IN_AGAIN,
  [ErrorCode.ProvidedTokenNotValidRefreshToken]: SIGN_IN_AGAIN,
  [ErrorCode.RefreshTokenExpired]: SIGN_IN_AGAIN,
  [ErrorCode.AuthorizationRecordInvalid]: SIGN_IN_AGAIN,
  [ErrorCode.TokenPreviouslyRevoked]: SIGN_IN_AGAIN,
  [ErrorCode.TokenInvalidMembership]: SIGN_IN_AGAIN,
  [ErrorCode.AuthorizationCodeStale]: 'The sign-in took too long. Sign in again.',
  [ErrorCode.AuthorizationRecordExpired]: SIGN_IN_AGAIN,
  [ErrorCode.AuthorizationRecordRevoked]: 'Access for Vault Raider was revoked at Bungie.net. Sign in again.',
  [LocalCode.BungieTrouble]: 'Bungie is having trouble right now. Try again in a moment.',
  [LocalCode.NetworkError]: 'Could not reach Bungie.net. Check your connection and try again.',
  [LocalCode.Timeout]: 'Bungie.net took too long to answer. Try again in a moment.',
  [LocalCode.HttpError]: 'Bungie.net refused the request. Try again later.',
  [LocalCode.SignInRequired]: SIGN_IN_AGAIN,
  [LocalCode.NotSignedIn]: 'Sign in with Bungie first.',
  [LocalCode.StateMismatch]:
    'Sign-in was refused: the answer did not come from the sign-in Vault Raider started. Try signing in again.',
  [LocalCode.SignInCancelled]: 'Sign-in was cancelled.',
  [LocalCode.Aborted]: 'The request was cancelled.',
  [LocalCode.MalformedAnswer]:
    'Bungie.net sent an answer Vault Raider could not read, so nothing was changed. Try again in a moment.',
  [LocalCode.NotConfigured]:
    'Vault Raider has no Bungie API key or client id. Enter them on the options page (see the README for the Bungie application setup).',
};

/** Bungie's status name for a code (e.g. 1642 → "DestinyNoRoomInDestination"); `Unknown<code>` otherwise. */
export function statusName(code: number): string {
  return statusByCode.get(code) ?? `Unknown${code}`;
}

/** The player-facing sentence for a code; a generic sentence naming the code when the table has none. */
export function sentenceFor(code: number): string {
  return (
    ERROR_SENTENCES[code] ??
    `Bungie.net answered with an error (${statusName(code)}, code ${code}). Try again; if it keeps happening, refresh.`
  );
}

export interface BungieErrorInit {
  code: number;
  /** Bungie's ErrorStatus name, or one of LocalCode's names. */
  status?: string;
  /** Bungie's developer message; never shown to players and never carries request secrets. */
  message?: string;
  httpStatus?: number;
  throttleSeconds?: number;
  /** The endpoint path (no origin, no query) for diagnostics. */
  endpoint?: string;
}

/** A failed Bungie request, with Bungie's code and a sentence the UI can show as is. */
export class BungieError extends Error {
  readonly code: number;
  readonly status: string;
  readonly httpStatus: number;
  readonly throttleSeconds: number;
  readonly endpoint: string;
  readonly userMessage: string;

  constructor(init: BungieErrorInit) {
    const status = init.status || statusName(init.code);
    super(init.message || status);
    this.name = 'BungieError';
    this.code = init.code;
    this.status = status;
    this.httpStatus = init.httpStatus ?? 0;
    this.throttleSeconds = init.throttleSeconds ?? 0;
    this.endpoint = init.endpoint ?? '';
    this.userMessage = sentenceFor(init.code);
  }

  /** Maintenance (SystemDisabled): the UI shows a maintenance state instead of an error. */
  get isMaintenance(): boolean {
    return this.code === ErrorCode.SystemDisabled;
  }

  /**
   * Bungie's servers failed: an HTTP 5xx without a Destiny envelope. A 500 that carries a Destiny ErrorCode is that
   * error (Bungie answers many game conditions with HTTP 500), not an outage.
   */
  get isOutage(): boolean {
    return this.code === LocalCode.BungieTrouble;
  }

  /** The session is gone: the UI shows "Sign in again". */
  get needsSignIn(): boolean {
    return this.code === LocalCode.SignInRequired || DEAD_GRANT_CODES.has(this.code);
  }
}
