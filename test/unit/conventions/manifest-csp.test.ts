// @vitest-environment node
import { describe, expect, it } from 'vitest';
import config from '../../../wxt.config';

type ManifestFn = (env: { mode: string }) => { content_security_policy: { extension_pages: string } };

function imgSrc(mode: string, origin?: string): string[] {
  const previous = process.env.WXT_BUNGIE_ORIGIN;
  if (origin) process.env.WXT_BUNGIE_ORIGIN = origin;
  else delete process.env.WXT_BUNGIE_ORIGIN;
  try {
    const csp = (config.manifest as ManifestFn)({ mode }).content_security_policy.extension_pages;
    const directive = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('img-src '));
    return directive ? directive.split(/\s+/).slice(1) : [];
  } finally {
    if (previous === undefined) delete process.env.WXT_BUNGIE_ORIGIN;
    else process.env.WXT_BUNGIE_ORIGIN = previous;
  }
}

describe('extension page CSP: images', () => {
  it('production builds load images only from the extension and https://www.bungie.net (no data:)', () => {
    expect(imgSrc('production')).toEqual(["'self'", 'https://www.bungie.net']);
  });

  it('test builds also allow the emulator they are built against', () => {
    const sources = imgSrc('test', 'http://127.0.0.1:45123');
    expect(sources).toEqual(expect.arrayContaining(["'self'", 'https://www.bungie.net', 'http://127.0.0.1:45123']));
    expect(sources).not.toContain('data:');
    expect(sources).not.toContain('*');
  });
});
