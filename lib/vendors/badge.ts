import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';

/** Lost Items, the per-character postmaster bucket. */
export const POSTMASTER_BUCKET_HASH = 215593132;
/** Warn this many slots before the postmaster is full. */
export const POSTMASTER_WARN_MARGIN = 3;

/** Badge colours with white text: both keep a contrast ratio above 4.5:1 on the toolbar. */
export const BADGE_COLORS = {
  warning: '#B91C1C',
  xur: '#5B21B6',
  none: '#4B5563',
} as const;

export const DEFAULT_TITLE = 'Vault Raider';

export interface PostmasterCount {
  characterId: string;
  /** "Hunter", "Warlock", … for the tooltip. */
  label: string;
  count: number;
}

export interface BadgeInput {
  signedIn: boolean;
  postmasterCounts: readonly PostmasterCount[];
  /** The Lost Items bucket's itemCount from the Manifest (21); unknown → no postmaster warning. */
  postmasterCapacity: number | undefined;
  /** Last definitive answer about Xûr; undefined while none has arrived yet. */
  xur: { present: boolean; departsAt?: number } | undefined;
}

export interface BadgeDecision {
  text: string;
  color: string;
  title: string;
}

const CLASS_NAMES: Record<number, string> = { 0: 'Titan', 1: 'Hunter', 2: 'Warlock' };

/**
 * Items waiting in each character's postmaster. Bungie: Lost Items (bucket 215593132) lives in the character
 * inventory component (201); every entry takes one slot whatever its stack size.
 */
export function postmasterCounts(profile: DestinyProfileResponse | undefined): PostmasterCount[] {
  if (!profile) return [];
  const characters = profile.characters?.data ?? {};
  return Object.entries(profile.characterInventories?.data ?? {}).map(([characterId, inv]) => ({
    characterId,
    label: CLASS_NAMES[characters[characterId]?.classType ?? -1] ?? 'Character',
    count: (inv.items ?? []).filter((i) => i.bucketHash === POSTMASTER_BUCKET_HASH).length,
  }));
}

function utcLabel(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  return `${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
}

/**
 * What the toolbar badge shows. Priorities: a nearly full postmaster (signed in, ≥ capacity − 3 items on any
 * character; Bungie drops the oldest item when a postmaster is full) wins with a warning colour; otherwise Xûr while
 * he is here; otherwise nothing. The title (tooltip) says what the badge means and mentions Xûr when hidden by it.
 */
export function decideBadge({ signedIn, postmasterCounts, postmasterCapacity, xur }: BadgeInput): BadgeDecision {
  const xurLine = xur?.present ? `Xûr is here${xur.departsAt ? ` until ${utcLabel(xur.departsAt)}` : ''}.` : undefined;
  if (signedIn && postmasterCapacity && postmasterCapacity > 0) {
    const threshold = postmasterCapacity - POSTMASTER_WARN_MARGIN;
    const full = postmasterCounts.filter((c) => c.count >= threshold).sort((a, b) => b.count - a.count);
    if (full.length > 0) {
      const who = full.map((c) => `${c.label} ${c.count}/${postmasterCapacity}`).join(', ');
      return {
        text: String(full[0].count),
        color: BADGE_COLORS.warning,
        title: [`Postmaster nearly full: ${who}. When it is full, new items push the oldest out.`, xurLine]
          .filter(Boolean)
          .join('\n'),
      };
    }
  }
  if (xurLine) return { text: 'Xûr', color: BADGE_COLORS.xur, title: `${xurLine} Open Vault Raider to see his wares.` };
  return { text: '', color: BADGE_COLORS.none, title: DEFAULT_TITLE };
}
