import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef } from 'vue';
import { send } from '../messages';
import type { MoveStatus } from '../moves/status';
import type { MoveIntent, PreviewResult } from '../moves/messages';
import { userMessage } from '../user-message';

/**
 * Moves from the pages' side: send intents to the worker's queue (which keeps running when the page closes), preview
 * a plan, undo, and follow the live status line the worker writes to Dexie.
 */
export const useMovesStore = defineStore('moves', () => {
  const status = shallowRef<MoveStatus>();
  const preview = shallowRef<PreviewResult>();
  const error = ref<string>();
  let unsubscribe: (() => void) | undefined;

  let watching = false;
  async function watch() {
    if (watching) return;
    watching = true;
    const { watchMoveStatus } = await import('../moves/live');
    unsubscribe = watchMoveStatus(
      (next) => (status.value = next),
      (e) => (error.value = userMessage(e)),
    );
  }

  async function run(intent: MoveIntent) {
    error.value = undefined;
    try {
      return await send('runMove', intent);
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
      if (res.reason) error.value = res.reason;
    } catch (e) {
      error.value = userMessage(e);
    }
  }

  onScopeDispose(() => unsubscribe?.());

  return { status, preview, error, watch, run, showPreview, undo };
});
