/**
 * Seeded random move sequences and faults for the executor-vs-emulator tests (Node here, Chromium in e2e).
 * Intents are drawn from the current model so they exercise every planner path: vault→character,
 * character→character, equips (exotics included), equipped items, stacks by amount, postmaster pulls and locks.
 */
import { classCanEquip } from '@/lib/inventory/plan-capacity';
import type { MoveIntent } from '@/lib/inventory/plan-types';
import { VAULT_ID, type InventoryItem, type InventoryModel } from '@/lib/inventory/types';
import type { FaultRule } from '@/test/fake-bungie';
import { prng } from '@/test/fake-bungie/faults';

/** mulberry32 (the emulator's own), so a failing seed replays exactly. */
export const rng = prng;

function pick<T>(random: () => number, list: readonly T[]): T | undefined {
  return list.length ? list[Math.floor(random() * list.length)] : undefined;
}

const gear = (i: InventoryItem) => i.isInstanced && i.resolved && i.transferable && (i.isWeapon || i.isArmor);

/** One random intent the player could ask for on this model (it may still be impossible: that path counts too). */
export function randomIntent(model: InventoryModel, random: () => number): MoveIntent {
  const items = Object.values(model.items);
  const characters = model.stores.filter((s) => s.kind === 'character');
  const character = () => pick(random, characters)!;
  for (;;) {
    const kind = random();
    if (kind < 0.22) {
      const item = pick(
        random,
        items.filter((i) => gear(i) && i.location === 'vault'),
      );
      if (item) return { kind: 'move', itemKey: item.key, to: character().id };
    } else if (kind < 0.4) {
      const item = pick(
        random,
        items.filter((i) => gear(i) && i.owner !== VAULT_ID && i.location !== 'postmaster'),
      );
      if (item) {
        const others = characters.filter((c) => c.id !== item.owner);
        const to = random() < 0.4 ? VAULT_ID : pick(random, others)!.id;
        return { kind: 'move', itemKey: item.key, to };
      }
    } else if (kind < 0.68) {
      // Any equippable gear, with exotics drawn more often (their unique-equip rule is the tricky one).
      const exoticOnly = kind >= 0.6;
      const item = pick(
        random,
        items.filter(
          (i) => gear(i) && i.equippable && !i.equipped && i.location !== 'postmaster' && (!exoticOnly || i.isExotic),
        ),
      );
      const target =
        item &&
        pick(
          random,
          characters.filter((c) => classCanEquip(item, c)),
        );
      if (item && target) return { kind: 'equip', itemKey: item.key, characterId: target.id };
    } else if (kind < 0.84) {
      const stack = pick(
        random,
        items.filter(
          (i) => !i.isInstanced && i.resolved && i.transferable && i.quantity > 1 && i.location !== 'postmaster',
        ),
      );
      if (stack) {
        const amount = 1 + Math.floor(random() * (stack.quantity - 1));
        const to = stack.location === 'vault' ? character().id : VAULT_ID;
        return { kind: 'move', itemKey: stack.key, to, amount };
      }
    } else if (kind < 0.92) {
      const item = pick(
        random,
        items.filter((i) => i.location === 'postmaster'),
      );
      if (item) return { kind: 'pull', itemKey: item.key };
    } else {
      const item = pick(
        random,
        items.filter((i) => i.lockable && i.itemInstanceId),
      );
      if (item) return { kind: 'lock', itemKey: item.key, locked: !item.locked };
    }
  }
}

export type FaultKind = 'none' | '500' | '1642' | 'throttle' | 'timeout' | 'drop' | 'profile-500' | 'worker-stop';

/** Weighted so the expensive ones (a throttle costs a second of back-off) stay rare. */
const WEIGHTS: [FaultKind, number][] = [
  ['none', 14],
  ['500', 16],
  ['1642', 16],
  ['throttle', 3],
  ['timeout', 12],
  ['drop', 10],
  ['profile-500', 7],
  ['worker-stop', 20],
];

export function randomFault(random: () => number): FaultKind {
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [kind, w] of WEIGHTS) {
    if ((r -= w) < 0) return kind;
  }
  return 'none';
}

const ITEM_ACTIONS = '/Platform/Destiny2/Actions/Items/**';

/** The emulator rule for a fault (worker stops are driven by the test itself). `timeoutMs` is the client's. */
export function faultRule(kind: FaultKind, seed: number, timeoutMs: number): FaultRule | undefined {
  const hitOne = { times: 1, probability: 0.5, seed };
  switch (kind) {
    case '500':
      return { route: ITEM_ACTIONS, kind: 'http', status: 500, ...hitOne };
    case '1642':
      return { route: ITEM_ACTIONS, kind: 'error', errorCode: 1642, ...hitOne };
    case 'throttle':
      return { route: ITEM_ACTIONS, kind: 'throttle', errorCode: 51, throttleSeconds: 0, ...hitOne };
    case 'timeout':
      // The call is applied after the client gave up: the answer is lost, the effect is not.
      return { route: ITEM_ACTIONS, kind: 'delay', ms: timeoutMs + 50, ...hitOne };
    case 'drop':
      return { route: ITEM_ACTIONS, kind: 'drop', ...hitOne };
    case 'profile-500':
      return { route: ITEM_ACTIONS, kind: 'http', status: 500, ...hitOne, probability: 1 };
    default:
      return undefined;
  }
}
