import { flushPromises, mount } from '@vue/test-utils';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ManifestProgress from '@/components/ManifestProgress.vue';
import ManifestStatus from '@/components/ManifestStatus.vue';
import { getDb } from '@/lib/db/schema';
import { describeStatus } from '@/lib/manifest/live';
import { META_ACTIVE, META_STATUS, type ManifestStatus as Status } from '@/lib/manifest/state';

// Components read through Pinia stores: a fresh store per test, as each page gets its own.
beforeEach(() => setActivePinia(createPinia()));

const active = {
  version: '2:/p',
  bungieVersion: '262326.21.05.28.1049-1-bnet.49560',
  language: 'en',
  activatedAt: 1,
  rowCounts: {},
};

async function setStatus(status: Partial<Status>, withActive = false): Promise<void> {
  const db = getDb();
  await db.meta.put({ key: META_STATUS, value: { updatedAt: 1, ...status } });
  if (withActive) await db.meta.put({ key: META_ACTIVE, value: active });
  else await db.meta.delete(META_ACTIVE);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flushPromises();
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('status sentences', () => {
  it.each([
    [{ stage: 'downloading', percent: 42 }, false, 'Downloading the item database… 42%'],
    [{ stage: 'reading' }, false, 'Reading the item database…'],
    [{ stage: 'storing', percent: 7 }, false, 'Storing the item database… 7%'],
    [{ stage: 'checking' }, false, 'Preparing the item database…'],
    [{ stage: 'checking' }, true, 'Checking for a new item database…'],
    [{ stage: 'error', error: 'Bungie.net is down for maintenance.' }, true, 'Bungie.net is down for maintenance.'],
    [{ stage: 'ready' }, true, 'Item database ready.'],
    [{ stage: 'idle' }, false, 'Waiting for the item database…'],
  ] as const)('%o (active: %s) → %s', (status, hasActive, sentence) => {
    expect(describeStatus({ status: { updatedAt: 0, ...status }, active: hasActive ? active : undefined })).toBe(
      sentence,
    );
  });
});

describe('ManifestProgress', () => {
  beforeEach(() => fakeBrowser.reset());
  afterEach(async () => {
    await getDb().meta.clear();
  });

  it('shows download progress on first run, then disappears once the Manifest is active', async () => {
    await setStatus({ stage: 'downloading', percent: 30 });
    const wrapper = mount(ManifestProgress);
    await settle();
    expect(wrapper.find('.manifest-progress').attributes('data-stage')).toBe('downloading');
    expect(wrapper.text()).toContain('30%');
    expect(wrapper.find('progress').attributes('value')).toBe('30');
    await setStatus({ stage: 'ready' }, true);
    await settle();
    expect(wrapper.find('.manifest-progress').exists()).toBe(false);
    wrapper.unmount();
  });

  it('keeps a failure visible even with a Manifest in use', async () => {
    await setStatus({ stage: 'error', error: 'The downloaded item database was damaged.' }, true);
    const wrapper = mount(ManifestProgress);
    await settle();
    expect(wrapper.find('.manifest-progress[data-stage="error"]').text()).toContain('damaged');
    wrapper.unmount();
  });
});

describe('ManifestStatus', () => {
  beforeEach(() => fakeBrowser.reset());
  afterEach(async () => {
    await getDb().meta.clear();
  });

  it('shows the version and last check, and "check now" reports the outcome', async () => {
    await setStatus({ stage: 'ready', lastCheckedAt: Date.UTC(2026, 10, 23, 7, 0) }, true);
    fakeBrowser.runtime.onMessage.addListener((message: unknown) =>
      (message as { type: string }).type === 'manifestCheckNow'
        ? Promise.resolve({ ok: true, data: { outcome: 'unchanged', version: active.version } })
        : undefined,
    );
    const wrapper = mount(ManifestStatus);
    await settle();
    expect(wrapper.find('#manifest-version').text()).toBe(active.bungieVersion);
    expect(wrapper.find('#manifest-last-check').text()).not.toBe('never');
    await wrapper.find('#manifest-check-now').trigger('click');
    await settle();
    expect(wrapper.find('#manifest-check-outcome').text()).toBe('The item database is up to date.');
    wrapper.unmount();
  });
});
