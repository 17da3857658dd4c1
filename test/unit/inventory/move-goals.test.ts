/**
 * The pure goal and undo logic of move jobs (lib/inventory/move-goals.ts), as tables over the real 2021 profile:
 * when an intent counts as reached, how a stack move is re-aimed after stacks merged, what undo asks for.
 */
import { describe, expect, it } from 'vitest';
import { applyStep } from '@/lib/inventory/apply-step';
import {
  currentIntent,
  intentSatisfied,
  stackGoalOf,
  totalAt,
  undoIntents,
  withOrigins,
} from '@/lib/inventory/move-goals';
import { placeOf } from '@/lib/inventory/plan-capacity';
import { planMove } from '@/lib/inventory/plan-moves';
import type { MoveIntent } from '@/lib/inventory/plan-types';
import { BUCKETS, VAULT_ID, type InventoryModel } from '@/lib/inventory/types';
import { loadFixtureModel } from './fixtures';

const model = loadFixtureModel();
const items = Object.values(model.items);
const characters = model.stores.filter((s) => s.kind === 'character');
const vaultWeapon = items.find((i) => i.location === 'vault' && i.isWeapon && i.isInstanced && i.transferable)!;
const equipped = items.find((i) => i.owner !== VAULT_ID && i.equipped && i.isWeapon && i.transferable)!;
const locked = items.find((i) => i.isInstanced && i.locked)!;
const postmaster = items.find((i) => i.location === 'postmaster')!;
/** An account-wide stack in the vault store's inventory bucket (consumables, mods) with units to spare. */
const stack = items.find(
  (i) => !i.isInstanced && i.owner === VAULT_ID && i.location === 'inventory' && i.transferable && i.quantity > 3,
)!;
const general = { storeId: VAULT_ID, bucketHash: BUCKETS.General };

/** Run an intent's plan on the model (what the executor's patches do). */
function after(m: InventoryModel, intent: MoveIntent): InventoryModel {
  const plan = planMove(m, intent);
  if (!plan.ok) throw new Error(plan.reason);
  return plan.steps.reduce(applyStep, m);
}

describe('intentSatisfied', () => {
  const cases: { name: string; intent: MoveIntent; before: boolean }[] = [
    {
      name: 'vault weapon to a character',
      intent: { kind: 'move', itemKey: vaultWeapon.key, to: characters[0].id },
      before: false,
    },
    {
      name: 'vault weapon to the vault',
      intent: { kind: 'move', itemKey: vaultWeapon.key, to: VAULT_ID },
      before: true,
    },
    {
      name: 'equipped weapon to the vault',
      intent: { kind: 'move', itemKey: equipped.key, to: VAULT_ID },
      before: false,
    },
    {
      name: 'equip what is equipped',
      intent: { kind: 'equip', itemKey: equipped.key, characterId: equipped.owner },
      before: true,
    },
    { name: 'lock what is locked', intent: { kind: 'lock', itemKey: locked.key, locked: true }, before: true },
    { name: 'unlock what is locked', intent: { kind: 'lock', itemKey: locked.key, locked: false }, before: false },
    { name: 'pull a postmaster item', intent: { kind: 'pull', itemKey: postmaster.key }, before: false },
    { name: 'an item no longer there', intent: { kind: 'move', itemKey: 'gone', to: VAULT_ID }, before: false },
  ];
  it.each(cases)('$name: $before before the plan ran', ({ intent, before }) => {
    expect(intentSatisfied(model, intent)).toBe(before);
    if (intent.itemKey !== 'gone') expect(intentSatisfied(after(model, intent), intent)).toBe(true);
  });
});

