import { createHash } from 'node:crypto';

/**
 * Stand-ins for Bungie's image CDN (icons, screenshots, emblems). The fixture Manifest names plausible image paths but
 * ships no pictures, so the emulator draws a deterministic SVG per path: the extension's tiles and details then look
 * like a real account in screenshots instead of a wall of broken images. Only image paths get one; everything else
 * under /common still 404s as Bungie would.
 */
export function placeholderImage(path: string): { body: string; contentType: string } | undefined {
  const match = /^\/common\/destiny2_content\/(icons|screenshots)\/[^/]+\.(jpg|png)$/i.exec(path);
  if (!match) return undefined;
  const digest = createHash('md5').update(path).digest();
  const hue = (digest[0] * 360) / 256;
  const hue2 = (hue + 40 + (digest[1] % 80)) % 360;
  const kind = match[1];
  if (kind === 'screenshots') {
    return {
      contentType: 'image/svg+xml',
      body: `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},45%,30%)"/><stop offset="1" stop-color="hsl(${hue2},55%,12%)"/></linearGradient></defs><rect width="640" height="360" fill="url(#g)"/><path d="M0 300 L160 ${180 + (digest[2] % 60)} L320 260 L480 ${150 + (digest[3] % 80)} L640 240 L640 360 L0 360Z" fill="hsl(${hue2},30%,8%)" opacity=".8"/></svg>`,
    };
  }
  const shape = digest[4] % 3;
  const glyph =
    shape === 0
      ? `<circle cx="48" cy="48" r="${22 + (digest[5] % 10)}" fill="none" stroke="hsl(${hue2},80%,75%)" stroke-width="6"/>`
      : shape === 1
        ? `<path d="M48 14 L82 48 L48 82 L14 48Z" fill="hsl(${hue2},70%,70%)" opacity=".9"/>`
        : `<path d="M20 70 L48 18 L76 70Z" fill="none" stroke="hsl(${hue2},80%,75%)" stroke-width="6"/>`;
  return {
    contentType: 'image/svg+xml',
    body: `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><defs><radialGradient id="g"><stop offset="0" stop-color="hsl(${hue},55%,42%)"/><stop offset="1" stop-color="hsl(${hue},60%,16%)"/></radialGradient></defs><rect width="96" height="96" fill="url(#g)"/>${glyph}</svg>`,
  };
}
