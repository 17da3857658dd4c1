/**
 * The move executor's real dependencies, free of the worker's singletons so Node tests and the bench build them the
 * same way the worker does: the Bungie calls, the cached model and the reconcile.
 */
import type { HttpClient } from 'bungie-api-ts/http';
import { equipItem, pullFromPostmaster, setItemLockState, transferItem } from '../bungie/endpoints';
import type { PlanStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';
import { profileKey, type Membership, type ProfileService } from '../profile/service';
import type { ExecutorDeps } from './executor';

/** Uninstanced items are named by hash; Bungie wants itemId 0 for them. */
const NO_INSTANCE = '0';

/**
 * One plan step as its Bungie call (bungie-api-ts), through the one client so its spacing (≥ 0.1 s between item
 * actions) and throttle back-off apply. Bungie: TransferItem names the character the item leaves (to the vault) or
 * enters (from the vault), stacks move `stackSize` units of `itemReferenceHash`; PullFromPostmaster names the
 * owner; EquipItem and SetItemLockState take instanced items only.
 */
export async function runBungieStep(http: HttpClient, membershipType: number, step: PlanStep): Promise<void> {
  switch (step.action) {
    case 'transfer':
      await transferItem(http, {
        itemReferenceHash: step.itemHash,
        stackSize: step.amount,
        transferToVault: step.toVault,
        itemId: step.itemInstanceId ?? NO_INSTANCE,
        characterId: step.characterId,
        membershipType,
      });
      return;
    case 'pull':
      await pullFromPostmaster(http, {
        itemReferenceHash: step.itemHash,
        stackSize: step.amount,
        itemId: step.itemInstanceId ?? NO_INSTANCE,
        characterId: step.characterId,
        membershipType,
      });
      return;
    case 'equip':
      await equipItem(http, { itemId: step.itemInstanceId, characterId: step.characterId, membershipType });
      return;
    case 'lock':
      await setItemLockState(http, {
        state: step.locked,
        itemId: step.itemInstanceId,
        characterId: step.characterId,
        membershipType,
      });
      return;
  }
}

export interface MoveDepsOptions {
  http: HttpClient;
  /** The selected Destiny membership (moves act on it), undefined when signed out. */
  membership(): Promise<Membership | undefined>;
  profiles: ProfileService;
  settleMs?: number;
}

function signedOut(): Error {
  return Object.assign(new Error('signed out'), { userMessage: 'Sign in with Bungie first.' });
}

/**
 * The executor's real dependencies: the cached model of the selected membership (patched in place after each call),
 * a reconcile that refetches GetProfile whatever the cache's age, and the Bungie calls.
 */
export function createMoveDeps(options: MoveDepsOptions): ExecutorDeps {
  const { profiles } = options;
  async function key(): Promise<string | undefined> {
    const m = await options.membership();
    return m ? profileKey(m) : undefined;
  }
  return {
    account: key,
    async model() {
      const k = await key();
      return k ? (await profiles.cached(k))?.model : undefined;
    },
    async patch(update: (m: InventoryModel) => InventoryModel) {
      const k = await key();
      return k ? profiles.patchModel(k, update) : undefined;
    },
    async reconcile() {
      const k = await key();
      if (!k) return undefined;
      await profiles.refresh({ force: true, reconcile: true });
      return (await profiles.cached(k))?.model;
    },
    async runStep(step) {
      const m = await options.membership();
      if (!m) throw signedOut();
      await runBungieStep(options.http, m.membershipType, step);
    },
    ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
  };
}
