import { liveQuery } from 'dexie';
import { getDb, type ProfileRow, type VaultRaiderDB } from '../db/schema';
import { ACTIVE_PROFILE_KEY } from '../storage/items';

/**
 * The pages' read API for the profile cache: the worker is the only writer (lib/profile/service.ts); pages follow
 * the active account's cached model with a Dexie live query, so every move the worker applies shows up without a
 * reload. Stores import this lazily, so a view that first paints from the popup snapshot does not parse Dexie up front.
 */

/** Follow the cached profile row of the account the views show (undefined when none); returns an unsubscribe. */
export function watchActiveProfile(
  onChange: (row: ProfileRow | undefined) => void,
  onError: (error: unknown) => void,
  db: VaultRaiderDB = getDb(),
): () => void {
  const subscription = liveQuery(async () => {
    const active = await db.meta.get(ACTIVE_PROFILE_KEY);
    return typeof active?.value === 'string' ? db.profiles.get(active.value) : undefined;
  }).subscribe({ next: onChange, error: onError });
  return () => subscription.unsubscribe();
}
