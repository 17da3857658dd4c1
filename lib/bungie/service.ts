import { buildConfig, type BuildConfig } from '@/lib/config';
import { getDb } from '@/lib/db/schema';
import type { HandlerSet } from '@/lib/messages';
import { defaultAccount, fetchAccounts } from './accounts';
import { membershipKey } from './protocol';
import { createAuth, type Auth } from './auth';
import { createBungieClient, createBungieTransport, type BungieClient } from './client';
import type { AuthMessages, BungieSettingsView, Session } from './messages';
import { effectiveConfig, loadUserSettings, saveUserSettings } from './settings';
import {
  ACTIVE_PROFILE_KEY,
  bungieSettingsItem,
  healthItem,
  MOVE_STATUS_KEY,
  popupSnapshotItem,
  sessionItem,
  type StoredSession,
} from '@/lib/storage/items';

/** storage.local: the user's Destiny accounts and their choice (no secrets; declared in lib/storage/items.ts). */
export const SESSION_KEY = sessionItem.name;
/** storage.session: Bungie's health as last seen by the client, for the pages' banner. */
export const HEALTH_KEY = healthItem.name;

interface Services {
  client: BungieClient;
  auth: Auth;
}

let services: Promise<Services> | undefined;
/**
 * The session epoch: bumped when the user signs in, signs out or switches accounts. Work that started under one
 * epoch (a profile refresh, a move) checks it before every write of personal data and drops its result when it moved.
 */
let epoch = 0;
let config: BuildConfig = buildConfig();
const listeners = new Set<(session: Session) => void>();

async function start(): Promise<Services> {
  config = effectiveConfig(buildConfig(), await loadUserSettings());
  bungieSettingsItem.watch(() => {
    void loadUserSettings().then((user) => (config = effectiveConfig(buildConfig(), user)));
  });
  // Plain layer first; the token provider talks to Bungie's token endpoint through it; the client wraps both.
  const transport = createBungieTransport({ config: () => config });
  const auth: Auth = createAuth({
    tokenEndpoint: transport,
    config: () => config,
    onStatusChange: () => void notify(),
  });
  const client: BungieClient = createBungieClient({ transport, tokens: auth });
  // A worker stopped mid-request leaves "slow" behind; nothing is in flight in a fresh worker.
  if ((await healthItem.getValue()) === 'slow') await healthItem.setValue('ok');
  client.onHealthChange((health) => {
    void healthItem.setValue(health).then(notify);
  });
  return { client, auth };
}

function services$(): Promise<Services> {
  services ??= start();
  return services;
}

/**
 * The worker's one Bungie client (config = build-time values overridden by the user's settings). Other services pass
 * `client.http` to bungie-api-ts endpoint functions and `client.download` for CDN files.
 */
export async function getBungieHttp(): Promise<BungieClient> {
  return (await services$()).client;
}

async function readStored(): Promise<StoredSession | undefined> {
  // A malformed stored list reads as none: the user is asked to pick again after the next account load.
  return (await sessionItem.getValue()) ?? undefined;
}

/** The current sign-in state and selected Destiny account, read from storage so it survives worker restarts. */
export async function getSession(): Promise<Session> {
  const { auth, client } = await services$();
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

/** The current session epoch (see `epoch`); compare a saved value with a later one to know the session ended. */
export function sessionEpoch(): number {
  return epoch;
}

/**
 * Bungie answered without the owner-only parts of the profile although we thought we were signed in: the token is
 * no use any more. Forget it and ask the user to sign in again; the cached inventory stays, with its age.
 */
export async function expireSession(): Promise<void> {
  const { auth } = await services$();
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
  const { client } = await services$();
  const previous = await readStored();
  const list = await fetchAccounts(client.http);
  const kept = list.accounts.find((a) => membershipKey(a) === previous?.selectedKey);
  const chosen = kept ?? defaultAccount(list.accounts, list.primaryMembershipId);
  const stored: StoredSession = { ...list, selectedKey: chosen ? membershipKey(chosen) : undefined };
  await sessionItem.setValue(stored);
  await notify();
  return getSession();
}

/**
 * True from sign-out until the next sign-in. The Manifest service stores the hot set (the account's own item
 * definitions) a little after a profile was built, from a timer this service cannot cancel; while signed out that
 * late write is refused at the database (a Dexie hook), so it cannot bring the signed-out account's items back.
 */
let hotSetBlocked = false;
let hotSetGuarded = false;

function guardHotSet() {
  if (hotSetGuarded) return;
  hotSetGuarded = true;
  const refuse = () => {
    if (hotSetBlocked) throw new Error('Signed out: the hot set of definitions is not kept.');
  };
  getDb().manifestHot.hook('creating', refuse);
  getDb().manifestHot.hook('updating', refuse);
}

async function wipePersonalRows(): Promise<void> {
  const db = getDb();
  await Promise.all([
    sessionItem.removeValue(),
    db.profiles.clear(),
    db.profileResponses.clear(),
    db.journal.clear(),
    db.meta.bulkDelete([ACTIVE_PROFILE_KEY, MOVE_STATUS_KEY]),
    // The hot set is the account's own items: which definitions it holds says what the account owns.
    db.manifestHot.clear(),
    popupSnapshotItem.removeValue(),
  ]);
}

/**
 * Every cached piece of personal data: the account list and choice, profiles, the active-profile pointer, the move
 * status and journal, the hot set of definitions, the popup snapshot. Bumps the epoch first so nothing in flight
 * writes any of it back, and keeps the hot set closed until the next sign-in.
 */
async function forgetPersonalData(): Promise<void> {
  epoch++;
  guardHotSet();
  hotSetBlocked = true;
  await wipePersonalRows();
}

/** Sign-out forgets tokens and every cached piece of personal data. */
async function signOut(): Promise<Session> {
  const { auth } = await services$();
  epoch++;
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
    const { auth } = await services$();
    const bnetMembershipId = await auth.signIn();
    epoch++;
    const previous = await readStored();
    if (previous && previous.bnetMembershipId !== bnetMembershipId) {
      // Another Bungie.net account: the old one's choice and cached data are not this user's.
      await forgetPersonalData();
    }
    hotSetBlocked = false;
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
    if (stored.selectedKey !== key) epoch++;
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
    config = effectiveConfig(buildConfig(), await loadUserSettings());
    return settingsView();
  },
};
