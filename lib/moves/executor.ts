import { getDb, type JournalRow } from '../db/schema';
import { applyStep } from '../inventory/apply-step';
import { planMove, type MoveIntent, type PlanStep } from '../inventory/plan-moves';
import { VAULT_ID, type InventoryItem, type InventoryModel } from '../inventory/types';
import type { HandlerSet } from '../messages';
import { userMessage } from '../user-message';
import type { MoveMessages } from './messages';

/** Meta key of the live move status line the pages show ("2 of 3: moving Ace of Spades to vault"). */
export const MOVE_STATUS_KEY = 'moveStatus';

export interface MoveStatus {
  jobId: number;
  state: 'running' | 'done' | 'failed';
  /** 1-based index of the step running now. */
  step: number;
  total: number;
  label: string;
  /** One sentence for the player when the move ends (success summary or what happened and where the item is). */
  message?: string;
  updatedAt: number;
}

/** What the journal keeps for one user move, so a worker restart can resume it or say where each item is. */
export interface JournalData {
  intent: MoveIntent;
  /** Undo moves are not themselves undoable (undo of undo would bounce items forever). */
  undo?: boolean;
  steps: PlanStep[];
  /** Steps that succeeded so far. */
  done: number;
  /** Where each touched item was before the move (for undo and the failure sentence). */
  origins: Record<string, { owner: string; equipped: boolean; name: string }>;
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
  now?: () => number;
}

/** Bungie codes after which planning again from fresh data can still succeed. */
const REPLANNABLE = new Set([1642, 1656, 1623]);
const MAX_REPLANS = 2;

/** Where an item is, as a player would say it. */
export function describeLocation(model: InventoryModel, item: InventoryItem | undefined): string {
  if (!item) return 'it is no longer in your inventory';
  const store = model.stores.find((s) => s.id === item.owner);
  if (item.owner === VAULT_ID || !store) return `${item.name} is in your vault`;
  if (item.location === 'postmaster') return `${item.name} is in your ${store.name}'s postmaster`;
  if (item.equipped) return `${item.name} is equipped on your ${store.name}`;
  return `${item.name} is on your ${store.name}`;
}

function errorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** True when the intent's goal already holds in `model` (e.g. a failed call that Bungie did apply after all). */
export function intentSatisfied(model: InventoryModel, intent: MoveIntent): boolean {
  const item = model.items[intent.itemKey];
  if (!item) return false;
  switch (intent.kind) {
    case 'move':
      return item.owner === intent.to && item.location !== 'postmaster';
    case 'equip':
      return item.owner === intent.characterId && item.equipped;
    case 'pull':
      return item.location !== 'postmaster';
    case 'lock':
      return item.locked === intent.locked;
  }
}

/**
 * The worker's one move queue. Each user move is planned by the pure planner, journaled in Dexie, and run one Bungie
 * call at a time (the client spaces item actions ≥ 0.1 s apart). After each successful call the cached model is
 * patched with that step's effect, so a vault→character move costs exactly one API call and no profile refetch. On a
 * failed call nothing is retried blindly: the profile is refetched, then the move is planned again from the truth or
 * stopped with one sentence saying what happened and where the item is now.
 */
