import { browser } from 'wxt/browser';
import type { BuildConfig } from '@/lib/config';

/** A user's own Bungie application values, entered on the options page; empty fields fall back to the build's. */
export interface UserBungieSettings {
  apiKey?: string;
  clientId?: string;
  clientSecret?: string;
}

/** storage.local key of the user's overrides (local only: never synced, since it may hold a client secret). */
export const SETTINGS_KEY = 'vr.bungie.settings';

function clean(settings: UserBungieSettings): UserBungieSettings {
  const out: UserBungieSettings = {};
  for (const field of ['apiKey', 'clientId', 'clientSecret'] as const) {
    const value = settings[field]?.trim();
    if (value) out[field] = value;
  }
  return out;
}

/** Read the user's overrides from storage.local. */
export async function loadUserSettings(): Promise<UserBungieSettings> {
  const stored = (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] as UserBungieSettings | undefined;
  return clean(stored ?? {});
}

/** Store the user's overrides; blank fields are dropped so the build-time value applies again. */
export async function saveUserSettings(settings: UserBungieSettings): Promise<UserBungieSettings> {
  const cleaned = clean(settings);
  await browser.storage.local.set({ [SETTINGS_KEY]: cleaned });
  return cleaned;
}

/**
 * The configuration in force: a user's API key / client id / secret override the build's. The origin is fixed at
 * build time (Bungie only accepts the redirect registered for this extension's id, so there is nothing to choose).
 * A user-supplied client id without a secret makes a public client, so the build's secret is not mixed in.
 */
export function effectiveConfig(build: BuildConfig, user: UserBungieSettings): BuildConfig {
  const ownApp = Boolean(user.clientId && user.clientId !== build.clientId);
  return {
    origin: build.origin,
    apiKey: user.apiKey || build.apiKey,
    clientId: user.clientId || build.clientId,
    clientSecret: user.clientSecret || (ownApp ? '' : build.clientSecret),
  };
}
