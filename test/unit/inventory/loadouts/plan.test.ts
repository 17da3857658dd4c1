import { describe as group, expect, it } from 'vitest';
import { snapshotLoadout } from '@/lib/inventory/loadouts/loadout';
import { minimumCalls, planCallCount, planLoadout, type LoadoutPlan } from '@/lib/inventory/loadouts/plan';
import type { ItemStep } from '@/lib/inventory/plan-types';
import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel } from '@/lib/inventory/types';
import { loadDefinitionTables, loadFixtureModel } from '../fixtures';
import { invariantViolations, tinyModel, HUNTER as TINY_HUNTER, WARLOCK as WARLOCK_TINY } from '../plan-test-kit';
import { HUNTER, TITAN, WARLOCK, describe, entryOf, equippedKeys, loadoutOf, named, replay } from './loadout-kit';

const base = loadFixtureModel();
const vaultCount = base.stores.find((s) => s.id === VAULT_ID)!.buckets[BUCKETS.General].length;
const on = (owner: string) => (i: InventoryItem) => i.owner === owner;
const inVault = on(VAULT_ID);
const equippedOn = (owner: string) => (i: InventoryItem) => i.owner === owner && i.equipped;

/** The vault's first legendary (non-exotic) weapon of a bucket, in vault order. */
function vaultLegendary(model: InventoryModel, bucketHash: number, skip = 0): InventoryItem {
  const vault = model.stores.find((s) => s.id === VAULT_ID)!;
  const found = vault.buckets[BUCKETS.General]
    .map((k) => model.items[k])
    .filter((i) => i.targetBucketHash === bucketHash && i.tierType === 5 && i.transferable && !i.uniqueLabel);
  return found[skip];
}

/** The checks every plan must pass: steps replay to `after`, the inventory stays sound, one EquipItems at most. */
function expectSound(model: InventoryModel, plan: LoadoutPlan): InventoryModel {
  const after = replay(model, plan.steps);
  expect(after).toEqual(plan.after);
  expect(invariantViolations(model, after)).toEqual([]);
  // One EquipItems call on the character at most, and it comes last (other characters may get their own first).
  const last = plan.steps.at(-1);
  const target = last?.characterId;
  const batches = plan.steps.filter((s) => s.action === 'equipMany' && s.characterId === target);
  expect(batches.length).toBeLessThanOrEqual(1);
  if (batches.length === 1) expect(last).toBe(batches[0]);
  return after;
}

/** Loadout items that were already on the character are never touched by any step but the EquipItems. */
function touchedKeys(steps: readonly ItemStep[]): Set<string> {
  return new Set(steps.flatMap((s) => (s.action === 'equipMany' ? [] : [s.itemKey])));
}

