import type { Loadout, TagValue } from '@destinyitemmanager/dim-api-types';
import { liveQuery } from 'dexie';
import { getDb, type VaultRaiderDB } from '../db/schema';
import { ACTIVE_PROFILE_KEY } from '../storage/items';

/**
 * The pages' read API for loadouts, tags and notes: the worker is the only writer (lib/loadouts/service.ts); pages
 * follow the rows of the account the views show (meta `activeProfileKey`, the membership key) with Dexie live
 * queries, so an import, an edit or a bulk tag in any page shows up everywhere. Stores import this lazily.
 */

/** A tag and/or notes on one item. */
export interface ItemMark {
  tag?: TagValue;
  notes?: string;
}

export interface AccountLoadouts {
  /** The membership key the rows belong to; undefined when no account is shown (signed out). */
  account?: string;
  /** By name (then id), undo loadouts included. */
  loadouts: Loadout[];
}

export interface AccountAnnotations {
  account?: string;
  /** Tags and notes by item instance id. */
  byInstanceId: Record<string, ItemMark>;
  /** Tags and notes by item hash (shaders, mods). */
  byItemHash: Record<number, ItemMark>;
}

async function shownAccount(db: VaultRaiderDB): Promise<string | undefined> {
  const active = await db.meta.get(ACTIVE_PROFILE_KEY);
  return typeof active?.value === 'string' ? active.value : undefined;
}

function markOf(row: { tag?: TagValue; notes?: string }): ItemMark {
  return { ...(row.tag ? { tag: row.tag } : {}), ...(row.notes ? { notes: row.notes } : {}) };
}

/** Follow the shown account's loadouts; returns an unsubscribe. */
export function watchLoadouts(
  onChange: (value: AccountLoadouts) => void,
  onError: (error: unknown) => void,
  db: VaultRaiderDB = getDb(),
): () => void {
  const subscription = liveQuery(async (): Promise<AccountLoadouts> => {
    const account = await shownAccount(db);
    if (!account) return { loadouts: [] };
    const rows = await db.loadouts.where('account').equals(account).toArray();
    const loadouts = rows
      .map((r) => r.loadout)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { account, loadouts };
  }).subscribe({ next: onChange, error: onError });
  return () => subscription.unsubscribe();
}

/** Follow the shown account's tags and notes (by instance id and by item hash); returns an unsubscribe. */
export function watchAnnotations(
  onChange: (value: AccountAnnotations) => void,
  onError: (error: unknown) => void,
  db: VaultRaiderDB = getDb(),
): () => void {
  const subscription = liveQuery(async (): Promise<AccountAnnotations> => {
    const account = await shownAccount(db);
    if (!account) return { byInstanceId: {}, byItemHash: {} };
    const [annotations, hashTags] = await Promise.all([
      db.annotations.where('[account+instanceId]').between([account, ''], [account, '\uffff']).toArray(),
      db.itemHashTags.where('[account+hash]').between([account, -Infinity], [account, Infinity]).toArray(),
    ]);
    return {
      account,
      byInstanceId: Object.fromEntries(annotations.map((r) => [r.instanceId, markOf(r)])),
      byItemHash: Object.fromEntries(hashTags.map((r) => [r.hash, markOf(r)])),
    };
  }).subscribe({ next: onChange, error: onError });
  return () => subscription.unsubscribe();
}
