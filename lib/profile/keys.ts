/**
 * Storage keys shared by the worker (which writes them) and the pages (which read them). Kept apart from the
 * worker's services so a page bundle that needs a key does not pull in the worker's code.
 */

/** Meta key holding the `${membershipType}:${membershipId}` the views should show. */
export const ACTIVE_PROFILE_KEY = 'activeProfileKey';

/** storage.session key of the popup's first screen (current character's gear, vault fill, postmaster warnings). */
export const POPUP_SNAPSHOT_KEY = 'vr.popupSnapshot';