group('a loadout spread over three characters and the vault', () => {
  const chroma = named(base, 'Chroma Rush', equippedOn(HUNTER));
  const seraph = named(base, 'Seventh Seraph SI2', equippedOn(WARLOCK));
  const worm = named(base, 'Whisper of the Worm', inVault);
  const helm = named(base, 'Praefectus Helm', (i) => i.owner === TITAN && i.power === 1298);
  const shell = named(base, 'Hardlink Shell', on(TITAN));
  const longShadow = named(base, 'Long Shadow', (i) => i.owner === HUNTER && i.power === 1310);
  const trinary = named(base, 'Trinary System', on(WARLOCK));
  const loadout = loadoutOf([chroma, seraph, worm, helm], [shell, longShadow, trinary]);
  const plan = planLoadout(base, loadout, TITAN);

  it('plans without problems and keeps the inventory sound', () => {
    expect(plan.problems).toEqual([]);
    expectSound(base, plan);
  });

  it('ends with the Titan wearing the equipped items and holding the others', () => {
    const after = plan.after;
    for (const item of [chroma, seraph, worm, helm]) {
      expect(after.items[item.key]).toMatchObject({ owner: TITAN, equipped: true });
    }
    for (const item of [shell, longShadow, trinary]) {
      expect(after.items[item.key]).toMatchObject({ owner: TITAN, equipped: false, location: 'inventory' });
    }
  });

  it('unequips on the other characters first, goes through the vault, and equips in one EquipItems call', () => {
    expect(describe(base, plan.steps)).toEqual([
      expect.stringMatching(/^equipping .* on Hunter \[equip via Hunter\]$/),
      'moving Chroma Rush to vault [transfer via Hunter]',
      'moving Chroma Rush to Titan [transfer via Titan]',
      expect.stringMatching(/^equipping .* on Warlock \[equip via Warlock\]$/),
      'moving Seventh Seraph SI2 to vault [transfer via Warlock]',
      'moving Seventh Seraph SI2 to Titan [transfer via Titan]',
      'moving Whisper of the Worm to Titan [transfer via Titan]',
      'moving Long Shadow to vault [transfer via Hunter]',
      'moving Long Shadow to Titan [transfer via Titan]',
      'moving Trinary System to vault [transfer via Warlock]',
      'moving Trinary System to Titan [transfer via Titan]',
      'equipping 4 items on Titan [equipMany via Titan]',
    ]);
    const batch = plan.steps.at(-1)!;
    expect(batch.action === 'equipMany' && batch.items.map((i) => i.itemKey).sort()).toEqual(
      [chroma.key, seraph.key, worm.key, helm.key].sort(),
    );
  });

  it('never touches the items that are already on the Titan, and never picks a loadout item as a replacement', () => {
    const touched = touchedKeys(plan.steps);
    expect(touched.has(helm.key) || touched.has(shell.key)).toBe(false);
    const equips = plan.steps.filter((s) => s.action === 'equip');
    for (const s of equips) expect([longShadow.key, trinary.key]).not.toContain(s.itemKey);
  });

  it('makes exactly the minimum number of calls when there is room', () => {
    expect(planCallCount(plan)).toBe(12);
    expect(minimumCalls(base, loadout, TITAN)).toBe(12);
  });

  it('is undone by the snapshot taken before: one EquipItems call puts the old gear back on', () => {
    const undo = snapshotLoadout(base, TITAN);
    if (!undo.ok) throw new Error(undo.reason);
    const back = planLoadout(plan.after, undo.loadout, TITAN);
    expect(back.problems).toEqual([]);
    expect(back.steps.map((s) => s.action)).toEqual(['equipMany']);
    expect(equippedKeys(expectSound(plan.after, back), TITAN)).toEqual(equippedKeys(base, TITAN));
  });
});

group('a character giving up several worn items', () => {
  // The Warlock's three equipped weapons, applied to the Titan.
  const weapons = [BUCKETS.Kinetic, BUCKETS.Energy, BUCKETS.Power].map((bucket) =>
    Object.values(base.items).find((i) => i.owner === WARLOCK && i.equipped && i.bucketHash === bucket)!,
  );
  const loadout = loadoutOf(weapons);
  const plan = planLoadout(base, loadout, TITAN);

  it('puts on all their replacements in one EquipItems call before the first transfer', () => {
    expect(plan.problems).toEqual([]);
    const after = expectSound(base, plan);
    expect(plan.steps[0]).toMatchObject({ action: 'equipMany', characterId: WARLOCK });
    expect(plan.steps[0].action === 'equipMany' && plan.steps[0].items).toHaveLength(3);
    expect(plan.steps.filter((s) => s.action === 'equip')).toEqual([]);
    expect(plan.steps.filter((s) => s.action === 'equipMany')).toHaveLength(2);
    for (const w of weapons) expect(after.items[w.key]).toMatchObject({ owner: TITAN, equipped: true });
    // The Warlock still wears something in each slot.
    expect(equippedKeys(after, WARLOCK)).toHaveLength(equippedKeys(base, WARLOCK).length);
  });

  it('makes the minimum: one EquipItems there, two transfers per weapon, one EquipItems here', () => {
    expect(minimumCalls(base, loadout, TITAN)).toBe(1 + 6 + 1);
    expect(planCallCount(plan)).toBe(8);
  });
});

