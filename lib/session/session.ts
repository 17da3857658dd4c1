import { buildConfig } from '@/lib/config/build';
import type { HandlerSet } from '@/lib/messaging/messages';
import { membershipKey } from '@/lib/bungie/protocol';
import { loadUserSettings, saveUserSettings } from '@/lib/bungie/settings';
import { healthItem, sessionItem, type StoredSession } from '@/lib/storage/items';
import { defaultAccount, fetchAccounts } from './accounts';
import { bumpEpoch } from './epoch';
import type { AuthMessages, BungieSettingsView, Session } from './messages';
import { bungieServices, onBungieChange, reloadConfig } from './services';
import { allowHotSet, forgetPersonalData } from './wipe';

export { getBungieHttp } from './services';
export { sessionEpoch } from './epoch';

/**
 * The sign-in as the worker's services and the pages see it: the Bungie.net account, its Destiny accounts and the
 * user's choice (storage.local, so it survives worker restarts), Bungie's health, and the handlers of the sign-in
 * messages. Tokens stay in lib/bungie/auth.ts; personal data is wiped by ./wipe.ts.
 */

/** storage.local: the user's Destiny accounts and their choice (no secrets; declared in lib/storage/items.ts). */
export const SESSION_KEY = sessionItem.name;
/** storage.session: Bungie's health as last seen by the client, for the pages' banner. */
export const HEALTH_KEY = healthItem.name;

const listeners = new Set<(session: Session) => void>();
onBungieChange(() => void notify());

async function readStored(): Promise<StoredSession | undefined> {
  // A malformed stored list reads as none: the user is asked to pick again after the next account load.
  return (await sessionItem.getValue()) ?? undefined;
}

/** The current sign-in state and selected Destiny account, read from storage so it survives worker restarts. */
export async function getSession(): Promise<Session> {
  const { auth, client } = await bungieServices();
  const status = await auth.status();
  const stored = status.state === 'signed-out' ? undefined : await readStored();
  const accounts = stored?.accounts ?? [];
  const membership =
    accounts.find((a) => membershipKey(a) === stored?.selectedKey) ??
    defaultAccount(accounts, stored?.primaryMembershipId) ??
    null;
  const health = (await healthItem.getValue()) ?? client.health();
  return {
    signedIn: status.state === 'signed-in',
    state: status.state,
    bungieName: stored?.bungieName ?? null,
    membership,
    accounts,
    health,
  };
}

/**
 * Bungie answered without the owner-only parts of the profile although we thought we were signed in: the token is
 * no use any more. Forget it and ask the user to sign in again; the cached inventory stays, with its age.
 */
export async function expireSession(): Promise<void> {
  const { auth } = await bungieServices();
  await auth.expireSession();
}

/** Run `listener` after every change of the session (sign-in, sign-out, expiry, account switch, Bungie health). */
export function onSessionChange(listener: (session: Session) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function notify(): Promise<void> {
  if (!listeners.size) return;
  const session = await getSession();
  for (const listener of listeners) listener(session);
}

/** Load the accounts again; keep the user's choice when it is still one of them, else pick Bungie's most recent. */
async function reloadAccounts(): Promise<Session> {
  const { client } = await bungieServices();
  const previous = await readStored();
  const list = await fetchAccounts(client.http);
  const kept = list.accounts.find((a) => membershipKey(a) === previous?.selectedKey);
  const chosen = kept ?? defaultAccount(list.accounts, list.primaryMembershipId);
  const stored: StoredSession = { ...list, selectedKey: chosen ? membershipKey(chosen) : undefined };
  await sessionItem.setValue(stored);
  await notify();
  return getSession();
}

/** Sign-out forgets tokens and every cached piece of personal data. */
async function signOut(): Promise<Session> {
  const { auth } = await bungieServices();
  bumpEpoch();
  await auth.signOut();
  await forgetPersonalData();
  await notify();
  return getSession();
}

async function settingsView(): Promise<BungieSettingsView> {
  const user = await loadUserSettings();
  const build = buildConfig();
  return {
    apiKey: user.apiKey ?? '',
    clientId: user.clientId ?? '',
    hasClientSecret: Boolean(user.clientSecret),
    buildHasApiKey: Boolean(build.apiKey),
    buildHasClientId: Boolean(build.clientId),
    buildHasClientSecret: Boolean(build.clientSecret),
    origin: build.origin,
  };
}

/** Worker handlers for the sign-in messages; the background joins them into its table. */
export const authHandlers: HandlerSet<AuthMessages> = {
  authSession: () => getSession(),
  authSignIn: async () => {
    const { auth } = await bungieServices();
    const bnetMembershipId = await auth.signIn();
    bumpEpoch();
    const previous = await readStored();
    if (previous && previous.bnetMembershipId !== bnetMembershipId) {
      // Another Bungie.net account: the old one's choice and cached data are not this user's.
      await forgetPersonalData();
    }
    allowHotSet();
    return reloadAccounts();
  },
  authSignOut: () => signOut(),
  authSelectAccount: async ({ membershipType, membershipId }) => {
    const stored = await readStored();
    const key = membershipKey({ membershipType, membershipId });
    if (!stored?.accounts.some((a) => membershipKey(a) === key)) {
      throw Object.assign(new Error('unknown account'), {
        userMessage: 'That Destiny account is not on this Bungie.net account.',
      });
    }
    if (stored.selectedKey !== key) bumpEpoch();
    await sessionItem.setValue({ ...stored, selectedKey: key });
    await notify();
    return getSession();
  },
  authReloadAccounts: () => reloadAccounts(),
  authSettings: () => settingsView(),
  authSaveSettings: async (input) => {
    const current = await loadUserSettings();
    await saveUserSettings({
      apiKey: input.apiKey,
      clientId: input.clientId,
      clientSecret: input.clientSecret === undefined ? current.clientSecret : input.clientSecret,
    });
    await reloadConfig();
    return settingsView();
  },
};
