/**
 * Storage keys shared by the worker (which writes them) and the pages (which read them). Declared once in
 * lib/storage/items.ts; re-exported here for the modules that already import them from this file.
 */
import { ACTIVE_PROFILE_KEY, popupSnapshotItem } from '../storage/items';

/** Meta key holding the membership key (`membershipKey`, lib/bungie/protocol.ts) the views should show. */
export { ACTIVE_PROFILE_KEY };

/** storage.session key of the popup's first screen (current character's gear, vault fill, postmaster warnings). */
export const POPUP_SNAPSHOT_KEY = popupSnapshotItem.name;
