/**
 * The executor with a pretend Bungie (runStep applies the step to an in-memory "server" model, or fails as told) over
 * the real profile fixture: call counts, no blind retries, re-plans, lost answers, worker stops, stacks and undo.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BungieError, ErrorCode, LocalCode } from '@/lib/bungie/errors';
import { getDb } from '@/lib/db/schema';
import { applyStep, inventoryDigest } from '@/lib/inventory/apply-step';
import type { PlanStep } from '@/lib/inventory/plan-types';
import { VAULT_ID, type InventoryItem, type InventoryModel } from '@/lib/inventory/types';
import {
  createMoveExecutor,
  MOVE_STATUS_KEY,
  type ExecutorDeps,
  type JournalData,
  type MoveStatus,
} from '@/lib/moves/executor';
import { dexieJournal, dexieStatus } from '@/lib/moves/journal';
import { loadFixtureModel } from '../inventory/fixtures';

const fixture = loadFixtureModel();

interface Pretend {
  deps: ExecutorDeps;
  server: () => InventoryModel;
  cache: () => InventoryModel;
  calls: PlanStep[];
  reconciles: number;
  /** Fail the n-th call (1-based, counted from now) with `error`; `applied` = Bungie did it anyway. */
  failCall(n: number, error: unknown, applied?: boolean): void;
}

function pretendBungie(start: InventoryModel = fixture): Pretend {
  let server = structuredClone(start);
  let cache = structuredClone(start);
  const failures = new Map<number, { error: unknown; applied: boolean }>();
  const p: Pretend = {
    calls: [],
    reconciles: 0,
    server: () => server,
    cache: () => cache,
    failCall(n, error, applied = false) {
      failures.set(p.calls.length + n, { error, applied });
    },
    deps: {
      journal: dexieJournal(getDb),
      status: dexieStatus(getDb),
      model: async () => cache,
      patch: async (update) => (cache = update(cache)),
      reconcile: async () => {
        p.reconciles++;
        return (cache = structuredClone(server));
      },
      runStep: async (step) => {
        p.calls.push(step as PlanStep);
        const failure = failures.get(p.calls.length);
        if (failure?.applied || !failure) server = applyStep(server, step);
        if (failure) throw failure.error;
      },
      settleMs: 0,
    },
  };
  return p;
}

const characters = fixture.stores.filter((s) => s.kind === 'character');
const items = Object.values(fixture.items);
const vaultWeapon = items.find(
  (i) => i.location === 'vault' && i.isWeapon && i.isInstanced && i.transferable && !i.isExotic,
)!;
/** A weapon on a character, not equipped, whose bucket on the other characters has room. */
const characterWeapon = items.find(
  (i) => i.owner !== VAULT_ID && i.location === 'inventory' && i.isWeapon && i.isInstanced && i.transferable,
)!;
const otherCharacter = (item: InventoryItem) => characters.find((c) => c.id !== item.owner)!;

async function run(executor: ReturnType<typeof createMoveExecutor>, intent: Parameters<typeof executor.enqueue>[0]) {
  const id = await executor.enqueue(intent);
  await executor.idle();
  const job = (await getDb().journal.get(id))!;
  return { status: job.status, data: job.data as JournalData };
}

async function status(): Promise<MoveStatus> {
  return (await getDb().meta.get(MOVE_STATUS_KEY))!.value as MoveStatus;
}

beforeEach(async () => {
  fakeBrowser.reset();
  await getDb().journal.clear();
  await getDb().meta.clear();
});

