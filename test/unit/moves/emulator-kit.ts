/**
 * The unit-level executor wired to the emulator exactly as the worker wires it (lib/moves/service.ts: createMoveDeps,
 * the real Bungie client, the real profile service over Dexie), plus the emulator's truth as a model.
 */
import type { DestinyComponentType } from 'bungie-api-ts/destiny2';
import { getProfile } from '@/lib/bungie/endpoints';
import { createBungieClient, type BungieClient } from '@/lib/bungie/client';
import { BungieError, LocalCode } from '@/lib/bungie/errors';
import { getDb } from '@/lib/db/schema';
import { inventoryDigest } from '@/lib/inventory/apply-step';
import { buildInventoryModel } from '@/lib/inventory/model';
import type { InventoryModel } from '@/lib/inventory/types';
import { createMoveExecutor, type MoveExecutor } from '@/lib/moves/executor';
import { dexieJournal, dexieStatus } from '@/lib/moves/journal';
import { createMoveDeps } from '@/lib/moves/step-calls';
import { createProfileService, PROFILE_COMPONENTS, profileKey, type ProfileService } from '@/lib/profile/service';
import { startEmulator, type Emulator, type EmulatorOptions } from '@/test/fake-bungie';
import { loadDefinitions } from '../inventory/fixtures';
import { MEMBERSHIP_ID, MEMBERSHIP_TYPE, signIn } from '../fake-bungie/helpers';

export const MEMBERSHIP = { membershipType: MEMBERSHIP_TYPE, membershipId: MEMBERSHIP_ID };
export const PROFILE_KEY = profileKey(MEMBERSHIP);
/** Everything where-is-what needs: profiles, inventories, characters, equipment, instances, transitory. */
export const MOVE_COMPONENTS = PROFILE_COMPONENTS.filter((c) => c !== 302 && c !== 304 && c !== 305);

export interface Rig {
  emu: Emulator;
  client: BungieClient;
  profiles: ProfileService;
  executor: MoveExecutor;
  /** How often the moves read the selected membership (once per job, plus previews and undo). */
  membershipReads: number;
  /** Drop the executor like a stopped worker and start a new one that resumes from the journal. */
  restart(): Promise<number>;
  model(): Promise<InventoryModel>;
  truth(): Promise<InventoryModel>;
  close(): Promise<void>;
}

export interface RigOptions {
  emulator?: EmulatorOptions;
  /** Client hard timeout; short so the fault test's delayed answers become timeouts. */
  timeoutMs?: number;
  settleMs?: number;
  /** Cache every component the worker asks for (slower patches; the bench uses it). */
  allComponents?: boolean;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const emu = await startEmulator({ enforceRateLimit: true, ...options.emulator });
  let token = String((await signIn(emu)).access_token);
  const tokens = {
    accessToken: async () => token,
    refreshAfterRejection: async () => (token = String((await signIn(emu)).access_token)),
    signInError: () => new BungieError({ code: LocalCode.NotSignedIn }),
  };
  const config = { origin: emu.url, apiKey: emu.apiKey };
  const client = createBungieClient({ config, timeoutMs: options.timeoutMs ?? 10_000, tokens });
  // The emulator's truth is read on a client of its own, whose patience no fault test shortens.
  const truthClient = createBungieClient({ config, tokens });
  const defs = loadDefinitions();
  const fetchProfile = async (components: readonly number[], via = client) =>
    (
      await getProfile(via.http, {
        destinyMembershipId: MEMBERSHIP_ID,
        membershipType: MEMBERSHIP_TYPE,
        components: [...components] as DestinyComponentType[],
      })
    ).Response;
  const profiles = createProfileService({
    currentMembership: async () => MEMBERSHIP,
    // Moves never read perks, stats or sockets (302/304/305, most of the 2.3 MB capture); leaving them out keeps each
    // patch of the cached row cheap enough for hundreds of sequences on a shared 2-core machine.
    fetchProfile: (_m, components) => fetchProfile(options.allComponents ? components : MOVE_COMPONENTS),
    definitionsFor: async () => defs,
  });
  await profiles.refresh({ force: true, reconcile: true });
  const deps = {
    ...createMoveDeps({
      http: client.http,
      membership: async () => {
        rig.membershipReads++;
        return MEMBERSHIP;
      },
      sessionEpoch: () => 0,
      profiles,
      settleMs: options.settleMs ?? 600,
    }),
    journal: dexieJournal(getDb),
    status: dexieStatus(getDb),
  };
  const rig: Rig = {
    emu,
    client,
    profiles,
    executor: createMoveExecutor(deps),
    membershipReads: 0,
    async restart() {
      rig.executor.halt();
      rig.executor = createMoveExecutor(deps);
      return rig.executor.resume();
    },
    async model() {
      const row = await getDb().profiles.get(PROFILE_KEY);
      if (!row?.model) throw new Error('no cached model');
      return row.model;
    },
    async truth() {
      return buildInventoryModel(await fetchProfile(MOVE_COMPONENTS, truthClient), defs, { now: Date.now() });
    },
    close: () => emu.close(),
  };
  return rig;
}

/** Lines present in one digest and not the other, for a readable failure. */
export function digestDiff(a: InventoryModel, b: InventoryModel): { onlyInCache: string[]; onlyInTruth: string[] } {
  const da = inventoryDigest(a);
  const db = inventoryDigest(b);
  const sb = new Set(db);
  const sa = new Set(da);
  return { onlyInCache: da.filter((l) => !sb.has(l)), onlyInTruth: db.filter((l) => !sa.has(l)) };
}

/** Instance ids and per-hash totals over the whole account: nothing may vanish or appear. */
export function accountTotals(model: InventoryModel): string[] {
  const totals = new Map<string, number>();
  for (const item of Object.values(model.items)) {
    const id = item.isInstanced ? `i:${item.itemInstanceId}` : `h:${item.itemHash}`;
    totals.set(id, (totals.get(id) ?? 0) + item.quantity);
  }
  return [...totals].map(([k, v]) => `${k}=${v}`).sort();
}
