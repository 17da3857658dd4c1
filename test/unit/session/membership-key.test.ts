import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountKey } from '@/lib/session/accounts';
import { membershipKey } from '@/lib/bungie/protocol';
import { profileKey } from '@/lib/profile/service';

const ROOT = join(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|vue)$/.test(name) ? [path] : [];
  });
}

describe('one membership key', () => {
  it('is `${membershipType}:${membershipId}`', () => {
    expect(membershipKey({ membershipType: 3, membershipId: '4611686018467284386' })).toBe('3:4611686018467284386');
  });

  it('the account switcher, the session and the profile cache use the same function', () => {
    expect(accountKey).toBe(membershipKey);
    expect(profileKey).toBe(membershipKey);
  });

  it('no other module builds the key by hand', () => {
    const handBuilt = /`\$\{[\w.?]*membershipType\}:\$\{[\w.?]*membershipId\}`/;
    const offenders = ['lib', 'components', 'entrypoints']
      .flatMap((dir) => sources(join(ROOT, dir)))
      .filter((path) => !path.endsWith('lib/bungie/protocol.ts'))
      // Comments may name the format; code may not build it.
      .filter((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .some((line) => handBuilt.test(line) && !/^\s*(\*|\/\/|\/\*\*)/.test(line)),
      )
      .map((path) => relative(ROOT, path));
    expect(offenders).toEqual([]);
  });
});