group('full buckets', () => {
  // The Hunter's Kinetic and Energy buckets hold 10 of 10.
  const kinetic = vaultLegendary(base, BUCKETS.Kinetic);
  const energy = vaultLegendary(base, BUCKETS.Energy);
  // The weakest items of the two full buckets, which room-making would move aside first were they not in the loadout.
  const weakKinetic = named(base, 'Heritage', on(HUNTER));
  const weakEnergy = named(base, 'Glacioclasm', on(HUNTER));
  const hunterKinetic = () => base.stores[0].buckets[BUCKETS.Kinetic].map((k) => base.items[k]);
  const loadout = loadoutOf([kinetic, energy], [weakKinetic, weakEnergy]);

  const tail = [
    'moving Perfect Paradox to Hunter [transfer via Hunter]',
    'moving Deafening Whisper to vault [transfer via Hunter]',
    'moving Posterity to Hunter [transfer via Hunter]',
    'equipping 2 items on Hunter [equipMany via Hunter]',
  ];
  it.each([
    ['room in the vault', base, ['moving Chroma Rush to vault [transfer via Hunter]', ...tail]],
    [
      'a full vault',
      { ...base, vaultCapacity: vaultCount },
      [
        'moving Vigilance Wing to Warlock [transfer via Warlock]',
        'moving Chroma Rush to vault [transfer via Hunter]',
        'moving Chroma Rush to Warlock [transfer via Warlock]',
        ...tail,
      ],
    ],
    [
      'one slot left in the vault',
      { ...base, vaultCapacity: vaultCount + 1 },
      [
        'moving Chroma Rush to vault [transfer via Hunter]',
        'moving Chroma Rush to Warlock [transfer via Warlock]',
        ...tail,
      ],
    ],
  ])('with %s, makes room on the Hunter without moving loadout items aside', (_, model, expected) => {
    expect([kinetic.name, energy.name]).toEqual(['Perfect Paradox', 'Posterity']);
    const plan = planLoadout(model, loadout, HUNTER);
    expect(plan.problems).toEqual([]);
    expect(describe(model, plan.steps)).toEqual(expected);
    const after = expectSound(model, plan);
    expect(after.items[kinetic.key]).toMatchObject({ owner: HUNTER, equipped: true });
    expect(after.items[energy.key]).toMatchObject({ owner: HUNTER, equipped: true });
    for (const item of [weakKinetic, weakEnergy]) expect(after.items[item.key]).toMatchObject({ owner: HUNTER });
    const touched = touchedKeys(plan.steps);
    expect(touched.has(weakKinetic.key) || touched.has(weakEnergy.key)).toBe(false);
    // Two vault transfers and one EquipItems at best; the rest is room-making.
    expect(minimumCalls(model, loadout, HUNTER)).toBe(3);
    expect(planCallCount(plan)).toBe(expected.length);
  });

  it('says which item does not fit when the loadout holds more than a bucket can', () => {
    const all = hunterKinetic();
    const extra = vaultLegendary(base, BUCKETS.Kinetic);
    const crowded = loadoutOf([all[0]], [...all.slice(1), extra]);
    const plan = planLoadout(base, crowded, HUNTER);
    expect(plan.steps).toEqual([]);
    expect(plan.problems).toEqual([
      {
        sentence: expect.stringMatching(new RegExp(`^${extra.name} stays where it is\\. .*Kinetic Weapons is full`)),
        itemHash: extra.itemHash,
        itemInstanceId: extra.itemInstanceId,
      },
    ]);
  });
});

