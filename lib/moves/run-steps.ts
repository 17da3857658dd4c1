/**
 * The calls of one plan, one at a time, shared by moves (./run-intent.ts) and loadouts (./run-loadout.ts): status
 * line, account check before each call, the step's effect on the model and the cache, the journal after each step.
 * It stops at the first failure and hands it back: what to do next (learn the truth, re-plan, stop) is the caller's.
 */
import { applyStep } from '../inventory/apply-step';
import type { ItemStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';
import { AccountChanged, Halted, type IntentRun } from './intent-run';
import type { JobData } from './job';
import { PartialEquip } from './step-calls';

export interface StepsRun {
  /** The model after every step that Bungie applied (including the items a partial EquipItems did equip). */
  model: InventoryModel;
  /** What the failed call threw; undefined when every step ran. */
  failure?: unknown;
  /** The step whose call failed. */
  failedStep?: ItemStep;
}

/**
 * Run `steps` from `model`. `offset` is the number of steps earlier plans of the same intent already ran, so the
 * status line counts across re-plans ("5 of 11"). Bungie: one call at a time; the client keeps the 0.1 s spacing.
 */
export async function runSteps(
  run: IntentRun,
  data: JobData,
  steps: readonly ItemStep[],
  model: InventoryModel,
  offset = 0,
): Promise<StepsRun> {
  const { live } = run;
  for (const [i, step] of steps.entries()) {
    await run.status(offset + i + 1, offset + steps.length, step.label);
    if (!(await live(run.stillJobAccount()))) throw new AccountChanged();
    try {
      await live(run.runStep(step));
    } catch (error) {
      if (error instanceof Halted) throw error;
      // EquipItems answered item by item: the items it did equip are in the cache like any successful call.
      if (error instanceof PartialEquip && error.equipped) {
        data.calls = (data.calls ?? 0) + 1;
        try {
          model = applyStep(model, error.equipped);
        } catch {
          // Bungie equipped them in another order than ours; the caller's truth read settles the picture.
        }
        run.patched(error.equipped);
      }
      return { model, failure: error, failedStep: step };
    }
    data.done = i + 1;
    data.calls = (data.calls ?? 0) + 1;
    model = applyStep(model, step);
    run.patched(step);
    await run.save();
  }
  return { model };
}
