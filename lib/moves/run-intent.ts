/**
 * One intent of a job, run to its end: plan it (lib/inventory/plan-moves.ts) from the model it starts on, make the
 * calls one at a time, and on a failure learn the truth (never a blind retry), then plan again or stop with one
 * sentence. The queue (./executor.ts) hands it what it may do; the goal logic is pure (lib/inventory/move-goals.ts).
 */
import { currentIntent, intentSatisfied, stackGoalOf, withOrigins } from '../inventory/move-goals';
import { planMove } from '../inventory/plan-moves';
import type { MoveIntent } from '../inventory/plan-types';
import { AccountChanged, Halted, MAX_REPLANS, type IntentRun, type Outcome } from './intent-run';
import type { JobData } from './job';
import { runSteps } from './run-steps';
import { runLoadoutIntent, stoppedSentence } from './run-loadout';
import { answerMayBeLost, describeLocation, failureSentence, successSentence, worthReplanning } from './sentences';

export { AccountChanged, Halted, MAX_REPLANS, type IntentRun, type Outcome } from './intent-run';

const done = (message: string): Outcome => ({ state: 'done', message });
const failed = (message: string): Outcome => ({ state: 'failed', message });

/** A bug must not wedge the queue: the intent fails with a sentence and the queue goes on. */
export async function runIntentSafely(run: IntentRun, data: JobData, resumed: boolean): Promise<Outcome> {
  const intent = data.intents[data.at];
  try {
    if (intent.kind === 'loadout') return await runLoadoutIntent(run, data, intent, resumed);
    return await runIntent(run, data, intent, resumed);
  } catch (error) {
    if (error instanceof Halted || error instanceof AccountChanged) throw error;
    if (intent.kind === 'loadout') {
      const model = await run.live(run.readTruth());
      return failed(stoppedSentence(model, intent, data, error, undefined, []));
    }
    const model = await run.live(run.readTruth());
    const item = model?.items[intent.itemKey];
    const name = item?.name ?? data.goal?.name ?? 'The item';
    return failed(failureSentence(error, model, item, data.origins[intent.itemKey], name));
  }
}

async function runIntent(run: IntentRun, data: JobData, intent: MoveIntent, resumed: boolean): Promise<Outcome> {
  const { live } = run;
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

    const ran = await runSteps(run, data, plan.steps, model);
    model = ran.model;
    const failure = ran.failure;
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
