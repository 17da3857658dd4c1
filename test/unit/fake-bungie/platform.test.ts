// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '@/test/fake-bungie';
import { defaultManifestDir, defaultProfileFile, sharedDir } from '@/test/fake-bungie/fixtures';
import { HUNTER, MEMBERSHIP_ID, PROFILE_PATH, api, envelopeOf, realEnvelope, signIn } from './helpers';

const capture = JSON.parse(readFileSync(defaultProfileFile, 'utf8')) as { Response: Record<string, unknown> };
const START = Date.UTC(2026, 0, 5, 12);

let emu: Emulator;
let token: string;
afterEach(async () => {
  await emu?.close();
});

async function start(options: EmulatorOptions = {}): Promise<void> {
  emu = await startEmulator({ now: START, ...options });
  token = String((await signIn(emu)).access_token);
}

describe('API key', () => {
  it.each([
    { label: 'missing', apiKey: null, code: 2102, status: 'ApiKeyMissingFromRequest' },
    { label: 'wrong', apiKey: 'not-the-key', code: 2101, status: 'ApiInvalidOrExpiredKey' },
  ])('$label X-API-Key answers $code $status', async ({ apiKey, code, status }) => {
    await start();
    const r = await api(emu, '/Platform/Destiny2/Manifest/', { apiKey });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ ErrorCode: code, ErrorStatus: status, ThrottleSeconds: 0, MessageData: {} });
    expect(r.body).not.toHaveProperty('Response');
  });
});

describe('Origin check', () => {
  it('a browser Origin other than the registered one answers 2107 OriginHeaderDoesNotMatchKey', async () => {
    await start({ allowedOrigin: 'chrome-extension://iojnopefmmgbcipnognfpaddcgmpopfm' });
    const call = (origin: string) =>
      fetch(`${emu.url}/Platform/Destiny2/Manifest/`, { headers: { 'X-API-Key': emu.apiKey, Origin: origin } }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
      );
    expect((await call('chrome-extension://iojnopefmmgbcipnognfpaddcgmpopfm')).body.ErrorCode).toBe(1);
    expect((await call('https://evil.example')).body).toMatchObject({
      ErrorCode: 2107,
      ErrorStatus: 'OriginHeaderDoesNotMatchKey',
    });
  });
});

describe('Manifest and CDN', () => {
  let generated: string;
  beforeAll(() => {
    generated = mkdtempSync(join(tmpdir(), 'vr-manifest-'));
    execFileSync('python3', [join(sharedDir, 'tools', 'make-manifest.py'), '--out', generated, '--seed', '7'], {
      stdio: 'ignore',
    });
  });
  afterAll(() => rmSync(generated, { recursive: true, force: true }));

  it('serves index.json verbatim and the files it names', async () => {
    await start();
    const r = await api(emu, '/Platform/Destiny2/Manifest/');
    expect(r.text).toBe(readFileSync(join(defaultManifestDir, 'Platform/Destiny2/Manifest/index.json'), 'utf8'));
    const paths = (r.body.Response as { mobileWorldContentPaths: { en: string } }).mobileWorldContentPaths;
    const zip = Buffer.from(await (await fetch(`${emu.url}${paths.en}`)).arrayBuffer());
    expect(zip.equals(readFileSync(join(defaultManifestDir, paths.en)))).toBe(true);
    expect((await fetch(`${emu.url}/common/destiny2_content/../../../etc/passwd`)).status).toBe(404);
  });

  it('publishManifest switches to a new version while running', async () => {
    await start();
    const before = (await api(emu, '/Platform/Destiny2/Manifest/')).body.Response as { version: string };
    emu.control.publishManifest(generated);
    const after = (await api(emu, '/Platform/Destiny2/Manifest/')).body.Response as {
      version: string;
      jsonWorldComponentContentPaths: { en: Record<string, string> };
    };
    expect(after.version).not.toBe(before.version);
    const table = after.jsonWorldComponentContentPaths.en.DestinyInventoryBucketDefinition;
    expect((await fetch(`${emu.url}${table}`)).status).toBe(200);
  });
});

