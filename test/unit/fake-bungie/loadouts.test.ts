// @vitest-environment node
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LOADOUT_BUCKETS,
  UNSET_HASH,
  VAULT_BUCKET,
  loadoutDefinitions,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type LoadoutSlot,
} from '@/test/fake-bungie';
import { EMULATOR_CHOICES } from '@/test/fake-bungie/envelopes';
import { defaultManifestDir, defaultProfileFile, loadManifestTree } from '@/test/fake-bungie/fixtures';
import { HUNTER, MEMBERSHIP_TYPE, PROFILE_PATH, TITAN, WARLOCK, api, signIn } from './helpers';

interface Item {
  itemHash: number;
  itemInstanceId?: string;
  bucketHash: number;
}
interface Capture {
  Response: {
    profileInventory: { data: { items: Item[] } };
    characterInventories: { data: Record<string, { items: Item[] }> };
    characterEquipment: { data: Record<string, { items: Item[] }> };
    itemComponents: { sockets: { data: Record<string, { sockets: { plugHash?: number }[] }> } };
  };
}
interface ProfileWithLoadouts {
  characterLoadouts?: { data?: Record<string, { loadouts: LoadoutSlot[] }>; privacy: number };
  itemComponents?: { sockets: { data: Record<string, { sockets: { plugHash?: number }[] }> } };
  characterEquipment?: { data: Record<string, { items: Item[] }> };
  [key: string]: unknown;
}

const capture = JSON.parse(readFileSync(defaultProfileFile, 'utf8')) as Capture;
const defs = loadManifestTree(defaultManifestDir);
const KINETIC = 1498876634;
const POSTMASTER = 215593132;
const { constants } = loadoutDefinitions;
const [COLOR_A, COLOR_B] = [constants.loadoutColorHashes[0], constants.loadoutColorHashes[3]];
const [ICON_A, ICON_B] = [constants.loadoutIconHashes[0], constants.loadoutIconHashes[5]];
const [NAME_A, NAME_B] = [constants.loadoutNameHashes[0], constants.loadoutNameHashes[6]];
const EMPTY: LoadoutSlot = { colorHash: UNSET_HASH, iconHash: UNSET_HASH, nameHash: UNSET_HASH, items: [] };

const equipmentOf = (id: string) => capture.Response.characterEquipment.data[id].items;
const inventoryOf = (id: string) => capture.Response.characterInventories.data[id].items;
const plugsOf = (instanceId: string) =>
  // The 2021 capture's pre-3.0 subclasses have no sockets: their plugItemHashes are [].
  (capture.Response.itemComponents.sockets.data[instanceId]?.sockets ?? []).map((s) => s.plugHash ?? UNSET_HASH);
/** What a snapshot of the captured equipment records. */
const capturedLoadoutItems = (id: string) =>
  equipmentOf(id)
    .filter((i) => LOADOUT_BUCKETS.includes(i.bucketHash))
    .map((i) => ({ itemInstanceId: i.itemInstanceId!, plugItemHashes: plugsOf(i.itemInstanceId!) }));
/** A legendary kinetic weapon the hunter carries but does not wear. */
const spareKinetic = inventoryOf(HUNTER).find(
  (i) =>
    i.bucketHash === KINETIC && defs.items.get(i.itemHash)?.tierType === 5 && !defs.items.get(i.itemHash)?.uniqueLabel,
)!;
const wornKinetic = equipmentOf(HUNTER).find((i) => i.bucketHash === KINETIC)!;

let emu: Emulator;
let token: string;
afterEach(async () => {
  await emu?.close();
});

async function start(options: EmulatorOptions = {}): Promise<void> {
  emu = await startEmulator({ now: Date.UTC(2026, 0, 5, 12), enforceRateLimit: false, ...options });
  token = String((await signIn(emu)).access_token);
}

function loadoutAction(name: string, body: Record<string, unknown>) {
  return api(emu, `/Platform/Destiny2/Actions/Loadouts/${name}/`, {
    token,
    body: { membershipType: MEMBERSHIP_TYPE, characterId: HUNTER, ...body },
  });
}

async function profile(components: string, withToken = true): Promise<ProfileWithLoadouts> {
  const r = await api(emu, `${PROFILE_PATH}?components=${components}`, withToken ? { token } : {});
  return r.body.Response as ProfileWithLoadouts;
}

function slots(characterId = HUNTER): LoadoutSlot[] {
  return emu.control.state().loadouts[characterId];
}