describe('move executor', () => {
  it('moves vault→character in exactly one call and patches the cache without a refetch', async () => {
    const p = pretendBungie();
    const to = characters[0].id;
    const result = await run(createMoveExecutor(p.deps), { kind: 'move', itemKey: vaultWeapon.key, to });
    expect(result.status).toBe('done');
    expect(p.reconciles).toBe(0);
    expect(p.calls.filter((c) => c.itemKey === vaultWeapon.key)).toHaveLength(1);
    expect(p.cache().items[vaultWeapon.key].owner).toBe(to);
    expect(inventoryDigest(p.cache())).toEqual(inventoryDigest(p.server()));
    expect(await status()).toMatchObject({ state: 'done', message: result.data.message });
  });

  it('moves character→character through the vault in two calls', async () => {
    const p = pretendBungie();
    const to = otherCharacter(characterWeapon).id;
    await run(createMoveExecutor(p.deps), { kind: 'move', itemKey: characterWeapon.key, to });
    const own = p.calls.filter((c) => c.itemKey === characterWeapon.key);
    expect(own.map((c) => c.action === 'transfer' && c.toVault)).toEqual([true, false]);
    expect(p.cache().items[characterWeapon.key].owner).toBe(to);
  });

  it('stops after an activity refusal (1671) without retrying and says where the item is', async () => {
    const p = pretendBungie();
    p.failCall(1, new BungieError({ code: ErrorCode.DestinyCannotPerformActionAtThisLocation }));
    const to = otherCharacter(characterWeapon).id;
    const result = await run(createMoveExecutor(p.deps), { kind: 'move', itemKey: characterWeapon.key, to });
    const owner = characters.find((c) => c.id === characterWeapon.owner)!.name;
    expect(result.status).toBe('failed');
    expect(p.calls).toHaveLength(1);
    expect(p.reconciles).toBe(1);
    expect(result.data.message).toBe(
      `Bungie says you are in an activity that doesn't allow moving items; ${characterWeapon.name} is still on your ${owner}.`,
    );
  });

  it('re-plans from the fresh profile after 1642 and finishes', async () => {
    const p = pretendBungie();
    p.failCall(1, new BungieError({ code: ErrorCode.DestinyNoRoomInDestination }));
    const result = await run(createMoveExecutor(p.deps), {
      kind: 'move',
      itemKey: vaultWeapon.key,
      to: characters[1].id,
    });
    expect(result.status).toBe('done');
    expect(result.data.replans).toBe(1);
    expect(p.reconciles).toBe(1);
    expect(inventoryDigest(p.cache())).toEqual(inventoryDigest(p.server()));
  });

  it('does not repeat a call whose answer was lost but which Bungie applied', async () => {
    const p = pretendBungie();
    p.failCall(1, new BungieError({ code: LocalCode.Timeout }), true);
    const result = await run(createMoveExecutor(p.deps), {
      kind: 'move',
      itemKey: vaultWeapon.key,
      to: characters[2].id,
    });
    expect(result.status).toBe('done');
    expect(p.calls.filter((c) => c.itemKey === vaultWeapon.key)).toHaveLength(1);
    expect(p.server().items[vaultWeapon.key].owner).toBe(characters[2].id);
  });

  it('resumes after a worker stop mid-plan without repeating the calls that landed', async () => {
    const p = pretendBungie();
    const to = otherCharacter(characterWeapon).id;
    const first = createMoveExecutor(p.deps);
    const realRun = p.deps.runStep;
    // The worker dies right after the first call lands.
    p.deps.runStep = async (step) => {
      await realRun(step);
      first.halt();
    };
    await first.enqueue({ kind: 'move', itemKey: characterWeapon.key, to });
    await first.idle();
    expect((await getDb().journal.toArray())[0].status).toBe('running');
    p.deps.runStep = realRun;
    const second = createMoveExecutor(p.deps);
    expect(await second.resume()).toBe(1);
    await second.idle();
    const job = (await getDb().journal.toArray())[0];
    expect(job.status).toBe('done');
    expect(p.calls.filter((c) => c.itemKey === characterWeapon.key)).toHaveLength(2);
    expect(p.server().items[characterWeapon.key].owner).toBe(to);
    expect(inventoryDigest(p.cache())).toEqual(inventoryDigest(p.server()));
  });

  it('moves a partial stack by amount and, resumed after the call landed, does not move it again', async () => {
    // Stacks in account-wide buckets (consumables, mods) belong to the vault store; "to the vault" means General.
    const stack = items.find(
      (i) => !i.isInstanced && i.owner === VAULT_ID && i.location === 'inventory' && i.transferable && i.quantity > 3,
    );
    if (!stack) throw new Error('the fixture has no account-wide stack');
    const p = pretendBungie();
    const inGeneral = (m: InventoryModel) =>
      Object.values(m.items)
        .filter((i) => i.itemHash === stack.itemHash && i.location === 'vault')
        .reduce((sum, i) => sum + i.quantity, 0);
    const before = inGeneral(p.server());
    const first = createMoveExecutor(p.deps);
    const realRun = p.deps.runStep;
    p.deps.runStep = async (step) => {
      await realRun(step);
      first.halt();
    };
    await first.enqueue({ kind: 'move', itemKey: stack.key, to: VAULT_ID, amount: 2 });
    await first.idle();
    p.deps.runStep = realRun;
    const second = createMoveExecutor(p.deps);
    expect(await second.resume()).toBe(1);
    await second.idle();
    expect(p.calls).toHaveLength(1);
    expect(p.calls[0]).toMatchObject({ action: 'transfer', toVault: true, amount: 2, itemHash: stack.itemHash });
    expect(inGeneral(p.server())).toBe(before + 2);
    expect((await getDb().journal.toArray())[0].status).toBe('done');
    expect(inventoryDigest(p.cache())).toEqual(inventoryDigest(p.server()));
  });

  it('undo puts the last move back', async () => {
    const p = pretendBungie();
    const executor = createMoveExecutor(p.deps);
    await run(executor, { kind: 'move', itemKey: vaultWeapon.key, to: characters[0].id });
    const undo = await executor.undoLast();
    expect(undo.jobId).toBeDefined();
    await executor.idle();
    expect(p.cache().items[vaultWeapon.key].location).toBe('vault');
    expect(await executor.undoLast()).toEqual({ reason: 'There is no move to undo.' });
  });

  it('an impossible intent fails with the planner sentence and no call', async () => {
    const p = pretendBungie();
    const result = await run(createMoveExecutor(p.deps), { kind: 'move', itemKey: 'no-such-item', to: VAULT_ID });
    expect(result.status).toBe('failed');
    expect(result.data.message).toMatch(/no longer in your inventory/);
    expect(p.calls).toHaveLength(0);
  });
});
