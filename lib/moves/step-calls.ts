/**
 * The Bungie call for each plan step, and the executor's Bungie-side dependencies built on it, free of the worker's
 * singletons so Node tests and the bench build them the same way the worker does.
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
  /** The selected Destiny membership (moves act on it), undefined when signed out; read once per job. */
  membership(): Promise<Membership | undefined>;
  /** Changes whenever the session may have changed (see ExecutorDeps.sessionEpoch). */
  sessionEpoch?(): unknown;
  profiles: ProfileService;
  settleMs?: number;
}

function signedOut(): Error {
  return Object.assign(new Error('signed out'), { userMessage: 'Sign in with Bungie first.' });
}

/** The membership type in an account key (`${membershipType}:${membershipId}`). */
function membershipTypeOf(account: string): number {
  return Number(account.slice(0, account.indexOf(':')));
}

/**
 * The executor's Bungie side for the job's account (read once per job by the executor and passed to every call):
 * the cached model of that membership (patched in place after each call), a reconcile that refetches GetProfile
 * whatever the cache's age, and the Bungie call of each step. The journal and the status line are wired apart
 * (lib/moves/service.ts).
 */
export function createMoveDeps(options: MoveDepsOptions): Omit<ExecutorDeps, 'journal' | 'status'> {
  const { profiles } = options;
  return {
    async account() {
      const m = await options.membership();
      return m ? profileKey(m) : undefined;
    },
    ...(options.sessionEpoch ? { sessionEpoch: options.sessionEpoch } : {}),
    async model(account) {
      return account ? (await profiles.cached(account))?.model : undefined;
    },
    async patch(update: (m: InventoryModel) => InventoryModel, account) {
      return account ? profiles.patchModel(account, update) : undefined;
    },
    async reconcile(account) {
      if (!account) return undefined;
      await profiles.refresh({ force: true, reconcile: true });
      return (await profiles.cached(account))?.model;
    },
    async runStep(step, account) {
      if (!account) throw signedOut();
      await runBungieStep(options.http, membershipTypeOf(account), step);
    },
    ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
  };
}