group('exotic swaps', () => {
  const xenophage = named(base, 'Xenophage', equippedOn(HUNTER));
  const wishEnder = named(base, 'Wish Ender', inVault);
  const berenger = named(base, "Berenger's Memory", on(HUNTER));

  it('swaps a worn exotic in a slot the loadout leaves alone for a non-exotic, in the same call, first', () => {
    const plan = planLoadout(base, loadoutOf([wishEnder]), HUNTER);
    expect(plan.problems).toEqual([]);
    const after = expectSound(base, plan);
    const batch = plan.steps.at(-1)!;
    if (batch.action !== 'equipMany') throw new Error('no EquipItems step');
    // A legendary of Xenophage's type (a machine gun) already on the Hunter stands in, before Wish Ender.
    expect(batch.items.map((i) => base.items[i.itemKey].name)).toEqual(['Seventh Seraph SAW', 'Wish Ender']);
    expect(base.items[batch.items[0].itemKey]).toMatchObject({ owner: HUNTER, itemSubType: xenophage.itemSubType });
    expect(after.items[wishEnder.key].equipped).toBe(true);
    expect(after.items[xenophage.key]).toMatchObject({ owner: HUNTER, equipped: false });
  });

  it('needs no stand-in when the loadout replaces the worn exotic itself', () => {
    const plan = planLoadout(base, loadoutOf([wishEnder, berenger]), HUNTER);
    const batch = plan.steps.at(-1)!;
    if (batch.action !== 'equipMany') throw new Error('no EquipItems step');
    expect(batch.items.map((i) => base.items[i.itemKey].name)).toEqual(["Berenger's Memory", 'Wish Ender']);
    expectSound(base, plan);
  });

  it('swaps exotic armor the same way (Warlock: Astrocyte Verse off, a Warlock helmet on)', () => {
    const astrocyte = named(base, 'Astrocyte Verse', equippedOn(WARLOCK));
    const chest = Object.values(base.items).find(
      (i) => i.owner === VAULT_ID && i.uniqueLabel === 'exotic_armor' && i.targetBucketHash === BUCKETS.Chest,
    )!;
    const plan = planLoadout(base, loadoutOf([chest]), WARLOCK);
    expect(plan.problems).toEqual([]);
    const after = expectSound(base, plan);
    const batch = plan.steps.at(-1)!;
    if (batch.action !== 'equipMany') throw new Error('no EquipItems step');
    expect(batch.items.map((i) => base.items[i.itemKey].name)).toEqual(['Praefectus Cover', chest.name]);
    expect(after.items[astrocyte.key].equipped).toBe(false);
  });

  it('brings a stand-in from the vault when the character has none', () => {
    const model = tinyModel({
      gearCapacity: 3,
      items: [
        { key: 'exo-helm', at: TINY_HUNTER, bucket: BUCKETS.Helmet, exotic: 'armor', equipped: true },
        { key: 'old-chest', at: TINY_HUNTER, bucket: BUCKETS.Chest, equipped: true },
        { key: 'exo-chest', at: VAULT_ID, bucket: BUCKETS.Chest, exotic: 'armor' },
        { key: 'plain-helm', at: VAULT_ID, bucket: BUCKETS.Helmet },
      ],
    });
    const plan = planLoadout(model, loadoutOf([model.items['exo-chest']]), TINY_HUNTER);
    expect(plan.problems).toEqual([]);
    expect(describe(model, plan.steps)).toEqual([
      'moving exo-chest to Hunter [transfer via Hunter]',
      'moving plain-helm to Hunter [transfer via Hunter]',
      'equipping 2 items on Hunter [equipMany via Hunter]',
    ]);
    expectSound(model, plan);
  });

  it('says why the exotic stays unequipped when nothing can take the worn exotic’s slot', () => {
    const model = tinyModel({
      items: [
        {
          key: 'exo-helm',
          name: 'Exotic Helm',
          at: TINY_HUNTER,
          bucket: BUCKETS.Helmet,
          exotic: 'armor',
          equipped: true,
        },
        { key: 'exo-chest', name: 'Exotic Chest', at: VAULT_ID, bucket: BUCKETS.Chest, exotic: 'armor' },
      ],
    });
    const plan = planLoadout(model, loadoutOf([model.items['exo-chest']]), TINY_HUNTER);
    expect(plan.problems.map((p) => p.sentence)).toEqual([
      "Exotic Chest wasn't equipped: Exotic Helm is worn in another slot and nothing else can take its place.",
    ]);
    // It is still brought along, and nothing is equipped.
    expect(plan.steps.map((s) => s.action)).toEqual(['transfer']);
    expect(expectSound(model, plan).items['exo-chest'].owner).toBe(TINY_HUNTER);
  });

  it('equips only one of two exotic weapons, and says so', () => {
    const riskrunner = named(base, 'Riskrunner', inVault);
    const plan = planLoadout(base, loadoutOf([wishEnder, riskrunner]), TITAN);
    expect(plan.problems.map((p) => p.sentence)).toEqual([
      'Only one exotic weapon can be equipped at a time, so Riskrunner is only brought along.',
    ]);
    const after = expectSound(base, plan);
    expect(after.items[wishEnder.key].equipped).toBe(true);
    expect(after.items[riskrunner.key]).toMatchObject({ owner: TITAN, equipped: false });
  });
});

