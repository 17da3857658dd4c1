import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef } from 'vue';
import { watchManifest, type ManifestView } from '../manifest/live';
import { send } from '../messaging/messages';

/**
 * The item database (Destiny Manifest) as the pages see it: the active version and the worker's pipeline status,
 * followed live (lib/manifest/live.ts; the worker is the only writer), and the options page's "check now".
 */
export const useManifestStore = defineStore('manifest', () => {
  const view = shallowRef<ManifestView>();
  const checking = ref(false);
  /** The sentence after a "check now": updated, up to date, or why it failed. */
  const outcome = ref('');
  let followers = 0;
  let stop: (() => void) | undefined;

  /** Start following the Manifest's status (one live query for every component that follows); returns `unfollow`. */
  function follow(): () => void {
    followers += 1;
    stop ??= watchManifest((v) => (view.value = v));
    let done = false;
    return () => {
      if (done) return;
      done = true;
      followers -= 1;
      if (followers === 0) {
        stop?.();
        stop = undefined;
      }
    };
  }

  /** Ask the worker to check Bungie for a new Manifest version now. */
  async function checkNow(): Promise<void> {
    checking.value = true;
    outcome.value = '';
    try {
      const result = await send('manifestCheckNow', {});
      outcome.value =
        result.outcome === 'updated'
          ? 'Updated to the latest item database.'
          : result.outcome === 'unchanged'
            ? 'The item database is up to date.'
            : (result.error ?? '');
    } catch (error) {
      outcome.value = error instanceof Error ? error.message : String(error);
    } finally {
      checking.value = false;
    }
  }

  onScopeDispose(() => {
    stop?.();
    stop = undefined;
    followers = 0;
  });

  return { view, checking, outcome, follow, checkNow };
});
