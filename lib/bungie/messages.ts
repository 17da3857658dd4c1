import * as v from 'valibot';
import type { PayloadSchemas } from '../message-schema-kit';
import { EMPTY, settingText } from '../message-schema-kit';
import type { DestinyAccount } from './accounts';
import type { AuthState } from './auth';
import type { BungieHealth } from './client';

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

/**
 * Page → worker messages for sign-in, sign-out, accounts, user settings. Each entry is `name: { req: …; res: … }`;
 * joined into MessageMap in lib/messages.ts. Keep payloads free of secrets: tokens never travel to pages.
 */
export interface AuthMessages {
  authSession: { req: Record<string, never>; res: Session };
  authSignIn: { req: Record<string, never>; res: Session };
  authSignOut: { req: Record<string, never>; res: Session };
  authSelectAccount: { req: { membershipType: number; membershipId: string }; res: Session };
  authReloadAccounts: { req: Record<string, never>; res: Session };
  authSettings: { req: Record<string, never>; res: BungieSettingsView };
  authSaveSettings: { req: BungieSettingsInput; res: BungieSettingsView };
}

/** What the worker accepts for each auth message (parsed before dispatch; anything else is refused with a sentence). */
export const authPayloads: PayloadSchemas<AuthMessages> = {
  authSession: EMPTY,
  authSignIn: EMPTY,
  authSignOut: EMPTY,
  authSelectAccount: v.object({
    membershipType: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)),
    membershipId: v.pipe(v.string(), v.regex(/^\d{1,20}$/, 'a Bungie membership id (digits)')),
  }),
  authReloadAccounts: EMPTY,
  authSettings: EMPTY,
  authSaveSettings: v.object({
    apiKey: settingText,
    clientId: settingText,
    clientSecret: v.optional(settingText),
  }),
};
