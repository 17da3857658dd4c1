import * as v from 'valibot';
import type { PayloadSchemas } from '../messaging/schema-kit';
import { EMPTY, settingText } from '../messaging/schema-kit';
import type { BungieSettingsInput, BungieSettingsView, Session } from '../bungie/protocol';

export type { BungieSettingsInput, BungieSettingsView, Session } from '../bungie/protocol';

/**
 * Page → worker messages for sign-in, sign-out, accounts, user settings. Each entry is `name: { req: …; res: … }`;
 * joined into MessageMap in lib/messaging/messages.ts. Keep payloads free of secrets: tokens never travel to pages.
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
