import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * Stand-ins for Bungie's image CDN (icons, screenshots, emblems). The fixture Manifest names plausible image paths but
 * ships no pictures, so the emulator draws a deterministic PNG per path: the extension's tiles and details then look
 * like a real account in screenshots instead of a wall of broken images. PNG (like Bungie's JPG/PNG) decodes off the
 * main thread, and the answers carry a long cache lifetime as Bungie's CDN does, so timings are not distorted.
 * Only image paths get one; everything else under /common still 404s as Bungie would.
 */
export function placeholderImage(
  path: string,
): { body: Buffer; contentType: string; headers: Record<string, string> } | undefined {
  const match = /^\/common\/destiny2_content\/(icons|screenshots)\/[^/]+\.(jpg|png)$/i.exec(path);
  if (!match) return undefined;
  let body = cache.get(path);
  if (!body) {
    body = match[1].toLowerCase() === 'screenshots' ? drawScreenshot(path) : drawIcon(path);
    cache.set(path, body);
  }
  return { body, contentType: 'image/png', headers: { 'cache-control': 'public, max-age=86400' } };
}

const cache = new Map<string, Buffer>();

type Rgb = [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

function seedOf(path: string): Buffer {
  return createHash('md5').update(path).digest();
}

/** A 64×64 icon: a radial-ish gradient with one of three glyphs (ring, diamond, triangle) in a lighter hue. */
function drawIcon(path: string): Buffer {
  const d = seedOf(path);
  const size = 64;
  const hue = (d[0] * 360) / 256;
  const glyphHue = (hue + 40 + (d[1] % 80)) % 360;
  const shape = d[4] % 3;
  const glyph = hsl(glyphHue, 0.8, 0.72);
  return png(size, size, (x, y) => {
    const dx = x - size / 2 + 0.5;
    const dy = y - size / 2 + 0.5;
    const r = Math.hypot(dx, dy) / (size / 2);
    const inGlyph =
      shape === 0
        ? Math.abs(r - 0.55) < 0.09
        : shape === 1
          ? Math.abs(dx) + Math.abs(dy) < size * 0.34
          : dy < size * 0.22 && dy > -size * 0.3 && Math.abs(dx) < (dy + size * 0.3) * 0.6;
    return inGlyph ? glyph : hsl(hue, 0.55, 0.42 - 0.26 * Math.min(1, r));
  });
}

/** A 320×180 "screenshot": a diagonal gradient with a ridge line, in the item's colours. */
function drawScreenshot(path: string): Buffer {
  const d = seedOf(path);
  const [w, h] = [320, 180];
  const hue = (d[0] * 360) / 256;
  const hue2 = (hue + 40 + (d[1] % 80)) % 360;
  const ridge = (x: number) => h * 0.7 - Math.sin((x / w) * Math.PI * (1 + (d[2] % 3)) + d[3]) * h * 0.15;
  return png(w, h, (x, y) => (y > ridge(x) ? hsl(hue2, 0.3, 0.08) : hsl(hue, 0.45, 0.32 - 0.2 * ((x + y) / (w + h)))));
}

function png(width: number, height: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
