import { describe, expect, it } from 'vitest';
import { planMove, type MoveIntent } from '@/lib/inventory/plan-moves';
import { homePlace } from '@/lib/inventory/plan-capacity';
import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel } from '@/lib/inventory/types';
import { loadFixtureModel } from './fixtures';
import { applyAll, describeSteps, invariantViolations } from './plan-test-kit';

/** The real 2021 profile: Hunter (played last, most gear buckets full), Titan, Warlock (least recently played). */
const HUNTER = '2305843009260802821';
const TITAN = '2305843009260802823';
const WARLOCK = '2305843009260802822';

const base = loadFixtureModel();
const vaultCount = base.stores.find((s) => s.id === VAULT_ID)!.buckets[BUCKETS.General].length;

type Fullness = 'room' | 'vault full' | 'vault one slot';
/** Fullness comes from the model's own capacity, so a full vault is the real vault with capacity = its count. */
function withFullness(fullness: Fullness): InventoryModel {
  if (fullness === 'vault full') return { ...base, vaultCapacity: vaultCount };
  if (fullness === 'vault one slot') return { ...base, vaultCapacity: vaultCount + 1 };
  return base;
}

function named(name: string, where?: (i: InventoryItem) => boolean): string {
  const found = Object.values(base.items).filter((i) => i.name === name && (!where || where(i)));
  if (found.length !== 1) throw new Error(`${found.length} items named ${name}`);
  return found[0].key;
}

interface Row {
  source: string;
  destination: string;
  fullness: Fullness;
  equipped: boolean;
  exotic: boolean;
  cls: string;
  stack: boolean;
  postmaster: boolean;
  intent: MoveIntent;
  expected: string[] | RegExp;
}