function equippedKinetic(): string | undefined {
  return emu.control.state().items.find((i) => i.owner === HUNTER && i.equipped && i.bucketHash === KINETIC)
    ?.itemInstanceId;
}

const OK = { Response: 0, ErrorCode: 1, ThrottleSeconds: 0, ErrorStatus: 'Success', Message: 'Ok', MessageData: {} };
const INVALID = {
  Response: 0,
  ErrorCode: 18,
  ThrottleSeconds: 0,
  ErrorStatus: 'InvalidParameters',
  Message: 'The input parameters were invalid, please enter valid input, and try again.',
  MessageData: {},
};

describe('component 206 CharacterLoadouts', () => {
  it('GetProfile serves characterLoadouts.data[characterId].loadouts: slot 0 the equipped gear, 1–9 empty', async () => {
    await start();
    const r = await profile('200,201,205,206');
    expect(Object.keys(r)).toEqual([
      'responseMintedTimestamp',
      'secondaryComponentsMintedTimestamp',
      'characters',
      'characterInventories',
      'characterLoadouts',
      'characterEquipment',
    ]);
    expect(r.characterLoadouts!.privacy).toBe(2);
    const data = r.characterLoadouts!.data!;
    expect(Object.keys(data)).toEqual([HUNTER, WARLOCK, TITAN]);
    for (const id of [HUNTER, WARLOCK, TITAN]) {
      expect(data[id].loadouts).toHaveLength(constants.loadoutCountPerCharacter);
      expect(constants.loadoutCountPerCharacter).toBe(10);
      expect(data[id].loadouts[0]).toEqual({
        colorHash: COLOR_A,
        iconHash: ICON_A,
        nameHash: NAME_A,
        items: capturedLoadoutItems(id),
      });
      expect(data[id].loadouts[0].items).toHaveLength(9);
      expect(data[id].loadouts.slice(1)).toEqual(Array(9).fill(EMPTY));
    }
    // A socket without a plug (the capture's disabled sockets) records the unset hash.
    expect(data[HUNTER].loadouts[0].items.some((i) => i.plugItemHashes.includes(UNSET_HASH))).toBe(true);
    expect(emu.control.state().loadouts).toEqual(
      Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.loadouts])),
    );
  });

  it('is owner-only (privacy 2 without data) and absent unless 206 is asked for', async () => {
    await start();
    expect((await profile('206', false)).characterLoadouts).toEqual({ privacy: 2 });
    expect(await profile('200')).not.toHaveProperty('characterLoadouts');
    expect((await profile('CharacterLoadouts')).characterLoadouts!.data![HUNTER].loadouts).toHaveLength(10);
  });

  it('the identifiers of slot 0 exist in the Color/Icon/Name definitions', () => {
    expect(loadoutDefinitions.colors.has(COLOR_A)).toBe(true);
    expect(loadoutDefinitions.icons.has(ICON_A)).toBe(true);
    expect(loadoutDefinitions.names.has(NAME_A)).toBe(true);
    expect(loadoutDefinitions.colors.has(UNSET_HASH)).toBe(false);
  });

  it('every emulator start begins from the same initial slots; control.setLoadouts pads to 10', async () => {
    await start();
    const initial = slots();
    await loadoutAction('ClearLoadout', { loadoutIndex: 0 });
    expect(slots()[0]).toEqual(EMPTY);
    emu.control.setLoadouts(WARLOCK, [{ ...EMPTY, nameHash: NAME_B }]);
    expect(slots(WARLOCK)).toEqual([{ ...EMPTY, nameHash: NAME_B }, ...Array(9).fill(EMPTY)]);
    expect(() => emu.control.setLoadouts('1', [])).toThrow(/Unknown character/);
    await emu.close();
    await start();
    expect(slots()).toEqual(initial);
  });
});

