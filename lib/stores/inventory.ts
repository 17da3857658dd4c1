import type { Subscription } from 'dexie';
import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef } from 'vue';
import { browser } from 'wxt/browser';
import type { PopupSnapshot } from '../inventory/popup-snapshot';
import type { InventoryModel } from '../inventory/types';
import { send } from '../messages';
import { ACTIVE_PROFILE_KEY, POPUP_SNAPSHOT_KEY } from '../profile/keys';
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
  /** The popup's first screen, handed over by the worker through storage.session (no database needed). */
  const snapshot = shallowRef<PopupSnapshot>();
  let subscription: Subscription | undefined;
  let opening = false;
  let port: ReturnType<typeof browser.runtime.connect> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let shown: string | undefined;

  async function loadSnapshot() {
    const stored = (await browser.storage.session.get(POPUP_SNAPSHOT_KEY))[POPUP_SNAPSHOT_KEY] as PopupSnapshot | null;
    snapshot.value = stored ?? undefined;
  }

  async function open() {
    if (subscription || opening) return;
    opening = true;
    // Holding this port tells the worker a view is open: it refreshes now and on its alarm while we stay.
    port = browser.runtime.connect({ name: 'view' });
    timer = setInterval(() => (now.value = Date.now()), 1000);
    // Dexie loads on demand, so a view that first paints from the snapshot does not parse it up front.
    const [{ liveQuery }, { getDb }] = await Promise.all([import('dexie'), import('../db/schema')]);
    if (!opening) return; // closed meanwhile
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
    opening = false;
    port?.disconnect();
    port = undefined;
    if (timer) clearInterval(timer);
  }

  onScopeDispose(close);

  return { model, snapshot, fetchedAt, now, loaded, refreshing, error, loadSnapshot, open, refresh, close };
});
