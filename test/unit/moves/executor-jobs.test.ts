/**
 * Jobs of several intents, on an in-memory journal and status line (no Dexie): progress counts steps across the job,
 * a failed intent does not stop the ones after it, undo is one job, a row in the old one-intent shape still resumes,
 * and with a session epoch the membership is read once per job while a switch still stops before the next call.
 */
import { describe, expect, it } from 'vitest';
import { applyStep, inventoryDigest } from '@/lib/inventory/apply-step';
import type { MoveIntent, PlanStep } from '@/lib/inventory/plan-types';
import { VAULT_ID, type InventoryModel } from '@/lib/inventory/types';
import {
  ACCOUNT_SWITCHED_SENTENCE,
  createMoveExecutor,
  jobData,
  type ExecutorDeps,
  type LegacyJobData,
} from '@/lib/moves/executor';
import { memoryJournal, memoryStatus } from '@/lib/moves/journal';
import { loadFixtureModel } from '../inventory/fixtures';

const fixture = loadFixtureModel();
const A = '2:4611686018433092312';
const B = '3:4611686018467367772';
const T0 = Date.parse('2026-11-20T18:00:00Z');

function world() {
  let server = structuredClone(fixture);
  let cache = structuredClone(fixture);
  const journal = memoryJournal();
  const status = memoryStatus();
  const w = {
    journal,
    status,
    account: A as string | undefined,
    epoch: 0,
    accountReads: 0,
    calls: [] as { step: PlanStep; account?: string }[],
    beforeCall: undefined as (() => void) | undefined,
    server: () => server,
    cache: () => cache,
    deps: {} as ExecutorDeps,
  };
  w.deps = {
    journal,
    status,
    account: async () => {
      w.accountReads++;
      return w.account;
    },
    sessionEpoch: () => w.epoch,
    model: async () => cache,
    patch: async (update: (m: InventoryModel) => InventoryModel) => (cache = update(cache)),
    reconcile: async () => (cache = structuredClone(server)),
    runStep: async (step, account) => {
      w.beforeCall?.();
      w.calls.push({ step: step as PlanStep, account });
      server = applyStep(server, step);
    },
    now: () => T0,
    settleMs: 0,
    sleep: async () => undefined,
  };
  return w;
}

const items = Object.values(fixture.items);
const hunter = fixture.stores.find((s) => s.kind === 'character')!;
const vaultWeapons = items.filter(
  (i) => i.location === 'vault' && i.isWeapon && i.isInstanced && i.transferable && !i.isExotic,
);
/** An equipped weapon: to the vault it takes two calls (equip a replacement, then transfer). */
const equipped = items.find((i) => i.owner === hunter.id && i.equipped && i.isWeapon && i.transferable && !i.isExotic)!;
/** Vault weapons each paired with a character whose bucket has a free slot (each slot used once: one call each). */
const roomy = (() => {
  const used = new Set<string>();
  const pairs: { key: string; to: string }[] = [];
  for (const item of vaultWeapons) {
    const store = fixture.stores.find(
      (c) =>
        c.kind === 'character' &&
        !used.has(`${c.id}:${item.targetBucketHash}`) &&
        (c.buckets[item.targetBucketHash]?.length ?? 99) < fixture.buckets[item.targetBucketHash].capacity,
    );
    if (!store) continue;
    used.add(`${store.id}:${item.targetBucketHash}`);
    pairs.push({ key: item.key, to: store.id });
  }
  return pairs;
})();
const toRoom = (n: number): MoveIntent => ({ kind: 'move', itemKey: roomy[n].key, to: roomy[n].to });

