import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { authStatusItem, healthItem, sessionItem } from '@/lib/storage/items';
import type { BungieSettingsInput, BungieSettingsView, DestinyAccount, Session } from '@/lib/bungie/protocol';
import { send, WorkerError } from '@/lib/messaging/messages';
import { userMessage } from '@/lib/messaging/user-message';

/** Storage items the worker writes when the session changes (lib/session/session.ts, lib/bungie/auth.ts). */
const WATCHED = [sessionItem, authStatusItem, healthItem];

const HEALTH_SENTENCES: Record<Session['health'], string | null> = {
  ok: null,
  slow: 'Bungie is slow to answer. Still waiting…',
  maintenance: 'Bungie.net is down for maintenance. Try again when maintenance is over.',
  trouble: 'Bungie is having trouble right now. Try again in a moment.',
};

/**
 * The page-side view of the sign-in: asks the worker through typed messages and follows the worker's storage writes,
 * so every open page shows the same account. Holds no tokens (the worker never sends them).
 */
export const useSessionStore = defineStore('session', () => {
  const session = ref<Session | null>(null);
  const settings = ref<BungieSettingsView | null>(null);
  const busy = ref<'loading' | 'signing-in' | 'signing-out' | 'switching' | 'saving' | null>(null);
  const error = ref<string | null>(null);
  let watching = false;

  /** The worker already turned its error into a sentence; anything else gets the generic one. */
  function sentence(e: unknown): string {
    return e instanceof WorkerError ? e.message : userMessage(e);
  }

  const signedIn = computed(() => session.value?.signedIn ?? false);
  const needsSignInAgain = computed(() => session.value?.state === 'expired');
  const membership = computed(() => session.value?.membership ?? null);
  const accounts = computed(() => session.value?.accounts ?? []);
  const healthMessage = computed(() => (session.value ? HEALTH_SENTENCES[session.value.health] : null));

  async function run<T>(what: NonNullable<typeof busy.value>, task: () => Promise<T>): Promise<T | undefined> {
    busy.value = what;
    error.value = null;
    try {
      return await task();
    } catch (e) {
      error.value = sentence(e);
      return undefined;
    } finally {
      busy.value = null;
    }
  }

  function watchWorker() {
    if (watching) return;
    watching = true;
    for (const item of WATCHED) item.watch(() => void refresh());
  }

  async function refresh() {
    try {
      session.value = await send('authSession', {});
    } catch (e) {
      error.value = sentence(e);
    }
  }

  async function load() {
    watchWorker();
    await run('loading', async () => {
      session.value = await send('authSession', {});
    });
  }

  async function signIn() {
    const next = await run('signing-in', () => send('authSignIn', {}));
    if (next) session.value = next;
  }

  async function signOut() {
    const next = await run('signing-out', () => send('authSignOut', {}));
    if (next) session.value = next;
  }

  async function selectAccount(account: Pick<DestinyAccount, 'membershipType' | 'membershipId'>) {
    const next = await run('switching', () =>
      send('authSelectAccount', { membershipType: account.membershipType, membershipId: account.membershipId }),
    );
    if (next) session.value = next;
  }

  async function loadSettings() {
    const view = await run('loading', () => send('authSettings', {}));
    if (view) settings.value = view;
  }

  async function saveSettings(input: BungieSettingsInput) {
    const view = await run('saving', () => send('authSaveSettings', input));
    if (view) settings.value = view;
    return Boolean(view);
  }

  return {
    session,
    settings,
    busy,
    error,
    signedIn,
    needsSignInAgain,
    membership,
    accounts,
    healthMessage,
    load,
    signIn,
    signOut,
    selectAccount,
    loadSettings,
    saveSettings,
  };
});
