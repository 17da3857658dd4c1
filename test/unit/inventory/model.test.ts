// @vitest-environment node
import { placeholderItem } from '@/lib/manifest/lookup';
import { PLACEHOLDER_NAMES, placeholderDef } from '@/lib/inventory/placeholder';
import { readFileSync } from 'node:fs';
import type { DestinyItemComponent, DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { describe, expect, it } from 'vitest';
import { buildInventoryModel, bucketsInGameOrder, GAME_BUCKET_ORDER, itemsInBucket } from '@/lib/inventory/model';
import { BUCKETS, VAULT_ID, type InventoryModel } from '@/lib/inventory/types';
import {
  DELETED_HASHES,
  loadDefinitions,
  loadFixtureModel,
  loadProfile,
  MANIFEST_JSON_DIR,
  ORIGINAL_PROFILE_PATH,
} from './fixtures';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Raw Manifest rows (untrimmed), to check the model against Bungie's own fields rather than our trimmer. */
function rawTable(name: string): Record<string, Record<string, unknown>> {
  const file = readdirSync(MANIFEST_JSON_DIR).find((f) => f.startsWith(`${name}-`))!;
  return JSON.parse(readFileSync(join(MANIFEST_JSON_DIR, file), 'utf8'));
}

const profile = loadProfile();
const model = loadFixtureModel();
const rawItems = rawTable('DestinyInventoryItemDefinition');
const rawBuckets = rawTable('DestinyInventoryBucketDefinition');
const characterIds = Object.keys(profile.characters.data!);

/** Counts per bucket straight from the raw JSON, independent of the model. */
function rawCounts(items: DestinyItemComponent[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const i of items) counts[i.bucketHash] = (counts[i.bucketHash] ?? 0) + 1;
  return counts;
}

function modelCounts(m: InventoryModel, storeId: string): Record<number, number> {
  const store = m.stores.find((s) => s.id === storeId)!;
  const counts: Record<number, number> = {};
  for (const [hash, keys] of Object.entries(store.buckets)) if (keys.length) counts[Number(hash)] = keys.length;
  return counts;
}

function rawCharacterItems(p: DestinyProfileResponse, id: string): DestinyItemComponent[] {
  return [...p.characterEquipment.data![id].items, ...p.characterInventories.data![id].items];
}

describe('buildInventoryModel over the real 2021 profile', () => {
  it('holds every item of the capture exactly once (553 profile + 190/83/90 carried + 17/16/17 equipped)', () => {
    const total =
      profile.profileInventory.data!.items.length +
      characterIds.reduce((n, id) => n + rawCharacterItems(profile, id).length, 0);
    expect(total).toBe(966);
    expect(Object.keys(model.items)).toHaveLength(total);
    const keyed = model.stores.flatMap((s) => Object.values(s.buckets).flat());
    expect(new Set(keyed).size).toBe(total);
  });

  it.each(characterIds)('character %s: counts per bucket equal the capture', (id) => {
    expect(modelCounts(model, id)).toEqual(rawCounts(rawCharacterItems(profile, id)));
  });

  it('vault store: counts per bucket equal profileInventory (General 467, Modifications 44, Consumables 42)', () => {
    const expected = rawCounts(profile.profileInventory.data!.items);
    expect(modelCounts(model, VAULT_ID)).toEqual(expected);
    expect(expected).toEqual({ [BUCKETS.General]: 467, [BUCKETS.Modifications]: 44, [BUCKETS.Consumables]: 42 });
  });

  it.each(characterIds)('character %s: equipped count and equipped item first in its bucket', (id) => {
    const equipped = profile.characterEquipment.data![id].items;
    const store = model.stores.find((s) => s.id === id)!;
    expect(Object.values(model.items).filter((i) => i.owner === id && i.equipped)).toHaveLength(equipped.length);
    for (const raw of equipped) {
      const first = model.items[store.buckets[raw.bucketHash][0]];
      expect(first.itemHash).toBe(raw.itemHash);
      expect(first.equipped).toBe(true);
      expect(first.location).toBe('equipped');
    }
  });

  it('orders stores: characters most recently played first, then the vault', () => {
    const byDate = Object.values(profile.characters.data!)
      .sort((a, b) => b.dateLastPlayed.localeCompare(a.dateLastPlayed))
      .map((c) => c.characterId);
    expect(model.stores.map((s) => s.id)).toEqual([...byDate, VAULT_ID]);
    expect(model.stores.map((s) => s.name)).toEqual(['Hunter', 'Titan', 'Warlock', 'Vault']);
  });

  it('orders buckets as the game does, postmaster and General last', () => {
    const order = bucketsInGameOrder(model).map((b) => b.hash);
    expect(order.slice(0, GAME_BUCKET_ORDER.length)).toEqual([...GAME_BUCKET_ORDER]);
    expect(order.slice(-2)).toEqual([BUCKETS.LostItems, BUCKETS.General]);
    expect(new Set(order).size).toBe(order.length);
  });

  it('reads capacities from the bucket definitions, not constants', () => {
    expect(model.vaultCapacity).toBe(rawBuckets[BUCKETS.General].itemCount);
    expect(model.vaultCapacity).toBe(1300);
    expect(model.postmasterCapacity).toBe(rawBuckets[BUCKETS.LostItems].itemCount);
    for (const hash of GAME_BUCKET_ORDER) {
      expect(model.buckets[hash].capacity).toBe(rawBuckets[hash].itemCount);
    }
    expect(model.buckets[BUCKETS.Kinetic]).toMatchObject({ name: 'Kinetic Weapons', equippable: true });
    expect(model.buckets[BUCKETS.Consumables]).toMatchObject({ accountWide: true, capacity: 50 });
  });

  it('puts postmaster items per character (19 in all) with location "postmaster"', () => {
    const raw = characterIds.flatMap((id) =>
      profile.characterInventories.data![id].items.filter((i) => i.bucketHash === BUCKETS.LostItems),
    );
    const inModel = Object.values(model.items).filter((i) => i.location === 'postmaster');
    expect(inModel).toHaveLength(raw.length);
    expect(raw).toHaveLength(19);
    for (const item of inModel) expect(item.owner).not.toBe(VAULT_ID);
  });

  it('vault General items are "vault", account-wide stacks are "inventory", both owned by the vault', () => {
    for (const item of Object.values(model.items).filter((i) => i.owner === VAULT_ID)) {
      expect(item.location).toBe(item.bucketHash === BUCKETS.General ? 'vault' : 'inventory');
    }
  });

  it('takes locked, masterwork, quantity, power, damage and transferability from the profile for every item', () => {
    const all = [
      ...profile.profileInventory.data!.items.map((raw) => ({ raw, owner: VAULT_ID })),
      ...characterIds.flatMap((id) => rawCharacterItems(profile, id).map((raw) => ({ raw, owner: id }))),
    ];
    const instances = profile.itemComponents.instances.data!;
    const byKey = Object.values(model.items);
    for (const { raw, owner } of all.filter((a) => a.raw.itemInstanceId)) {
      const item = model.items[raw.itemInstanceId!];
      const def = rawItems[raw.itemHash];
      expect(item.owner).toBe(owner);
      expect(item.locked).toBe((raw.state & 1) === 1);
      expect(item.masterwork).toBe((raw.state & 4) === 4);
      // Power is the Attack (weapons) or Defense (armor) primary stat; a subclass's rank or a sparrow's speed is not.
      const primary = instances[raw.itemInstanceId!]?.primaryStat;
      expect(item.power).toBe(
        primary && [1480404414, 3897883278].includes(primary.statHash) ? primary.value : undefined,
      );
      expect(item.name).toBe((def.displayProperties as { name: string }).name);
      expect(item.transferable).toBe(!def.nonTransferrable && (raw.transferStatus & 2) === 0);
      const dmg = instances[raw.itemInstanceId!]?.damageType;
      if (dmg) expect(item.damageType).toBe(dmg);
    }
    const stackTotal = (list: { quantity: number }[]) => list.reduce((n, i) => n + i.quantity, 0);
    expect(stackTotal(byKey)).toBe(stackTotal(all.map((a) => a.raw)));
    expect(byKey.filter((i) => i.locked)).toHaveLength(all.filter((a) => a.raw.state & 1).length);
    expect(byKey.filter((i) => i.masterwork)).toHaveLength(all.filter((a) => a.raw.state & 4).length);
  });

  it.each([
    ['tier, exotic flag and unique label', (i: InventoryModel['items'][string]) => i.isExotic === (i.tierType === 6)],
    ['weapons are itemType 3', (i: InventoryModel['items'][string]) => i.isWeapon === (i.itemType === 3)],
    ['armor is itemType 2', (i: InventoryModel['items'][string]) => i.isArmor === (i.itemType === 2)],
  ])('derived facts agree with definitions: %s', (_name, check) => {
    for (const item of Object.values(model.items)) expect(check(item)).toBe(true);
  });

  it('exotic weapons carry the exotic_weapon unique label from the definition', () => {
    const exoticWeapons = Object.values(model.items).filter((i) => i.isWeapon && i.isExotic);
    expect(exoticWeapons.length).toBeGreaterThan(0);
    for (const item of exoticWeapons) {
      const raw = rawItems[item.itemHash].equippingBlock as { uniqueLabel?: string };
      expect(item.uniqueLabel).toBe(raw.uniqueLabel);
    }
  });

  it('gives stackables unique, stable keys and instanced items their instance id', () => {
    const stacks = Object.values(model.items).filter((i) => !i.itemInstanceId);
    for (const s of stacks) expect(s.key).toMatch(new RegExp(`^${s.itemHash}@${s.owner}@${s.bucketHash}#\\d+$`));
    expect(buildInventoryModel(profile, loadDefinitions()).items).toEqual(model.items);
  });

  it('fills character facts: class, race, gender, light, emblem, last played', () => {
    const hunter = model.stores[0];
    const raw = profile.characters.data![hunter.id];
    const races = rawTable('DestinyRaceDefinition');
    const genders = rawTable('DestinyGenderDefinition');
    expect(hunter).toMatchObject({
      kind: 'character',
      classType: 1,
      className: 'Hunter',
      raceName: (races[raw.raceHash].displayProperties as { name: string }).name,
      genderName: (genders[raw.genderHash].displayProperties as { name: string }).name,
      light: 1314,
      emblemPath: raw.emblemPath,
      emblemBackgroundPath: raw.emblemBackgroundPath,
      dateLastPlayed: '2021-05-28T07:22:03Z',
    });
  });

  it('has no missing hashes and no active character in the cleaned capture (no component 1000)', () => {
    expect(model.missingHashes).toEqual([]);
    expect(model.activeCharacterId).toBeUndefined();
    expect(Object.values(model.items).every((i) => i.resolved)).toBe(true);
  });

  it('marks the most recent character active when component 1000 (transitory data) is present', () => {
    const playing = { ...profile, profileTransitoryData: { data: { partyMembers: [] }, privacy: 1 } };
    const m = buildInventoryModel(playing as unknown as DestinyProfileResponse, loadDefinitions());
    expect(m.activeCharacterId).toBe('2305843009260802821');
  });

  it.each([
    ['the response timestamp when Bungie sends one', '2021-05-28T07:30:00Z', 5, Date.parse('2021-05-28T07:30:00Z')],
    ['the time passed in when it does not', undefined, 1234, 1234],
  ])('mintedAt is %s', (_name, stamp, now, expected) => {
    const p = { ...profile, responseMintedTimestamp: stamp } as DestinyProfileResponse;
    expect(buildInventoryModel(p, loadDefinitions(), { now }).mintedAt).toBe(expected);
  });

  it('lists a bucket with items and no definition (2021 emotes 2401704334) with capacity 0', () => {
    expect(model.buckets[2401704334]).toMatchObject({ name: '', capacity: 0 });
    expect(itemsInBucket(model, model.stores[0].id, 2401704334).length).toBeGreaterThan(0);
  });
});

describe('placeholders', () => {
  const original = loadProfile(ORIGINAL_PROFILE_PATH);
  const m = buildInventoryModel(original, loadDefinitions());

  it('the 23 deleted hashes of the original capture are listed as missing', () => {
    expect(m.missingHashes).toEqual([...DELETED_HASHES].sort((a, b) => a - b));
  });

  it.each(DELETED_HASHES)('deleted hash %i renders as an "Unknown item" placeholder in its real place', (hash) => {
    const placeholders = Object.values(m.items).filter((i) => i.itemHash === hash);
    expect(placeholders.length).toBeGreaterThan(0);
    for (const item of placeholders) {
      expect(item).toMatchObject({
        resolved: false,
        placeholder: 'missing',
        name: 'Unknown item',
        transferable: false,
      });
      const store = m.stores.find((s) => s.id === item.owner)!;
      expect(store.buckets[item.bucketHash]).toContain(item.key);
    }
  });

  it("placeholder items and the lookups' stand-in definitions share one home (lib/inventory/placeholder.ts)", () => {
    const item = Object.values(m.items).find((i) => i.placeholder === 'missing')!;
    const def = placeholderDef(item.itemHash, 'missing');
    expect(placeholderItem).toBe(placeholderDef);
    expect(def.name).toBe(`${PLACEHOLDER_NAMES.missing} ${item.itemHash}`);
    expect(item).toMatchObject({
      name: PLACEHOLDER_NAMES.missing,
      itemType: def.itemType,
      classType: def.classType,
      tierType: def.tierType,
      equippable: def.equippable,
      transferable: !def.nonTransferrable,
    });
  });

  it('keeps every item of the original capture, placeholders included (991 items, 25 placeholders)', () => {
    const p = original;
    const total =
      p.profileInventory.data!.items.length +
      Object.keys(p.characters.data!).reduce((n, id) => n + rawCharacterItems(p, id).length, 0);
    expect(Object.keys(m.items)).toHaveLength(total);
    expect(Object.values(m.items).filter((i) => i.placeholder === 'missing')).toHaveLength(25);
    for (const id of Object.keys(p.characters.data!))
      expect(modelCounts(m, id)).toEqual(rawCounts(rawCharacterItems(p, id)));
    expect(modelCounts(m, VAULT_ID)).toEqual(rawCounts(p.profileInventory.data!.items));
  });

  it('a redacted definition renders as "Classified" and is not reported missing', () => {
    const redacted = Object.entries(rawItems).find(([, d]) => d.redacted === true)![0];
    const raw = profile.profileInventory.data!.items[0];
    const p = {
      ...profile,
      profileInventory: { ...profile.profileInventory, data: { items: [{ ...raw, itemHash: Number(redacted) }] } },
    } as DestinyProfileResponse;
    const cm = buildInventoryModel(p, loadDefinitions());
    const item = Object.values(cm.items).find((i) => i.itemHash === Number(redacted))!;
    expect(item).toMatchObject({ name: 'Classified', placeholder: 'classified', resolved: false });
    expect(cm.missingHashes).toEqual([]);
  });
});
