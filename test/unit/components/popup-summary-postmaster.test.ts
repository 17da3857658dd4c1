import { mount } from '@vue/test-utils';
import type { DestinyItemComponent, DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { describe, expect, it } from 'vitest';
import PopupSummary from '@/components/PopupSummary.vue';
import { buildInventoryModel } from '@/lib/inventory/model';
import { popupSnapshot } from '@/lib/inventory/popup-snapshot';
import { BUCKETS } from '@/lib/inventory/types';
import { decideBadge, postmasterAlerts } from '@/lib/vendors/badge';
import { loadDefinitions, loadProfile } from '../inventory/fixtures';

const profile = loadProfile();
const defs = loadDefinitions();

/** The real profile with the first character's postmaster holding `count` items. */
function snapshotWith(count: number) {
  const inventories = profile.characterInventories.data!;
  const [id] = Object.keys(inventories);
  const template = Object.values(inventories)
    .flatMap((c) => c.items)
    .find((i) => i.bucketHash === BUCKETS.LostItems)!;
  const kept = inventories[id].items.filter((i) => i.bucketHash !== BUCKETS.LostItems);
  const lost: DestinyItemComponent[] = Array.from({ length: count }, (_, n) => ({
    ...template,
    ...(template.itemInstanceId ? { itemInstanceId: `${template.itemInstanceId}${n}` } : {}),
  }));
  const changed = {
    ...profile,
    characterInventories: {
      ...profile.characterInventories,
      data: { ...inventories, [id]: { items: [...kept, ...lost] } },
    },
  } as DestinyProfileResponse;
  const model = buildInventoryModel(changed, defs);
  return { snapshot: { ...popupSnapshot(model)!, equipped: [] }, model };
}

describe('PopupSummary postmaster line (same rule as the badge)', () => {
  it.each([
    [15, undefined, ''],
    [16, 'postmaster holds 16 of 21 — pull items before new ones push the oldest out.', '16'],
    [21, 'postmaster is full (21 of 21) — the next item pushes the oldest out.', '21'],
  ])('%i of 21', (count, sentence, badgeText) => {
    const { snapshot, model } = snapshotWith(count);
    const wrapper = mount(PopupSummary, { props: { snapshot } });
    const lines = wrapper.findAll('.postmaster-warning');
    expect(lines).toHaveLength(sentence ? 1 : 0);
    if (sentence) expect(lines[0].text().replace(/\s+/g, ' ')).toContain(sentence);
    expect(decideBadge({ signedIn: true, postmaster: postmasterAlerts(model), xur: undefined }).text).toBe(badgeText);
  });
});
