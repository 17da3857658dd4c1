/**
 * The randomized fault test, shared by the two vitest files that run it in parallel (one per core): seeded
 * move sequences run by the unit-level executor (real client, real profile service, Dexie on fake-indexeddb) against
 * the emulator while it injects 500s, 1642s, throttles, lost answers, dropped connections, profile outages and worker
 * stops. After each sequence the cached model must equal the model built from the emulator's own GetProfile, and no
 * item or unit of a stack may be missing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getDb } from '@/lib/db/schema';
import { inventoryDigest } from '@/lib/inventory/apply-step';
import { jobData, type JournalData } from '@/lib/moves/executor';
import { accountTotals, digestDiff, startRig, type Rig } from './emulator-kit';
import { faultRule, randomFault, randomIntent, rng, type FaultKind } from './fault-kit';

/** Client timeout, and how long the executor lets a lost call land before it reads the profile (margin 200 ms). */
const TIMEOUT_MS = 150;
const SETTLE_MS = 250;

export interface RunStats {
  sequences: number;
  moves: number;
  done: number;
  failed: number;
  /** Worker stops that cut a move off mid-plan (the rest hit between moves). */
  cutMidPlan: number;
  faults: Partial<Record<FaultKind, number>>;
  /**
   * Sequences after which the cache split a stack total differently from the emulator. lib/inventory/apply-step.ts
   * takes a partial amount from the named stack first; the emulator takes it from the last (smallest) stacks first.
   */
  stackSplits: { context: string; onlyInCache: string[]; onlyInTruth: string[] }[];
}

/** True when every difference is a stack count with equal totals in the same bucket. */
function onlyStackSplits(diff: { onlyInCache: string[]; onlyInTruth: string[] }): boolean {
  const strip = (lines: string[]) => lines.map((l) => l.replace(/\|stacks=\d+$/, '')).sort();
  const a = strip(diff.onlyInCache);
  return a.every((l) => l.includes('|stack|')) && a.join('\n') === strip(diff.onlyInTruth).join('\n');
}

async function nextJobId(): Promise<number> {
  return ((await getDb().journal.orderBy('id').last())?.id ?? 0) + 1;
}

async function runSequences(rig: Rig, seed: number, count: number): Promise<RunStats> {
  const random = rng(seed);
  const stats: RunStats = { sequences: 0, moves: 0, done: 0, failed: 0, cutMidPlan: 0, faults: {}, stackSplits: [] };
  const baseline = accountTotals(await rig.truth());
  for (let n = 0; n < count; n++) {
    const fault = randomFault(random);
    stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    const rule = faultRule(fault, Math.floor(random() * 1e9), TIMEOUT_MS);
    if (fault === 'profile-500') {
      // The reconcile after a failed call meets an outage of its own.
      rig.emu.control.fault({ ...rule!, route: '/Platform/Destiny2/*/Profile/*/' });
      rig.emu.control.fault(faultRule('500', Math.floor(random() * 1e9), TIMEOUT_MS)!);
    } else if (rule) {
      rig.emu.control.fault(rule);
    }

    const moves = random() < 0.7 ? 1 : 2;
    const model = await rig.model();
    const firstId = await nextJobId();
    for (let m = 0; m < moves; m++) await rig.executor.enqueue(randomIntent(model, random));
    if (fault === 'worker-stop') {
      await new Promise((r) => setTimeout(r, Math.floor(random() * 260)));
      if ((await rig.restart()) > 0) stats.cutMidPlan++;
    }
    await rig.executor.idle();
    rig.emu.control.clearFaults();

    const context = `seed ${seed} sequence ${n} (${fault})`;
    const truth = await rig.truth();
    const cache = await rig.model();
    const jobs = await getDb().journal.where('id').aboveOrEqual(firstId).toArray();
    if (inventoryDigest(cache).join('\n') !== inventoryDigest(truth).join('\n')) {
      const diff = digestDiff(cache, truth);
      const journal = jobs.map((j) => [j.status, jobData(j.data, j.status).intents, (j.data as JournalData).message]);
      if (!onlyStackSplits(diff)) expect({ context, journal, ...diff }).toBeUndefined();
      // Same units in the same buckets, split into a different number of stacks: recorded, then resynced so the
      // next sequences start from the truth (see stackSplits in RunStats).
      stats.stackSplits.push({ context, ...diff });
      await rig.profiles.refresh({ reconcile: true });
    }
    expect(accountTotals(truth), `${context}: an item vanished or appeared`).toEqual(baseline);
    for (const job of jobs) {
      expect(['done', 'failed'], `${context}: job ${job.id} left ${job.status}`).toContain(job.status);
      const message = (job.data as JournalData).message ?? '';
      expect(message, `${context}: job ${job.id} ends with one sentence`).toMatch(/^[A-Z0-9].*[.]$/);
      if (job.status === 'done') stats.done++;
      else stats.failed++;
    }
    stats.moves += jobs.length;
    stats.sequences++;
  }
  return stats;
}

/** Registers one seeded run (`vault: 'full'` leaves the vault two free slots so move-asides happen constantly). */
export function faultRun(seed: number, sequences: number, vault: 'roomy' | 'full'): void {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ timeoutMs: TIMEOUT_MS, settleMs: SETTLE_MS });
    if (vault === 'full') {
      const used = rig.emu.control.state().items.filter((i) => i.owner === 'vault').length;
      rig.emu.control.setVaultCapacity(used + 2);
      await rig.profiles.refresh({ reconcile: true });
    }
  });
  afterAll(async () => rig?.close());

  it(`seed ${seed}, ${vault} vault: ${sequences} sequences end with the cache equal to the emulator`, async () => {
    const started = Date.now();
    const stats = await runSequences(rig, seed, sequences);
    const { stackSplits, ...figures } = stats;
    const log = rig.emu.control.requests();
    const calls = log.filter((r) => r.path.includes('/Actions/Items/')).length;
    const profiles = log.filter((r) => r.path.includes('/Profile/')).length;
    const ms = Date.now() - started;
    console.log(JSON.stringify({ seed, vault, ms, calls, profiles, ...figures, stackSplits: stackSplits.length }));
    expect(stats.sequences).toBe(sequences);
    expect(stats.cutMidPlan).toBeGreaterThan(0);
    expect(stats.done).toBeGreaterThan(stats.moves / 3);
    expect(stackSplits, 'the cache and the emulator split stacks the same way').toEqual([]);
  }, 150_000);
}