describe('SnapshotLoadout', () => {
  it('records the equipped items with their socket plugs and the given identifiers into slot N', async () => {
    await start();
    await api(emu, '/Platform/Destiny2/Actions/Items/EquipItem/', {
      token,
      body: { itemId: spareKinetic.itemInstanceId, characterId: HUNTER, membershipType: MEMBERSHIP_TYPE },
    });
    const r = await loadoutAction('SnapshotLoadout', {
      loadoutIndex: 4,
      colorHash: COLOR_B,
      iconHash: ICON_B,
      nameHash: NAME_B,
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(OK);
    const slot = slots()[4];
    expect(slot).toMatchObject({ colorHash: COLOR_B, iconHash: ICON_B, nameHash: NAME_B });
    expect(slot.items.map((i) => i.itemInstanceId)).toContain(spareKinetic.itemInstanceId);
    expect(slot.items.map((i) => i.itemInstanceId)).not.toContain(wornKinetic.itemInstanceId);
    expect(slot.items.find((i) => i.itemInstanceId === spareKinetic.itemInstanceId)!.plugItemHashes).toEqual(
      plugsOf(spareKinetic.itemInstanceId!),
    );
    // Ghost, ship, emblem… are not part of an in-game loadout.
    expect(slot.items).toHaveLength(9);
    expect(slots()[0].items.map((i) => i.itemInstanceId)).toContain(wornKinetic.itemInstanceId);
  });

  it('without identifiers keeps the slot’s hashes; an unknown hash answers 18 and changes nothing', async () => {
    await start();
    expect((await loadoutAction('SnapshotLoadout', { loadoutIndex: 0, colorHash: null })).body).toEqual(OK);
    expect(slots()[0]).toMatchObject({ colorHash: COLOR_A, iconHash: ICON_A, nameHash: NAME_A });
    const before = slots()[2];
    for (const bad of [{ colorHash: NAME_A }, { iconHash: 1 }, { nameHash: COLOR_A }]) {
      const r = await loadoutAction('SnapshotLoadout', { loadoutIndex: 2, ...bad });
      expect(r.status).toBe(200);
      expect(r.body).toEqual(INVALID);
    }
    expect(slots()[2]).toEqual(before);
  });

  it('is allowed while in an activity (only EquipLoadout has a location rule)', async () => {
    await start();
    emu.control.setPlaying(HUNTER, { inActivity: true });
    expect((await loadoutAction('SnapshotLoadout', { loadoutIndex: 1, nameHash: NAME_B })).body).toEqual(OK);
    expect(slots()[1].items).toEqual(capturedLoadoutItems(HUNTER));
  });
});

describe('UpdateLoadoutIdentifiers', () => {
  it('changes only the hashes it is given; the items stay', async () => {
    await start();
    const items = slots()[0].items;
    expect((await loadoutAction('UpdateLoadoutIdentifiers', { loadoutIndex: 0, nameHash: NAME_B })).body).toEqual(OK);
    expect(slots()[0]).toEqual({ colorHash: COLOR_A, iconHash: ICON_A, nameHash: NAME_B, items });
    const r = await loadoutAction('UpdateLoadoutIdentifiers', {
      loadoutIndex: 0,
      colorHash: COLOR_B,
      iconHash: ICON_B,
      nameHash: NAME_A,
    });
    expect(r.body).toEqual(OK);
    expect(slots()[0]).toEqual({ colorHash: COLOR_B, iconHash: ICON_B, nameHash: NAME_A, items });
  });

  it('an identifier hash outside the definitions answers 18', async () => {
    await start();
    expect((await loadoutAction('UpdateLoadoutIdentifiers', { loadoutIndex: 0, colorHash: UNSET_HASH })).body).toEqual(
      INVALID,
    );
    expect(slots()[0].colorHash).toBe(COLOR_A);
  });
});

describe('ClearLoadout', () => {
  it('empties the slot: identifiers and items', async () => {
    await start();
    expect((await loadoutAction('ClearLoadout', { loadoutIndex: 0 })).body).toEqual(OK);
    expect(slots()[0]).toEqual(EMPTY);
    expect(slots(WARLOCK)[0].items).toHaveLength(9);
    expect((await profile('206')).characterLoadouts!.data![HUNTER].loadouts[0]).toEqual(EMPTY);
  });
});

describe('EquipLoadout', () => {
  it('equips the slot’s items and puts their recorded plugs in; unset sockets keep theirs', async () => {
    await start();
    const spareId = spareKinetic.itemInstanceId!;
    const spareSockets = capture.Response.itemComponents.sockets.data[spareId].sockets;
    // A plug the spare weapon does not have in socket 0, so the loadout's plug is seen arriving.
    const plug = plugsOf(wornKinetic.itemInstanceId!).find((p) => p !== UNSET_HASH && p !== spareSockets[0].plugHash)!;
    const loadout = slots()[0];
    emu.control.setLoadouts(HUNTER, [
      {
        ...loadout,
        items: [
          ...loadout.items.filter((i) => i.itemInstanceId !== wornKinetic.itemInstanceId),
          { itemInstanceId: spareId, plugItemHashes: [plug, UNSET_HASH] },
        ],
      },
    ]);
    const r = await loadoutAction('EquipLoadout', { loadoutIndex: 0 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(OK);
    expect(equippedKinetic()).toBe(spareId);
    const sockets = (await profile('305')).itemComponents!.sockets.data[spareId].sockets;
    expect(sockets[0].plugHash).toBe(plug);
    expect(sockets[1].plugHash).toBe(spareSockets[1].plugHash);
    expect(emu.control.state().items.find((i) => i.itemInstanceId === wornKinetic.itemInstanceId)).toMatchObject({
      owner: HUNTER,
      equipped: false,
    });
    // The rest of the slot was already worn: still equipped.
    for (const item of loadout.items.filter((i) => i.itemInstanceId !== wornKinetic.itemInstanceId)) {
      expect(emu.control.state().items.find((i) => i.itemInstanceId === item.itemInstanceId)!.equipped).toBe(true);
    }
  });

  it('skips items the character does not hold (vault, another character, gone) and still answers 0', async () => {
    await start();
    const vaultWeapon = capture.Response.profileInventory.data.items.find(
      (i) => i.bucketHash === VAULT_BUCKET && defs.items.get(i.itemHash)?.bucketTypeHash === KINETIC,
    )!;
    const warlockItem = equipmentOf(WARLOCK).find((i) => i.bucketHash === KINETIC)!;
    const energy = equipmentOf(HUNTER).find((i) => i.bucketHash === 2465295065)!;
    emu.control.setLoadouts(HUNTER, [
      {
        colorHash: COLOR_A,
        iconHash: ICON_A,
        nameHash: NAME_A,
        items: [
          { itemInstanceId: vaultWeapon.itemInstanceId!, plugItemHashes: [] },
          { itemInstanceId: warlockItem.itemInstanceId!, plugItemHashes: [] },
          { itemInstanceId: '6917529000000000000', plugItemHashes: [] },
          { itemInstanceId: '0', plugItemHashes: [] },
          { itemInstanceId: energy.itemInstanceId!, plugItemHashes: [] },
        ],
      },
      { ...EMPTY },
      {
        ...EMPTY,
        items: [{ itemInstanceId: spareKinetic.itemInstanceId!, plugItemHashes: [] }],
      },
    ]);
    const before = emu.control.state().items;
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 0 })).body).toEqual(OK);
    expect(emu.control.state().items).toEqual(before);
    expect(emu.control.state().items.find((i) => i.itemInstanceId === vaultWeapon.itemInstanceId)!.owner).toBe('vault');
    expect(emu.control.state().items.find((i) => i.itemInstanceId === warlockItem.itemInstanceId)!.owner).toBe(WARLOCK);
    // An empty slot equips nothing; a held item is equipped.
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 1 })).body).toEqual(OK);
    expect(emu.control.state().items).toEqual(before);
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 2 })).body).toEqual(OK);
    expect(equippedKinetic()).toBe(spareKinetic.itemInstanceId);
  });

  it('an exotic swap works whatever the order: the exotic waits until the other exotic has left', async () => {
    await start();
    const byName = (name: string) =>
      inventoryOf(HUNTER).find((i) => defs.items.get(i.itemHash)?.name === name)!.itemInstanceId!;
    const witherhoard = byName('Witherhoard');
    const berenger = byName("Berenger's Memory");
    // Xenophage (exotic, power slot) is worn; the loadout lists the exotic kinetic first.
    emu.control.setLoadouts(HUNTER, [
      {
        ...EMPTY,
        items: [
          { itemInstanceId: witherhoard, plugItemHashes: [] },
          { itemInstanceId: berenger, plugItemHashes: [] },
        ],
      },
    ]);
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 0 })).body).toEqual(OK);
    const worn = emu.control
      .state()
      .items.filter((i) => i.owner === HUNTER && i.equipped)
      .map((i) => i.itemInstanceId);
    expect(worn).toContain(witherhoard);
    expect(worn).toContain(berenger);
  });

  it('an item in the character’s postmaster is not held', async () => {
    await start();
    const posted = inventoryOf(HUNTER).find((i) => i.bucketHash === POSTMASTER && i.itemInstanceId);
    if (!posted) throw new Error('the capture has no instanced postmaster item for the hunter');
    emu.control.setLoadouts(HUNTER, [
      { ...EMPTY, items: [{ itemInstanceId: posted.itemInstanceId!, plugItemHashes: [] }] },
    ]);
    const before = emu.control.state().items;
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 0 })).body).toEqual(OK);
    expect(emu.control.state().items).toEqual(before);
  });

  it('in an activity answers 1671 and equips nothing', async () => {
    await start();
    emu.control.setLoadouts(
      HUNTER,
      slots().map((s, i) =>
        i === 3 ? { ...EMPTY, items: [{ itemInstanceId: spareKinetic.itemInstanceId!, plugItemHashes: [] }] } : s,
      ),
    );
    emu.control.setPlaying(HUNTER, { inActivity: true });
    const r = await loadoutAction('EquipLoadout', { loadoutIndex: 3 });
    expect(r.status).toBe(500);
    expect(r.body).toEqual({
      Response: 0,
      ErrorCode: 1671,
      ThrottleSeconds: 0,
      ErrorStatus: 'DestinyCannotPerformActionAtThisLocation',
      Message: 'You cannot perform this action at your current location.',
      MessageData: {},
    });
    expect(equippedKinetic()).toBe(wornKinetic.itemInstanceId);
    // Another character is not in the activity; back in orbit the hunter can equip.
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 0, characterId: WARLOCK })).body).toEqual(OK);
    emu.control.setPlaying(HUNTER);
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 3 })).body).toEqual(OK);
    expect(equippedKinetic()).toBe(spareKinetic.itemInstanceId);
  });
});

