/**
 * A loadout intent run to its end: planned whole by the pure loadout planner (lib/inventory/loadouts/plan.ts) from
 * the model it starts on, its calls made one at a time (the client spaces them ≥ 0.1 s), and on a failure the truth
 * read (never a blind retry), then planned again from it (at most MAX_REPLANS times) or stopped with one sentence
 * that lists what could not be done, why, and where each item that is not in place is now.
 */
import { snapshotLoadout } from '../inventory/loadouts/loadout';
import { planLoadout } from '../inventory/loadouts/plan';
import { resolveLoadout } from '../inventory/loadouts/resolve';
import { withOrigins } from '../inventory/move-goals';
import { ANY_CLASS, findStore } from '../inventory/plan-capacity';
import type { ItemStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';
import type { JobData, LoadoutIntent } from './job';
import { MAX_REPLANS, type IntentRun, type Outcome } from './intent-run';
import { answerMayBeLost, describeLocation, failureSentence, worthReplanning } from './sentences';
import { runSteps } from './run-steps';
import { PartialEquip } from './step-calls';

const done = (message: string): Outcome => ({ state: 'done', message });
const failed = (message: string): Outcome => ({ state: 'failed', message });

/** Join sentences, each ending with its own full stop. */
const sentences = (parts: readonly string[]) =>
  parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (/[.!?]$/.test(p) ? p : `${p}.`))
    .join(' ');

function characterName(model: InventoryModel | undefined, characterId: string): string {
  const store = model && findStore(model, characterId);
  return store ? `your ${store.name}` : 'that character';
}

/**
 * The sentence of a loadout whose plan ran to its end: applied, the stand-ins it used (`notes`), and what the plan
 * could not do and why (`problems`).
 */
export function appliedSentence(
  model: InventoryModel,
  intent: LoadoutIntent,
  notes: readonly string[],
  problems: readonly string[],
): string {
  const lead = `${intent.loadout.name} is applied to ${characterName(model, intent.characterId)}.`;
  const missing = problems.length ? [`Not done: ${sentences(problems)}`] : [];
  return sentences([lead, ...notes, ...missing]);
}

/** The planner refuses a loadout whole when the character is gone or of another class (one problem, no steps). */
function refusedWhole(model: InventoryModel, intent: LoadoutIntent): boolean {
  const store = findStore(model, intent.characterId);
  const cls = intent.loadout.classType as number;
  return !store || store.kind !== 'character' || (cls !== ANY_CLASS && cls !== store.classType);
}

/** Where each loadout item that is not in place (on the character, equipped when the loadout equips it) is now. */
export function misplacedItems(model: InventoryModel, intent: LoadoutIntent, skipKeys: ReadonlySet<string>): string[] {
  const store = findStore(model, intent.characterId);
  const resolved = resolveLoadout(model, intent.loadout, {
    ...(store?.classType !== undefined ? { classType: store.classType } : {}),
  });
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of resolved) {
    const item = r.item;
    if (!item || seen.has(item.key) || skipKeys.has(item.key)) continue;
    seen.add(item.key);
    const here = item.owner === intent.characterId && item.location === 'inventory';
    if (!here) out.push(describeLocation(model, item));
    else if (r.equip && !item.equipped) out.push(`${describeLocation(model, item)} but not equipped`);
  }
  return out;
}

/** The sentence of a loadout that stopped: why, where the items not in place are, and the plan's own problems. */
export function stoppedSentence(
  model: InventoryModel | undefined,
  intent: LoadoutIntent,
  data: JobData,
  failure: unknown,
  failedKey: string | undefined,
  problems: readonly string[],
): string {
  const lead = `${intent.loadout.name} was not fully applied to ${characterName(model, intent.characterId)}`;
  const item = failedKey ? model?.items[failedKey] : undefined;
  const name = item?.name ?? (failedKey ? data.origins[failedKey]?.name : undefined) ?? 'An item';
  const why =
    failure === undefined
      ? undefined
      : failureSentence(failure, model, item, data.origins[failedKey ?? ''], name).replace(
          'the move stopped',
          'the loadout stopped',
        );
  const where = model ? misplacedItems(model, intent, new Set(why && failedKey ? [failedKey] : [])) : [];
  return sentences([`${lead}.`, ...(why ? [why] : []), ...(where.length ? [`${where.join('; ')}.`] : []), ...problems]);
}

/** The item a failed step names (for an EquipItems call: the first item Bungie refused). */
function failedItemKey(step: ItemStep, error: unknown): string | undefined {
  if (error instanceof PartialEquip) return error.refused[0]?.itemKey;
  return step.action === 'equipMany' ? step.items[0]?.itemKey : step.itemKey;
}

/** The item keys a loadout plan brings or equips (they stay protected from later moves' room-making). */
function keysOf(steps: readonly ItemStep[]): string[] {
  return steps.flatMap((s) => (s.action === 'equipMany' ? s.items.map((i) => i.itemKey) : [s.itemKey]));
}

export async function runLoadoutIntent(
  run: IntentRun,
  data: JobData,
  intent: LoadoutIntent,
  resumed: boolean,
): Promise<Outcome> {
  const { live } = run;
  let model = await live(run.startModel(resumed));
  if (!model) {
    return failed(
      resumed
        ? 'Bungie.net could not be reached to check where your items are; refresh to see them.'
        : 'Your inventory is not loaded yet; refresh and try again.',
    );
  }
  // What the character wears before the first call: undo applies it (undo jobs themselves are not undoable).
  if (!data.undo && !data.undoLoadout && data.steps.length === 0) {
    const snapshot = snapshotLoadout(model, intent.characterId);
    if (snapshot.ok) data.undoLoadout = { loadout: snapshot.loadout, characterId: intent.characterId };
  }

  for (;;) {
    const plan = planLoadout(model, intent.loadout, intent.characterId, { protectedKeys: run.protectedKeys() });
    const problems = plan.problems.map((p) => p.sentence);
    if (plan.steps.length === 0) {
      if (refusedWhole(model, intent)) return failed(sentences(problems));
      // Nothing left to do (a lost answer had landed): the job ends at "N of N" over the steps that ran.
      data.doneEarlier = (data.doneEarlier ?? 0) + data.done;
      data.steps = [];
      data.done = 0;
      run.leave(model);
      return done(appliedSentence(model, intent, plan.notes, problems));
    }
    data.origins = withOrigins(model, plan.steps, data.origins);
    data.doneEarlier = (data.doneEarlier ?? 0) + data.done;
    data.steps = plan.steps;
    data.done = 0;
    await run.save();

    const ran = await runSteps(run, data, plan.steps, model, data.doneEarlier);
    model = ran.model;
    const failure = ran.failure;
    const failedKey = ran.failedStep ? failedItemKey(ran.failedStep, failure) : undefined;
    const stale = run.takePatchFailure();
    if (!failure && !stale) {
      for (const key of keysOf(plan.steps)) run.remember(key);
      run.leave(model);
      return done(appliedSentence(model, intent, plan.notes, problems));
    }

    // Never retry a non-idempotent call blindly: learn the truth first, then plan the rest from it.
    if (failure && answerMayBeLost(failure)) await live(run.settle());
    const fresh = await live(run.readTruth());
    if (fresh) model = fresh;
    if (fresh && (stale || worthReplanning(failure)) && data.replans < MAX_REPLANS) {
      data.replans++;
      continue;
    }
    return failed(stoppedSentence(fresh, intent, data, failure, failedKey, problems));
  }
}
