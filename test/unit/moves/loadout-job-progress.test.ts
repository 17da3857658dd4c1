/**
 * A loadout job on an in-memory journal and status line (no Dexie, no emulator): progress is counted over the job's
 * steps and keeps counting across a re-plan, and the journal row holds the loadout intent and its undo loadout.
 */
import { expect, it } from 'vitest';
import { applyStep } from '@/lib/inventory/apply-step';
import { planLoadout } from '@/lib/inventory/loadouts/plan';
import type { ItemStep } from '@/lib/inventory/plan-types';
import { VAULT_ID, type InventoryModel } from '@/lib/inventory/types';
import { createMoveExecutor, jobData } from '@/lib/moves/executor';
import { memoryJournal, memoryStatus } from '@/lib/moves/journal';
import { loadFixtureModel } from '../inventory/fixtures';
import { HUNTER, TITAN, WARLOCK, loadoutOf, named } from '../inventory/loadouts/loadout-kit';

const fixture = loadFixtureModel();
const T0 = Date.parse('2026-11-20T18:00:00Z');

function world(failOnCall?: number) {
  let server = structuredClone(fixture);
  let cache = structuredClone(fixture);
  const journal = memoryJournal();
  const status = memoryStatus();
  const calls: ItemStep[] = [];
  let attempts = 0;
  const executor = createMoveExecutor({
    journal,
    status,
    model: async () => cache,
    patch: async (update: (m: InventoryModel) => InventoryModel) => (cache = update(cache)),
    reconcile: async () => (cache = structuredClone(server)),
    runStep: async (step) => {
      attempts++;
      // Bungie's 1618 (unexpected, nothing applied): worth reading the truth and planning again.
      if (attempts === failOnCall) throw Object.assign(new Error('unexpected'), { code: 1618 });
      calls.push(step);
      server = applyStep(server, step);
    },
    now: () => T0,
    settleMs: 0,
    sleep: async () => undefined,
  });
  return { executor, journal, status, calls, server: () => server, cache: () => cache };
}

const loadout = loadoutOf(
  [
    named(fixture, 'Chroma Rush', (i) => i.owner === HUNTER && i.equipped),
    named(fixture, 'Seventh Seraph SI2', (i) => i.owner === WARLOCK && i.equipped),
    named(fixture, 'Whisper of the Worm', (i) => i.owner === VAULT_ID),
  ],
  [named(fixture, 'Trinary System', (i) => i.owner === WARLOCK)],
  3,
  'Raid night',
);
const planned = planLoadout(fixture, loadout, TITAN).steps.length;

it('counts progress over the loadout’s steps, "1 of N" to "N of N"', async () => {
  const w = world();
  const id = await w.executor.enqueue({ kind: 'loadout', loadout, characterId: TITAN });
  await w.executor.idle();
  const running = w.status.lines.filter((l) => l.state === 'running');
  expect(running.map((l) => `${l.step} of ${l.total}`)).toEqual(
    Array.from({ length: planned }, (_, i) => `${i + 1} of ${planned}`),
  );
  expect(running.map((l) => l.label)).toEqual(planLoadout(fixture, loadout, TITAN).steps.map((s) => s.label));
  expect(w.status.lines.at(-1)).toMatchObject({
    jobId: id,
    state: 'done',
    message: 'Raid night is applied to your Titan.',
  });
  expect(w.calls).toHaveLength(planned);
  const row = (await w.journal.get(id))!;
  const data = jobData(row.data, row.status);
  expect(data.intents).toEqual([{ kind: 'loadout', loadout, characterId: TITAN }]);
  expect(data.undoLoadout?.characterId).toBe(TITAN);
});

it('keeps counting across a re-plan after a failed call (never back to "1 of …")', async () => {
  const w = world(3);
  const id = await w.executor.enqueue({ kind: 'loadout', loadout, characterId: TITAN });
  await w.executor.idle();
  const running = w.status.lines.filter((l) => l.state === 'running');
  const steps = running.map((l) => l.step);
  // The failed third call is shown again as step 3 when the re-plan resumes; nothing goes backwards.
  expect(steps.slice(0, 4)).toEqual([1, 2, 3, 3]);
  for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThanOrEqual(steps[i - 1]);
  const last = w.status.lines.at(-1)!;
  expect(last).toMatchObject({ jobId: id, state: 'done' });
  expect(last.step).toBe(last.total);
  expect(last.total).toBe(w.calls.length);
  const row = (await w.journal.get(id))!;
  expect(jobData(row.data, row.status)).toMatchObject({ replans: 1, calls: w.calls.length });
  expect(w.cache()).toEqual(w.server());
});
