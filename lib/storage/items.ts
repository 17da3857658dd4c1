/**
 * Every key the extension keeps in browser.storage, declared once with its area, its type, its default and the
 * valibot schema each read is checked against (WXT's `@wxt-dev/storage` `defineItem`). One file, not one per domain:
 * the whole list is in view (no two features can pick the same name) and the conventions test can say that no
 * other module touches `browser.storage.local/session` by key. The key strings are the ones earlier versions wrote
 * (`local:vr.auth.refresh` → storage.local `vr.auth.refresh`), so stored data and the e2e tests keep working.
 *
 * A stored value of the wrong shape (an older build, a hand edit, garbage) is never used: it reads as the default and
 * one sentence goes to the console saying what was ignored. Where a user meets the result (a token that is not
 * usable), the caller's own sentence applies ("Sign in again to Bungie.net…").
 *
 * Also here: the names of the Dexie `meta` rows the pages watch (the active profile, the move status line), so every
 * stored name has one home. Their rows are typed in lib/db/schema.ts.
 */
import { storage, type StorageItemKey, type WxtStorageItem } from '@wxt-dev/storage';
import * as v from 'valibot';
import type { AuthState, BungieHealth, DestinyAccount } from '../bungie/protocol';
import type { PopupSnapshot } from '../inventory/popup-snapshot';
import { SIDE_PANEL_VIEWS, type SidePanelView } from '../side-panel/views';

export interface ValidatedItem<T> {
  /** `local:…` or `session:…` as WXT names it. */
  readonly key: StorageItemKey;
  /** The raw key inside its area (what `browser.storage.local.get` takes, and what the e2e tests read). */
  readonly name: string;
  readonly area: 'local' | 'session';
  readonly fallback: T;
  /** The stored value when it has the declared shape, else the fallback (a malformed value is logged, never used). */
  getValue(): Promise<T>;
  /** Like getValue, with the sentence saying why a stored value was ignored (undefined when it was fine or absent). */
  read(): Promise<{ value: T; problem?: string }>;
  setValue(value: T): Promise<void>;
  removeValue(): Promise<void>;
  /** Called with each new value (parsed like a read); returns the unwatch function. */
  watch(callback: (value: T) => void): () => void;
}

/** Where a value's shape is wrong: field names only, never the values (a token's value is a secret). */
function fields(issues: readonly v.BaseIssue<unknown>[]): string {
  return [...new Set(issues.map((i) => i.path?.map((p) => String(p.key)).join('.') || 'value'))].join(', ');
}

/**
 * One storage key with its schema and default. `what` names the value for the sentence a malformed read logs
 * ("the saved sign-in token").
 */
export function validatedItem<T>(
  key: StorageItemKey,
  schema: v.GenericSchema<unknown, T>,
  fallback: T,
  what: string,
): ValidatedItem<T> {
  const item: WxtStorageItem<unknown, Record<string, never>> = storage.defineItem<unknown>(key);
  const [area, name] = key.split(':', 2) as ['local' | 'session', string];

  function parse(raw: unknown): { value: T; problem?: string } {
    if (raw === null || raw === undefined) return { value: fallback };
    const parsed = v.safeParse(schema, raw);
    if (parsed.success) return { value: parsed.output };
    const problem = `Vault Raider ignored ${what} kept in browser storage: it is not in the expected form (${fields(parsed.issues)}).`;
    console.warn(problem);
    return { value: fallback, problem };
  }

  return {
    key,
    name,
    area,
    fallback,
    async read() {
      return parse(await item.getValue());
    },
    async getValue() {
      return parse(await item.getValue()).value;
    },
    setValue: (value) => item.setValue(value),
    removeValue: () => item.removeValue(),
    watch: (callback) => item.watch((raw) => callback(parse(raw).value)),
  };
}

const finite = v.pipe(v.number(), v.finite());

// ---- Sign-in (lib/bungie/auth.ts): tokens live only here and in the auth closure. --------------------------------

export const storedTokenSchema = v.object({
  token: v.pipe(v.string(), v.nonEmpty()),
  /** ms since the epoch; null when Bungie gave no lifetime. */
  expiresAt: v.nullable(finite),
});
export type StoredToken = v.InferOutput<typeof storedTokenSchema>;

/** storage.local: the refresh token and its expiry (survives browser restarts, never synced). */
export const refreshTokenItem = validatedItem<StoredToken | null>(
  'local:vr.auth.refresh',
  storedTokenSchema,
  null,
  'the saved refresh token',
);

/** storage.session: the access token (memory-backed, gone when the browser closes). */
export const accessTokenItem = validatedItem<StoredToken | null>(
  'session:vr.auth.access',
  storedTokenSchema,
  null,
  'the saved access token',
);

export const authStatusSchema = v.object({
  state: v.picklist(['signed-out', 'signed-in', 'expired'] satisfies AuthState[]),
  bnetMembershipId: v.optional(v.string()),
});
export type AuthStatus = v.InferOutput<typeof authStatusSchema>;

/** storage.local: whether someone is signed in and which Bungie.net account; no secrets. */
export const authStatusItem = validatedItem<AuthStatus>(
  'local:vr.auth.status',
  authStatusSchema,
  { state: 'signed-out' },
  'the saved sign-in state',
);

