// @vitest-environment node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BungieError,
  ERROR_SENTENCES,
  ErrorCode,
  LocalCode,
  sentenceFor,
  statusName,
  THROTTLE_CODES,
} from '@/lib/bungie/errors';

const platformCodes = JSON.parse(
  readFileSync('/work/shared/fixtures/bungie/openapi/PlatformErrorCodes.json', 'utf8'),
) as Record<string, number>;

/** Every ErrorCode the emulator can answer with, read from its own source so new codes there fail this test. */
function emulatorCodes(): number[] {
  const dir = path.resolve(import.meta.dirname, '../../fake-bungie');
  const envelopes = readFileSync(path.join(dir, 'envelopes.ts'), 'utf8');
  const oauth = readFileSync(path.join(dir, 'oauth.ts'), 'utf8');
  const issues = JSON.parse(readFileSync('/work/shared/fixtures/bungie/responses/errors.from-issues.json', 'utf8')) as {
    examples: { body: { ErrorCode: number } }[];
  };
  const fromMessages = [...envelopes.matchAll(/^\s+(\d+): '/gm)].map((m) => Number(m[1]));
  const fromSets = [...envelopes.matchAll(/new Set\(\[([\d, ]+)\]\)/g)].flatMap((m) => m[1].split(',').map(Number));
  const fromOAuth = [...oauth.matchAll(/invalid\(\d+, '\w+', '(\w+)'\)/g)].map((m) => platformCodes[m[1]]);
  const fromIssues = issues.examples.map((e) => e.body.ErrorCode);
  return [...new Set([...fromMessages, ...fromSets, ...fromOAuth, ...fromIssues])]
    .filter((c) => c !== 1)
    .sort((a, b) => a - b);
}

describe('error sentences', () => {
  it('our code names are Bungie’s (PlatformErrorCodes.json)', () => {
    for (const [name, code] of Object.entries(ErrorCode)) expect(platformCodes[name], name).toBe(code);
  });

  it('the emulator emits a known set of codes', () => {
    expect(emulatorCodes().length).toBeGreaterThan(30);
  });

  it.each(emulatorCodes())('code %i has a sentence of its own', (code) => {
    expect(ERROR_SENTENCES[code], statusName(code)).toMatch(/^[A-Z].+\.$/);
  });

  it.each(Object.values(LocalCode))('local code %i has a sentence', (code) => {
    expect(ERROR_SENTENCES[code]).toMatch(/^[A-Z].+\.$/);
  });

  it('an unknown code still gets a readable sentence naming it', () => {
    expect(sentenceFor(1999)).toContain('code 1999');
  });

  it.each([31, 35, 36, 37, 51, 54, 55, 56, 1672])('code %i is a throttle code', (code) => {
    expect(THROTTLE_CODES.has(code)).toBe(true);
  });

  it('BungieError carries Bungie’s fields and the sentence', () => {
    const error = new BungieError({
      code: 1642,
      status: 'DestinyNoRoomInDestination',
      message: 'There are no item slots available to transfer this item.',
      httpStatus: 500,
      throttleSeconds: 0,
    });
    expect(error).toMatchObject({
      code: 1642,
      status: 'DestinyNoRoomInDestination',
      httpStatus: 500,
      throttleSeconds: 0,
    });
    expect(error.message).toBe('There are no item slots available to transfer this item.');
    expect(error.userMessage).toBe('There is no room for that item where it is going.');
    expect(error.isOutage).toBe(false);
  });
});
