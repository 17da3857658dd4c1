import { undoIntents } from '../inventory/move-goals';
import { minimumCalls, planCallCount, planLoadout } from '../inventory/loadouts/plan';
import { planMove } from '../inventory/plan-moves';
import type { ItemStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';
import type { HandlerSet } from '../messaging/messages';
import { jobData, jobSentence, type JobData, type JobIntent } from './job';
import type { JobRow, JobState, MoveJournal, StatusWriter } from './journal';
import { createJobAccount } from './job-account';
import { createPatchTrail } from './patch-trail';
import { AccountChanged, Halted, runIntentSafely, type IntentRun } from './run-intent';
import type { MoveMessages } from './messages';
import type { MoveStatus } from './status';

export { MOVE_STATUS_KEY, type MoveStatus } from './status';
export {
  jobData,
  type IntentOutcome,
  type JobData,
  type JobIntent,
  type JournalData,
  type LegacyJobData,
  type LoadoutIntent,
} from './job';
export { describeLocation } from './sentences';
export type { StackGoal } from '../inventory/move-goals';

export interface ExecutorDeps {
  /** Where jobs are kept (Dexie in the worker, see ./journal.ts). */
  journal: MoveJournal;
  /** Where the live status line is written. */
  status: StatusWriter;
  /** The cached model (the one the views show) of `account`. */
  model(account?: string): Promise<InventoryModel | undefined>;
  /** Replace the cached model of `account` (the views update through Dexie live queries). */
  patch(update: (m: InventoryModel) => InventoryModel, account?: string): Promise<InventoryModel | undefined>;
  /** Refetch the profile of `account` from Bungie and return the fresh model (reconcile after a failure). */
  reconcile(account?: string): Promise<InventoryModel | undefined>;
  /** Run one Bungie call for `account` (rate-limited by the client). Throws a BungieError-like error on failure. */
  runStep(step: ItemStep, account?: string): Promise<void>;
  /**
   * The account moves act on (`${membershipType}:${membershipId}`), undefined when signed out; read once per job.
   * Each journal row records it; a row never runs, and writes nothing, under another account.
   */
  account?(): Promise<string | undefined>;
  /**
   * Cheap and synchronous: a value that changes whenever the session may have changed (sign-in, sign-out, switch,
   * expiry). With it the account is read again only after it changed; without it, before every call.
   */
  sessionEpoch?(): unknown;
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
export const ACCOUNT_SWITCHED_SENTENCE =
  'You switched to another Destiny account, so this move stopped before its next step.';

/** GetProfile is idempotent, so reading the truth may be retried (unlike the item calls). */
const RECONCILE_ATTEMPTS = 3;
/** Moves whose items stay protected from being moved aside by later moves (a bulk move must not undo itself). */
const RECENT_MOVES = 50;
const RECENT_MS = 10 * 60_000;
const OPEN: JobState[] = ['queued', 'running', 'interrupted'];

/**
 * The worker's one move queue. Each job (one or more intents) is planned by the pure planner, journaled, and run one
 * Bungie call at a time (the client spaces item actions ≥ 0.1 s apart and backs off on throttles). After each
 * successful call the cached model is patched with that step's effect, so a vault→character move costs exactly one
 * API call and no profile refetch. On a failed call nothing is retried blindly: the profile is refetched (after a
 * short wait when the answer was lost, since the call may still land), then the intent is planned again from the
 * truth or stopped with one sentence saying what happened and where the item is now. A worker restart resumes from
 * the journal the same way. The goal and undo logic is pure (lib/inventory/move-goals.ts). A loadout is one job of
 * one intent (./run-loadout.ts), planned whole by lib/inventory/loadouts/plan.ts; undo applies its undo loadout.
 */
export function createMoveExecutor(deps: ExecutorDeps) {
  const { journal } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const settleMs = deps.settleMs ?? 2_000;
  let running: Promise<void> | undefined;
  let lastUndoable: number | undefined;
  let halted = false;
  let recent: { key: string; at: number }[] = [];
  /** When this executor last finished a job: a queue that keeps moving does not let its tail expire. */
  let lastProgressAt: number | undefined;
  /** The account of the job running now (its calls, patches and status writes belong to it). */
  const jobAccount = createJobAccount(deps);
  const currentAccount = async () => (await jobAccount.read()).account;
  const stillJobAccount = () => jobAccount.stillCurrent();

  // Patches of the cached model trail the calls (see ./patch-trail.ts).
  const patches = createPatchTrail(deps.patch, () => halted);
  /** Wait until the cache shows every successful call; true when it could not (the caller reconciles). */
  const patchesSettled = () => live(patches.settled());
  const queuePatch = (step: ItemStep) => patches.add(step, jobAccount.current);
  const takePatchFailure = () => patches.takeFailure();

  /**
   * The model as the calls so far left it, while the queue keeps running: the next intent plans from it without
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
    await deps.status.write({ ...status, updatedAt: now() });
  }

  /** The status line of a job: steps counted across the job (a job of one intent counts its plan's steps). */
  function progress(data: JobData, step: number, planLength: number) {
    const later = Math.max(0, data.intents.length - data.at - 1);
    return { step: data.stepsBefore + step, total: data.stepsBefore + planLength + later };
  }

  /** The progress a job ended at (a re-planned loadout also counts the steps of its earlier plans). */
  function endProgress(data: JobData) {
    const earlier = data.doneEarlier ?? 0;
    return progress(data, earlier + data.done, earlier + data.steps.length);
  }

  async function saveJob(id: number, status: JobState, data: JobData) {
    if (halted) throw new Halted();
    await journal.save(id, status, data);
  }

  /** Queue a job of one or more intents; returns its journal id at once and runs in the background. */
  async function enqueue(intents: JobIntent | readonly JobIntent[], undo = false): Promise<number> {
    const list: JobIntent[] = Array.isArray(intents) ? [...(intents as readonly JobIntent[])] : [intents as JobIntent];
    const data: JobData = {
      intents: list,
      at: 0,
      outcomes: [],
      undo,
      steps: [],
      done: 0,
      stepsBefore: 0,
      calls: 0,
      origins: {},
      replans: 0,
    };
    const account = await currentAccount();
    if (jobAccount.tracked && !account)
      throw Object.assign(new Error('signed out'), { userMessage: 'Sign in with Bungie first.' });
    const id = await journal.add({ createdAt: now(), status: 'queued', account, data });
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
        const job = (await live(journal.list(OPEN)))[0];
        if (!job) break;
        const data = jobData(job.data, job.status);
        // The membership is read once per job; before each call only the session epoch is compared.
        const selected = await live(jobAccount.read());
        // Signed out: nothing runs (sign-out wipes the journal); the next sign-in's executor decides.
        if (jobAccount.tracked && !selected.account) break;
        if (job.account !== selected.account) {
          await expireJob(job.id, data, OTHER_ACCOUNT_SENTENCE, false);
          continue;
        }
        jobAccount.begin(selected);
        const waitedSince = Math.max(job.createdAt, lastProgressAt ?? -Infinity);
        if (job.status !== 'running' && now() - waitedSince > QUEUED_MOVE_MAX_AGE_MS) {
          await expireJob(job.id, data, EXPIRED_MOVE_SENTENCE, true);
          continue;
        }
        await runJob(job, data);
        lastProgressAt = now();
      }
      current = undefined;
      if (await patchesSettled()) await live(readTruth());
    } catch (error) {
      if (!(error instanceof Halted)) throw error;
    }
  }

  /** End a job that must not run (too old, or another account's) with its sentence; `tell` shows it in the status. */
  async function expireJob(id: number, data: JobData, message: string, tell: boolean) {
    data.message = message;
    await saveJob(id, 'failed', data);
    if (tell)
      await setStatus({
        jobId: id,
        state: 'failed',
        ...endProgress(data),
        label: '',
        message,
      });
    await live(journal.prune(JOURNAL_KEEP_FINISHED));
  }

  /** Run the job's intents from where it stands; a failed intent does not stop the ones after it. */
  async function runJob(job: JobRow, data: JobData) {
    let resumed = job.status !== 'queued';
    try {
      while (data.at < data.intents.length) {
        const callsBefore = data.calls ?? 0;
        const outcome = await runIntentSafely(intentRun(job.id, data), data, resumed);
        resumed = false;
        data.outcomes.push({ ...outcome, ...(data.goal ? { goal: data.goal } : {}) });
        if (outcome.state === 'done' && data.steps.some((s) => s.action !== 'lock')) data.changed = true;
        // A loadout that made calls changed the gear even when it stopped part-way: its undo loadout puts it back.
        if (data.intents[data.at].kind === 'loadout' && (data.calls ?? 0) > callsBefore) data.changed = true;
        data.at++;
        if (data.at < data.intents.length) {
          data.stepsBefore += data.done;
          data.steps = [];
          data.done = 0;
          data.replans = 0;
          delete data.doneEarlier;
          delete data.goal;
          await saveJob(job.id, 'running', data);
        }
      }
    } catch (error) {
      if (!(error instanceof AccountChanged)) throw error;
      // Signed out: the journal is being wiped, nothing is written back. Switched: the row says why it stopped.
      if (await currentAccount()) await expireJob(job.id, data, ACCOUNT_SWITCHED_SENTENCE, false);
      return;
    }
    await finish(job.id, data);
  }

  /** Refetch the profile; GetProfile may be retried, unlike item calls. Undefined when Bungie can't be read. */
  async function readTruth(): Promise<InventoryModel | undefined> {
    await patchesSettled();
    for (let attempt = 0; attempt < RECONCILE_ATTEMPTS; attempt++) {
      try {
        const model = await deps.reconcile(jobAccount.current);
        if (model) return model;
      } catch {
        // The next attempt waits a little longer; the client's back-off covers throttles.
      }
      await sleep(250 * 2 ** attempt);
    }
    return undefined;
  }

  function remember(key: string) {
    recent.push({ key, at: now() });
    if (recent.length > RECENT_MOVES) recent.shift();
  }

  function protectedKeys(): string[] {
    recent = recent.filter((r) => now() - r.at < RECENT_MS);
    return recent.map((r) => r.key);
  }

  /** What one intent's run may do (./run-intent.ts): the executor's clock, queue state, cache and calls. */
  const intentRun = (id: number, data: JobData): IntentRun => ({
    live,
    readTruth: () => readTruth(),
    async startModel(resumed) {
      const kept = current;
      current = undefined;
      return resumed ? readTruth() : (kept ?? deps.model(jobAccount.current));
    },
    leave: (model) => (current = model),
    save: () => saveJob(id, 'running', data),
    status: (step, total, label) => setStatus({ jobId: id, state: 'running', ...progress(data, step, total), label }),
    stillJobAccount,
    runStep: (step) => deps.runStep(step, jobAccount.current),
    patched: queuePatch,
    takePatchFailure,
    protectedKeys,
    remember,
    settle: () => sleep(settleMs),
  });

  async function finish(id: number, data: JobData) {
    const message = jobSentence(data.outcomes);
    const state = data.outcomes.some((o) => o.state === 'failed') ? 'failed' : 'done';
    data.message = message;
    // "Done" should not show before the views do; only a bulk move (more queued) lets the cache trail a little.
    if ((await live(journal.list(['queued']))).length === 0 && (await patchesSettled())) {
      current = undefined;
      await live(readTruth());
    }
    await saveJob(id, state, data);
    await setStatus({ jobId: id, state, ...endProgress(data), label: '', message });
    await live(journal.prune(JOURNAL_KEEP_FINISHED));
    if (undoable(state, data)) lastUndoable = id;
  }

  /** Moves are undone when they finished; a loadout also when it stopped part-way (its undo loadout is whole). */
  function undoable(state: JobState, data: JobData): boolean {
    return !data.undo && Boolean(data.changed) && (state === 'done' || data.undoLoadout !== undefined);
  }

  /** Move back what the last finished job moved (newest first), and re-equip what it unequipped: one undo job. */
  async function undoLast(): Promise<{ jobId?: number; reason?: string }> {
    const id = lastUndoable ?? (await lastDoneId());
    const job = id ? await journal.get(id) : undefined;
    if (!job) return { reason: 'There is no move to undo.' };
    const model = await deps.model(await currentAccount());
    if (!model) return { reason: 'Your inventory is not loaded yet; refresh and try again.' };
    lastUndoable = undefined;
    const data = jobData(job.data, job.status);
    await journal.save(job.id, job.status, { ...data, undo: true });
    // A loadout job is undone by applying what the character wore before it (saved before its first call).
    if (data.undoLoadout) return { jobId: await enqueue({ kind: 'loadout', ...data.undoLoadout }, true) };
    const intents = undoIntents(model, { goals: data.outcomes.map((o) => o.goal), origins: data.origins });
    if (!intents.length) return { reason: 'That move changed nothing that can be moved back.' };
    return { jobId: await enqueue(intents, true) };
  }

  async function lastDoneId(): Promise<number | undefined> {
    const finished = await journal.list(['done', 'failed']);
    return finished.reverse().find((j) => {
      const data = jobData(j.data, j.status);
      return !data.undo && (j.status === 'done' || undoable(j.status, data));
    })?.id;
  }

  /**
   * After a worker restart: resume (re-plan from fresh data) whatever was queued or running. Returns how many jobs
   * were cut off mid-plan.
   */
  async function resume(): Promise<number> {
    const cut = await journal.interruptRunning();
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
      const model = await deps.model(await currentAccount());
      if (!model) return { ok: false, reason: 'Your inventory is not loaded yet.' };
      const plan = planMove(model, intent, { protectedKeys: protectedKeys() });
      return plan.ok ? { ok: true, steps: plan.steps.map((s) => s.label), summary: plan.summary } : plan;
    },
    runMove: async (intent) => ({ jobId: await enqueue([intent]) }),
    previewLoadout: async ({ loadout, characterId }) => {
      const model = await deps.model(await currentAccount());
      if (!model) return { ok: false, reason: 'Your inventory is not loaded yet.' };
      const plan = planLoadout(model, loadout, characterId, { protectedKeys: protectedKeys() });
      return {
        ok: true,
        steps: plan.steps.map((s) => s.label),
        problems: plan.problems.map((p) => p.sentence),
        notes: plan.notes,
        calls: planCallCount(plan),
        minimumCalls: minimumCalls(model, loadout, characterId),
      };
    },
    applyLoadout: async ({ loadout, characterId }) => ({
      jobId: await enqueue({ kind: 'loadout', loadout, characterId }),
    }),
    undoLastMove: () => undoLast(),
  };

  return { enqueue, resume, undoLast, halt, handlers, idle: () => running ?? Promise.resolve() };
}

export type MoveExecutor = ReturnType<typeof createMoveExecutor>;