const wishEnder = named('Wish Ender');
const rows: Row[] = [
  {
    source: 'vault',
    destination: 'Titan',
    fullness: 'room',
    equipped: false,
    exotic: true,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: wishEnder, to: TITAN },
    expected: ['moving Wish Ender to Titan [transfer via Titan]'],
  },
  {
    source: 'vault',
    destination: 'Hunter (full Kinetic)',
    fullness: 'room',
    equipped: false,
    exotic: true,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: wishEnder, to: HUNTER },
    expected: ['moving Heritage to vault [transfer via Hunter]', 'moving Wish Ender to Hunter [transfer via Hunter]'],
  },
  {
    source: 'vault',
    destination: 'Hunter (full Kinetic)',
    fullness: 'vault one slot',
    equipped: false,
    exotic: true,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: wishEnder, to: HUNTER },
    expected: [
      'moving Heritage to vault [transfer via Hunter]',
      'moving Heritage to Warlock [transfer via Warlock]',
      'moving Wish Ender to Hunter [transfer via Hunter]',
    ],
  },
  {
    source: 'Hunter',
    destination: 'Warlock',
    fullness: 'room',
    equipped: false,
    exotic: true,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: named('Witherhoard'), to: WARLOCK },
    expected: [
      'moving Witherhoard to vault [transfer via Hunter]',
      'moving Witherhoard to Warlock [transfer via Warlock]',
    ],
  },
  {
    source: 'Hunter',
    destination: 'vault',
    fullness: 'vault full',
    equipped: false,
    exotic: true,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: named('Witherhoard'), to: VAULT_ID },
    expected: [
      'moving Vigilance Wing to Warlock [transfer via Warlock]',
      'moving Witherhoard to vault [transfer via Hunter]',
    ],
  },
  {
    source: 'Hunter (equipped)',
    destination: 'vault',
    fullness: 'room',
    equipped: true,
    exotic: false,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: named('Chroma Rush', (i) => i.equipped), to: VAULT_ID },
    expected: [
      'equipping Chroma Rush on Hunter [equip via Hunter]',
      'moving Chroma Rush to vault [transfer via Hunter]',
    ],
  },
  {
    source: 'Hunter (equipped exotic)',
    destination: 'Titan',
    fullness: 'room',
    equipped: true,
    exotic: true,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: named('Xenophage'), to: TITAN },
    expected: [
      'equipping Seventh Seraph SAW on Hunter [equip via Hunter]',
      'moving Xenophage to vault [transfer via Hunter]',
      'moving Xenophage to Titan [transfer via Titan]',
    ],
  },
  {
    source: 'Hunter',
    destination: 'Hunter (equip, other exotic weapon equipped)',
    fullness: 'room',
    equipped: false,
    exotic: true,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'equip', itemKey: named('Witherhoard'), characterId: HUNTER },
    expected: [
      'equipping Seventh Seraph SAW on Hunter [equip via Hunter]',
      'equipping Witherhoard on Hunter [equip via Hunter]',
    ],
  },
  {
    source: 'vault',
    destination: 'Warlock (equip, exotic helmet equipped)',
    fullness: 'room',
    equipped: false,
    exotic: true,
    cls: 'any',
    stack: false,
    postmaster: false,
    intent: { kind: 'equip', itemKey: named('Lucky Raspberry'), characterId: WARLOCK },
    expected: [
      'moving Lucky Raspberry to Warlock [transfer via Warlock]',
      'equipping Praefectus Cover on Warlock [equip via Warlock]',
      'equipping Lucky Raspberry on Warlock [equip via Warlock]',
    ],
  },
  {
    source: 'Titan',
    destination: 'Hunter (equip Titan armor)',
    fullness: 'room',
    equipped: false,
    exotic: true,
    cls: 'other class',
    stack: false,
    postmaster: false,
    intent: { kind: 'equip', itemKey: named('One Eyed Mask'), characterId: HUNTER },
    expected: /^One Eyed Mask can only be equipped by a Titan\.$/,
  },
  {
    source: 'Titan',
    destination: 'Hunter (full Helmet; storing Titan armor)',
    fullness: 'room',
    equipped: false,
    exotic: true,
    cls: 'other class',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: named('One Eyed Mask'), to: HUNTER },
    expected: [
      'moving Nea-Thonis Breather to vault [transfer via Hunter]',
      'moving One Eyed Mask to vault [transfer via Titan]',
      'moving One Eyed Mask to Hunter [transfer via Hunter]',
    ],
  },
  {
    source: 'vault (stack)',
    destination: 'Warlock (account-wide Consumables)',
    fullness: 'room',
    equipped: false,
    exotic: false,
    cls: 'any',
    stack: true,
    postmaster: false,
    intent: { kind: 'move', itemKey: named('Arcology Token'), to: WARLOCK, amount: 100 },
    expected: ['moving 100 × Arcology Token to Warlock [transfer via Warlock]'],
  },
  {
    source: 'account-wide Consumables (stack)',
    destination: 'vault',
    fullness: 'room',
    equipped: false,
    exotic: false,
    cls: 'any',
    stack: true,
    postmaster: false,
    intent: { kind: 'move', itemKey: '3853748946@vault@1469714392#0', to: VAULT_ID, amount: 100 },
    expected: ['moving 100 × Enhancement Core to vault [transfer via Hunter]'],
  },
  {
    source: 'Hunter postmaster',
    destination: 'Hunter (full Kinetic)',
    fullness: 'room',
    equipped: false,
    exotic: false,
    cls: 'any',
    stack: false,
    postmaster: true,
    intent: { kind: 'pull', itemKey: '6917529369212847780' },
    expected: [
      'moving Heritage to vault [transfer via Hunter]',
      'pulling Long Shadow from the postmaster [pull via Hunter]',
    ],
  },
  {
    source: 'Warlock postmaster',
    destination: 'Warlock',
    fullness: 'room',
    equipped: false,
    exotic: false,
    cls: 'own class',
    stack: false,
    postmaster: true,
    intent: { kind: 'pull', itemKey: '6917529350295797823' },
    expected: ['pulling Praefectus Cover from the postmaster [pull via Warlock]'],
  },
  {
    source: 'Titan postmaster (full Helmet)',
    destination: 'Hunter (full Helmet)',
    fullness: 'room',
    equipped: false,
    exotic: false,
    cls: 'other class',
    stack: false,
    postmaster: true,
    intent: { kind: 'move', itemKey: '6917529350295792593', to: HUNTER },
    expected: [
      'moving Sovereign Mask to vault [transfer via Titan]',
      'pulling Praefectus Helm from the postmaster [pull via Titan]',
      'moving Nea-Thonis Breather to vault [transfer via Hunter]',
      'moving Praefectus Helm to vault [transfer via Titan]',
      'moving Praefectus Helm to Hunter [transfer via Hunter]',
    ],
  },
  {
    source: 'Hunter subclass (equipped, not transferrable)',
    destination: 'vault',
    fullness: 'room',
    equipped: true,
    exotic: false,
    cls: 'own class',
    stack: false,
    postmaster: false,
    intent: { kind: 'move', itemKey: named('Revenant'), to: VAULT_ID },
    expected: /^Revenant can't be transferred; it stays in Hunter's Subclass\.$/,
  },
];

