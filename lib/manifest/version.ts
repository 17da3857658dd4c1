import type { DestinyManifest } from 'bungie-api-ts/destiny2';

/**
 * Our own storage schema version. Bump it whenever trimming or the set of stored tables changes: the version key
 * then differs from the stored one and the next check rebuilds the Manifest even if Bungie's files did not change.
 */
export const MANIFEST_SCHEMA_VERSION = 2;

/**
 * Map the browser UI language (BCP 47, e.g. `pt-BR`, `zh-TW`, `es-419`) to a Manifest language Bungie offers in
 * `available`, else English. Bungie: Latin-American Spanish is `es-mx`, Brazilian Portuguese is `pt-br`, Chinese is
 * split by script (`zh-chs` simplified, `zh-cht` traditional).
 */
export function pickLanguage(uiLanguage: string | undefined, available: readonly string[]): string {
  const has = (lang: string) => available.includes(lang);
  const fallback = has('en') || available.length === 0 ? 'en' : available[0];
  if (!uiLanguage) return fallback;
  const tag = uiLanguage.toLowerCase().replace(/_/g, '-');
  const [base, ...rest] = tag.split('-');
  let candidate: string = base;
  if (base === 'zh') {
    const traditional = rest.some((p) => p === 'hant' || p === 'tw' || p === 'hk' || p === 'mo');
    candidate = traditional ? 'zh-cht' : 'zh-chs';
  } else if (base === 'pt') {
    candidate = 'pt-br';
  } else if (base === 'es') {
    const region = rest[0];
    candidate = region && region !== 'es' ? 'es-mx' : 'es';
  }
  if (has(candidate)) return candidate;
  if (has(base)) return base;
  return fallback;
}

/**
 * Our version key for a Manifest answer. Bungie can replace the content files without changing `version`, so the
 * key is the content path of the chosen language, prefixed by our schema version.
 */
export function manifestVersionKey(contentPath: string, schemaVersion = MANIFEST_SCHEMA_VERSION): string {
  return `${schemaVersion}:${contentPath}`;
}

/** What the pipeline needs from one Manifest answer: the language, its content path and our key. */
export interface ManifestTarget {
  key: string;
  language: string;
  contentPath: string;
  bungieVersion: string;
}

/** Choose the language and the SQLite content path from a Manifest answer; throws a sentence when it has none. */
export function manifestTarget(manifest: DestinyManifest, uiLanguage: string | undefined): ManifestTarget {
  const paths = manifest.mobileWorldContentPaths ?? {};
  const language = pickLanguage(uiLanguage, Object.keys(paths));
  const contentPath = paths[language];
  if (!contentPath) {
    throw Object.assign(new Error('Manifest answer has no mobileWorldContentPaths'), {
      userMessage: 'Bungie.net sent an item database index without any database file; Vault Raider will retry later.',
    });
  }
  return { key: manifestVersionKey(contentPath), language, contentPath, bungieVersion: manifest.version };
}
