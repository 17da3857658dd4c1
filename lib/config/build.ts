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

/** A root-relative path of plain URL characters, not `//host` or `/\\host` (which would leave the origin). */
const PLAIN_PATH = /^\/(?![/\\])[\w\-./~%]*$/;

let cachedOrigin: { from: string; origin: string | undefined } | undefined;
/** `https://www.bungie.net` from the configured origin (memoised: it is the same for every image). */
function originOf(configured: string): string | undefined {
  if (cachedOrigin?.from !== configured) {
    let origin: string | undefined;
    try {
      origin = new URL(configured).origin;
    } catch {
      origin = undefined;
    }
    cachedOrigin = { from: configured, origin: origin === 'null' ? undefined : origin };
  }
  return cachedOrigin.origin;
}

/**
 * Absolute URL of a Bungie asset path (icons, screenshots, emblems), or `undefined` when the path would leave Bungie.
 * Bungie serves assets from the API origin: relative paths are resolved against it, and absolute URLs are kept only
 * on that same origin (`https://www.bungie.net`; the emulator in test builds). Anything else (another host, a
 * protocol-relative `//host`, `javascript:`, `data:`, `http:` in place of `https:`) is dropped, so the page shows its
 * placeholder instead. Production builds back this with `img-src 'self' https://www.bungie.net` (wxt.config.ts).
 */
export function bungieAssetUrl(path: string | undefined, origin: string = buildConfig().origin): string | undefined {
  if (typeof path !== 'string') return undefined;
  const trimmed = path.trim();
  if (!trimmed) return undefined;
  const allowed = originOf(origin);
  if (!allowed) return undefined;
  // Fast path for the usual Manifest path ("/common/destiny2_content/icons/….jpg"): thousands of tiles render at once.
  if (PLAIN_PATH.test(trimmed)) return `${allowed}${trimmed}`;
  let url: URL;
  try {
    url = new URL(trimmed, `${allowed}/`);
  } catch {
    return undefined;
  }
  // `blob:` URLs report their creator's origin, so the scheme is compared too.
  if (url.origin !== allowed || !allowed.startsWith(url.protocol) || url.username || url.password) return undefined;
  return url.href;
}
