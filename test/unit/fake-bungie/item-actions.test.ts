// @vitest-environment node
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEmulator, VAULT_BUCKET, type Emulator, type EmulatorOptions } from '@/test/fake-bungie';
import { defaultManifestDir, defaultProfileFile, loadManifestTree } from '@/test/fake-bungie/fixtures';
import { HUNTER, PROFILE_PATH, TITAN, WARLOCK, api, realEnvelope, signIn } from './helpers';

interface Item {
  itemHash: number;
  itemInstanceId?: string;
  quantity: number;
  bucketHash: number;
  transferStatus: number;
  state: number;
}
interface Profile {
  Response: {
    profileInventory: { data: { items: Item[] } };
    characterInventories: { data: Record<string, { items: Item[] }> };
    characterEquipment: { data: Record<string, { items: Item[] }> };
  };
}

const capture = JSON.parse(readFileSync(defaultProfileFile, 'utf8')) as Profile;
const defs = loadManifestTree(defaultManifestDir);
const KINETIC = 1498876634;
const HELMET = 3448274439;
const CONSUMABLES = 1469714392;
const POSTMASTER = 215593132;
const EMOTES = 2401704334;

const vault = capture.Response.profileInventory.data.items;
const inventoryOf = (id: string) => capture.Response.characterInventories.data[id].items;
const equipmentOf = (id: string) => capture.Response.characterEquipment.data[id].items;
const named = (list: Item[], name: string, bucketHash?: number) =>
  list.find(
    (i) => defs.items.get(i.itemHash)?.name === name && (bucketHash === undefined || i.bucketHash === bucketHash),
  )!;
const vaultKinetic = vault.find(
  (i) => i.bucketHash === VAULT_BUCKET && defs.items.get(i.itemHash)?.bucketTypeHash === KINETIC,
)!;
const generalCount = vault.filter((i) => i.bucketHash === VAULT_BUCKET).length;

