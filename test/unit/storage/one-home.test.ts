import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|vue)$/.test(name) ? [path] : [];
  });
}

/** A raw storage call: `browser.storage.local.get(…)`, `chrome.storage.session.set(…)`, `storage.onChanged`. */
const RAW_STORAGE = /\b(?:browser|chrome)\.storage\.(?:local|session|sync|onChanged)\b/;

describe('storage keys have one home (lib/storage/items.ts)', () => {
  it('no module outside lib/storage reads, writes or watches browser.storage by key', () => {
    const offenders = ['lib', 'components', 'entrypoints']
      .flatMap((dir) => sources(join(ROOT, dir)))
      .filter((path) => !relative(ROOT, path).startsWith('lib/storage/'))
      .filter((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .some((line) => RAW_STORAGE.test(line) && !/^\s*(\*|\/\/|\/\*\*)/.test(line)),
      )
      .map((path) => relative(ROOT, path));
    expect(offenders).toEqual([]);
  });
});