group('a missing item', () => {
  const chroma = named(base, 'Chroma Rush', equippedOn(HUNTER));
  const tables = loadDefinitionTables();
  const definition = (hash: number) => tables.InventoryItem?.get(hash);
  const held = new Set(Object.values(base.items).map((i) => i.itemHash));
  const goneKinetic = [...(tables.InventoryItem?.values() ?? [])].find(
    (d) => d.bucketTypeHash === BUCKETS.Kinetic && d.itemType === 3 && d.tierType === 5 && !held.has(d.hash),
  )!;

  it('uses another copy of the same item when the saved one is gone, and notes it', () => {
    const loadout = loadoutOf([]);
    loadout.equipped = [{ id: '6917529000000000001', hash: chroma.itemHash }];
    const plan = planLoadout(base, loadout, TITAN);
    expect(plan.problems).toEqual([]);
    expect(plan.notes).toEqual([
      'The Chroma Rush saved in this loadout is gone; another Chroma Rush (1311) takes its place.',
    ]);
    expect(expectSound(base, plan).items[chroma.key]).toMatchObject({ owner: TITAN, equipped: true });
  });

  it('names a dismantled item, offers a stand-in of the same slot, and plans the rest', () => {
    const worm = named(base, 'Whisper of the Worm', inVault);
    const loadout = loadoutOf([worm]);
    loadout.equipped.unshift({ id: '6917529000000000002', hash: goneKinetic.hash });
    const plan = planLoadout(base, loadout, TITAN, { definition });
    expect(plan.problems).toEqual([
      {
        sentence: expect.stringMatching(
          new RegExp(`^${goneKinetic.name} is no longer in your inventory; .+ could take its place\\.$`),
        ),
        itemHash: goneKinetic.hash,
        itemInstanceId: '6917529000000000002',
      },
    ]);
    // The stand-in is only offered: the plan moves the Worm and nothing else.
    expect(describe(base, plan.steps)).toEqual([
      'moving Whisper of the Worm to Titan [transfer via Titan]',
      'equipping Whisper of the Worm on Titan [equipMany via Titan]',
    ]);
  });

  it('without definitions, still says an item is gone', () => {
    const loadout = loadoutOf([]);
    loadout.unequipped = [{ id: '1', hash: 4242 }];
    expect(planLoadout(base, loadout, HUNTER)).toMatchObject({
      steps: [],
      problems: [{ sentence: 'An item (4242) is no longer in your inventory.' }],
    });
  });
});