describe('stackGoalOf and totalAt', () => {
  it('a partial stack to the vault aims at General holding two more units; instanced items have no goal', () => {
    const intent: MoveIntent = { kind: 'move', itemKey: stack.key, to: VAULT_ID, amount: 2 };
    const goal = stackGoalOf(model, intent)!;
    expect(goal).toMatchObject({ itemHash: stack.itemHash, place: general, from: placeOf(stack), amount: 2 });
    expect(goal.total).toBe(totalAt(model, general, stack.itemHash) + 2);
    expect(intentSatisfied(model, intent, goal)).toBe(false);
    expect(intentSatisfied(after(model, intent), intent, goal)).toBe(true);
    expect(stackGoalOf(model, { kind: 'move', itemKey: vaultWeapon.key, to: characters[0].id })).toBeUndefined();
    // An account-wide stack sent "to a character" stays in the vault store's copy of its bucket: already there.
    expect(stackGoalOf(model, { kind: 'move', itemKey: stack.key, to: characters[0].id })).toBeUndefined();
  });

  it('after the moved units merged into a vault stack, the rest of the move is re-aimed at the source stack', () => {
    const intent: MoveIntent = { kind: 'move', itemKey: stack.key, to: VAULT_ID, amount: 3 };
    const goal = stackGoalOf(model, intent)!;
    const halfway = after(model, { kind: 'move', itemKey: stack.key, to: VAULT_ID, amount: 1 });
    const aim = currentIntent(halfway, intent, goal);
    expect(aim).toMatchObject({ kind: 'move', to: VAULT_ID, amount: 2 });
    expect(halfway.items[aim.itemKey].itemHash).toBe(stack.itemHash);
    expect(currentIntent(model, { kind: 'lock', itemKey: locked.key, locked: false })).toEqual({
      kind: 'lock',
      itemKey: locked.key,
      locked: false,
    });
  });
});

describe('withOrigins and undoIntents', () => {
  it('records where each touched item was first, and undo moves it back and re-equips what was unequipped', () => {
    const intent: MoveIntent = { kind: 'move', itemKey: equipped.key, to: VAULT_ID };
    const plan = planMove(model, intent);
    if (!plan.ok) throw new Error(plan.reason);
    const origins = withOrigins(model, plan.steps, {});
    expect(origins[equipped.key]).toMatchObject({ owner: equipped.owner, equipped: true, location: equipped.location });
    // The first record wins: a later plan of the same job does not overwrite it.
    const moved = plan.steps.reduce(applyStep, model);
    expect(withOrigins(moved, plan.steps, origins)[equipped.key]).toEqual(origins[equipped.key]);
    const undo = undoIntents(moved, { goals: [undefined], origins });
    // Newest change first: the weapon went to the vault after its replacement was equipped, so it is re-equipped
    // first (which unequips the replacement), then the replacement goes back where it was.
    const replacement = plan.steps.find((s) => s.itemKey !== equipped.key)!;
    expect(undo).toEqual([
      { kind: 'equip', itemKey: equipped.key, characterId: equipped.owner },
      { kind: 'move', itemKey: replacement.itemKey, to: model.items[replacement.itemKey].owner },
    ]);
  });

  it('a stack goal is undone by amount when it changed store; a vanished item and a postmaster origin ask nothing', () => {
    const intent: MoveIntent = { kind: 'move', itemKey: stack.key, to: VAULT_ID, amount: 2 };
    const goal = stackGoalOf(model, intent)!;
    const moved = after(model, intent);
    const origins = {
      gone: { owner: characters[0].id, equipped: false, name: 'Gone' },
      [postmaster.key]: {
        owner: postmaster.owner,
        equipped: false,
        name: postmaster.name,
        location: 'postmaster' as const,
      },
    };
    // Account-wide bucket → General stays in the vault store: nothing to send back by amount.
    expect(undoIntents(moved, { goals: [goal], origins })).toEqual([]);
    // Had the units come from a character, undo sends the same amount back there.
    const fromCharacter = { ...goal, from: { storeId: characters[0].id, bucketHash: stack.bucketHash } };
    const undo = undoIntents(moved, { goals: [fromCharacter], origins });
    expect(undo).toHaveLength(1);
    expect(undo[0]).toMatchObject({ kind: 'move', to: characters[0].id, amount: 2 });
    expect(moved.items[undo[0].itemKey]).toMatchObject({ itemHash: stack.itemHash, location: 'vault' });
  });
});
