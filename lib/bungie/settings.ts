import type { BuildConfig } from '@/lib/config/build';
import { bungieSettingsItem, type UserBungieSettings } from '@/lib/storage/items';

/** A user's own Bungie application values, entered on the options page; empty fields fall back to the build's. */
export type { UserBungieSettings } from '@/lib/storage/items';

/** storage.local key of the user's overrides (local only: never synced, since it may hold a client secret). */
export const SETTINGS_KEY = bungieSettingsItem.name;

function clean(settings: UserBungieSettings): UserBungieSettings {
  const out: UserBungieSettings = {};
  for (const field of ['apiKey', 'clientId', 'clientSecret'] as const) {
    const value = settings[field]?.trim();
    if (value) out[field] = value;
  }
  return out;
}

/** Read the user's overrides from storage.local (malformed stored settings read as none: the build's values apply). */
export async function loadUserSettings(): Promise<UserBungieSettings> {
  return clean(await bungieSettingsItem.getValue());
}

/** Store the user's overrides; blank fields are dropped so the build-time value applies again. */
export async function saveUserSettings(settings: UserBungieSettings): Promise<UserBungieSettings> {
  const cleaned = clean(settings);
  await bungieSettingsItem.setValue(cleaned);
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
