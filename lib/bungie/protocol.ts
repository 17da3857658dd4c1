/**
 * The shared types of the sign-in, as pages and stores see them: the one module of lib/bungie that components and
 * lib/stores may import (the lint wall allows only this file). Types and tiny pure helpers only: no storage, no
 * network, no worker state. The worker's own modules import from here too, so there is one definition of each.
 */

/** Whether someone is signed in; 'expired': the UI shows "Sign in again". */
export type AuthState = 'signed-out' | 'signed-in' | 'expired';

/** What the UI can show about Bungie itself. */
export type BungieHealth = 'ok' | 'slow' | 'maintenance' | 'trouble';

/** One Destiny account the user can pick (a membership Bungie lets them play on). */
export interface DestinyAccount {
  membershipType: number;
  membershipId: string;
  displayName: string;
  bungieGlobalDisplayName: string;
  bungieGlobalDisplayNameCode?: number;
  /** The platform to show, e.g. "Steam", or "Cross Save (Steam)" for a cross-save primary. */
  platform: string;
  /** Every platform this account's data plays on (several under cross-save). */
  platforms: string[];
  crossSave: boolean;
  /** ms since the epoch, when Bungie told us (linked profiles); drives the default choice. */
  dateLastPlayed?: number;
}

/** A Destiny membership as Bungie names it: the pair every per-account record is keyed by. */
export interface MembershipRef {
  membershipType: number;
  membershipId: string;
}

/**
 * The one membership key: `${membershipType}:${membershipId}`. The session's selected account, the profile cache
 * (Dexie `profiles`, the active-profile pointer), the alerts' account and the account switcher all use it.
 */
export function membershipKey(membership: MembershipRef): string {
  return `${membership.membershipType}:${membership.membershipId}`;
}

/** What pages (and other worker services) know about the sign-in. Never holds a token. */
export interface Session {
  signedIn: boolean;
  /** 'expired': the UI shows "Sign in again". */
  state: AuthState;
  /** "Name#1234" of the Bungie.net account. */
  bungieName: string | null;
  /** The Destiny account the extension works on; persists across worker restarts. */
  membership: DestinyAccount | null;
  accounts: DestinyAccount[];
  /** 'slow' after ~15 s without an answer, 'maintenance' on SystemDisabled, 'trouble' on 5xx without an envelope. */
  health: BungieHealth;
}

/** The options page's view of the user's own Bungie application values. The client secret is never sent back. */
export interface BungieSettingsView {
  apiKey: string;
  clientId: string;
  hasClientSecret: boolean;
  /** Whether the build carries its own values (then the fields are optional overrides). */
  buildHasApiKey: boolean;
  buildHasClientId: boolean;
  buildHasClientSecret: boolean;
  origin: string;
}

export interface BungieSettingsInput {
  apiKey: string;
  clientId: string;
  /** undefined keeps the stored secret; '' removes it (public client). */
  clientSecret?: string;
}
