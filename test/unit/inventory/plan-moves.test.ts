import { describe, expect, it } from 'vitest';
import { planMove, type MoveIntent } from '@/lib/inventory/plan-moves';
import { BUCKETS, VAULT_ID } from '@/lib/inventory/types';
import {
  applyAll,
  describeSteps,
  HUNTER,
  invariantViolations,
  tinyModel,
  TITAN,
  WARLOCK,
  type TinySpec,
} from './plan-test-kit';

const { Energy, Helmet, Consumables } = BUCKETS;

interface Row {
  name: string;
  spec: TinySpec;
  intent: MoveIntent;
  steps: string[];
  protectedKeys?: string[];
}

/** Each row: a small inventory, one intent, the exact calls (label [action via the character Bungie is told]). */
const rows: Row[] = [
  {
    name: 'vault → character is one call',
    spec: { items: [{ key: 'V', at: VAULT_ID }] },
    intent: { kind: 'move', itemKey: 'V', to: WARLOCK },
    steps: ['moving V to Warlock [transfer via Warlock]'],
  },
  {
    name: 'character → vault is one call through the source character',
    spec: { items: [{ key: 'X', at: HUNTER }] },
    intent: { kind: 'move', itemKey: 'X', to: VAULT_ID },
    steps: ['moving X to vault [transfer via Hunter]'],
  },
  {
    name: 'character → character goes through the vault',
    spec: { items: [{ key: 'X', at: HUNTER }] },
    intent: { kind: 'move', itemKey: 'X', to: TITAN },
    steps: ['moving X to vault [transfer via Hunter]', 'moving X to Titan [transfer via Titan]'],
  },
  {
    name: 'equipped item: a non-exotic replacement on the same character is equipped first',
    spec: {
      items: [
        { key: 'E', at: HUNTER, equipped: true },
        { key: 'Exo', at: HUNTER, exotic: 'weapon', power: 99 },
        { key: 'Leg', at: HUNTER, power: 10 },
      ],
    },
    intent: { kind: 'move', itemKey: 'E', to: VAULT_ID },
    steps: ['equipping Leg on Hunter [equip via Hunter]', 'moving E to vault [transfer via Hunter]'],
  },
  {
    name: 'replacement prefers the same weapon type, then power',
    spec: {
      items: [
        { key: 'E', at: HUNTER, equipped: true, itemSubType: 6 },
        { key: 'Strong', at: HUNTER, itemSubType: 7, power: 90 },
        { key: 'Same', at: HUNTER, itemSubType: 6, power: 10 },
      ],
    },
    intent: { kind: 'move', itemKey: 'E', to: VAULT_ID },
    steps: ['equipping Same on Hunter [equip via Hunter]', 'moving E to vault [transfer via Hunter]'],
  },
  {
    name: 'replacement from the vault before other characters',
    spec: {
      items: [
        { key: 'E', at: HUNTER, equipped: true },
        { key: 'OnWarlock', at: WARLOCK, power: 100 },
        { key: 'InVault', at: VAULT_ID, power: 5 },
      ],
    },
    intent: { kind: 'move', itemKey: 'E', to: VAULT_ID },
    steps: [
      'moving InVault to Hunter [transfer via Hunter]',
      'equipping InVault on Hunter [equip via Hunter]',
      'moving E to vault [transfer via Hunter]',
    ],
  },
  {
    name: 'replacement from another character when nothing else exists',
    spec: {
      items: [
        { key: 'E', at: HUNTER, equipped: true },
        { key: 'OnTitan', at: TITAN },
      ],
    },
    intent: { kind: 'move', itemKey: 'E', to: WARLOCK },
    steps: [
      'moving OnTitan to vault [transfer via Titan]',
      'moving OnTitan to Hunter [transfer via Hunter]',
      'equipping OnTitan on Hunter [equip via Hunter]',
      'moving E to vault [transfer via Hunter]',
      'moving E to Warlock [transfer via Warlock]',
    ],
  },
  {
    name: 'replacement must be equippable by that class (Titan helmet skipped)',
    spec: {
      items: [
        { key: 'HunterHelm', at: HUNTER, bucket: Helmet, equipped: true, classType: 1 },
        { key: 'TitanHelm', at: HUNTER, bucket: Helmet, classType: 0, power: 99 },
        { key: 'VaultHunterHelm', at: VAULT_ID, bucket: Helmet, classType: 1 },
      ],
    },
    intent: { kind: 'move', itemKey: 'HunterHelm', to: VAULT_ID },
    steps: [
      'moving VaultHunterHelm to Hunter [transfer via Hunter]',
      'equipping VaultHunterHelm on Hunter [equip via Hunter]',
      'moving HunterHelm to vault [transfer via Hunter]',
    ],
  },
  {
    name: 'full target bucket: the least useful unequipped item goes to the vault first',
    spec: {
      items: [
        { key: 'V', at: VAULT_ID },
        { key: 'WEq', at: WARLOCK, equipped: true },
        { key: 'WGood', at: WARLOCK, power: 50 },
        { key: 'WWeak', at: WARLOCK, power: 10 },
      ],
    },
    intent: { kind: 'move', itemKey: 'V', to: WARLOCK },
    steps: ['moving WWeak to vault [transfer via Warlock]', 'moving V to Warlock [transfer via Warlock]'],
  },
  {
    name: 'full target bucket with one vault slot left: move-aside goes through to the least recently played',
    spec: {
      vaultCapacity: 3,
      items: [
        { key: 'V', at: VAULT_ID },
        { key: 'Filler', at: VAULT_ID, bucket: Energy },
        { key: 'HEq', at: HUNTER, equipped: true },
        { key: 'H1', at: HUNTER, power: 20 },
        { key: 'H2', at: HUNTER, power: 30 },
      ],
    },
    intent: { kind: 'move', itemKey: 'V', to: HUNTER },
    steps: [
      'moving H1 to vault [transfer via Hunter]',
      'moving H1 to Titan [transfer via Titan]',
      'moving V to Hunter [transfer via Hunter]',
    ],
  },
  {
    name: 'full vault: a vault item goes to the least recently played character with room first',
    spec: {
      vaultCapacity: 2,
      items: [
        { key: 'X', at: HUNTER },
        { key: 'Va', at: VAULT_ID, power: 10 },
        { key: 'Vb', at: VAULT_ID, power: 20 },
      ],
    },
    intent: { kind: 'move', itemKey: 'X', to: VAULT_ID },
    steps: ['moving Vb to Titan [transfer via Titan]', 'moving X to vault [transfer via Hunter]'],
  },
  {
    name: 'character → character with a full vault and a full target',
    spec: {
      vaultCapacity: 1,
      items: [
        { key: 'X', at: HUNTER },
        { key: 'Vfull', at: VAULT_ID, bucket: Energy },
        { key: 'TEq', at: TITAN, equipped: true },
        { key: 'T1', at: TITAN },
        { key: 'T2', at: TITAN },
      ],
    },
    intent: { kind: 'move', itemKey: 'X', to: TITAN },
    steps: [
      'moving Vfull to Titan [transfer via Titan]',
      'moving T1 to vault [transfer via Titan]',
      'moving T1 to Warlock [transfer via Warlock]',
      'moving X to vault [transfer via Hunter]',
      'moving X to Titan [transfer via Titan]',
    ],
  },
  {
    name: 'never move aside what the user just moved there',
    spec: {
      items: [
        { key: 'V', at: VAULT_ID },
        { key: 'WEq', at: WARLOCK, equipped: true },
        { key: 'JustMoved', at: WARLOCK, power: 1 },
        { key: 'Older', at: WARLOCK, power: 50 },
      ],
    },
    intent: { kind: 'move', itemKey: 'V', to: WARLOCK },
    protectedKeys: ['JustMoved'],
    steps: ['moving Older to vault [transfer via Warlock]', 'moving V to Warlock [transfer via Warlock]'],
  },
  {
    name: 'equipping an exotic swaps out the other equipped exotic of that category',
    spec: {
      items: [
        { key: 'Ace', at: HUNTER, equipped: true, exotic: 'weapon' },
        { key: 'Leg', at: HUNTER },
        { key: 'EnergyEq', at: HUNTER, bucket: Energy, equipped: true },
        { key: 'Riskrunner', at: VAULT_ID, bucket: Energy, exotic: 'weapon' },
      ],
    },
    intent: { kind: 'equip', itemKey: 'Riskrunner', characterId: HUNTER },
    steps: [
      'moving Riskrunner to Hunter [transfer via Hunter]',
      'equipping Leg on Hunter [equip via Hunter]',
      'equipping Riskrunner on Hunter [equip via Hunter]',
    ],
  },
  {
    name: 'the exotic swap never picks another exotic of the same category',
    spec: {
      items: [
        { key: 'Ace', at: HUNTER, equipped: true, exotic: 'weapon' },
        { key: 'OtherExotic', at: HUNTER, exotic: 'weapon', power: 99 },
        { key: 'VaultLeg', at: VAULT_ID, power: 1 },
        { key: 'EnergyEq', at: HUNTER, bucket: Energy, equipped: true },
        { key: 'Riskrunner', at: HUNTER, bucket: Energy, exotic: 'weapon' },
      ],
    },
    intent: { kind: 'equip', itemKey: 'Riskrunner', characterId: HUNTER },
    steps: [
      'moving VaultLeg to Hunter [transfer via Hunter]',
      'equipping VaultLeg on Hunter [equip via Hunter]',
      'equipping Riskrunner on Hunter [equip via Hunter]',
    ],
  },
  {
    name: 'an exotic in the same slot is simply swapped',
    spec: {
      items: [
        { key: 'Ace', at: HUNTER, equipped: true, exotic: 'weapon' },
        { key: 'Thorn', at: HUNTER, exotic: 'weapon' },
      ],
    },
    intent: { kind: 'equip', itemKey: 'Thorn', characterId: HUNTER },
    steps: ['equipping Thorn on Hunter [equip via Hunter]'],
  },
  {
    name: 'equip from another character where it is equipped',
    spec: {
      items: [
        { key: 'Gun', at: WARLOCK, equipped: true },
        { key: 'WSpare', at: WARLOCK },
        { key: 'HEq', at: HUNTER, equipped: true },
      ],
    },
    intent: { kind: 'equip', itemKey: 'Gun', characterId: HUNTER },
    steps: [
      'equipping WSpare on Warlock [equip via Warlock]',
      'moving Gun to vault [transfer via Warlock]',
      'moving Gun to Hunter [transfer via Hunter]',
      'equipping Gun on Hunter [equip via Hunter]',
    ],
  },
  {
    name: 'class-restricted armor may be stored on another class',
    spec: { items: [{ key: 'TitanHelm', at: VAULT_ID, bucket: Helmet, classType: 0 }] },
    intent: { kind: 'move', itemKey: 'TitanHelm', to: HUNTER },
    steps: ['moving TitanHelm to Hunter [transfer via Hunter]'],
  },
  {
    name: 'postmaster item is pulled to its owner',
    spec: { items: [{ key: 'Lost', at: HUNTER, postmaster: true }] },
    intent: { kind: 'pull', itemKey: 'Lost' },
    steps: ['pulling Lost from the postmaster [pull via Hunter]'],
  },
  {
    name: 'postmaster item to another character: pull, then through the vault',
    spec: { items: [{ key: 'Lost', at: HUNTER, postmaster: true }] },
    intent: { kind: 'move', itemKey: 'Lost', to: WARLOCK },
    steps: [
      'pulling Lost from the postmaster [pull via Hunter]',
      'moving Lost to vault [transfer via Hunter]',
      'moving Lost to Warlock [transfer via Warlock]',
    ],
  },
  {
    name: 'postmaster pull into a full bucket makes room first',
    spec: {
      items: [
        { key: 'Lost', at: HUNTER, postmaster: true },
        { key: 'HEq', at: HUNTER, equipped: true },
        { key: 'H1', at: HUNTER, power: 5 },
        { key: 'H2', at: HUNTER, power: 6 },
      ],
    },
    intent: { kind: 'pull', itemKey: 'Lost' },
    steps: ['moving H1 to vault [transfer via Hunter]', 'pulling Lost from the postmaster [pull via Hunter]'],
  },
  {
    name: 'stack: part of a vault stack tops up the account-wide partial stack',
    spec: {
      items: [
        { key: 'CoresVault', at: VAULT_ID, bucket: Consumables, itemHash: 77, quantity: 30, maxStackSize: 50 },
        {
          key: 'CoresHere',
          at: VAULT_ID,
          accountBucket: true,
          bucket: Consumables,
          itemHash: 77,
          quantity: 40,
          maxStackSize: 50,
        },
      ],
    },
    intent: { kind: 'move', itemKey: 'CoresVault', to: HUNTER, amount: 25 },
    steps: ['moving 25 × CoresVault to Hunter [transfer via Hunter]'],
  },
  {
    name: 'stack: a full account-wide bucket sends another stack to the vault first',
    spec: {
      consumablesCapacity: 2,
      items: [
        { key: 'Glimmer', at: VAULT_ID, bucket: Consumables, itemHash: 1, quantity: 5, maxStackSize: 10 },
        {
          key: 'A',
          at: VAULT_ID,
          accountBucket: true,
          bucket: Consumables,
          itemHash: 2,
          quantity: 3,
          maxStackSize: 10,
        },
        {
          key: 'B',
          at: VAULT_ID,
          accountBucket: true,
          bucket: Consumables,
          itemHash: 3,
          quantity: 4,
          maxStackSize: 10,
        },
      ],
    },
    intent: { kind: 'move', itemKey: 'Glimmer', to: WARLOCK },
    steps: ['moving 3 × A to vault [transfer via Hunter]', 'moving 5 × Glimmer to Warlock [transfer via Warlock]'],
  },
  {
    name: 'lock an item in the vault goes through a character',
    spec: { items: [{ key: 'V', at: VAULT_ID }] },
    intent: { kind: 'lock', itemKey: 'V', locked: true },
    steps: ['locking V [lock via Hunter]'],
  },
  {
    name: 'an item already where asked needs no call',
    spec: { items: [{ key: 'X', at: HUNTER, equipped: true }] },
    intent: { kind: 'move', itemKey: 'X', to: HUNTER },
    steps: [],
  },
];

