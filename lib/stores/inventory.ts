import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef } from 'vue';
import { browser } from 'wxt/browser';
import type { PopupSnapshot } from '../inventory/popup-snapshot';
import type { InventoryModel } from '../inventory/types';
import { send } from '../messaging/messages';
import { popupSnapshotItem } from '../storage/items';
import { userMessage } from '../messaging/user-message';

/** Pause before holding the view open again after the worker went away (Chrome stops idle workers). */
export const VIEW_RECONNECT_MS = 1_000;
/** Longest pause between attempts when the port keeps dropping at once. */
export const VIEW_RECONNECT_MAX_MS = 30_000;
/** A port that lived this long was a healthy one: the next pause starts again from VIEW_RECONNECT_MS. */
const VIEW_PORT_STABLE_MS = 10_000;

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
  let unsubscribe: (() => void) | undefined;
  let opening = false;
  let port: ReturnType<typeof browser.runtime.connect> | undefined;
  /** Whether a view is open (between `open()` and `close()`): then the port is held, and re-held when it drops. */
  let holding = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let quickDrops = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let shown: string | undefined;

  async function loadSnapshot() {
    // A malformed snapshot reads as none: the popup waits for the model instead.
    snapshot.value = (await popupSnapshotItem.getValue()) ?? undefined;
  }

  async function open() {
    if (unsubscribe || opening) return;
    opening = true;
    // Holding this port tells the worker a view is open: it refreshes now and on its alarm while we stay.
    holding = true;
    holdView();
    timer = setInterval(() => (now.value = Date.now()), 1000);
    // Dexie loads on demand, so a view that first paints from the snapshot does not parse it up front.
    const { watchActiveProfile } = await import('../profile/live');
    if (!opening) return; // closed meanwhile
    unsubscribe = watchActiveProfile(
      (row) => {
        loaded.value = true;
        // Live queries fire on any write to what they read; re-rendering the grid for the same model costs frames.
        const seen = `${row?.key}@${row?.fetchedAt}#${row?.revision}`;
        if (seen === shown) return;
        shown = seen;
        model.value = row?.model;
        fetchedAt.value = row?.fetchedAt;
      },
      (e) => {
        error.value = userMessage(e);
        loaded.value = true;
      },
    );
  }

  /**
   * Connect the `view` port. When the worker stops (Chrome idles it out after ~30 s, or it is updated) the port
   * drops and the new worker would not know a view is open, so refreshing would stop: connect again after a short
   * pause (which also wakes the worker), longer each time a port drops right away.
   */
  function holdView() {
    if (!holding || port) return;
    const connectedAt = Date.now();
    try {
      port = browser.runtime.connect({ name: 'view' });
    } catch {
      return; // the extension was reloaded or removed: this page is orphaned, nothing to hold
    }
    port.onDisconnect.addListener(() => {
      port = undefined;
      if (!holding) return;
      quickDrops = Date.now() - connectedAt >= VIEW_PORT_STABLE_MS ? 0 : quickDrops + 1;
      const pause = Math.min(VIEW_RECONNECT_MS * 2 ** quickDrops, VIEW_RECONNECT_MAX_MS);
      clearTimeout(reconnectTimer);
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        holdView();
      }, pause);
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
    unsubscribe?.();
    unsubscribe = undefined;
    opening = false;
    holding = false;
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    quickDrops = 0;
    port?.disconnect();
    port = undefined;
    if (timer) clearInterval(timer);
  }

  onScopeDispose(close);

  return { model, snapshot, fetchedAt, now, loaded, refreshing, error, loadSnapshot, open, refresh, close };
});