// ---- Session (lib/session): the user's Destiny accounts and their choice. -----------------------------------------

const destinyAccountSchema: v.GenericSchema<unknown, DestinyAccount> = v.object({
  membershipType: v.pipe(v.number(), v.integer()),
  membershipId: v.string(),
  displayName: v.string(),
  bungieGlobalDisplayName: v.string(),
  bungieGlobalDisplayNameCode: v.optional(v.number()),
  platform: v.string(),
  platforms: v.array(v.string()),
  crossSave: v.boolean(),
  dateLastPlayed: v.optional(finite),
});

export const storedSessionSchema = v.object({
  bnetMembershipId: v.string(),
  bungieName: v.string(),
  accounts: v.array(destinyAccountSchema),
  primaryMembershipId: v.optional(v.string()),
  selectedKey: v.optional(v.string()),
});
export type StoredSession = v.InferOutput<typeof storedSessionSchema>;

/** storage.local: the user's Destiny accounts and their choice (no secrets). */
export const sessionItem = validatedItem<StoredSession | null>(
  'local:vr.session',
  storedSessionSchema,
  null,
  'the saved list of Destiny accounts',
);

/** storage.session: Bungie's health as last seen by the client, for the pages' banner. */
export const healthItem = validatedItem<BungieHealth | null>(
  'session:vr.bungie.health',
  v.picklist(['ok', 'slow', 'maintenance', 'trouble'] satisfies BungieHealth[]),
  null,
  "Bungie's last known health",
);

// ---- Settings and clock (lib/bungie). -----------------------------------------------------------------------------

export const userBungieSettingsSchema = v.object({
  apiKey: v.optional(v.string()),
  clientId: v.optional(v.string()),
  clientSecret: v.optional(v.string()),
});
export type UserBungieSettings = v.InferOutput<typeof userBungieSettingsSchema>;

/** storage.local: the user's own Bungie application values (local only: never synced, it may hold a client secret). */
export const bungieSettingsItem = validatedItem<UserBungieSettings>(
  'local:vr.bungie.settings',
  userBungieSettingsSchema,
  {},
  'the saved Bungie application settings',
);

export const serverClockSchema = v.object({
  offsetMs: finite,
  source: v.picklist(['date', 'minted']),
});
export type StoredServerClock = v.InferOutput<typeof serverClockSchema>;

/** storage.session: server time − device time, so a worker restart keeps Bungie's clock. */
export const serverClockItem = validatedItem<StoredServerClock | null>(
  'session:serverClock',
  serverClockSchema,
  null,
  "Bungie's clock offset",
);

// ---- Alerts (lib/alerts). -------------------------------------------------------------------------------------------

export const alertSettingsSchema = v.object({ xurNotifications: v.optional(v.boolean(), true) });

/** storage.local: player-facing alert settings; missing fields mean notifications on. */
export const alertSettingsItem = validatedItem<{ xurNotifications: boolean }>(
  'local:alertSettings',
  alertSettingsSchema,
  { xurNotifications: true },
  'the saved notification settings',
);

/** storage.local: the Xûr visit id already announced, so restarts of the worker never announce it again. */
export const xurNotifiedItem = validatedItem<string | null>(
  'local:xurNotifiedVisit',
  v.string(),
  null,
  'the last announced Xûr visit',
);

// ---- Pages (popup, side panel). -------------------------------------------------------------------------------------

/**
 * The popup's first screen: checked for the fields the popup lays out (the items inside are the model's own type,
 * written by the worker from a parsed profile).
 */
const popupSnapshotSchema = v.looseObject({
  characterId: v.string(),
  name: v.string(),
  light: v.optional(v.number()),
  equipped: v.array(v.looseObject({ key: v.string(), itemHash: v.number() })),
  vault: v.object({ used: v.number(), capacity: v.number() }),
  warnings: v.array(v.looseObject({ storeId: v.string(), name: v.string(), used: v.number(), capacity: v.number() })),
  fetchedAt: v.optional(finite),
}) as unknown as v.GenericSchema<unknown, PopupSnapshot>;

/** storage.session: the popup's first screen (current character's gear, vault fill, postmaster warnings). */
export const popupSnapshotItem = validatedItem<PopupSnapshot | null>(
  'session:vr.popupSnapshot',
  popupSnapshotSchema,
  null,
  "the popup's saved first screen",
);

/** storage.session: the view a notification click asks the side panel to open (its URL is fixed); read once. */
export const sidePanelViewItem = validatedItem<SidePanelView | null>(
  'session:sidePanelView',
  v.picklist(SIDE_PANEL_VIEWS),
  null,
  'the side panel view asked for',
);

// ---- Dexie meta rows the pages watch (names only; lib/db/schema.ts types the rows). --------------------------------

/** Meta key holding the membership key (lib/bungie/protocol.ts `membershipKey`) the views should show. */
export const ACTIVE_PROFILE_KEY = 'activeProfileKey';
/** Meta key of the live move status line the pages show ("2 of 3: moving Ace of Spades to vault"). */
export const MOVE_STATUS_KEY = 'moveStatus';
