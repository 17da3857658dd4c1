import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, decideBadge, POSTMASTER_BUCKET_HASH, postmasterCounts } from '@/lib/vendors/badge';
import { postmasterCapacityFromManifest, realProfile } from './fixtures';

/** The real profile with `extra` more items pushed into one character's postmaster. */
function withPostmaster(extra: number, characterIndex = 0): DestinyProfileResponse {
  const profile = realProfile();
  const [id, inv] = Object.entries(profile.characterInventories.data!)[characterIndex];
  const template = inv.items.find((i) => i.bucketHash === POSTMASTER_BUCKET_HASH)!;
  const items = [...inv.items, ...Array.from({ length: extra }, () => ({ ...template }))];
  return {
    ...profile,
    characterInventories: {
      ...profile.characterInventories,
      data: { ...profile.characterInventories.data, [id]: { ...inv, items } },
    },
  };
}

const DEPARTS = Date.parse('2026-07-07T17:00:00Z');
const capacity = postmasterCapacityFromManifest();

describe('badge priorities', () => {
  it('reads the postmaster capacity (21) and the real counts (Hunter 8, Warlock 6, Titan 5)', () => {
    expect(capacity).toBe(21);
    expect(postmasterCounts(realProfile()).map((c) => `${c.label} ${c.count}`)).toEqual([
      'Hunter 8',
      'Warlock 6',
      'Titan 5',
    ]);
  });

  it.each([
    // [case, signedIn, extra items on the Hunter (8 + extra), Xûr present, expected text, expected colour]
    ['signed out, Xûr here', false, 12, true, 'Xûr', BADGE_COLORS.xur],
    ['signed out, no Xûr', false, 12, false, '', BADGE_COLORS.none],
    ['signed in, 17/21, Xûr here', true, 9, true, 'Xûr', BADGE_COLORS.xur],
    ['signed in, 18/21, Xûr here: postmaster wins', true, 10, true, '18', BADGE_COLORS.warning],
    ['signed in, 21/21, no Xûr', true, 13, false, '21', BADGE_COLORS.warning],
    ['signed in, 17/21, no Xûr', true, 9, false, '', BADGE_COLORS.none],
  ])('%s', (_label, signedIn, extra, present, text, color) => {
    const decision = decideBadge({
      signedIn,
      postmasterCounts: postmasterCounts(withPostmaster(extra)),
      postmasterCapacity: capacity,
      xur: { present, departsAt: DEPARTS },
    });
    expect(decision.text).toBe(text);
    expect(decision.color).toBe(color);
    if (color === BADGE_COLORS.warning) {
      expect(decision.title).toContain(`Hunter ${8 + extra}/21`);
      expect(decision.title.includes('Xûr is here until Tue 17:00 UTC')).toBe(present);
    } else if (present) {
      expect(decision.title).toBe('Xûr is here until Tue 17:00 UTC. Open Vault Raider to see his wares.');
    } else {
      expect(decision.title).toBe('Vault Raider');
    }
  });

  it('shows the fullest character and names every nearly full one', () => {
    const profile = withPostmaster(12, 0);
    const both = { ...profile };
    const second = Object.entries(withPostmaster(14, 1).characterInventories.data!)[1];
    both.characterInventories = {
      ...profile.characterInventories,
      data: { ...profile.characterInventories.data, [second[0]]: second[1] },
    };
    const decision = decideBadge({
      signedIn: true,
      postmasterCounts: postmasterCounts(both),
      postmasterCapacity: capacity,
      xur: undefined,
    });
    expect(decision.text).toBe('20');
    expect(decision.title).toMatch(/^Postmaster nearly full: Hunter 20\/21, Warlock 20\/21\./);
  });

  it('without a capacity from the Manifest it never guesses a postmaster warning', () => {
    const decision = decideBadge({
      signedIn: true,
      postmasterCounts: postmasterCounts(withPostmaster(13)),
      postmasterCapacity: undefined,
      xur: undefined,
    });
    expect(decision).toEqual({ text: '', color: BADGE_COLORS.none, title: 'Vault Raider' });
  });
});
