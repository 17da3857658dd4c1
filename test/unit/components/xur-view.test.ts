import { mount, flushPromises } from '@vue/test-utils';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import NotificationSettings from '@/components/NotificationSettings.vue';
import XurView from '@/components/XurView.vue';
import type { XurViewState } from '@/lib/alerts/messages';
import { alertHandlers } from '@/lib/alerts/service';
import { ownedItemHashes, readXurPresence, shapeXurSales } from '@/lib/vendors/xur-sales';
import { manifestItems, realProfile, XUR_CAPTURES, xurCapture } from '../vendors/fixtures';

// Components read through Pinia stores: a fresh store per test, as each page gets its own.
beforeEach(() => setActivePinia(createPinia()));

function presentState(file: string): XurViewState {
  const items = manifestItems();
  const rows = shapeXurSales(readXurPresence(xurCapture(file)).sales, {
    item: (h) => items.get(h),
    owned: ownedItemHashes(realProfile()),
  });
  return {
    status: 'present',
    checkedAt: Date.parse('2022-10-16T12:00:00Z'),
    departsAt: Date.parse('2022-10-18T17:00:00Z'),
    nextArrivalAt: Date.parse('2022-10-21T17:00:00Z'),
    rows,
  };
}

describe('XurView (props in, no browser calls)', () => {
  it('lists the 2022 capture: exotics first, with type, cost and the owned mark', () => {
    const wrapper = mount(XurView, { props: { state: presentState(XUR_CAPTURES[0]) } });
    const tiles = wrapper.findAll('.xur-sale-item');
    expect(tiles).toHaveLength(20);
    expect(wrapper.findAll('.xur-sale-item[data-tier="exotic"] .name').map((n) => n.text())).toEqual([
      'Exotic Engram',
      'Hard Light',
      'Hawkmoon',
      "Dead Man's Tale",
      "Liar's Handshake",
      'Lion Rampant',
      'Crown of Tempests',
    ]);
    const hawkmoon = tiles.find((t) => t.find('.name').text() === 'Hawkmoon')!;
    expect(hawkmoon.find('.type').text()).toBe('Exotic · Hand Cannon');
    expect(hawkmoon.findAll('.cost').map((c) => c.text())).toEqual([
      `${(125000).toLocaleString()} Glimmer`,
      '200 Legendary Shards',
      '1 Exotic Cipher',
      '1 Ascendant Shard',
    ]);
    expect(hawkmoon.find('.owned').exists()).toBe(true);
    expect(hawkmoon.find('img.icon').attributes('src')).toMatch(/^\/common\/destiny2_content\/icons\//);
    expect(wrapper.findAll('.owned')).toHaveLength(9);
  });

  it('says when he is away and when he returns; shows the last error without hiding the state', () => {
    const wrapper = mount(XurView, {
      props: {
        state: {
          status: 'absent',
          nextArrivalAt: Date.parse('2026-07-10T17:00:00Z'),
          lastError: 'Bungie.net is down for maintenance.',
          rows: [],
        },
      },
    });
    expect(wrapper.find('.line').text()).toMatch(/^Xûr is away\. He returns .*Jul.*UTC/);
    expect(wrapper.find('.error').text()).toBe('Bungie.net is down for maintenance.');
    expect(wrapper.findAll('.xur-sale-item')).toHaveLength(0);
  });

  it('asks for a refresh through an event', async () => {
    const wrapper = mount(XurView, { props: { state: undefined } });
    expect(wrapper.text()).toContain('Loading…');
    await wrapper.find('button').trigger('click');
    expect(wrapper.emitted('refresh')).toHaveLength(1);
  });
});

describe('NotificationSettings', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    // The worker side of the two messages, as the background wires them.
    fakeBrowser.runtime.onMessage.addListener(async (message: unknown) => {
      const { type, payload } = message as { type: keyof typeof alertHandlers; payload: never };
      return { ok: true, data: await alertHandlers[type](payload) };
    });
  });

  it('shows the stored setting and turns Xûr notifications off in storage.local', async () => {
    const wrapper = mount(NotificationSettings);
    await flushPromises();
    const box = wrapper.find<HTMLInputElement>('#xur-notifications');
    expect(box.element.checked).toBe(true);
    box.element.checked = false;
    await box.trigger('change');
    await flushPromises();
    expect((await fakeBrowser.storage.local.get('alertSettings')).alertSettings).toEqual({ xurNotifications: false });

    const again = mount(NotificationSettings);
    await flushPromises();
    expect(again.find<HTMLInputElement>('#xur-notifications').element.checked).toBe(false);
  });
});
