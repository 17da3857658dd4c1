import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef } from 'vue';
import type { AccountAnnotations, ItemMark } from '../loadouts/live';
import type { ImportSummary, Loadout, TagValue } from '../loadouts/messages';
import { send, WorkerError } from '../messaging/messages';
import { userMessage } from '../messaging/user-message';

/**
 * Loadouts, tags and notes from the pages' side: reads follow the worker's rows through lib/loadouts/live.ts (loaded
 * lazily); every change is a message to the worker, the only writer. A refusal (a bad name, a bad file, signed out)
 * lands in `error` as the worker's sentence; the rows stay as they were.
 */
/** The worker's own sentence when it refused; anything else (a page-side failure) as the generic one. */
function sentenceOf(e: unknown): string {
  return e instanceof WorkerError ? e.message : userMessage(e);
}

export const useLoadoutsStore = defineStore('loadouts', () => {
  const loadouts = shallowRef<Loadout[]>([]);
  const annotations = shallowRef<AccountAnnotations['byInstanceId']>({});
  const itemHashTags = shallowRef<AccountAnnotations['byItemHash']>({});
  const error = ref<string>();
  const lastImport = shallowRef<ImportSummary>();
  const unsubscribers: (() => void)[] = [];

  let watching = false;
  async function watch() {
    if (watching) return;
    watching = true;
    const { watchLoadouts, watchAnnotations } = await import('../loadouts/live');
    const failed = (e: unknown) => (error.value = sentenceOf(e));
    unsubscribers.push(
      watchLoadouts((next) => (loadouts.value = next.loadouts), failed),
      watchAnnotations((next) => {
        annotations.value = next.byInstanceId;
        itemHashTags.value = next.byItemHash;
      }, failed),
    );
  }

  /** Run one request; its sentence goes to `error` on refusal (undefined is returned). */
  async function ask<T>(request: () => Promise<T>): Promise<T | undefined> {
    error.value = undefined;
    try {
      return await request();
    } catch (e) {
      error.value = sentenceOf(e);
      return undefined;
    }
  }

  const createFromEquipped = (characterId: string, name?: string) =>
    ask(async () => (await send('createLoadoutFromEquipped', { characterId, ...(name ? { name } : {}) })).loadout);
  const save = (loadout: Loadout) => ask(async () => (await send('saveLoadout', { loadout })).loadout);
  const duplicate = (id: string, name?: string) =>
    ask(async () => (await send('duplicateLoadout', { id, ...(name ? { name } : {}) })).loadout);
  const remove = (id: string) => ask(async () => (await send('deleteLoadout', { id })).deleted);

  async function importBackup(text: string) {
    const summary = await ask(() => send('importDimBackup', { text }));
    if (summary) lastImport.value = summary;
    return summary;
  }
  /** The DIM backup file's text (the page offers it as a download). */
  const exportBackup = () => ask(async () => (await send('exportDimBackup', {})).text);
  /** One loadout to share: DIM JSON, a DIM link and plain text. */
  const share = (id: string) => ask(() => send('shareLoadout', { id }));

  const setTag = (instanceId: string, tag: TagValue | null) => ask(() => send('setTag', { instanceId, tag }));
  const setNote = (instanceId: string, notes: string) => ask(() => send('setNote', { instanceId, notes }));
  const setTags = (instanceIds: string[], tag: TagValue | null) =>
    ask(async () => (await send('setTags', { instanceIds, tag })).changed);

  /** The tag and notes of an item: by instance id; items without one (shaders, mods) by their hash, as DIM does. */
  function markOf(item: { itemInstanceId?: string; itemHash: number }): ItemMark | undefined {
    return item.itemInstanceId ? annotations.value[item.itemInstanceId] : itemHashTags.value[item.itemHash];
  }

  onScopeDispose(() => unsubscribers.splice(0).forEach((stop) => stop()));

  return {
    loadouts,
    annotations,
    itemHashTags,
    error,
    lastImport,
    watch,
    createFromEquipped,
    save,
    duplicate,
    remove,
    importBackup,
    exportBackup,
    share,
    setTag,
    setNote,
    setTags,
    markOf,
  };
});
