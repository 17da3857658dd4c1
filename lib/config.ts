/** Build-time configuration (WXT exposes `WXT_*` env vars through import.meta.env). */
export interface BuildConfig {
  apiKey: string;
  clientId: string;
  clientSecret: string;
  /** Origin of Bungie.net (or of the emulator in demo/test builds), no trailing slash. */
  origin: string;
}

/** Values baked in at build time; the options page may override the first three per user. */
export function buildConfig(): BuildConfig {
  const env = import.meta.env;
  return {
    apiKey: env.WXT_BUNGIE_API_KEY ?? '',
    clientId: env.WXT_BUNGIE_CLIENT_ID ?? '',
    clientSecret: env.WXT_BUNGIE_CLIENT_SECRET ?? '',
    origin: (env.WXT_BUNGIE_ORIGIN || 'https://www.bungie.net').replace(/\/+$/, ''),
  };
}

/** Absolute URL of a Bungie asset path (icons, screenshots); Bungie serves them from the API origin. */
export function bungieAssetUrl(path: string | undefined): string | undefined {
  if (!path) return undefined;
  if (/^https?:\/\//.test(path)) return path;
  return `${buildConfig().origin}${path.startsWith('/') ? '' : '/'}${path}`;
}
