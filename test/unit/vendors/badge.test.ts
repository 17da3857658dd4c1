// @vitest-environment node
import type { DestinyItemComponent, DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { describe, expect, it } from 'vitest';
import { postmasterLevel } from '@/lib/inventory/capacity';
import { buildInventoryModel } from '@/lib/inventory/model';
import { popupSnapshot } from '@/lib/inventory/popup-snapshot';
import { BUCKETS, type InventoryModel } from '@/lib/inventory/types';
import { BADGE_COLORS, decideBadge, postmasterAlerts } from '@/lib/vendors/badge';
import { loadDefinitions, loadFixtureModel, loadProfile } from '../inventory/fixtures';
import { postmasterCapacityFromManifest } from './fixtures';

const profile = loadProfile();
const defs = loadDefinitions();
const capture = loadFixtureModel();
const [hunter, titan, warlock] = capture.stores.map((s) => s.id);

/** The real profile with each listed character's postmaster holding exactly that many items (real stacks copied). */
function modelWith(counts: Record<string, number>): InventoryModel {
  const inventories = profile.characterInventories.data!;
  const template = Object.values(inventories)
    .flatMap((c) => c.items)
    .find((i) => i.bucketHash === BUCKETS.LostItems)!;
  const data = { ...inventories };
  for (const [id, count] of Object.entries(counts)) {
    const kept = inventories[id].items.filter((i) => i.bucketHash !== BUCKETS.LostItems);
    const lost: DestinyItemComponent[] = Array.from({ length: count }, (_, n) => ({
      ...template,
      ...(template.itemInstanceId ? { itemInstanceId: `${template.itemInstanceId}${id}${n}` } : {}),
    }));
    data[id] = { items: [...kept, ...lost] };
  }
  const changed = { ...profile, characterInventories: { ...profile.characterInventories, data } };
  return buildInventoryModel(changed as DestinyProfileResponse, defs);
}

const DEPARTS = Date.parse('2026-07-07T17:00:00Z');

describe('postmaster: one rule for the popup and the badge, from the bucket capacity', () => {
  it('the real capture: Lost Items holds 21 (its definition), Hunter 8, Titan 5, Warlock 6: nobody warned', () => {
    expect(postmasterCapacityFromManifest()).toBe(21);
    expect(capture.postmasterCapacity).toBe(21);
    expect(postmasterAlerts(capture)).toEqual([]);
    expect(popupSnapshot(capture)!.warnings).toEqual([]);
  });

  it.each([
    // [Titan's postmaster, level, badge text without Xûr]
    [0, 'ok', ''],
    [15, 'ok', ''],
    [16, 'warning', '16'],
    [18, 'warning', '18'],
    [20, 'warning', '20'],
    [21, 'full', '21'],
  ])('Titan %i/21 is %s: the popup and the badge agree', (count, level, text) => {
    const model = modelWith({ [titan]: count });
    expect(postmasterLevel(count, 21)).toBe(level);
    const popup = popupSnapshot(model)!.warnings.map((w) => `${w.name} ${w.used}/${w.capacity}`);
    const alerts = postmasterAlerts(model);
    expect(alerts.map((a) => `${a.label} ${a.used}/${a.capacity}`)).toEqual(popup);
    expect(alerts.map((a) => a.level)).toEqual(level === 'ok' ? [] : [level]);
    const badge = decideBadge({ signedIn: true, postmaster: alerts, xur: undefined });
    expect(badge.text).toBe(text);
    expect(badge.color).toBe(level === 'ok' ? BADGE_COLORS.none : BADGE_COLORS.warning);
  });

  it('the rule follows the capacity, not a fixed 21', () => {
    expect([10, 11, 12].map((used) => postmasterLevel(used, 16))).toEqual(['ok', 'warning', 'warning']);
    expect(postmasterLevel(16, 16)).toBe('full');
    expect(postmasterLevel(3, 0)).toBe('ok');
  });
});

describe('badge priorities', () => {
  it.each([
    // [case, signedIn, Hunter's postmaster, Xûr present, expected text, expected colour]
    ['signed out, Xûr here', false, 20, true, 'Xûr', BADGE_COLORS.xur],
    ['signed out, no Xûr', false, 20, false, '', BADGE_COLORS.none],
    ['signed in, 15/21, Xûr here', true, 15, true, 'Xûr', BADGE_COLORS.xur],
    ['signed in, 16/21, Xûr here: postmaster wins', true, 16, true, '16', BADGE_COLORS.warning],
    ['signed in, 21/21, no Xûr', true, 21, false, '21', BADGE_COLORS.warning],
    ['signed in, 15/21, no Xûr', true, 15, false, '', BADGE_COLORS.none],
  ])('%s', (_label, signedIn, count, present, text, color) => {
    const decision = decideBadge({
      signedIn,
      postmaster: postmasterAlerts(modelWith({ [hunter]: count })),
      xur: { present, departsAt: DEPARTS },
    });
    expect(decision.text).toBe(text);
    expect(decision.color).toBe(color);
    if (color === BADGE_COLORS.warning) {
      expect(decision.title).toContain(`Hunter ${count}/21`);
      expect(decision.title.includes('Xûr is here until Tue 17:00 UTC')).toBe(present);
    } else if (present) {
      expect(decision.title).toBe('Xûr is here until Tue 17:00 UTC. Open Vault Raider to see his wares.');
    } else {
      expect(decision.title).toBe('Vault Raider');
    }
  });

  it('shows the fullest character and names every one that needs attention', () => {
    const decision = decideBadge({
      signedIn: true,
      postmaster: postmasterAlerts(modelWith({ [hunter]: 17, [warlock]: 20 })),
      xur: undefined,
    });
    expect(decision.text).toBe('20');
    expect(decision.title).toMatch(/^Postmaster nearly full: Warlock 20\/21, Hunter 17\/21\./);
  });

  it('without a model (nothing cached yet) it never guesses a postmaster warning', () => {
    const decision = decideBadge({ signedIn: true, postmaster: postmasterAlerts(undefined), xur: undefined });
    expect(decision).toEqual({ text: '', color: BADGE_COLORS.none, title: 'Vault Raider' });
  });
});
