/**
 * Display strings derived from the model. Pure: the current time is passed in, never read here.
 */

/**
 * "updated 40 s ago" for the data-age label. Bungie caches character data for up to ~30 s, so seconds are shown up
 * to a minute; a timestamp from the future (clock skew between Bungie and the player) reads as "just now".
 */
export function formatAge(mintedAt: number, now: number): string {
  const seconds = Math.floor((now - mintedAt) / 1000);
  if (seconds < 5) return 'updated just now';
  if (seconds < 60) return `updated ${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `updated ${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `updated ${hours} h ago`;
  return `updated ${Math.floor(hours / 24)} d ago`;
}

/** "612/1300"; a bucket with no known capacity shows its count alone. */
export function formatFill(used: number, capacity: number): string {
  return capacity > 0 ? `${used}/${capacity}` : `${used}`;
}
