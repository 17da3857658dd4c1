import { getDb, type JournalRow } from '../db/schema';
import { applyStep } from '../inventory/apply-step';
import { homePlace, placeOf, samePlace, type Place } from '../inventory/plan-capacity';
import { planMove, type MoveIntent, type PlanStep } from '../inventory/plan-moves';
import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel } from '../inventory/types';
import type { HandlerSet } from '../messages';
import type { MoveMessages } from './messages';
import { MOVE_STATUS_KEY, type MoveStatus } from './status';

export { MOVE_STATUS_KEY, type MoveStatus } from './status';
import {
  answerMayBeLost,
  describeLocation,
  failureSentence,
  successSentence,
  worthReplanning,
  type Origin,
} from './sentences';

export { describeLocation } from './sentences';

/**
 * For stacks: Bungie moves an amount of an item hash, and stack keys change as stacks merge and split, so progress
 * is measured as the total of that hash at the destination bucket. `total` is what it must reach.
 */
export interface StackGoal {
  itemHash: number;
  place: Place;
  total: number;
  /** Where the stack came from (undo sends the amount back there). */
  from: Place;
  amount: number;
  name: string;
}

/** What the journal keeps for one user move, so a worker restart can resume it or say where each item is. */
export interface JournalData {
  intent: MoveIntent;
  /** Undo moves are not themselves undoable (undo of undo would bounce items forever). */
  undo?: boolean;
  steps: PlanStep[];
  /** Steps that succeeded so far (of the current plan). */
  done: number;
  /** Every call that succeeded for this move, across re-plans. */
  calls?: number;
  /** Where each touched item was before the move (for undo and the failure sentence). */
  origins: Record<string, Origin>;
  goal?: StackGoal;
  message?: string;
  replans: number;
}

