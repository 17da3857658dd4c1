import { postmasterWarnings, type PostmasterLevel } from '../inventory/capacity';
import { classNameOf } from '../inventory/class-names';
import type { InventoryModel } from '../inventory/types';

/** Lost Items, the per-character postmaster bucket. */
export const POSTMASTER_BUCKET_HASH = 215593132;

/** Badge colours with white text: both keep a contrast ratio above 4.5:1 on the toolbar. */
export const BADGE_COLORS = {
  warning: '#B91C1C',
  xur: '#5B21B6',
  none: '#4B5563',
} as const;

export const DEFAULT_TITLE = 'Vault Raider';

/** A postmaster that needs attention, as the model judged it (lib/inventory/capacity.ts `postmasterLevel`). */
export interface PostmasterAlert {
  characterId: string;
  /** "Hunter", "Warlock", … for the tooltip. */
  label: string;
  used: number;
  capacity: number;
  level: Exclude<PostmasterLevel, 'ok'>;
}

export interface BadgeInput {
  signedIn: boolean;
  /** See `postmasterAlerts`: the same rule and numbers as the popup's warning. */
  postmaster: readonly PostmasterAlert[];
  /** Last definitive answer about Xûr; undefined while none has arrived yet. */
  xur: { present: boolean; departsAt?: number } | undefined;
}

export interface BadgeDecision {
  text: string;
  color: string;
  title: string;
}

/**
 * The postmasters that need attention in the inventory model (the one the popup reads): its Lost Items counts and
 * the bucket definition's capacity, judged once by `postmasterWarnings`. No model (signed out, nothing cached) → none.
 */
export function postmasterAlerts(model: InventoryModel | undefined): PostmasterAlert[] {
  if (!model) return [];
  return postmasterWarnings(model).map((p) => {
    const store = model.stores.find((s) => s.id === p.storeId);
    return {
      characterId: p.storeId,
      label: classNameOf(store?.classType) ?? store?.name ?? 'Character',
      used: p.used,
      capacity: p.capacity,
      level: p.level as PostmasterAlert['level'],
    };
  });
}

function utcLabel(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  return `${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
}

/**
 * What the toolbar badge shows. Priorities: a postmaster that needs attention (signed in; the model's rule, the
 * same as the popup's: fewer than 6 of 21 slots free; Bungie drops the oldest item when a postmaster is full) wins
 * with a warning colour; otherwise Xûr while he is here; otherwise nothing. The title (tooltip) says what the badge
 * means and mentions Xûr when hidden by it.
 */
export function decideBadge({ signedIn, postmaster, xur }: BadgeInput): BadgeDecision {
  const xurLine = xur?.present ? `Xûr is here${xur.departsAt ? ` until ${utcLabel(xur.departsAt)}` : ''}.` : undefined;
  if (signedIn) {
    const full = [...postmaster].sort((a, b) => b.used - a.used);
    if (full.length > 0) {
      const who = full.map((c) => `${c.label} ${c.used}/${c.capacity}`).join(', ');
      return {
        text: String(full[0].used),
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