const tmp = mkdtempSync(join(tmpdir(), 'vr-profile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let emu: Emulator;
let token: string;
afterEach(async () => {
  await emu?.close();
});

async function start(options: EmulatorOptions = {}): Promise<void> {
  emu = await startEmulator({ now: Date.UTC(2026, 0, 5, 12), enforceRateLimit: false, ...options });
  token = String((await signIn(emu)).access_token);
}

function action(name: string, body: Record<string, unknown>) {
  return api(emu, `/Platform/Destiny2/Actions/Items/${name}/`, { token, body: { membershipType: 2, ...body } });
}

function transfer(item: Item, characterId: string, transferToVault: boolean | undefined, stackSize = 1) {
  return action('TransferItem', {
    itemReferenceHash: item.itemHash,
    stackSize,
    ...(transferToVault === undefined ? {} : { transferToVault }),
    itemId: item.itemInstanceId ?? '0',
    characterId,
  });
}

function owner(instanceId: string) {
  return emu.control.state().items.find((i) => i.itemInstanceId === instanceId);
}

/** The envelope Bungie sends for a rule with no captured body: Response 0 and the code's name. */
function actionError(code: number, status: string) {
  return expect.objectContaining({ Response: 0, ErrorCode: code, ErrorStatus: status, ThrottleSeconds: 0 });
}

describe('TransferItem', () => {
  it('character → vault → character moves the item and GetProfile shows it', async () => {
    await start();
    const weapon = inventoryOf(HUNTER).find((i) => i.bucketHash === KINETIC)!;
    expect(await transfer(weapon, HUNTER, true)).toMatchObject({ status: 200, body: { Response: 0, ErrorCode: 1 } });
    expect(owner(weapon.itemInstanceId!)).toMatchObject({ owner: 'vault', bucketHash: VAULT_BUCKET, location: 2 });
    expect((await transfer(weapon, WARLOCK, false)).body.ErrorCode).toBe(1);
    expect(owner(weapon.itemInstanceId!)).toMatchObject({ owner: WARLOCK, bucketHash: KINETIC, location: 1 });
    const profile = (await api(emu, `${PROFILE_PATH}?components=201`, { token })).body.Response as Profile['Response'];
    expect(
      profile.characterInventories.data[WARLOCK].items.some((i) => i.itemInstanceId === weapon.itemInstanceId),
    ).toBe(true);
    expect(
      profile.characterInventories.data[HUNTER].items.some((i) => i.itemInstanceId === weapon.itemInstanceId),
    ).toBe(false);
  });

  it('character → character directly answers 1623, the body Bungie sends (Bungie-net/api #1936)', async () => {
    await start();
    const weapon = inventoryOf(WARLOCK).find((i) => i.bucketHash === KINETIC)!;
    const r = await transfer(weapon, HUNTER, false);
    expect(r.status).toBe(500);
    expect(r.body).toEqual(realEnvelope('DestinyItemNotFound (character->character'));
    expect(owner(weapon.itemInstanceId!)!.owner).toBe(WARLOCK);
  });

  it('transferToVault omitted means "from the vault": 1623 (Bungie-net/api #949)', async () => {
    await start();
    const r = await transfer(
      inventoryOf(HUNTER).find((i) => i.bucketHash === KINETIC)!,
      HUNTER,
      undefined,
    );
    expect(r.body).toEqual(realEnvelope('DestinyItemNotFound (transferToVault omitted)'));
  });

  it('a wrong item id or a wrong itemReferenceHash answers 1623', async () => {
    await start();
    expect(
      (await transfer({ ...vaultKinetic, itemInstanceId: '6917529000000000000' }, HUNTER, false)).body.ErrorCode,
    ).toBe(1623);
    expect((await transfer({ ...vaultKinetic, itemHash: 1 }, WARLOCK, false)).body.ErrorCode).toBe(1623);
  });

  it('an unknown character answers 1620 DestinyCharacterNotFound', async () => {
    await start();
    const r = await transfer(vaultKinetic, '2305843009999999999', false);
    expect(r.body).toEqual(actionError(1620, 'DestinyCharacterNotFound'));
  });

  it('an equipped item cannot move: 1656 DestinyCannotPerformActionOnEquippedItem', async () => {
    await start();
    const equipped = equipmentOf(HUNTER).find((i) => i.bucketHash === KINETIC)!;
    const r = await transfer(equipped, HUNTER, true);
    expect(r.status).toBe(500);
    expect(r.body).toEqual({
      Response: 0,
      ErrorCode: 1656,
      ThrottleSeconds: 0,
      ErrorStatus: 'DestinyCannotPerformActionOnEquippedItem',
      Message: 'You cannot perform this action on an equipped item.',
      MessageData: {},
    });
  });

  it('an emote cannot go to the vault: 1627, the body Bungie sends (Bungie-net/api #912)', async () => {
    await start();
    const emote = inventoryOf(HUNTER).find((i) => i.bucketHash === EMOTES)!;
    const r = await transfer(emote, HUNTER, true);
    expect(r.body).toEqual(realEnvelope('DestinyVendorNotFound'));
  });

  it('a non-transferrable item answers 1660 DestinyItemNotTransferrable', async () => {
    const variant = structuredClone(capture);
    const bound = variant.Response.characterInventories.data[WARLOCK].items.find((i) => i.bucketHash === KINETIC)!;
    bound.transferStatus = 2;
    const file = join(tmp, 'bound.json');
    writeFileSync(file, JSON.stringify(variant));
    await start({ profileFile: file });
    const r = await transfer(bound, WARLOCK, true);
    expect(r.status).toBe(500);
    expect(r.body).toEqual(actionError(1660, 'DestinyItemNotTransferrable'));
  });

  it('vault capacity comes from the General bucket definition (1300) and can be lowered', async () => {
    await start();
    expect(emu.control.state().vaultCapacity).toBe(defs.buckets.get(VAULT_BUCKET)!.itemCount);
    expect(emu.control.state().vaultCapacity).toBe(1300);
    await emu.close();
    await start({ vaultCapacity: 500 });
    expect(emu.control.state().vaultCapacity).toBe(500);
  });

  it('a full vault answers 1642, the body Bungie sends (DIM #5019)', async () => {
    await start();
    emu.control.setVaultCapacity(generalCount);
    const weapon = inventoryOf(WARLOCK).find((i) => i.bucketHash === KINETIC)!;
    const r = await transfer(weapon, WARLOCK, true);
    expect(r.status).toBe(500);
    expect(r.body).toEqual(realEnvelope('DestinyNoRoomInDestination'));
  });

  it('a full character bucket (10 including the equipped one) answers 1642', async () => {
    await start();
    const kinetic = (id: string) =>
      inventoryOf(id).filter((i) => i.bucketHash === KINETIC).length +
      equipmentOf(id).filter((i) => i.bucketHash === KINETIC).length;
    expect(kinetic(HUNTER)).toBe(10);
    expect((await transfer(vaultKinetic, HUNTER, false)).body).toEqual(realEnvelope('DestinyNoRoomInDestination'));
    expect((await transfer(vaultKinetic, TITAN, false)).body.ErrorCode).toBe(1);
  });
});

describe('stackables', () => {
  const edz = named(vault, 'EDZ Token');
  const stacks = (hash: number) =>
    emu.control
      .state()
      .items.filter((i) => i.itemHash === hash)
      .map((i) => [i.bucketHash, i.quantity]);

  it('moves part of a stack by quantity into its account bucket and back, merging stacks', async () => {
    await start();
    expect(edz.bucketHash).toBe(VAULT_BUCKET);
    expect((await transfer(edz, HUNTER, false, 400)).body.ErrorCode).toBe(1);
    expect(stacks(edz.itemHash)).toEqual([
      [VAULT_BUCKET, edz.quantity - 400],
      [CONSUMABLES, 400],
    ]);
    expect((await transfer(edz, HUNTER, true, 150)).body.ErrorCode).toBe(1);
    expect(stacks(edz.itemHash)).toEqual([
      [VAULT_BUCKET, edz.quantity - 250],
      [CONSUMABLES, 250],
    ]);
  });

  it('tops up a partial stack in a full vault, but overflow beyond maxStackSize needs a free slot', async () => {
    await start();
    // The capture holds Enhancement Cores as two stacks in the account's Consumables bucket: 999 and 622.
    const cores = vault.filter((i) => defs.items.get(i.itemHash)?.name === 'Enhancement Core');
    const coreMax = defs.items.get(cores[0].itemHash)!.maxStackSize;
    expect(cores.map((i) => [i.bucketHash, i.quantity])).toEqual([
      [CONSUMABLES, coreMax],
      [CONSUMABLES, 622],
    ]);
    expect((await transfer(cores[0], HUNTER, true, 622)).body.ErrorCode).toBe(1);
    expect(stacks(cores[0].itemHash)).toEqual([
      [CONSUMABLES, coreMax],
      [VAULT_BUCKET, 622],
    ]);
    emu.control.setVaultCapacity(generalCount + 1);
    expect((await transfer(cores[0], HUNTER, true, coreMax - 622)).body.ErrorCode).toBe(1);
    expect(stacks(cores[0].itemHash)).toEqual([
      [CONSUMABLES, 622],
      [VAULT_BUCKET, coreMax],
    ]);
    expect((await transfer(cores[0], HUNTER, true, 1)).body).toEqual(realEnvelope('DestinyNoRoomInDestination'));
    emu.control.setVaultCapacity(generalCount + 2);
    expect((await transfer(cores[0], HUNTER, true, 1)).body.ErrorCode).toBe(1);
    expect(stacks(cores[0].itemHash)).toEqual([
      [CONSUMABLES, 621],
      [VAULT_BUCKET, coreMax],
      [VAULT_BUCKET, 1],
    ]);
  });

  it('more than the stack holds answers 18 InvalidParameters', async () => {
    await start();
    expect((await transfer(edz, HUNTER, false, edz.quantity + 1)).body).toEqual(actionError(18, 'InvalidParameters'));
  });
});

describe('EquipItem and EquipItems', () => {
  const equip = (itemId: string, characterId = HUNTER) => action('EquipItem', { itemId, characterId });
  const hunterItem = (name: string) => named(inventoryOf(HUNTER), name).itemInstanceId!;

  it('swaps the equipped item back into the inventory', async () => {
    await start();
    const weapon = inventoryOf(HUNTER).find(
      (i) => i.bucketHash === KINETIC && defs.items.get(i.itemHash)!.tierType !== 6,
    )!;
    const previous = equipmentOf(HUNTER).find((i) => i.bucketHash === KINETIC)!;
    expect((await equip(weapon.itemInstanceId!)).body).toMatchObject({ Response: 0, ErrorCode: 1 });
    expect(owner(weapon.itemInstanceId!)).toMatchObject({ owner: HUNTER, equipped: true });
    expect(owner(previous.itemInstanceId!)).toMatchObject({ owner: HUNTER, equipped: false });
    const profile = (await api(emu, `${PROFILE_PATH}?components=300`, { token })).body.Response as {
      itemComponents: { instances: { data: Record<string, { isEquipped: boolean }> } };
    };
    expect(profile.itemComponents.instances.data[weapon.itemInstanceId!].isEquipped).toBe(true);
    expect(profile.itemComponents.instances.data[previous.itemInstanceId!].isEquipped).toBe(false);
  });

  it('a second exotic weapon answers 1641; the same slot replaces the exotic', async () => {
    await start();
    const r = await equip(hunterItem('Witherhoard'));
    expect(r.status).toBe(500);
    expect(r.body).toEqual({
      Response: 0,
      ErrorCode: 1641,
      ThrottleSeconds: 0,
      ErrorStatus: 'DestinyItemUniqueEquipRestricted',
      Message: 'You can only have one item of this type equipped.',
      MessageData: {},
    });
    expect((await equip(hunterItem('The Lament'))).body.ErrorCode).toBe(1);
  });

  it('a second exotic armor piece answers 1641', async () => {
    await start();
    expect((await equip(hunterItem('Foetracer'))).body.ErrorCode).toBe(1);
    expect((await equip(hunterItem('Oathkeeper'))).body).toEqual(actionError(1641, 'DestinyItemUniqueEquipRestricted'));
  });

  it('armor of another class answers 1640 DestinyItemUnequippable', async () => {
    await start();
    const gloves = named(inventoryOf(HUNTER), 'Prime Zealot Gloves');
    expect(defs.items.get(gloves.itemHash)!.classType).toBe(2);
    expect((await equip(gloves.itemInstanceId!)).body).toEqual({
      Response: 0,
      ErrorCode: 1640,
      ThrottleSeconds: 0,
      ErrorStatus: 'DestinyItemUnequippable',
      Message: 'This item cannot be equipped.',
      MessageData: {},
    });
  });

  it('an item that is not in that character’s inventory answers 1623', async () => {
    await start();
    expect((await equip(vaultKinetic.itemInstanceId!)).body).toEqual(actionError(1623, 'DestinyItemNotFound'));
    expect((await equip(inventoryOf(WARLOCK)[0].itemInstanceId!)).body.ErrorCode).toBe(1623);
  });

  it('in an activity equipping answers 1671 DestinyCannotPerformActionAtThisLocation', async () => {
    await start();
    emu.control.setPlaying(HUNTER, { inActivity: true });
    expect((await equip(hunterItem('Foetracer'))).body).toEqual(
      actionError(1671, 'DestinyCannotPerformActionAtThisLocation'),
    );
    emu.control.setPlaying(HUNTER);
    expect((await equip(hunterItem('Foetracer'))).body.ErrorCode).toBe(1);
  });

  it('EquipItems reports a PlatformErrorCode per item', async () => {
    await start();
    const ids = [hunterItem('Witherhoard'), hunterItem('Foetracer'), '6917529000000000000'];
    const r = await action('EquipItems', { itemIds: ids, characterId: HUNTER });
    expect(r.body.ErrorCode).toBe(1);
    expect(r.body.Response).toEqual({
      equipResults: [
        { itemInstanceId: ids[0], equipStatus: 1641 },
        { itemInstanceId: ids[1], equipStatus: 1 },
        { itemInstanceId: ids[2], equipStatus: 1623 },
      ],
    });
  });
});

describe('PullFromPostmaster and SetLockState', () => {
  const pull = (item: Item, characterId: string) =>
    action('PullFromPostmaster', {
      itemReferenceHash: item.itemHash,
      stackSize: 1,
      itemId: item.itemInstanceId,
      characterId,
    });
  const warlockCover = named(inventoryOf(WARLOCK), 'Praefectus Cover', POSTMASTER);

  it('pulls a postmaster item into its bucket on the owner', async () => {
    await start();
    expect(warlockCover.bucketHash).toBe(POSTMASTER);
    expect((await pull(warlockCover, WARLOCK)).body).toMatchObject({ Response: 0, ErrorCode: 1 });
    expect(owner(warlockCover.itemInstanceId!)).toMatchObject({ owner: WARLOCK, bucketHash: HELMET, location: 1 });
  });

  it('only the owner can pull: another character answers 1623', async () => {
    await start();
    expect((await pull(warlockCover, TITAN)).body).toEqual(actionError(1623, 'DestinyItemNotFound'));
  });

  it('a full destination bucket answers 1642', async () => {
    await start();
    const longShadow = named(inventoryOf(HUNTER), 'Long Shadow', POSTMASTER);
    expect(longShadow.bucketHash).toBe(POSTMASTER);
    expect((await pull(longShadow, HUNTER)).body).toEqual(realEnvelope('DestinyNoRoomInDestination'));
  });

  it('SetLockState sets and clears the Locked bit that GetProfile reports', async () => {
    await start();
    const item = vault.find((i) => i.itemInstanceId && (i.state & 1) === 0 && i.bucketHash === VAULT_BUCKET)!;
    const lock = (state: boolean) =>
      action('SetLockState', { state, itemId: item.itemInstanceId, characterId: HUNTER });
    expect((await lock(true)).body).toMatchObject({ Response: 0, ErrorCode: 1 });
    const read = async () =>
      (
        (await api(emu, `${PROFILE_PATH}?components=102`, { token })).body.Response as Profile['Response']
      ).profileInventory.data.items.find((i) => i.itemInstanceId === item.itemInstanceId)!.state;
    expect((await read()) & 1).toBe(1);
    expect(owner(item.itemInstanceId!)!.locked).toBe(true);
    await lock(false);
    expect((await read()) & 1).toBe(0);
  });
});

describe('rate rules', () => {
  it('item actions closer than 0.1 s apart answer 51 PerEndpointRequestThrottleExceeded with ThrottleSeconds', async () => {
    let clock = Date.UTC(2026, 0, 5, 12);
    emu = await startEmulator({ now: () => clock });
    token = String((await signIn(emu)).access_token);
    const weapon = inventoryOf(HUNTER).find((i) => i.bucketHash === KINETIC)!;
    expect((await transfer(weapon, HUNTER, true)).body.ErrorCode).toBe(1);
    clock += 99;
    const throttled = await transfer(weapon, HUNTER, false);
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({
      ErrorCode: 51,
      ErrorStatus: 'PerEndpointRequestThrottleExceeded',
      ThrottleSeconds: 1,
    });
    expect(owner(weapon.itemInstanceId!)!.owner).toBe('vault');
    clock += 1;
    expect((await transfer(weapon, HUNTER, false)).body.ErrorCode).toBe(1);
  });
});