describe('memberships and linked profiles', () => {
  it('GetMembershipsForCurrentUser lists the cross-save memberships with the profile as primary', async () => {
    await start();
    const r = await api(emu, '/Platform/User/GetMembershipsForCurrentUser/', { token });
    const data = r.body.Response as {
      destinyMemberships: { membershipType: number; membershipId: string; crossSaveOverride: number }[];
      primaryMembershipId: string;
      bungieNetUser: { membershipId: string };
    };
    expect(data.primaryMembershipId).toBe(MEMBERSHIP_ID);
    expect(data.bungieNetUser.membershipId).toBe('7094');
    expect(data.destinyMemberships.map((m) => m.membershipType)).toEqual([2, 1, 3, 5, 6]);
    expect(data.destinyMemberships.every((m) => m.crossSaveOverride === 2)).toBe(true);
  });

  it('LinkedProfiles answers the real capture for any linked membership, 1601 otherwise', async () => {
    await start();
    const r = await api(emu, `/Platform/Destiny2/2/Profile/${MEMBERSHIP_ID}/LinkedProfiles/?getAllMemberships=true`);
    expect(r.body.Response).toEqual(
      JSON.parse(
        readFileSync(join(sharedDir, 'fixtures/bungie/responses/GetLinkedProfiles.dim-2025-07-15.json'), 'utf8'),
      ),
    );
    expect((await api(emu, '/Platform/Destiny2/3/Profile/1/LinkedProfiles/')).body.ErrorCode).toBe(1601);
  });
});

describe('GetProfile', () => {
  it('returns only the requested components, byte-identical to the capture while unchanged', async () => {
    await start();
    const r = await api(emu, `${PROFILE_PATH}?components=102,200,201,205,300`, { token });
    const response = r.body.Response as Record<string, unknown>;
    expect(Object.keys(response)).toEqual([
      'responseMintedTimestamp',
      'secondaryComponentsMintedTimestamp',
      'profileInventory',
      'characters',
      'characterInventories',
      'characterEquipment',
      'itemComponents',
    ]);
    for (const key of ['profileInventory', 'characters', 'characterInventories', 'characterEquipment']) {
      expect(r.text).toContain(`"${key}":${JSON.stringify(capture.Response[key])}`);
    }
    const items = capture.Response.itemComponents as Record<string, unknown>;
    expect(r.text).toContain(`"itemComponents":{"instances":${JSON.stringify(items.instances)}}`);
    expect(envelopeOf(r.body)).toEqual(realEnvelope('Success'));
  });

  it('responseMintedTimestamp follows the emulator clock', async () => {
    await start();
    const first = (await api(emu, `${PROFILE_PATH}?components=100`, { token })).body.Response as Record<string, string>;
    emu.control.setNow(START + 90_000);
    const second = (await api(emu, `${PROFILE_PATH}?components=100`, { token })).body.Response as Record<
      string,
      string
    >;
    expect(Date.parse(first.responseMintedTimestamp)).toBeGreaterThanOrEqual(START);
    expect(Date.parse(second.responseMintedTimestamp) - START).toBeGreaterThanOrEqual(90_000);
    expect(Date.parse(second.responseMintedTimestamp) - START).toBeLessThan(95_000);
  });

  it('accepts component names as Bungie does', async () => {
    await start();
    const r = await api(emu, `${PROFILE_PATH}?components=Characters,ProfileCurrencies`, { token });
    expect(Object.keys(r.body.Response as object)).toEqual([
      'responseMintedTimestamp',
      'secondaryComponentsMintedTimestamp',
      'profileCurrencies',
      'characters',
    ]);
  });

  it('without ?components answers 18 InvalidParameters, the body Bungie sends (Bungie-net/api #721)', async () => {
    await start();
    const r = await api(emu, PROFILE_PATH, { token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(realEnvelope('InvalidParameters (GetProfile'));
  });

  it('a membership that is not this account answers 1601 DestinyAccountNotFound', async () => {
    await start();
    const r = await api(emu, `/Platform/Destiny2/1/Profile/4611686018429726245/?components=100`, { token });
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ ErrorCode: 1601, ErrorStatus: 'DestinyAccountNotFound' });
  });

  it('without a token private components come back as {privacy: 2} with no data', async () => {
    await start();
    const r = await api(emu, `${PROFILE_PATH}?components=102,200`);
    const response = r.body.Response as Record<string, Record<string, unknown>>;
    expect(response.profileInventory).toEqual({ privacy: 2 });
    expect(response.characters).toEqual(capture.Response.characters);
  });

  it('component 1000 carries transitory data only while the player is in game', async () => {
    await start();
    const offline = (await api(emu, `${PROFILE_PATH}?components=1000`, { token })).body.Response as Record<
      string,
      unknown
    >;
    expect(offline.profileTransitoryData).toEqual({ privacy: 2 });
    emu.control.setPlaying(HUNTER);
    const online = (await api(emu, `${PROFILE_PATH}?components=1000`, { token })).body.Response as {
      profileTransitoryData: { data: { partyMembers: { membershipId: string }[] } };
    };
    expect(online.profileTransitoryData.data.partyMembers[0].membershipId).toBe(MEMBERSHIP_ID);
  });
});