group('class mismatch', () => {
  const praefectusHelm = named(base, 'Praefectus Helm', (i) => i.owner === TITAN && i.power === 1298);
  const sunbreaker = named(base, 'Sunbreaker', on(TITAN));
  const worm = named(base, 'Whisper of the Worm', inVault);

  it.each([
    ['Titan', 0, 'Hunter', HUNTER],
    ['Hunter', 1, 'Warlock', WARLOCK],
    ['Warlock', 2, 'Titan', TITAN],
  ])('refuses a %s loadout (class %i) on the %s, with one sentence and no steps', (clsName, cls, name, target) => {
    const plan = planLoadout(base, loadoutOf([worm], [], cls, 'Raid night'), target);
    expect(plan).toEqual({
      steps: [],
      problems: [{ sentence: `Raid night is a ${clsName} loadout, so your ${name} can't use it.` }],
      notes: [],
      after: base,
    });
  });

  it('skips armor and a subclass of another class with a reason, and applies the rest', () => {
    const plan = planLoadout(base, loadoutOf([sunbreaker, praefectusHelm, worm]), HUNTER);
    expect(plan.problems.map((p) => p.sentence)).toEqual([
      'Sunbreaker is Titan gear, so it was left out for your Hunter.',
      'Praefectus Helm is Titan gear, so it was left out for your Hunter.',
    ]);
    const after = expectSound(base, plan);
    expect(after.items[worm.key]).toMatchObject({ owner: HUNTER, equipped: true });
    expect(after.items[praefectusHelm.key].owner).toBe(TITAN);
  });

  it('refuses a target that is not a character', () => {
    expect(planLoadout(base, loadoutOf([worm]), VAULT_ID).problems).toEqual([
      { sentence: 'That character is no longer on this account; refresh and try again.' },
    ]);
  });

  it('reports a subclass that cannot leave its character', () => {
    const revenant = named(base, 'Revenant', on(HUNTER));
    const loadout = loadoutOf([]);
    loadout.equipped = [entryOf(revenant)];
    const other = { ...base, stores: base.stores.map((s) => (s.id === TITAN ? { ...s, classType: 1 } : s)) };
    const plan = planLoadout(other, loadout, TITAN);
    expect(plan.steps).toEqual([]);
    expect(plan.problems.map((p) => p.sentence)).toEqual([
      expect.stringMatching(/^Revenant stays where it is\. Revenant can't be transferred/),
    ]);
  });
});

it('a loadout already in place plans nothing', () => {
  const snapshot = snapshotLoadout(base, HUNTER);
  if (!snapshot.ok) throw new Error(snapshot.reason);
  expect(planLoadout(base, snapshot.loadout, HUNTER)).toMatchObject({ steps: [], problems: [] });
  expect(minimumCalls(base, snapshot.loadout, HUNTER)).toBe(0);
});

it('pulls a loadout item from the character’s postmaster, and counts the pull in the floor', () => {
  const model = tinyModel({
    items: [
      { key: 'old-gun', at: TINY_HUNTER, equipped: true },
      { key: 'lost-gun', name: 'Lost Gun', at: TINY_HUNTER, postmaster: true },
    ],
  });
  const loadout = loadoutOf([model.items['lost-gun']]);
  const plan = planLoadout(model, loadout, TINY_HUNTER);
  expect(describe(model, plan.steps)).toEqual([
    'pulling Lost Gun from the postmaster [pull via Hunter]',
    'equipping Lost Gun on Hunter [equipMany via Hunter]',
  ]);
  expect(minimumCalls(model, loadout, TINY_HUNTER)).toBe(planCallCount(plan));
  expectSound(model, plan);
});

it('keeps separate equips when a replacement only arrives later (the merged call could not run)', () => {
  const model = tinyModel({
    items: [
      { key: 'gun-a', at: WARLOCK_TINY, equipped: true },
      { key: 'gun-b', at: WARLOCK_TINY },
      { key: 'helm-a', at: WARLOCK_TINY, bucket: BUCKETS.Helmet, equipped: true },
      { key: 'helm-b', at: VAULT_ID, bucket: BUCKETS.Helmet },
    ],
  });
  const plan = planLoadout(model, loadoutOf([model.items['gun-a'], model.items['helm-a']]), TINY_HUNTER);
  expect(plan.problems).toEqual([]);
  expect(plan.steps.map((s) => s.action)).toEqual([
    'equip',
    'transfer',
    'transfer',
    'transfer',
    'equip',
    'transfer',
    'transfer',
    'equipMany',
  ]);
  expectSound(model, plan);
});
