/**
 * One intent of a job, run to its end: plan it (lib/inventory/plan-moves.ts) from the model it starts on, make the
 * calls one at a time, and on a failure learn the truth (never a blind retry), then plan again or stop with one
 * sentence. The queue (./executor.ts) hands it what it may do; the goal logic is pure (lib/inventory/move-goals.ts).
 */
import { applyStep } from '../inventory/apply-step';
import { currentIntent, intentSatisfied, stackGoalOf, withOrigins } from '../inventory/move-goals';
import { planMove } from '../inventory/plan-moves';
import type { PlanStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';
import type { IntentOutcome, JobData } from './job';
import { answerMayBeLost, describeLocation, failureSentence, successSentence, worthReplanning } from './sentences';

/** The executor was dropped (a stopped worker): nothing more happens. */
export class Halted extends Error {}
/** The user signed out or switched accounts while a move ran: it stops before its next call. */
export class AccountChanged extends Error {}

/** Re-plans after failures, per intent; after that the intent stops and says where the item is. */
const MAX_REPLANS = 3;

export interface IntentRun {
  /** Await something; throws Halted when the executor was dropped meanwhile. */
  live<T>(work: Promise<T>): Promise<T>;
  /** Refetch the profile (after the pending cache patches); undefined when Bungie can't be read. */
  readTruth(): Promise<InventoryModel | undefined>;
  /** The model to start from: the truth when resumed, else the queue's latest model or the cache. */
  startModel(resumed: boolean): Promise<InventoryModel | undefined>;
  /** The model this intent left (the next one plans from it without waiting for the cache write). */
  leave(model: InventoryModel): void;
  /** Journal the job as it stands. */
  save(): Promise<void>;
  /** Write the running status line (step of total, counted across the job). */
  status(step: number, total: number, label: string): Promise<void>;
  stillJobAccount(): Promise<boolean>;
  runStep(step: PlanStep): Promise<void>;
  /** A step succeeded: patch its effect into the cache (trailing the calls). */
  patched(step: PlanStep): void;
  /** True (once) when a cache patch failed since the last look. */
  takePatchFailure(): boolean;
  protectedKeys(): string[];
  remember(itemKey: string): void;
  /** Let a call whose answer was lost land before the profile is read. */
  settle(): Promise<void>;
}

export type Outcome = Omit<IntentOutcome, 'goal'>;
const done = (message: string): Outcome => ({ state: 'done', message });
const failed = (message: string): Outcome => ({ state: 'failed', message });

/** A bug must not wedge the queue: the intent fails with a sentence and the queue goes on. */
export async function runIntentSafely(run: IntentRun, data: JobData, resumed: boolean): Promise<Outcome> {
  try {
    return await runIntent(run, data, resumed);
  } catch (error) {
    if (error instanceof Halted || error instanceof AccountChanged) throw error;
    const intent = data.intents[data.at];
    const model = await run.live(run.readTruth());
    const item = model?.items[intent.itemKey];
    const name = item?.name ?? data.goal?.name ?? 'The item';
    return failed(failureSentence(error, model, item, data.origins[intent.itemKey], name));
  }
}

async function runIntent(run: IntentRun, data: JobData, resumed: boolean): Promise<Outcome> {
  const { live } = run;
  const intent = data.intents[data.at];
  let model = await live(run.startModel(resumed));
  if (!model) {
    return failed(
      resumed
        ? 'Bungie.net could not be reached to check where your items are; refresh to see them.'
        : 'Your inventory is not loaded yet; refresh and try again.',
    );
  }
  if (!resumed && data.steps.length === 0) data.goal ??= stackGoalOf(model, intent);
  const name = () => model!.items[intent.itemKey]?.name ?? data.goal?.name ?? 'The item';

  for (;;) {
    // A resumed or re-planned move may already be complete (a call Bungie applied although its answer was lost).
    if ((resumed || data.replans > 0) && data.steps.length > 0 && intentSatisfied(model, intent, data.goal)) {
      return done(`${name()} finished moving.`);
    }
    const aim = currentIntent(model, intent, data.goal);
    const plan = planMove(model, aim, { protectedKeys: run.protectedKeys() });
    if (!plan.ok) {
      // Part of the move may have happened: say where the item is now.
      const where = data.steps.length ? ` ${describeLocation(model, model.items[aim.itemKey], name())}.` : '';
      return failed(`${plan.reason}${where}`);
    }
    data.origins = withOrigins(model, plan.steps, data.origins);
    data.steps = plan.steps;
    data.done = 0;
    await run.save();

    let failure: unknown;
    for (const [i, step] of plan.steps.entries()) {
      await run.status(i + 1, plan.steps.length, step.label);
      if (!(await live(run.stillJobAccount()))) throw new AccountChanged();
      try {
        await live(run.runStep(step));
      } catch (error) {
        if (error instanceof Halted) throw error;
        failure = error;
        break;
      }
      data.done = i + 1;
      data.calls = (data.calls ?? 0) + 1;
      model = applyStep(model, step);
      run.patched(step);
      await run.save();
    }
    const stale = run.takePatchFailure();
    if (!failure && !stale) {
      run.remember(plan.steps.at(-1)?.itemKey ?? aim.itemKey);
      run.leave(model);
      return done(successSentence(model, intent, plan.summary));
    }

    // Never retry a non-idempotent call blindly: learn the truth first.
    if (failure && answerMayBeLost(failure)) await live(run.settle());
    const fresh = await live(run.readTruth());
    if (fresh) model = fresh;
    if (fresh && intentSatisfied(fresh, intent, data.goal)) {
      run.remember(intent.itemKey);
      return done(successSentence(fresh, intent, plan.summary));
    }
    if (fresh && (stale || worthReplanning(failure)) && data.replans < MAX_REPLANS) {
      data.replans++;
      continue;
    }
    const item = fresh?.items[currentIntent(fresh, intent, data.goal).itemKey];
    return failed(failureSentence(failure, fresh, item, data.origins[intent.itemKey], name()));
  }
}
