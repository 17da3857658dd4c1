/**
 * Bungie's OAuth: /en/OAuth/Authorize and /Platform/App/OAuth/Token/, plus the bearer-token checks /Platform uses.
 *
 * Token response shape: Bungie-net/api #499 (fixtures/bungie/responses/oauth-token.from-issues.json). Public clients
 * get no refresh token (Bungie-net/api #24). Token errors use RFC 6749 `error` values with Bungie's
 * PlatformErrorCodes identifier as `error_description` (2106 AuthorizationCodeInvalid, Bungie-net/api #128).
 */
import { randomBytes } from 'node:crypto';

export interface OAuthConfig {
  clientId: string;
  clientSecret: string | null;
  redirectUrl: string;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  /** Bungie.net membership id put in `membership_id` (the BungieNext account, not a Destiny membership). */
  bnetMembershipId: string;
}

interface IssuedToken {
  value: string;
  expiresAt: number;
  revoked: boolean;
}

interface AuthCode {
  value: string;
  issuedAt: number;
  used: boolean;
}

/** Authorization codes are short-lived; Bungie names an old code AuthorizationCodeStale (2122). */
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export type TokenResult =
  | { status: 200; body: Record<string, string | number> }
  | { status: number; body: { error: string; error_description: string } };

export type BearerCheck = { ok: true } | { ok: false; code: 99 | 2111 };

function tokenValue(bytes: number): string {
  // Bungie's tokens are base64 and contain '+', '/' and '=' (Bungie-net/api #1440: clients must not URL-encode them).
  return randomBytes(bytes).toString('base64');
}

export class OAuthServer {
  private codes = new Map<string, AuthCode>();
  private access = new Map<string, IssuedToken>();
  private refresh = new Map<string, IssuedToken>();
  private issuedAccess: string[] = [];
  private issuedRefresh: string[] = [];

  constructor(
    readonly config: OAuthConfig,
    private readonly now: () => number,
  ) {}

  /** Issues a single-use authorization code, as the Authorize page does after approval. */
  issueCode(): string {
    const value = randomBytes(16).toString('hex');
    this.codes.set(value, { value, issuedAt: this.now(), used: false });
    return value;
  }

  /** Handles a form-encoded POST to /Platform/App/OAuth/Token/. */
  token(form: URLSearchParams, authorization: string | undefined): TokenResult {
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    if (clientId !== this.config.clientId) return invalid(400, 'invalid_client', 'AuthorizationRecordInvalid');
    if (this.config.clientSecret !== null && clientSecret !== this.config.clientSecret) {
      return invalid(401, 'invalid_client', 'ApplicationTokenFormatNotValid');
    }

    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code || code.used) return invalid(400, 'invalid_grant', 'AuthorizationCodeInvalid');
      code.used = true;
      if (this.now() - code.issuedAt > CODE_LIFETIME_MS) return invalid(400, 'invalid_grant', 'AuthorizationCodeStale');
      return { status: 200, body: this.grant() };
    }
    if (grantType === 'refresh_token') {
      if (this.config.clientSecret === null) return invalid(400, 'invalid_grant', 'ProvidedTokenNotValidRefreshToken');
      const token = this.refresh.get(form.get('refresh_token') ?? '');
      if (!token) return invalid(400, 'invalid_grant', 'ProvidedTokenNotValidRefreshToken');
      if (token.revoked) return invalid(400, 'invalid_grant', 'AuthorizationRecordRevoked');
      if (token.expiresAt <= this.now()) return invalid(400, 'invalid_grant', 'RefreshTokenExpired');
      // A refresh rotates the pair: the old refresh token cannot be replayed.
      token.revoked = true;
      return { status: 200, body: this.grant() };
    }
    return invalid(400, 'unsupported_grant_type', 'InvalidParameters');
  }

  private grant(): Record<string, string | number> {
    const now = this.now();
    const access = tokenValue(96);
    this.access.set(access, { value: access, expiresAt: now + this.config.accessTokenSeconds * 1000, revoked: false });
    this.issuedAccess.push(access);
    const body: Record<string, string | number> = {
      access_token: access,
      token_type: 'Bearer',
      expires_in: this.config.accessTokenSeconds,
    };
    if (this.config.clientSecret !== null) {
      const refresh = tokenValue(120);
      this.refresh.set(refresh, {
        value: refresh,
        expiresAt: now + this.config.refreshTokenSeconds * 1000,
        revoked: false,
      });
      this.issuedRefresh.push(refresh);
      body.refresh_token = refresh;
      body.refresh_expires_in = this.config.refreshTokenSeconds;
    }
    body.membership_id = this.config.bnetMembershipId;
    return body;
  }

  /** Checks an Authorization header: unknown or revoked → 99 WebAuthRequired, expired → 2111 AccessTokenHasExpired. */
  checkBearer(authorization: string | undefined): BearerCheck {
    const match = /^Bearer (.+)$/.exec(authorization ?? '');
    if (!match) return { ok: false, code: 99 };
    const token = this.access.get(match[1]);
    if (!token || token.revoked) return { ok: false, code: 99 };
    if (token.expiresAt <= this.now()) return { ok: false, code: 2111 };
    return { ok: true };
  }

  tokens(): { access: string[]; refresh: string[] } {
    return { access: [...this.issuedAccess], refresh: [...this.issuedRefresh] };
  }

  expireAccessTokens(): void {
    const now = this.now();
    for (const token of this.access.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  expireRefreshTokens(): void {
    const now = this.now();
    for (const token of this.refresh.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  /** The user revoked the app on bungie.net: every token stops working. */
  revokeAll(): void {
    for (const token of this.access.values()) token.revoked = true;
    for (const token of this.refresh.values()) token.revoked = true;
  }
}

function invalid(status: number, error: string, description: string): TokenResult {
  return { status, body: { error, error_description: description } };
}
