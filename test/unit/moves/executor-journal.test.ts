/**
 * Issue 12 parts 3 and 6 for the move queue: journal rows record their account and never run under another one; a
 * move left queued for more than 5 minutes expires with a sentence; the journal keeps the last 100 finished rows.
 * The clock is injected (no test reads the real date).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { getDb } from '@/lib/db/schema';
import { applyStep } from '@/lib/inventory/apply-step';
import type { PlanStep } from '@/lib/inventory/plan-types';
import { VAULT_ID, type InventoryModel } from '@/lib/inventory/types';
import {
  ACCOUNT_SWITCHED_SENTENCE,
  createMoveExecutor,
  EXPIRED_MOVE_SENTENCE,
  JOURNAL_KEEP_FINISHED,
  MOVE_STATUS_KEY,
  OTHER_ACCOUNT_SENTENCE,
  QUEUED_MOVE_MAX_AGE_MS,
  type ExecutorDeps,
  type JournalData,
  type MoveStatus,
} from '@/lib/moves/executor';
import { dexieJournal, dexieStatus } from '@/lib/moves/journal';
import { loadFixtureModel } from '../inventory/fixtures';

const fixture = loadFixtureModel();
const A = '2:4611686018433092312';
const B = '3:4611686018467367772';
const T0 = Date.parse('2026-11-20T18:00:00Z');

function world() {
  let server = structuredClone(fixture);
  let cache = structuredClone(fixture);
  const w = {
    t: T0,
    account: A as string | undefined,
    calls: [] as PlanStep[],
    /** Runs before each Bungie call (a sign-out or switch mid-move). */
    beforeCall: undefined as (() => void) | undefined,
    deps: {} as ExecutorDeps,
  };
  w.deps = {
    journal: dexieJournal(getDb),
    status: dexieStatus(getDb),
    account: async () => w.account,
    model: async () => cache,
    patch: async (update: (m: InventoryModel) => InventoryModel) => (cache = update(cache)),
    reconcile: async () => (cache = structuredClone(server)),
    runStep: async (step) => {
      w.beforeCall?.();
      w.calls.push(step as PlanStep);
      server = applyStep(server, step);
    },
    now: () => w.t,
    settleMs: 0,
    sleep: async () => undefined,
  };
  return w;
}

const vaultWeapons = Object.values(fixture.items).filter(
  (i) => i.location === 'vault' && i.isWeapon && i.isInstanced && i.transferable && !i.isExotic,
);
const hunter = fixture.stores.find((s) => s.kind === 'character')!;
const moveToHunter = (n = 0) => ({ kind: 'move' as const, itemKey: vaultWeapons[n].key, to: hunter.id });

async function status(): Promise<MoveStatus | undefined> {
  return (await getDb().meta.get(MOVE_STATUS_KEY))?.value as MoveStatus | undefined;
}

