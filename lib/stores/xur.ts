import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { XurViewState } from '../alerts/messages';
import { send } from '../messaging/messages';

/** Xûr as the worker keeps him (cached answer, names, owned marks), and the view's "refresh". */
export const useXurStore = defineStore('xur', () => {
  const state = ref<XurViewState>();
  /** True while a refresh asks Bungie. */
  const busy = ref(false);
  const error = ref('');

  async function load(kind: 'getXurState' | 'checkXur') {
    busy.value = kind === 'checkXur';
    try {
      state.value = await send(kind, {});
      error.value = '';
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      busy.value = false;
    }
  }

  /** The cached state; when Bungie was never asked yet (fresh install, or Bungie was down), ask once now. */
  async function open() {
    await load('getXurState');
    if (state.value?.status === 'unknown') await load('checkXur');
  }

  /** Ask Bungie now (the view's refresh button). */
  function refresh() {
    return load('checkXur');
  }

  return { state, busy, error, open, refresh };
});
