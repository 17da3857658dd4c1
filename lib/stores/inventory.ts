import { liveQuery, type Subscription } from 'dexie';
import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef } from 'vue';
import { browser } from 'wxt/browser';
import { getDb } from '../db/schema';
import type { InventoryModel } from '../inventory/types';
import { send } from '../messages';
import { ACTIVE_PROFILE_KEY } from '../profile/service';
import { userMessage } from '../user-message';

/**
 * The views' window on the cached inventory. Reads the worker-built model from Dexie with a live query (so every
 * move the worker applies shows up without a reload), tells the worker a view is open, and asks for a refresh.
 */
export const useInventoryStore = defineStore('inventory', () => {
  const model = shallowRef<InventoryModel>();
  const fetchedAt = ref<number>();
  const loaded = ref(false);
  const refreshing = ref(false);
  const error = ref<string>();
  const now = ref(Date.now());
  let subscription: Subscription | undefined;
  let port: ReturnType<typeof browser.runtime.connect> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let shown: string | undefined;

  function open() {
    if (subscription) return;
    const db = getDb();
    subscription = liveQuery(async () => {
      const active = await db.meta.get(ACTIVE_PROFILE_KEY);
      return typeof active?.value === 'string' ? db.profiles.get(active.value) : undefined;
    }).subscribe({
      next(row) {
        loaded.value = true;
        // Live queries fire on any write to what they read; re-rendering the grid for the same model costs frames.
        const seen = `${row?.key}@${row?.fetchedAt}#${row?.revision}`;
        if (seen === shown) return;
        shown = seen;
        model.value = row?.model;
        fetchedAt.value = row?.fetchedAt;
      },
      error(e) {
        error.value = userMessage(e);
        loaded.value = true;
      },
    });
    // Holding this port tells the worker a view is open: it refreshes now and on its alarm while we stay.
    port = browser.runtime.connect({ name: 'view' });
    timer = setInterval(() => (now.value = Date.now()), 1000);
  }

  async function refresh(force = true) {
    refreshing.value = true;
    error.value = undefined;
    try {
      await send('refreshProfile', { force });
    } catch (e) {
      error.value = userMessage(e);
    } finally {
      refreshing.value = false;
    }
  }

  function close() {
    subscription?.unsubscribe();
    subscription = undefined;
    port?.disconnect();
    port = undefined;
    if (timer) clearInterval(timer);
  }

  onScopeDispose(close);

  return { model, fetchedAt, now, loaded, refreshing, error, open, refresh, close };
});