describe('rules shared by the four actions', () => {
  const ACTIONS = ['EquipLoadout', 'SnapshotLoadout', 'UpdateLoadoutIdentifiers', 'ClearLoadout'];

  it('a loadoutIndex outside 0…9 (or not an integer, or missing) answers 18', async () => {
    await start();
    const before = emu.control.state().loadouts;
    for (const name of ACTIONS) {
      for (const loadoutIndex of [-1, 10, 1.5, '2', undefined]) {
        const r = await loadoutAction(name, { loadoutIndex });
        expect(r.status, `${name} ${String(loadoutIndex)}`).toBe(200);
        expect(r.body).toEqual(INVALID);
      }
      expect((await loadoutAction(name, { loadoutIndex: 9 })).body, name).toEqual(OK);
    }
    expect(emu.control.state().loadouts[WARLOCK]).toEqual(before[WARLOCK]);
  });

  it('an unknown character answers 1620; a wrong membershipType 1601', async () => {
    await start();
    for (const name of ACTIONS) {
      const r = await loadoutAction(name, { loadoutIndex: 0, characterId: '2305843009260802820' });
      expect(r.status).toBe(500);
      expect(r.body).toEqual({
        Response: 0,
        ErrorCode: 1620,
        ThrottleSeconds: 0,
        ErrorStatus: 'DestinyCharacterNotFound',
        Message: 'The character you requested was not found.',
        MessageData: {},
      });
      const wrong = await loadoutAction(name, { loadoutIndex: 0, membershipType: 3 });
      expect(wrong.body).toMatchObject({ Response: 0, ErrorCode: 1601, ErrorStatus: 'DestinyAccountNotFound' });
    }
    expect(slots()[0].items).toHaveLength(9);
  });

  it('need a bearer token (99) and a JSON body (18)', async () => {
    await start();
    const anonymous = await api(emu, '/Platform/Destiny2/Actions/Loadouts/ClearLoadout/', {
      body: { loadoutIndex: 0, characterId: HUNTER, membershipType: MEMBERSHIP_TYPE },
    });
    expect(anonymous.body.ErrorCode).toBe(99);
    const empty = await fetch(`${emu.url}/Platform/Destiny2/Actions/Loadouts/ClearLoadout/`, {
      method: 'POST',
      headers: { 'X-API-Key': emu.apiKey, Authorization: `Bearer ${token}` },
    });
    expect(await empty.json()).toEqual(INVALID);
    expect(slots()[0].items).toHaveLength(9);
    const unknown = await loadoutAction('RenameLoadout', { loadoutIndex: 0 });
    expect(unknown.status).toBe(404);
  });

  it('a second start of the same action within 1 s answers 51 with ThrottleSeconds; other actions are not held', async () => {
    let clock = Date.UTC(2026, 0, 5, 12);
    emu = await startEmulator({ now: () => clock });
    token = String((await signIn(emu)).access_token);
    expect((await loadoutAction('UpdateLoadoutIdentifiers', { loadoutIndex: 0, nameHash: NAME_B })).body).toEqual(OK);
    clock += 999;
    const throttled = await loadoutAction('UpdateLoadoutIdentifiers', { loadoutIndex: 0, nameHash: NAME_A });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({
      ErrorCode: 51,
      ThrottleSeconds: 1,
      ErrorStatus: 'PerEndpointRequestThrottleExceeded',
      Message: 'Too many requests to this endpoint; please slow down.',
      MessageData: {},
    });
    expect(slots()[0].nameHash).toBe(NAME_B);
    // ClearLoadout has its own gap; a throttled call does not move the start, so 1 s after the first one it passes.
    expect((await loadoutAction('ClearLoadout', { loadoutIndex: 5 })).body).toEqual(OK);
    clock += 1;
    expect((await loadoutAction('UpdateLoadoutIdentifiers', { loadoutIndex: 0, nameHash: NAME_A })).body).toEqual(OK);
    expect(slots()[0].nameHash).toBe(NAME_A);
    // A call refused by a rule is still a start.
    clock += 1000;
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 10 })).body).toEqual(INVALID);
    clock += 500;
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 0 })).body.ErrorCode).toBe(51);
    clock += 500;
    expect((await loadoutAction('EquipLoadout', { loadoutIndex: 0 })).body).toEqual(OK);
  });

  it('the request log records each call with its body, status, ErrorCode and emulator time', async () => {
    await start({ now: () => Date.UTC(2026, 0, 5, 12) });
    emu.control.clearRequests();
    await loadoutAction('SnapshotLoadout', { loadoutIndex: 2, colorHash: COLOR_B });
    await loadoutAction('EquipLoadout', { loadoutIndex: 12 });
    const log = emu.control.requests();
    expect(log.map((e) => [e.method, e.path, e.status, e.errorCode])).toEqual([
      ['POST', '/Platform/Destiny2/Actions/Loadouts/SnapshotLoadout/', 200, 1],
      // Bungie sends 18 InvalidParameters with HTTP 200 (errors.from-issues.json).
      ['POST', '/Platform/Destiny2/Actions/Loadouts/EquipLoadout/', 200, 18],
    ]);
    expect(log[0].body).toEqual({
      membershipType: MEMBERSHIP_TYPE,
      characterId: HUNTER,
      loadoutIndex: 2,
      colorHash: COLOR_B,
    });
    expect(log[0].time).toBe(Date.UTC(2026, 0, 5, 12));
  });

  it('an injected game error answers like an action ("Response": 0) and leaves the slot alone', async () => {
    await start();
    emu.control.fault({ route: '/Platform/Destiny2/Actions/Loadouts/**', kind: 'error', errorCode: 1672, once: true });
    const r = await loadoutAction('ClearLoadout', { loadoutIndex: 0 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ Response: 0, ErrorCode: 1672, ErrorStatus: 'DestinyThrottledByGameServer' });
    expect(slots()[0].items).toHaveLength(9);
    expect((await loadoutAction('ClearLoadout', { loadoutIndex: 0 })).body).toEqual(OK);
  });

  it('a separately started emulator is driven over /__control: setLoadouts and state', async () => {
    await start();
    const control = (name: string, args: unknown) =>
      fetch(`${emu.url}/__control/${name}`, { method: 'POST', body: JSON.stringify(args) }).then(
        (r) => r.json() as Promise<{ ok: boolean; result: unknown }>,
      );
    const slot = { ...EMPTY, nameHash: NAME_B };
    expect(await control('setLoadouts', { characterId: TITAN, loadouts: [slot] })).toEqual({ ok: true, result: null });
    const state = (await control('state', {})).result as { loadouts: Record<string, LoadoutSlot[]> };
    expect(state.loadouts[TITAN][0]).toEqual(slot);
    expect((await profile('206')).characterLoadouts!.data![TITAN].loadouts[0]).toEqual(slot);
  });

  it('every loadout choice is in the table of choices', () => {
    const topics = EMULATOR_CHOICES.map((c) => c.topic).join('\n');
    for (const word of [
      'start (component 206)',
      'empty in-game loadout',
      'out of range',
      'EquipLoadout',
      '1671',
      'throttle',
      'Privacy of component 206',
    ]) {
      expect(topics).toContain(word);
    }
  });
});
