// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { bungieAssetUrl } from '@/lib/config/build';

const BUNGIE = 'https://www.bungie.net';
const EMULATOR = 'http://127.0.0.1:45123';

describe('Bungie image URLs stay on Bungie’s origin', () => {
  it.each([
    ['/common/destiny2_content/icons/a.jpg', `${BUNGIE}/common/destiny2_content/icons/a.jpg`],
    ['common/destiny2_content/icons/a.jpg', `${BUNGIE}/common/destiny2_content/icons/a.jpg`],
    ['/img/theme/destiny/icons/x.png?v=2', `${BUNGIE}/img/theme/destiny/icons/x.png?v=2`],
    [`${BUNGIE}/common/destiny2_content/icons/a.jpg`, `${BUNGIE}/common/destiny2_content/icons/a.jpg`],
    ['HTTPS://WWW.BUNGIE.NET/common/a.jpg', `${BUNGIE}/common/a.jpg`],
    ['/common/"quote".jpg', `${BUNGIE}/common/%22quote%22.jpg`],
  ])('kept: %s', (path, url) => {
    expect(bungieAssetUrl(path, BUNGIE)).toBe(url);
  });

  it.each([
    'https://evil.example/a.jpg',
    'https://www.bungie.net.evil.example/a.jpg',
    'https://evil.example/?https://www.bungie.net/a.jpg',
    'https://user:pass@www.bungie.net/a.jpg',
    'http://www.bungie.net/a.jpg',
    'https://www.bungie.net:8443/a.jpg',
    'https://bungie.net/a.jpg',
    '//evil.example/a.jpg',
    '/\\evil.example/a.jpg',
    '\\\\evil.example\\a.jpg',
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'data:image/png;base64,iVBORw0KGgo=',
    'blob:https://www.bungie.net/1234',
    'chrome-extension://abc/icon.png',
    'http://127.0.0.1:45123/a.jpg',
    '',
    '   ',
    undefined,
  ])('dropped: %s', (path) => {
    expect(bungieAssetUrl(path, BUNGIE)).toBeUndefined();
  });

  it('a test build keeps its emulator origin, and only it', () => {
    expect(bungieAssetUrl('/common/a.jpg', EMULATOR)).toBe(`${EMULATOR}/common/a.jpg`);
    expect(bungieAssetUrl(`${EMULATOR}/common/a.jpg`, EMULATOR)).toBe(`${EMULATOR}/common/a.jpg`);
    expect(bungieAssetUrl('http://127.0.0.1:9/common/a.jpg', EMULATOR)).toBeUndefined();
    expect(bungieAssetUrl(`${BUNGIE}/common/a.jpg`, EMULATOR)).toBeUndefined();
  });

  it('without an origin argument it uses the build’s Bungie origin (www.bungie.net by default)', () => {
    expect(bungieAssetUrl('/common/a.jpg')).toBe(`${BUNGIE}/common/a.jpg`);
    expect(bungieAssetUrl('https://evil.example/a.jpg')).toBeUndefined();
  });
});
