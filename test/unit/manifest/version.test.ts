import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinyManifest } from 'bungie-api-ts/destiny2';
import { describe, expect, it } from 'vitest';
import { manifestTarget, manifestVersionKey, MANIFEST_SCHEMA_VERSION, pickLanguage } from '@/lib/manifest/version';
import { BUNGIE_DIR, fixtureManifest } from './helpers';

function realManifest(file: string): DestinyManifest {
  return JSON.parse(readFileSync(join(BUNGIE_DIR, 'responses', file), 'utf8')).Response;
}
const real2026 = realManifest('Destiny2Manifest.flat-destiny-2026-06-30.json');
const all = Object.keys(real2026.mobileWorldContentPaths);

describe('language follows the browser UI when Bungie has it', () => {
  it.each([
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['fr', 'fr'],
    ['fr-CA', 'fr'],
    ['de-DE', 'de'],
    ['es-ES', 'es'],
    ['es', 'es'],
    ['es-MX', 'es-mx'],
    ['es-419', 'es-mx'],
    ['pt-BR', 'pt-br'],
    ['pt-PT', 'pt-br'],
    ['zh-CN', 'zh-chs'],
    ['zh-TW', 'zh-cht'],
    ['zh-Hant-HK', 'zh-cht'],
    ['ja', 'ja'],
    ['ko-KR', 'ko'],
    ['pl', 'pl'],
    ['ru_RU', 'ru'],
    ['nl-NL', 'en'],
    ['', 'en'],
    [undefined, 'en'],
  ])('%s → %s (real 2026 language list)', (ui, expected) => {
    expect(pickLanguage(ui, all)).toBe(expected);
  });

  it('falls back to English when Bungie lacks the UI language (the fixture only ships en)', () => {
    expect(pickLanguage('fr-FR', Object.keys(fixtureManifest().mobileWorldContentPaths))).toBe('en');
  });
});

describe('version key', () => {
  it('is our schema version plus the content path of the chosen language', () => {
    const target = manifestTarget(real2026, 'de-DE');
    expect(target.language).toBe('de');
    expect(target.contentPath).toBe(real2026.mobileWorldContentPaths.de);
    expect(target.key).toBe(`${MANIFEST_SCHEMA_VERSION}:${real2026.mobileWorldContentPaths.de}`);
    expect(target.bungieVersion).toBe(real2026.version);
  });

  it('changes when Bungie swaps files without changing `version`', () => {
    const swapped = {
      ...real2026,
      mobileWorldContentPaths: {
        ...real2026.mobileWorldContentPaths,
        en: '/common/destiny2_content/sqlite/en/new.content',
      },
    };
    expect(manifestTarget(swapped, 'en').key).not.toBe(manifestTarget(real2026, 'en').key);
    expect(swapped.version).toBe(real2026.version);
  });

  it('changes when our schema version changes', () => {
    expect(manifestVersionKey('/p.content', 1)).not.toBe(manifestVersionKey('/p.content', 2));
  });

  it('differs between the 2023 and 2026 captures', () => {
    const old = realManifest('Destiny2Manifest.flat-destiny-2023-04-12.json');
    expect(manifestTarget(old, 'en').key).not.toBe(manifestTarget(real2026, 'en').key);
  });

  it('refuses an answer without content paths with a sentence', () => {
    expect(() => manifestTarget({ ...real2026, mobileWorldContentPaths: {} }, 'en')).toThrow(
      expect.objectContaining({ userMessage: expect.stringMatching(/retry later/) }),
    );
  });
});