describe('the move journal', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await getDb().journal.clear();
    await getDb().meta.clear();
  });

  it('records the account each move was queued for', async () => {
    const w = world();
    const executor = createMoveExecutor(w.deps);
    const id = await executor.enqueue(moveToHunter());
    await executor.idle();
    expect((await getDb().journal.get(id))?.account).toBe(A);
    expect((await getDb().journal.get(id))?.status).toBe('done');
  });

  it('a move queued under one account never runs under another (restart after a switch)', async () => {
    const w = world();
    const id = (await getDb().journal.add({
      createdAt: T0,
      status: 'queued',
      account: A,
      data: { intent: moveToHunter(), steps: [], done: 0, origins: {}, replans: 0 } satisfies JournalData,
    })) as number;
    w.account = B;
    const executor = createMoveExecutor(w.deps);
    await executor.resume();
    await executor.idle();
    const row = await getDb().journal.get(id);
    expect(row?.status).toBe('failed');
    expect((row?.data as JournalData).message).toBe(OTHER_ACCOUNT_SENTENCE);
    expect(w.calls).toHaveLength(0);
  });

  it('a switch between two calls of a move stops it before the next call', async () => {
    const w = world();
    // An equipped weapon to the vault: unequip (equip another) then transfer — two calls.
    const equipped = Object.values(fixture.items).find(
      (i) => i.owner === hunter.id && i.equipped && i.isWeapon && i.transferable && !i.isExotic,
    )!;
    w.beforeCall = () => (w.account = B);
    const executor = createMoveExecutor(w.deps);
    const id = await executor.enqueue({ kind: 'move', itemKey: equipped.key, to: VAULT_ID });
    await executor.idle();
    expect(w.calls).toHaveLength(1);
    const row = await getDb().journal.get(id);
    expect(row?.status).toBe('failed');
    expect((row?.data as JournalData).message).toBe(ACCOUNT_SWITCHED_SENTENCE);
    // The status line belongs to the account on screen now: the old account's move leaves none there.
    expect((await status())?.state).not.toBe('done');
  });

  it('a sign-out mid-move writes no status back and makes no further call', async () => {
    const w = world();
    const equipped = Object.values(fixture.items).find(
      (i) => i.owner === hunter.id && i.equipped && i.isWeapon && i.transferable && !i.isExotic,
    )!;
    w.beforeCall = () => {
      w.account = undefined;
      void getDb().meta.delete(MOVE_STATUS_KEY);
    };
    const executor = createMoveExecutor(w.deps);
    await executor.enqueue({ kind: 'move', itemKey: equipped.key, to: VAULT_ID });
    await executor.idle();
    expect(w.calls).toHaveLength(1);
    expect(await status()).toBeUndefined();
  });

  it('a move still queued after 5 minutes expires with a sentence instead of running late', async () => {
    const w = world();
    const id = (await getDb().journal.add({
      createdAt: T0,
      status: 'queued',
      account: A,
      data: { intent: moveToHunter(), steps: [], done: 0, origins: {}, replans: 0 } satisfies JournalData,
    })) as number;
    // The worker comes back days later (injected clock).
    w.t = T0 + 3 * 24 * 3_600_000;
    const executor = createMoveExecutor(w.deps);
    await executor.resume();
    await executor.idle();
    const row = await getDb().journal.get(id);
    expect(row?.status).toBe('failed');
    expect((row?.data as JournalData).message).toBe(EXPIRED_MOVE_SENTENCE);
    expect((await status())?.message).toBe(EXPIRED_MOVE_SENTENCE);
    expect(w.calls).toHaveLength(0);
  });

  it('just under 5 minutes it still runs; a busy queue does not expire its own tail', async () => {
    const w = world();
    const early = (await getDb().journal.add({
      createdAt: T0,
      status: 'queued',
      account: A,
      data: { intent: moveToHunter(0), steps: [], done: 0, origins: {}, replans: 0 } satisfies JournalData,
    })) as number;
    const tail = (await getDb().journal.add({
      createdAt: T0,
      status: 'queued',
      account: A,
      data: { intent: moveToHunter(1), steps: [], done: 0, origins: {}, replans: 0 } satisfies JournalData,
    })) as number;
    w.t = T0 + QUEUED_MOVE_MAX_AGE_MS - 1_000;
    // The first move takes a while (slow Bungie): the tail waited > 5 min since queued, but the queue kept moving.
    const slow = w.deps.runStep;
    w.deps.runStep = async (step) => {
      w.t += 10_000;
      await slow(step);
    };
    const executor = createMoveExecutor(w.deps);
    await executor.resume();
    await executor.idle();
    expect((await getDb().journal.get(early))?.status).toBe('done');
    expect((await getDb().journal.get(tail))?.status).toBe('done');
  });

  it(`keeps only the last ${JOURNAL_KEEP_FINISHED} finished rows`, async () => {
    const w = world();
    const old = Array.from({ length: 120 }, (_, i) => ({
      createdAt: T0 - 1_000_000 + i,
      status: (i % 2 ? 'done' : 'failed') as 'done' | 'failed',
      account: A,
      data: { intent: moveToHunter(), steps: [], done: 0, origins: {}, replans: 0, message: `old ${i}` },
    }));
    await getDb().journal.bulkAdd(old);
    const executor = createMoveExecutor(w.deps);
    const id = await executor.enqueue(moveToHunter());
    await executor.idle();
    const finished = await getDb().journal.where('status').anyOf('done', 'failed').primaryKeys();
    expect(finished).toHaveLength(JOURNAL_KEEP_FINISHED);
    expect(finished).toContain(id);
    expect(Math.min(...(finished as number[]))).toBe(id - JOURNAL_KEEP_FINISHED + 1);
  });
});
