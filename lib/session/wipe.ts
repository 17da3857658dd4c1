import { getDb } from '@/lib/db/schema';
import { ACTIVE_PROFILE_KEY, MOVE_STATUS_KEY, popupSnapshotItem, sessionItem } from '@/lib/storage/items';
import { bumpEpoch } from './epoch';

/**
 * True from sign-out until the next sign-in. The Manifest service stores the hot set (the account's own item
 * definitions) a little after a profile was built, from a timer this module cannot cancel; while signed out that
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
    // The player's loadouts, tags and notes (lib/loadouts).
    db.loadouts.clear(),
    db.annotations.clear(),
    db.itemHashTags.clear(),
    db.meta.bulkDelete([ACTIVE_PROFILE_KEY, MOVE_STATUS_KEY]),
    // The hot set is the account's own items: which definitions it holds says what the account owns.
    db.manifestHot.clear(),
    popupSnapshotItem.removeValue(),
  ]);
}

/**
 * Every cached piece of personal data: the account list and choice, profiles, the active-profile pointer, the move
 * status and journal, loadouts, tags and notes, the hot set of definitions, the popup snapshot. Bumps the epoch first so nothing in flight
 * writes any of it back, and keeps the hot set closed until the next sign-in.
 */
export async function forgetPersonalData(): Promise<void> {
  bumpEpoch();
  guardHotSet();
  hotSetBlocked = true;
  await wipePersonalRows();
}

/** A new sign-in: the hot set may be kept again. */
export function allowHotSet(): void {
  hotSetBlocked = false;
}