describe('planMove on hand-built inventories (capacities from the model: gear 3, vault 6 unless set)', () => {
  it.each(rows)('$name', ({ spec, intent, steps, protectedKeys }) => {
    const model = tinyModel(spec);
    const plan = planMove(model, intent, { protectedKeys });
    if (!plan.ok) throw new Error(plan.reason);
    expect(describeSteps(model, plan.steps)).toEqual(steps);
    expect(invariantViolations(model, applyAll(model, plan.steps))).toEqual([]);
  });
});

const refusals: { name: string; spec: TinySpec; intent: MoveIntent; reason: RegExp }[] = [
  {
    name: 'non-transferrable item stays',
    spec: { items: [{ key: 'Bound', at: HUNTER, transferable: false }] },
    intent: { kind: 'move', itemKey: 'Bound', to: VAULT_ID },
    reason: /^Bound can't be transferred; it stays in Hunter's Kinetic Weapons\.$/,
  },
  {
    name: 'armor equips only on its class',
    spec: { items: [{ key: 'TitanHelm', at: HUNTER, bucket: Helmet, classType: 0 }] },
    intent: { kind: 'equip', itemKey: 'TitanHelm', characterId: HUNTER },
    reason: /^TitanHelm can only be equipped by a Titan\.$/,
  },
  {
    name: 'an equipped item with nothing to replace it',
    spec: { items: [{ key: 'Only', at: HUNTER, equipped: true }] },
    intent: { kind: 'move', itemKey: 'Only', to: VAULT_ID },
    reason: /^Only is equipped on Hunter and nothing else can be equipped in its place/,
  },
  {
    name: 'everything full',
    spec: {
      gearCapacity: 1,
      vaultCapacity: 1,
      items: [
        { key: 'V', at: VAULT_ID },
        { key: 'H', at: HUNTER, equipped: true },
        { key: 'W', at: WARLOCK, equipped: true },
        { key: 'T', at: TITAN, equipped: true },
      ],
    },
    intent: { kind: 'move', itemKey: 'V', to: HUNTER },
    reason: /full and nothing there can be moved aside for V\.$/,
  },
  {
    name: 'more of a stack than there is',
    spec: { items: [{ key: 'S', at: VAULT_ID, bucket: Consumables, quantity: 5, maxStackSize: 10 }] },
    intent: { kind: 'move', itemKey: 'S', to: HUNTER, amount: 6 },
    reason: /^You can move between 1 and 5 of S\.$/,
  },
  {
    name: 'pull of an item not in the postmaster',
    spec: { items: [{ key: 'X', at: HUNTER }] },
    intent: { kind: 'pull', itemKey: 'X' },
    reason: /^X is not in the postmaster\.$/,
  },
  {
    name: 'unknown item',
    spec: { items: [] },
    intent: { kind: 'move', itemKey: 'gone', to: HUNTER },
    reason: /no longer in your inventory/,
  },
];

describe('planMove refuses impossible intents with one sentence and no steps', () => {
  it.each(refusals)('$name', ({ spec, intent, reason }) => {
    const plan = planMove(tinyModel(spec), intent);
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.reason).toMatch(reason);
    expect(plan).not.toHaveProperty('steps');
  });
});