describe('planMove matrix over the real profile: source × destination × fullness × equipped × exotic × class × stack × postmaster', () => {
  it.each(rows)(
    '$source → $destination | $fullness | equipped=$equipped exotic=$exotic class=$cls stack=$stack postmaster=$postmaster',
    ({ fullness, intent, expected }) => {
      const model = withFullness(fullness);
      const plan = planMove(model, intent);
      if (expected instanceof RegExp) {
        expect(plan.ok ? describeSteps(model, plan.steps) : plan.reason).toMatch(expected);
        return;
      }
      if (!plan.ok) throw new Error(plan.reason);
      expect(describeSteps(model, plan.steps)).toEqual(expected);
      expect(invariantViolations(model, applyAll(model, plan.steps))).toEqual([]);
    },
  );
});

/** Every movable kind of item on the real profile, to every store and (for gear) equipped on every character. */
function sweepIntents(): { label: string; intent: MoveIntent }[] {
  const out: { label: string; intent: MoveIntent }[] = [];
  const seen = new Set<string>();
  for (const item of Object.values(base.items)) {
    // One item per (owner, bucket, location, exotic, class, stackable) keeps the sweep broad and fast.
    const kind = [item.owner, item.bucketHash, item.location, item.isExotic, item.classType, item.isInstanced].join();
    if (seen.has(kind)) continue;
    seen.add(kind);
    for (const store of base.stores) {
      out.push({ label: `${item.name} → ${store.name}`, intent: { kind: 'move', itemKey: item.key, to: store.id } });
      if (store.kind === 'character' && item.equippable) {
        out.push({
          label: `equip ${item.name} on ${store.name}`,
          intent: { kind: 'equip', itemKey: item.key, characterId: store.id },
        });
      }
    }
    if (item.location === 'postmaster')
      out.push({ label: `pull ${item.name}`, intent: { kind: 'pull', itemKey: item.key } });
  }
  return out;
}

const sweep = sweepIntents();
const fullnesses: Fullness[] = ['room', 'vault full', 'vault one slot'];

describe('planMove properties over the real profile: apply all steps, then check the invariants', () => {
  it.each(fullnesses)('%s: every plan keeps every item, capacity, equip slot and exotic rule', (fullness) => {
    const model = withFullness(fullness);
    let planned = 0;
    const failures: string[] = [];
    for (const { label, intent } of sweep) {
      const plan = planMove(model, intent);
      if (!plan.ok) {
        if (!/^[A-Z].*\.$/.test(plan.reason)) failures.push(`${label}: unreadable reason "${plan.reason}"`);
        continue;
      }
      planned++;
      const after = applyAll(model, plan.steps);
      for (const problem of invariantViolations(model, after)) failures.push(`${label}: ${problem}`);
      const item = model.items[intent.itemKey];
      if (intent.kind === 'equip') {
        const arrived = Object.values(after.items).find(
          (i) => i.itemInstanceId === item.itemInstanceId && i.owner === intent.characterId,
        );
        if (!arrived?.equipped) failures.push(`${label}: not equipped at the end`);
      } else if (intent.kind === 'move' && item.isInstanced) {
        const home = homePlace(model, item, intent.to);
        const moved = after.items[item.key];
        if (moved.owner !== home.storeId || moved.bucketHash !== home.bucketHash) {
          failures.push(`${label}: ended in ${moved.owner}/${moved.bucketHash}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The sweep must actually exercise plans, not only refusals.
    expect(planned).toBeGreaterThan(sweep.length / 3);
  });
});