describe('move jobs of several intents', () => {
  it('runs every intent in order, counts progress across the job, and ends with one sentence', async () => {
    const w = world();
    const executor = createMoveExecutor(w.deps);
    const id = await executor.enqueue([{ kind: 'move', itemKey: equipped.key, to: VAULT_ID }, toRoom(0)]);
    await executor.idle();
    const row = w.journal.rows.get(id)!;
    expect(row.status).toBe('done');
    expect(w.calls).toHaveLength(3);
    const running = w.status.lines.filter((s) => s.state === 'running').map((s) => `${s.step}/${s.total}`);
    // Two steps of the first intent (one more intent to come), then the third step of the job.
    expect(running).toEqual(['1/3', '2/3', '3/3']);
    const data = jobData(row.data, row.status);
    expect(data.outcomes.map((o) => o.state)).toEqual(['done', 'done']);
    expect(data.message).toBe(data.outcomes.map((o) => o.message).join(' '));
    expect(w.status.lines.at(-1)).toMatchObject({ jobId: id, state: 'done', step: 3, total: 3, message: data.message });
    expect(inventoryDigest(w.cache())).toEqual(inventoryDigest(w.server()));
  });

  it('a failed intent does not stop the ones after it; the job fails and says which', async () => {
    const w = world();
    const executor = createMoveExecutor(w.deps);
    const id = await executor.enqueue([{ kind: 'move', itemKey: 'no-such-item', to: VAULT_ID }, toRoom(1)]);
    await executor.idle();
    const row = w.journal.rows.get(id)!;
    expect(row.status).toBe('failed');
    expect(w.calls.map((c) => c.step.itemKey)).toEqual([roomy[1].key]);
    const data = jobData(row.data, row.status);
    expect(data.message).toMatch(/^1 of 2 moves finished\. .*no longer in your inventory/);
  });

  it('undo of a two-intent job is one job that puts both back', async () => {
    const w = world();
    const executor = createMoveExecutor(w.deps);
    await executor.enqueue([toRoom(2), toRoom(3)]);
    await executor.idle();
    const undo = await executor.undoLast();
    expect(undo.jobId).toBeDefined();
    await executor.idle();
    const row = w.journal.rows.get(undo.jobId!)!;
    expect(row.status).toBe('done');
    expect(jobData(row.data, row.status).intents).toHaveLength(2);
    expect(w.cache().items[roomy[2].key].location).toBe('vault');
    expect(w.cache().items[roomy[3].key].location).toBe('vault');
    expect(w.status.lines.at(-1)).toMatchObject({ jobId: undo.jobId, state: 'done' });
  });

  it('a journal row in the old one-intent shape still resumes', async () => {
    const w = world();
    const legacy: LegacyJobData = { intent: toRoom(4), steps: [], done: 0, origins: {}, replans: 0 };
    const id = await w.journal.add({ createdAt: T0, status: 'interrupted', account: A, data: legacy });
    const executor = createMoveExecutor(w.deps);
    await executor.resume();
    await executor.idle();
    expect(w.journal.rows.get(id)!.status).toBe('done');
    expect(w.cache().items[roomy[4].key].owner).toBe(roomy[4].to);
    // Read in today's shape; the finished row can be undone.
    expect(jobData(legacy, 'queued')).toMatchObject({ intents: [legacy.intent], at: 0, outcomes: [] });
    expect(await executor.undoLast()).toMatchObject({ jobId: expect.any(Number) });
  });

  it('reads the membership once per job and passes it to every call', async () => {
    const w = world();
    const executor = createMoveExecutor(w.deps);
    await executor.enqueue([{ kind: 'move', itemKey: equipped.key, to: VAULT_ID }, toRoom(1)]);
    const before = w.accountReads;
    await executor.idle();
    expect(w.calls).toHaveLength(3);
    expect(w.calls.every((c) => c.account === A)).toBe(true);
    expect(w.accountReads - before).toBe(1);
  });

  it('with the epoch, a switch between two calls still stops the job before the next call', async () => {
    const w = world();
    w.beforeCall = () => {
      w.account = B;
      w.epoch++;
    };
    const executor = createMoveExecutor(w.deps);
    const id = await executor.enqueue([{ kind: 'move', itemKey: equipped.key, to: VAULT_ID }, toRoom(1)]);
    await executor.idle();
    expect(w.calls).toHaveLength(1);
    const row = w.journal.rows.get(id)!;
    expect(row.status).toBe('failed');
    expect(jobData(row.data, row.status).message).toBe(ACCOUNT_SWITCHED_SENTENCE);
    expect(w.status.lines.some((s) => s.state === 'done')).toBe(false);
  });
});
