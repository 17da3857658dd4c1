/**
 * The shape of a move job as the journal keeps it: a list of intents run in order, with the current intent's plan
 * and cursor, and the outcome of each intent that ended. Rows written before jobs had several intents (one intent
 * per row) are read in today's shape.
 */
import type { Loadout } from '@destinyitemmanager/dim-api-types';
import type { Origin, StackGoal } from '../inventory/move-goals';
import type { ItemStep, MoveIntent, PlanStep } from '../inventory/plan-types';
import type { JobState } from './journal';

/**
 * Apply a loadout (DIM's `Loadout`, as the page sent it) to one character: one intent planned whole by
 * lib/inventory/loadouts/plan.ts. The journal row keeps the loadout itself, so a worker restart re-plans it.
 */
export interface LoadoutIntent {
  kind: 'loadout';
  loadout: Loadout;
  characterId: string;
}

/** What a job's intent may be: one item's move, equip, pull or lock, or a whole loadout. */
export type JobIntent = MoveIntent | LoadoutIntent;

/** How one intent of a job ended. */
export interface IntentOutcome {
  state: 'done' | 'failed';
  message: string;
  /** The stack goal it had (undo sends the amount back). */
  goal?: StackGoal;
}

/**
 * What the journal keeps for one job, so a worker restart can resume it or say where each item is. A job is a list
 * of intents run in order (a single move is a job of one; a loadout is a job of many).
 */
export interface JobData {
  intents: JobIntent[];
  /** Index of the intent running now; intents before it have ended (see `outcomes`). */
  at: number;
  outcomes: IntentOutcome[];
  /** Undo jobs are not themselves undoable (undo of undo would bounce items forever). */
  undo?: boolean;
  /** The current intent's plan. */
  steps: ItemStep[];
  /** Steps of the current plan that succeeded so far. */
  done: number;
  /** Steps of the current intent's earlier plans that succeeded (a re-planned loadout keeps counting). */
  doneEarlier?: number;
  /**
   * A loadout job: what the target character wore before it ran (lib/inventory/loadouts/loadout.ts snapshotLoadout);
   * undo applies it.
   */
  undoLoadout?: { loadout: Loadout; characterId: string };
  /** Steps that succeeded in the intents before the current one (progress counts steps across the job). */
  stepsBefore: number;
  /** Every call that succeeded for this job, across re-plans. */
  calls?: number;
  /** Where each touched item was before the job (for undo and the failure sentence). */
  origins: Record<string, Origin>;
  /** The current intent's stack goal. */
  goal?: StackGoal;
  /** The job's sentence once it ended. */
  message?: string;
  /** Re-plans of the current intent. */
  replans: number;
  /** A finished intent changed more than lock states (the job can be undone). */
  changed?: boolean;
}

/** A journal row written before jobs had several intents (one move per row); still read and resumed. */
export interface LegacyJobData {
  intent: MoveIntent;
  undo?: boolean;
  steps: PlanStep[];
  done: number;
  calls?: number;
  origins: Record<string, Origin>;
  goal?: StackGoal;
  message?: string;
  replans: number;
}

/** What a journal row's `data` holds: today's shape or the older one-intent shape. */
export type JournalData = JobData | LegacyJobData;

/** Today's shape of a journal row's data, whichever shape it was written in. */
export function jobData(data: unknown, status: JobState): JobData {
  const stored = data as JournalData;
  if ('intents' in stored) return stored;
  const { intent, ...rest } = stored;
  const ended = status === 'done' || status === 'failed';
  return {
    ...rest,
    intents: [intent],
    at: ended ? 1 : 0,
    outcomes: ended ? [{ state: status, message: rest.message ?? '', ...(rest.goal ? { goal: rest.goal } : {}) }] : [],
    stepsBefore: 0,
    ...(ended && status === 'done' && rest.steps.some((s) => s.action !== 'lock') ? { changed: true } : {}),
  };
}

/** The job's one sentence from its intents' outcomes. */
export function jobSentence(outcomes: readonly IntentOutcome[]): string {
  if (outcomes.length === 1) return outcomes[0].message;
  const failed = outcomes.filter((o) => o.state === 'failed');
  if (!failed.length) {
    return outcomes.length <= 3 ? outcomes.map((o) => o.message).join(' ') : `All ${outcomes.length} moves finished.`;
  }
  const done = outcomes.length - failed.length;
  return `${done} of ${outcomes.length} moves finished. ${failed.map((o) => o.message).join(' ')}`;
}