export function createMoveExecutor(deps: ExecutorDeps) {
  const now = deps.now ?? Date.now;
  const db = getDb();
  let running: Promise<void> | undefined;
  let lastUndoable: number | undefined;

  async function setStatus(status: Omit<MoveStatus, 'updatedAt'>) {
    await db.meta.put({ key: MOVE_STATUS_KEY, value: { ...status, updatedAt: now() } satisfies MoveStatus });
  }

  async function saveJob(id: number, status: JournalRow['status'], data: JournalData) {
    await db.journal.update(id, { status, data });
  }

  /** Queue a user move; returns its journal id at once and runs in the background. */
  async function enqueue(intent: MoveIntent, undo = false): Promise<number> {
    const data: JournalData = { intent, undo, steps: [], done: 0, origins: {}, replans: 0 };
    const id = (await db.journal.add({ createdAt: now(), status: 'queued', data })) as number;
    kick();
    return id;
  }

  function kick() {
    running ??= drain().finally(() => {
      running = undefined;
    });
  }

  async function drain() {
    for (;;) {
      const next = await db.journal.where('status').anyOf('queued', 'running', 'interrupted').sortBy('id');
      const job = next[0];
      if (!job?.id) return;
      await runJob(job.id, job.data as JournalData, job.status !== 'queued');
    }
  }

  function recordOrigins(model: InventoryModel, steps: PlanStep[], data: JournalData) {
    for (const step of steps) {
      const item = model.items[step.itemKey];
      if (item && !data.origins[step.itemKey]) {
        data.origins[step.itemKey] = { owner: item.owner, equipped: item.equipped, name: item.name };
      }
    }
  }

  async function runJob(id: number, data: JournalData, resumed: boolean) {
    let model = resumed ? await deps.reconcile() : await deps.model();
    if (!model) return finish(id, data, 'failed', 'Your inventory is not loaded yet; refresh and try again.');
    if (resumed && intentSatisfied(model, data.intent)) {
      return finish(id, data, 'done', `${model.items[data.intent.itemKey]?.name ?? 'The item'} finished moving.`);
    }

    for (;;) {
      const plan = planMove(model, data.intent);
      if (!plan.ok) {
        const item = model.items[data.intent.itemKey];
        const where = data.steps.length ? ` ${capitalize(describeLocation(model, item))}.` : '';
        return finish(id, data, 'failed', `${plan.reason}${where}`);
      }
      recordOrigins(model, plan.steps, data);
      data.steps = plan.steps;
      data.done = 0;
      await saveJob(id, 'running', data);

      let failure: unknown;
      for (const [i, step] of plan.steps.entries()) {
        await setStatus({ jobId: id, state: 'running', step: i + 1, total: plan.steps.length, label: step.label });
        try {
          await deps.runStep(step);
        } catch (error) {
          failure = error;
          break;
        }
        model = (await deps.patch((m) => applyStep(m, step))) ?? applyStep(model, step);
        data.done = i + 1;
        await saveJob(id, 'running', data);
      }
      if (!failure) return finish(id, data, 'done', plan.summary);

      // Never retry a non-idempotent call blindly: learn the truth first.
      const fresh = await deps.reconcile().catch(() => undefined);
      if (fresh) model = fresh;
      if (fresh && intentSatisfied(fresh, data.intent)) return finish(id, data, 'done', plan.summary);
      const code = errorCode(failure);
      if (fresh && code !== undefined && REPLANNABLE.has(code) && data.replans < MAX_REPLANS) {
        data.replans++;
        continue;
      }
      const item = model.items[data.intent.itemKey];
      const where = fresh ? `${capitalize(describeLocation(model, item))}.` : 'Refresh to see where it is now.';
      return finish(id, data, 'failed', `${userMessage(failure)} ${where}`);
    }
  }

  async function finish(id: number, data: JournalData, state: 'done' | 'failed', message: string) {
    data.message = message;
    await saveJob(id, state, data);
    await setStatus({ jobId: id, state, step: data.done, total: data.steps.length, label: '', message });
    if (state === 'done' && !data.undo && data.steps.some((s) => s.action !== 'lock')) lastUndoable = id;
  }

  /** Move back what the last finished user move moved (newest first), and re-equip what it unequipped. */
  async function undoLast(): Promise<{ jobId?: number; reason?: string }> {
    const id = lastUndoable ?? (await lastDoneId());
    const job = id ? await db.journal.get(id) : undefined;
    if (!job) return { reason: 'There is no move to undo.' };
    const data = job.data as JournalData;
    lastUndoable = undefined;
    let first: number | undefined;
    const entries = Object.entries(data.origins).reverse();
    for (const [itemKey, origin] of entries) {
      const intent: MoveIntent = origin.equipped
        ? { kind: 'equip', itemKey, characterId: origin.owner }
        : { kind: 'move', itemKey, to: origin.owner };
      const jobId = await enqueue(intent, true);
      first ??= jobId;
    }
    return first ? { jobId: first } : { reason: 'That move changed nothing that can be moved back.' };
  }

  async function lastDoneId(): Promise<number | undefined> {
    const done = await db.journal.where('status').equals('done').reverse().sortBy('id');
    return done.find((j) => !(j.data as JournalData).undo)?.id;
  }

  /** After a worker restart: resume (re-plan from fresh data) whatever was queued or running. */
  async function resume() {
    await db.journal.where('status').equals('running').modify({ status: 'interrupted' });
    kick();
  }

  const handlers: HandlerSet<MoveMessages> = {
    previewMove: async (intent) => {
      const model = await deps.model();
      if (!model) return { ok: false, reason: 'Your inventory is not loaded yet.' };
      const plan = planMove(model, intent);
      return plan.ok ? { ok: true, steps: plan.steps.map((s) => s.label), summary: plan.summary } : plan;
    },
    runMove: async (intent) => ({ jobId: await enqueue(intent) }),
    undoLastMove: () => undoLast(),
  };

  return { enqueue, resume, undoLast, handlers, idle: () => running ?? Promise.resolve() };
}

function capitalize(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type MoveExecutor = ReturnType<typeof createMoveExecutor>;
