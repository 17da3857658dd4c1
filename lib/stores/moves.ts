import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef } from 'vue';
import { send } from '../messaging/messages';
import type { MoveStatus } from '../moves/status';
import type { MoveIntent, PreviewResult } from '../moves/messages';
import { userMessage } from '../messaging/user-message';

/**
 * Moves from the pages' side: send intents to the worker's queue (which keeps running when the page closes), preview
 * a plan, undo, and follow the live status line the worker writes to Dexie. The line this page shows belongs to the
 * click that started it: the store keeps the `jobId` the worker answered and shows only that job's status (another
 * page's move, or an older click of this one, leaves it alone).
 */
export const useMovesStore = defineStore('moves', () => {
  /** The status of the job this page started last (undefined until it reports, or after a sign-out wiped it). */
  const status = shallowRef<MoveStatus>();
  /** The job this page started last (a move or an undo). */
  const jobId = ref<number>();
  /** The worker's latest status line, whichever job it belongs to. */
  let latest: MoveStatus | undefined;
  const preview = shallowRef<PreviewResult>();
  const error = ref<string>();
  let unsubscribe: (() => void) | undefined;

  let watching = false;
  async function watch() {
    if (watching) return;
    watching = true;
    const { watchMoveStatus } = await import('../moves/live');
    unsubscribe = watchMoveStatus(
      (next) => {
        latest = next;
        if (!next) status.value = undefined;
        else if (next.jobId === jobId.value) status.value = next;
      },
      (e) => (error.value = userMessage(e)),
    );
  }

  /** From now on the line shows job `id` (its status may already be there: the worker starts at once). */
  function follow(id: number) {
    jobId.value = id;
    status.value = latest?.jobId === id ? latest : undefined;
  }

  async function run(intent: MoveIntent) {
    error.value = undefined;
    try {
      const res = await send('runMove', intent);
      follow(res.jobId);
      return res;
    } catch (e) {
      error.value = userMessage(e);
    }
  }

  async function showPreview(intent: MoveIntent) {
    try {
      preview.value = await send('previewMove', intent);
    } catch (e) {
      preview.value = { ok: false, reason: userMessage(e) };
    }
    return preview.value;
  }

  async function undo() {
    error.value = undefined;
    try {
      const res = await send('undoLastMove', {});
      if (res.jobId !== undefined) follow(res.jobId);
      if (res.reason) error.value = res.reason;
    } catch (e) {
      error.value = userMessage(e);
    }
  }

  onScopeDispose(() => unsubscribe?.());

  return { status, jobId, preview, error, watch, run, showPreview, undo };
});
