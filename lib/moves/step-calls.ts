/**
 * The Bungie call for each plan step, and the executor's Bungie-side dependencies built on it, free of the worker's
 * singletons so Node tests and the bench build them the same way the worker does.
 */
import type { HttpClient } from 'bungie-api-ts/http';
import { equipItem, equipItems, pullFromPostmaster, setItemLockState, transferItem } from '../bungie/endpoints';
import { ErrorCode } from '../bungie/errors';
import type { EquipManyStep, ItemStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';
import { profileKey, type Membership, type ProfileService } from '../profile/service';
import type { ExecutorDeps } from './executor';

/** Uninstanced items are named by hash; Bungie wants itemId 0 for them. */
const NO_INSTANCE = '0';

/** PlatformErrorCode Success: the one `equipStatus` that means the item is equipped. */
const EQUIPPED = 1;

/**
 * An EquipItems call answered, but not every item was equipped (Bungie reports a PlatformErrorCode per item). The
 * call did happen: `equipped` is the step cut down to the items that succeeded, in the call's order (undefined when
 * none did), and is what the cache is patched with. `code` is the first refused item's code, so the executor decides
 * from it whether planning again can help (1641 exotic clash yes, 1671 in an activity no).
 */
export class PartialEquip extends Error {
  readonly code: number;
  constructor(
    readonly step: EquipManyStep,
    readonly equipped: EquipManyStep | undefined,
    readonly refused: { itemKey: string; code: number }[],
  ) {
    super(`EquipItems refused ${refused.length} of ${step.items.length} items`);
    this.code = refused[0].code;
  }
}

/**
 * Bungie's per-item answer of EquipItems (`equipResults[{ itemInstanceId, equipStatus }]`) against the step: throws
 * PartialEquip unless every item's status is 1. An item the answer does not mention counts as not equipped.
 */
export function checkEquipResults(
  step: EquipManyStep,
  results: readonly { itemInstanceId: string; equipStatus: number }[] | undefined,
): void {
  const status = new Map((results ?? []).map((r) => [String(r.itemInstanceId), Number(r.equipStatus)]));
  const ok = step.items.filter((i) => status.get(i.itemInstanceId) === EQUIPPED);
  if (ok.length === step.items.length) return;
  const refused = step.items
    .filter((i) => status.get(i.itemInstanceId) !== EQUIPPED)
    // A missing answer is treated like Bungie's "unexpected" failure (worth reading the truth and planning again).
    .map((i) => ({ itemKey: i.itemKey, code: status.get(i.itemInstanceId) ?? ErrorCode.DestinyUnexpectedError }));
  throw new PartialEquip(step, ok.length ? { ...step, items: ok } : undefined, refused);
}

/**
 * One plan step as its Bungie call (bungie-api-ts), through the one client so its spacing (≥ 0.1 s between item
 * actions) and throttle back-off apply. Bungie: TransferItem names the character the item leaves (to the vault) or
 * enters (from the vault), stacks move `stackSize` units of `itemReferenceHash`; PullFromPostmaster names the
 * owner; EquipItem and SetItemLockState take instanced items only. EquipItems (one call for a loadout's equips)
 * answers per item; any item not equipped throws PartialEquip naming the ones that were.
 */
export async function runBungieStep(http: HttpClient, membershipType: number, step: ItemStep): Promise<void> {
  switch (step.action) {
    case 'equipMany': {
      const answer = await equipItems(http, {
        itemIds: step.items.map((i) => i.itemInstanceId),
        characterId: step.characterId,
        membershipType,
      });
      checkEquipResults(step, answer.Response?.equipResults);
      return;
    }
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
