/** What one intent's run may do (the queue, lib/moves/executor.ts, hands it over), shared by moves and loadouts. */
import type { ItemStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';
import type { IntentOutcome } from './job';

/** The executor was dropped (a stopped worker): nothing more happens. */
export class Halted extends Error {}
/** The user signed out or switched accounts while a move ran: it stops before its next call. */
export class AccountChanged extends Error {}

/** Re-plans after failures, per intent; after that the intent stops and says where the item is. */
export const MAX_REPLANS = 3;

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
  runStep(step: ItemStep): Promise<void>;
  /** A step succeeded: patch its effect into the cache (trailing the calls). */
  patched(step: ItemStep): void;
  /** True (once) when a cache patch failed since the last look. */
  takePatchFailure(): boolean;
  protectedKeys(): string[];
  remember(itemKey: string): void;
  /** Let a call whose answer was lost land before the profile is read. */
  settle(): Promise<void>;
}

export type Outcome = Omit<IntentOutcome, 'goal'>;
