import type { DestinyComponentType, DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import type { HttpClient } from 'bungie-api-ts/http';
import { getBungieHttp, getSession } from '../bungie/service';
import { equipItem, getProfile, pullFromPostmaster, setItemLockState, transferItem } from '../bungie/endpoints';
import type { PlanStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';
import { loadDefinitionSource } from '../manifest/lookup';
import type { HandlerSet } from '../messages';
import {
  createProfileService,
  profileKey,
  type Membership,
  type ProfileService,
  type ProfileServiceDeps,
} from '../profile/service';
import { createMoveExecutor, type ExecutorDeps, type MoveExecutor } from './executor';
import type { ProfileMessages } from '../profile/messages';
import type { MoveMessages } from './messages';

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

/** Every item hash a profile holds, for the bulk definition lookup. */
export function profileItemHashes(profile: DestinyProfileResponse): number[] {
  const hashes = new Set<number>();
  const add = (items: { itemHash: number }[] | undefined) => items?.forEach((i) => hashes.add(i.itemHash));
  add(profile.profileInventory?.data?.items);
  for (const c of Object.values(profile.characterInventories?.data ?? {})) add(c.items);
  for (const c of Object.values(profile.characterEquipment?.data ?? {})) add(c.items);
  return [...hashes];
}

/** The worker's profile service over the real client and the active Manifest. */
export function createWorkerProfileService(overrides: Partial<ProfileServiceDeps> = {}): ProfileService {
  return createProfileService({
    async currentMembership() {
      return (await getSession()).membership ?? undefined;
    },
    async fetchProfile(m, components) {
      const { http } = await getBungieHttp();
      const request = { destinyMembershipId: m.membershipId, membershipType: m.membershipType };
      return (await getProfile(http, { ...request, components: [...components] as DestinyComponentType[] })).Response;
    },
    definitionsFor: (profile) => loadDefinitionSource(profileItemHashes(profile)),
    ...overrides,
  });
}

export interface MoveService {
  executor: MoveExecutor;
  profiles: ProfileService;
  /** The move messages, plus the profile messages when this service had to create the profile cache itself. */
  handlers: HandlerSet<MoveMessages> & Partial<HandlerSet<ProfileMessages>>;
}

/**
 * Starts the worker's move queue and resumes whatever a stopped worker left in the journal. Pass the worker's
 * profile service when it has one (so the cache and its alarm exist once); until then one is created and started
 * here, and its `refreshProfile` handler is returned with the move handlers.
 */
export function startMoveService(options: { profiles?: ProfileService } = {}): MoveService {
  const owned = options.profiles ? undefined : createWorkerProfileService();
  const profiles = options.profiles ?? owned!;
  owned?.start();
  const executor = createMoveExecutor(
    createMoveDeps({
      http: (async (config) => (await getBungieHttp()).http(config)) as HttpClient,
      async membership() {
        return (await getSession()).membership ?? undefined;
      },
      profiles,
    }),
  );
  void executor.resume();
  return { executor, profiles, handlers: { ...executor.handlers, ...(owned ? owned.handlers : {}) } };
}