export interface ExecutorDeps {
  /** The cached model (the one the views show). */
  model(): Promise<InventoryModel | undefined>;
  /** Replace the cached model (the views update through Dexie live queries). */
  patch(update: (m: InventoryModel) => InventoryModel): Promise<InventoryModel | undefined>;
  /** Refetch the profile from Bungie and return the fresh model (reconcile after a failure). */
  reconcile(): Promise<InventoryModel | undefined>;
  /** Run one Bungie call (rate-limited by the client). Throws a BungieError-like error on failure. */
  runStep(step: PlanStep): Promise<void>;
  /**
   * The account moves act on (`${membershipType}:${membershipId}`), undefined when signed out. Each journal row
   * records it; a row never runs, and writes nothing, under another account.
   */
  account?(): Promise<string | undefined>;
  now?: () => number;
  /** How long a call without an answer may still take to land before the profile is read (default 2 s). */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A move still waiting this long after it was queued (and the queue made no progress meanwhile) expires. */
export const QUEUED_MOVE_MAX_AGE_MS = 5 * 60_000;
/** Finished journal rows kept (done and failed); older ones are deleted. */
export const JOURNAL_KEEP_FINISHED = 100;
export const EXPIRED_MOVE_SENTENCE =
  'This move waited more than 5 minutes, so Vault Raider dropped it instead of running it late. Move the item again if you still want it moved.';
export const OTHER_ACCOUNT_SENTENCE =
  'This move was queued for another Destiny account, so it did not run on this one.';

/** Re-plans after failures, per move; after that the move stops and says where the item is. */
const MAX_REPLANS = 3;
/** GetProfile is idempotent, so reading the truth may be retried (unlike the item calls). */
const RECONCILE_ATTEMPTS = 3;
/** Moves whose items stay protected from being moved aside by later moves (a bulk move must not undo itself). */
const RECENT_MOVES = 50;
const RECENT_MS = 10 * 60_000;

class Halted extends Error {}
/** The user signed out or switched accounts while a move ran: it stops before its next call. */
class AccountChanged extends Error {}
export const ACCOUNT_SWITCHED_SENTENCE =
  'You switched to another Destiny account, so this move stopped before its next step.';

function totalAt(model: InventoryModel, place: Place, itemHash: number): number {
  const keys = model.stores.find((s) => s.id === place.storeId)?.buckets[place.bucketHash] ?? [];
  let total = 0;
  for (const key of keys) {
    const item = model.items[key];
    if (item?.itemHash === itemHash && !item.isInstanced) total += item.quantity;
  }
  return total;
}

/** The stack goal of a stack move or pull, measured on the model the move starts from. */
export function stackGoalOf(model: InventoryModel, intent: MoveIntent): StackGoal | undefined {
  const item = model.items[intent.itemKey];
  if (!item || item.isInstanced) return undefined;
  if (intent.kind !== 'move' && intent.kind !== 'pull') return undefined;
  const amount = intent.kind === 'move' ? (intent.amount ?? item.quantity) : item.quantity;
  const place = homePlace(model, item, intent.kind === 'move' ? intent.to : item.owner);
  if (item.location !== 'postmaster' && samePlace(placeOf(item), place)) return undefined;
  return {
    itemHash: item.itemHash,
    place,
    total: totalAt(model, place, item.itemHash) + amount,
    from: placeOf(item),
    amount,
    name: item.name,
  };
}

/** True when the intent's goal already holds in `model` (e.g. a failed call that Bungie did apply after all). */
export function intentSatisfied(model: InventoryModel, intent: MoveIntent, goal?: StackGoal): boolean {
  if (goal) return totalAt(model, goal.place, goal.itemHash) >= goal.total;
  const item = model.items[intent.itemKey];
  if (!item) return false;
  switch (intent.kind) {
    case 'move':
      return item.location !== 'postmaster' && samePlace(placeOf(item), homePlace(model, item, intent.to));
    case 'equip':
      return item.owner === intent.characterId && item.equipped;
    case 'pull':
      return item.location !== 'postmaster';
    case 'lock':
      return item.locked === intent.locked;
  }
}

/**
 * The intent to plan now. Instanced items keep their key; a stack move is re-aimed at a stack of that hash that is
 * not at the destination yet (in transit in the vault first, then where it came from), for the amount still missing.
 */
function currentIntent(model: InventoryModel, data: JournalData): MoveIntent {
  const goal = data.goal;
  const intent = data.intent;
  if (!goal || (intent.kind !== 'move' && intent.kind !== 'pull')) return intent;
  const missing = goal.total - totalAt(model, goal.place, goal.itemHash);
  const stacks = Object.values(model.items).filter(
    (i) => i.itemHash === goal.itemHash && !i.isInstanced && !samePlace(placeOf(i), goal.place),
  );
  const rank = (i: InventoryItem) => {
    if (intent.kind === 'pull') return i.location === 'postmaster' && samePlace(placeOf(i), goal.from) ? 0 : 9;
    if (i.location === 'postmaster' && !samePlace(placeOf(i), goal.from)) return 9;
    if (samePlace(placeOf(i), { storeId: VAULT_ID, bucketHash: BUCKETS.General }) && goal.from.storeId !== VAULT_ID) {
      return 0;
    }
    return samePlace(placeOf(i), goal.from) ? 1 : 2;
  };
  const source = stacks.filter((i) => rank(i) < 9).sort((a, b) => rank(a) - rank(b))[0];
  if (!source) return intent;
  if (intent.kind === 'pull') return { kind: 'pull', itemKey: source.key };
  return { kind: 'move', itemKey: source.key, to: intent.to, amount: Math.min(missing, source.quantity) };
}

/**
 * The worker's one move queue. Each user move is planned by the pure planner, journaled in Dexie, and run one Bungie
 * call at a time (the client spaces item actions ≥ 0.1 s apart and backs off on throttles). After each successful
 * call the cached model is patched with that step's effect, so a vault→character move costs exactly one API call and
 * no profile refetch. On a failed call nothing is retried blindly: the profile is refetched (after a short wait when
 * the answer was lost, since the call may still land), then the move is planned again from the truth or stopped with
 * one sentence saying what happened and where the item is now. A worker restart resumes from the journal the same way.
 */
export function createMoveExecutor(deps: ExecutorDeps) {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const settleMs = deps.settleMs ?? 2_000;
  const db = getDb();
  let running: Promise<void> | undefined;
  let lastUndoable: number | undefined;
  let halted = false;
  let recent: { key: string; at: number }[] = [];
  /** When this executor last finished a move: a queue that keeps moving does not let its tail expire. */
  let lastProgressAt: number | undefined;
  /** The account of the job running now (status writes belong to it). */
  let jobAccount: string | undefined;

  async function currentAccount(): Promise<string | undefined> {
    return deps.account ? deps.account() : undefined;
  }

  /** False once the user signed out or switched away from the running job's account. */
  async function stillJobAccount(): Promise<boolean> {
    return !deps.account || (await deps.account()) === jobAccount;
  }

  // Patches of the cached model trail the calls: while one is being written, the next call is already on its way
  // (a patch rewrites the whole cached row, which can take longer than Bungie's 0.1 s between calls).
  let pendingSteps: PlanStep[] = [];
  let patching: Promise<void> | undefined;
  let patchFailed = false;

  function queuePatch(step: PlanStep) {
    pendingSteps.push(step);
    patching ??= flushPatches().finally(() => (patching = undefined));
  }

  async function flushPatches() {
    while (pendingSteps.length && !halted) {
      const batch = pendingSteps;
      pendingSteps = [];
      try {
        await deps.patch((m) => batch.reduce(applyStep, m));
      } catch {
        // The cache changed under us (a refresh landed mid-plan): the calls succeeded, only the picture is off.
        patchFailed = true;
      }
    }
  }

  /** Wait until the cache shows every successful call; true when it could not (the caller reconciles). */
  async function patchesSettled(): Promise<boolean> {
    while (patching) await live(patching);
    return takePatchFailure();
  }

  function takePatchFailure(): boolean {
    const failed = patchFailed;
    patchFailed = false;
    return failed;
  }

  /**
   * The model as the calls so far left it, while the queue keeps running: the next move plans from it without
   * waiting for the cache write. Dropped when the queue empties (the cache may then be refreshed from Bungie).
   */
  let current: InventoryModel | undefined;

  /** Await something, then give up silently if the executor was dropped meanwhile (a stopped worker does nothing). */
  async function live<T>(work: Promise<T>): Promise<T> {
    const value = await work;
    if (halted) throw new Halted();
    return value;
  }

  async function setStatus(status: Omit<MoveStatus, 'updatedAt'>) {
    if (halted) throw new Halted();
    if (!(await stillJobAccount())) return;
    await db.meta.put({ key: MOVE_STATUS_KEY, value: { ...status, updatedAt: now() } satisfies MoveStatus });
  }

  async function saveJob(id: number, status: JournalRow['status'], data: JournalData) {
    if (halted) throw new Halted();
    await db.journal.update(id, { status, data: structuredClone(data) });
  }

  /** Queue a user move; returns its journal id at once and runs in the background. */
  async function enqueue(intent: MoveIntent, undo = false): Promise<number> {
    const data: JournalData = { intent, undo, steps: [], done: 0, calls: 0, origins: {}, replans: 0 };
    const account = await currentAccount();
    if (deps.account && !account)
      throw Object.assign(new Error('signed out'), { userMessage: 'Sign in with Bungie first.' });
    const id = (await db.journal.add({ createdAt: now(), status: 'queued', account, data })) as number;
    kick();
    return id;
  }

  function kick() {
    if (halted) return;
    running ??= drain().finally(() => {
      running = undefined;
    });
  }

  async function drain() {
    try {
      for (;;) {
        const next = await live(db.journal.where('status').anyOf('queued', 'running', 'interrupted').sortBy('id'));
        const job = next[0];
        if (!job?.id) break;
        const account = await live(currentAccount());
        // Signed out: nothing runs (sign-out wipes the journal); the next sign-in's executor decides.
        if (deps.account && !account) break;
        if (job.account !== account) {
          await expireJob(job.id, job.data as JournalData, OTHER_ACCOUNT_SENTENCE, false);
          continue;
        }
        jobAccount = account;
        const waitedSince = Math.max(job.createdAt, lastProgressAt ?? -Infinity);
        if (job.status !== 'running' && now() - waitedSince > QUEUED_MOVE_MAX_AGE_MS) {
          await expireJob(job.id, job.data as JournalData, EXPIRED_MOVE_SENTENCE, true);
          continue;
        }
        await runJobSafely(job.id, job.data as JournalData, job.status !== 'queued');
        lastProgressAt = now();
      }
      current = undefined;
      if (await patchesSettled()) await live(readTruth());
    } catch (error) {
      if (!(error instanceof Halted)) throw error;
    }
  }

  /** End a move that must not run (too old, or another account's) with its sentence; `tell` shows it in the status. */
  async function expireJob(id: number, data: JournalData, message: string, tell: boolean) {
    data.message = message;
    await saveJob(id, 'failed', data);
    if (tell)
      await setStatus({ jobId: id, state: 'failed', step: data.done, total: data.steps.length, label: '', message });
    await pruneJournal();
  }

  /** Keep only the newest JOURNAL_KEEP_FINISHED finished rows (done or failed). */
  async function pruneJournal() {
    const finished = (await live(db.journal.where('status').anyOf('done', 'failed').primaryKeys())) as number[];
    if (finished.length <= JOURNAL_KEEP_FINISHED) return;
    finished.sort((a, b) => a - b);
    await db.journal.bulkDelete(finished.slice(0, finished.length - JOURNAL_KEEP_FINISHED));
  }

  /** A bug must not wedge the queue: the job fails with a sentence and the queue goes on. */
  async function runJobSafely(id: number, data: JournalData, resumed: boolean) {
    try {
      await runJob(id, data, resumed);
    } catch (error) {
      if (error instanceof Halted) throw error;
      if (error instanceof AccountChanged) {
        // Signed out: the journal is being wiped, nothing is written back. Switched: the row says why it stopped.
        if (await currentAccount()) await expireJob(id, data, ACCOUNT_SWITCHED_SENTENCE, false);
        return;
      }
      const model = await live(readTruth());
      const item = model?.items[data.intent.itemKey];
      const name = item?.name ?? data.goal?.name ?? 'The item';
      await finish(id, data, 'failed', failureSentence(error, model, item, data.origins[data.intent.itemKey], name));
    }
  }

  /** Refetch the profile; GetProfile may be retried, unlike item calls. Undefined when Bungie can't be read. */
  async function readTruth(): Promise<InventoryModel | undefined> {
    await patchesSettled();
    for (let attempt = 0; attempt < RECONCILE_ATTEMPTS; attempt++) {
      try {
        const model = await deps.reconcile();
        if (model) return model;
      } catch {
        // The next attempt waits a little longer; the client's back-off covers throttles.
      }
      await sleep(250 * 2 ** attempt);
    }
    return undefined;
  }

  function recordOrigins(model: InventoryModel, steps: PlanStep[], data: JournalData) {
    for (const step of steps) {
      const item = model.items[step.itemKey];
      if (item && !data.origins[step.itemKey]) {
        data.origins[step.itemKey] = {
          owner: item.owner,
          equipped: item.equipped,
          name: item.name,
          location: item.location,
        };
      }
    }
  }

  function remember(key: string) {
    recent.push({ key, at: now() });
    if (recent.length > RECENT_MOVES) recent.shift();
  }

  function protectedKeys(): string[] {
    recent = recent.filter((r) => now() - r.at < RECENT_MS);
    return recent.map((r) => r.key);
  }

  async function runJob(id: number, data: JournalData, resumed: boolean) {
    let model = resumed ? await live(readTruth()) : (current ?? (await live(deps.model())));
    current = undefined;
    if (!model) {
      const reason = resumed
        ? 'Bungie.net could not be reached to check where your items are; refresh to see them.'
        : 'Your inventory is not loaded yet; refresh and try again.';
      return finish(id, data, 'failed', reason);
    }
    if (!resumed && data.steps.length === 0) data.goal ??= stackGoalOf(model, data.intent);
    const name = () => model!.items[data.intent.itemKey]?.name ?? data.goal?.name ?? 'The item';

    for (;;) {
      // A resumed or re-planned move may already be complete (a call Bungie applied although its answer was lost).
      if ((resumed || data.replans > 0) && data.steps.length > 0 && intentSatisfied(model, data.intent, data.goal)) {
        return finish(id, data, 'done', `${name()} finished moving.`);
      }
      const intent = currentIntent(model, data);
      const plan = planMove(model, intent, { protectedKeys: protectedKeys() });
      if (!plan.ok) {
        // Part of the move may have happened: say where the item is now.
        const where = data.steps.length ? ` ${describeLocation(model, model.items[intent.itemKey], name())}.` : '';
        return finish(id, data, 'failed', `${plan.reason}${where}`);
      }
      recordOrigins(model, plan.steps, data);
      data.steps = plan.steps;
      data.done = 0;
      await saveJob(id, 'running', data);

      let failure: unknown;
      for (const [i, step] of plan.steps.entries()) {
        await setStatus({ jobId: id, state: 'running', step: i + 1, total: plan.steps.length, label: step.label });
        if (!(await live(stillJobAccount()))) throw new AccountChanged();
        try {
          await live(deps.runStep(step));
        } catch (error) {
          if (error instanceof Halted) throw error;
          failure = error;
          break;
        }
        data.done = i + 1;
        data.calls = (data.calls ?? 0) + 1;
        model = applyStep(model, step);
        queuePatch(step);
        await saveJob(id, 'running', data);
      }
      const stale = takePatchFailure();
      if (!failure && !stale) {
        remember(plan.steps.at(-1)?.itemKey ?? intent.itemKey);
        current = model;
        return finish(id, data, 'done', successSentence(model, data.intent, plan.summary));
      }

      // Never retry a non-idempotent call blindly: learn the truth first.
      if (failure && answerMayBeLost(failure)) await live(sleep(settleMs));
      const fresh = await live(readTruth());
      if (fresh) model = fresh;
      if (fresh && intentSatisfied(fresh, data.intent, data.goal)) {
        remember(data.intent.itemKey);
        return finish(id, data, 'done', successSentence(fresh, data.intent, plan.summary));
      }
      if (fresh && (stale || worthReplanning(failure)) && data.replans < MAX_REPLANS) {
        data.replans++;
        continue;
      }
      const item = fresh?.items[currentIntent(fresh, data).itemKey];
      const sentence = failureSentence(failure, fresh, item, data.origins[data.intent.itemKey], name());
      return finish(id, data, 'failed', sentence);
    }
  }

  async function finish(id: number, data: JournalData, state: 'done' | 'failed', message: string) {
    data.message = message;
    // "Done" should not show before the views do; only a bulk move (more queued) lets the cache trail a little.
    if ((await live(db.journal.where('status').equals('queued').count())) === 0 && (await patchesSettled())) {
      current = undefined;
      await live(readTruth());
    }
    await saveJob(id, state, data);
    await setStatus({ jobId: id, state, step: data.done, total: data.steps.length, label: '', message });
    await pruneJournal();
    if (state === 'done' && !data.undo && data.steps.some((s) => s.action !== 'lock')) lastUndoable = id;
  }

  /** Intents that put back what a finished move changed, newest change first. */
  function undoIntents(model: InventoryModel, data: JournalData): MoveIntent[] {
    const intents: MoveIntent[] = [];
    const goal = data.goal;
    if (goal) {
      const back = Object.values(model.items).find(
        (i) => i.itemHash === goal.itemHash && !i.isInstanced && samePlace(placeOf(i), goal.place),
      );
      if (back && goal.from.storeId !== goal.place.storeId) {
        intents.push({
          kind: 'move',
          itemKey: back.key,
          to: goal.from.storeId,
          amount: Math.min(goal.amount, back.quantity),
        });
      }
    }
    for (const [itemKey, origin] of Object.entries(data.origins).reverse()) {
      const item = model.items[itemKey];
      // Stacks are undone by amount above; an instanced item only if it still exists.
      if (!item || !item.isInstanced) continue;
      if (origin.equipped) intents.push({ kind: 'equip', itemKey, characterId: origin.owner });
      else if (origin.location !== 'postmaster') intents.push({ kind: 'move', itemKey, to: origin.owner });
    }
    return intents;
  }

  /** Move back what the last finished user move moved (newest first), and re-equip what it unequipped. */
  async function undoLast(): Promise<{ jobId?: number; reason?: string }> {
    const id = lastUndoable ?? (await lastDoneId());
    const job = id ? await db.journal.get(id) : undefined;
    if (!job) return { reason: 'There is no move to undo.' };
    const model = await deps.model();
    if (!model) return { reason: 'Your inventory is not loaded yet; refresh and try again.' };
    lastUndoable = undefined;
    await db.journal.update(job.id!, { data: { ...(job.data as JournalData), undo: true } });
    let first: number | undefined;
    for (const intent of undoIntents(model, job.data as JournalData)) {
      const jobId = await enqueue(intent, true);
      first ??= jobId;
    }
    return first ? { jobId: first } : { reason: 'That move changed nothing that can be moved back.' };
  }

  async function lastDoneId(): Promise<number | undefined> {
    const done = await db.journal.where('status').equals('done').reverse().sortBy('id');
    return done.find((j) => !(j.data as JournalData).undo)?.id;
  }

  /**
   * After a worker restart: resume (re-plan from fresh data) whatever was queued or running. Returns how many moves
   * were cut off mid-plan.
   */
  async function resume(): Promise<number> {
    const cut = await db.journal.where('status').equals('running').modify({ status: 'interrupted' });
    // The stopped worker may have left a call on the wire; let it land before the profile is read.
    if (cut > 0) await sleep(settleMs);
    kick();
    return cut;
  }

  /**
   * Drop this executor the way a stopped worker drops everything: no further call, write or status update. A call
   * already on the wire may still land; the next executor's `resume()` finds out from the profile.
   */
  function halt() {
    halted = true;
  }

  const handlers: HandlerSet<MoveMessages> = {
    previewMove: async (intent) => {
      const model = await deps.model();
      if (!model) return { ok: false, reason: 'Your inventory is not loaded yet.' };
      const plan = planMove(model, intent, { protectedKeys: protectedKeys() });
      return plan.ok ? { ok: true, steps: plan.steps.map((s) => s.label), summary: plan.summary } : plan;
    },
    runMove: async (intent) => ({ jobId: await enqueue(intent) }),
    undoLastMove: () => undoLast(),
  };

  return { enqueue, resume, undoLast, halt, handlers, idle: () => running ?? Promise.resolve() };
}

export type MoveExecutor = ReturnType<typeof createMoveExecutor>;
