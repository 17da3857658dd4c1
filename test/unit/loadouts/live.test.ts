/**
 * The pages' read API and store for loadouts, tags and notes: live queries follow the account the views show, and
 * the store asks the worker for every change (its refusals become `error`).
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/lib/db/schema';
import { watchAnnotations, watchLoadouts, type AccountAnnotations, type AccountLoadouts } from '@/lib/loadouts/live';
import { WorkerError } from '@/lib/messaging/messages';
import { ACTIVE_PROFILE_KEY } from '@/lib/storage/items';

const worker = vi.hoisted(() => ({ send: vi.fn() }));
vi.mock('@/lib/messaging/messages', async (original) => ({
  ...(await original<typeof import('@/lib/messaging/messages')>()),
  send: worker.send,
}));
const { useLoadoutsStore } = await import('@/lib/stores/loadouts');

const KEY = '2:4611686018433092312';
const OTHER = '3:4611686018467260757';
const loadout = (id: string, name: string) => ({ id, name, classType: 3 as const, equipped: [], unequipped: [] });

beforeEach(async () => {
  const db = getDb();
  await Promise.all([db.loadouts.clear(), db.annotations.clear(), db.itemHashTags.clear(), db.meta.clear()]);
  setActivePinia(createPinia());
  worker.send.mockReset();
});

describe('live reads of the shown account', () => {
  it("follow the shown account's loadouts and tags, and switch with it", async () => {
    const db = getDb();
    await db.meta.put({ key: ACTIVE_PROFILE_KEY, value: KEY });
    await db.loadouts.bulkPut([
      { id: 'b', account: KEY, classType: 3, loadout: loadout('b', 'Raid') },
      { id: 'a', account: KEY, classType: 3, loadout: loadout('a', 'Crucible') },
      { id: 'c', account: OTHER, classType: 3, loadout: loadout('c', 'Theirs') },
    ]);
    await db.annotations.bulkPut([
      { account: KEY, instanceId: '11', tag: 'junk' },
      { account: OTHER, instanceId: '12', tag: 'keep' },
    ]);
    await db.itemHashTags.put({ account: KEY, hash: 3_000_000_000, notes: 'nice shader' });
    let loadouts: AccountLoadouts | undefined;
    let marks: AccountAnnotations | undefined;
    const stop = [watchLoadouts((v) => (loadouts = v), vi.fn()), watchAnnotations((v) => (marks = v), vi.fn())];
    await vi.waitFor(() => expect(loadouts?.loadouts.map((l) => l.name)).toEqual(['Crucible', 'Raid']));
    await vi.waitFor(() =>
      expect(marks).toEqual({
        account: KEY,
        byInstanceId: { '11': { tag: 'junk' } },
        byItemHash: { 3000000000: { notes: 'nice shader' } },
      }),
    );
    // A worker write shows up without asking.
    await db.annotations.put({ account: KEY, instanceId: '13', tag: 'favorite', notes: 'raid' });
    await vi.waitFor(() => expect(marks?.byInstanceId['13']).toEqual({ tag: 'favorite', notes: 'raid' }));
    // Another account shown: its rows, none of the first one's.
    await db.meta.put({ key: ACTIVE_PROFILE_KEY, value: OTHER });
    await vi.waitFor(() => expect(loadouts).toEqual({ account: OTHER, loadouts: [loadout('c', 'Theirs')] }));
    await vi.waitFor(() => expect(marks?.byInstanceId).toEqual({ '12': { tag: 'keep' } }));
    // Signed out (no account shown): nothing.
    await db.meta.delete(ACTIVE_PROFILE_KEY);
    await vi.waitFor(() => expect(loadouts).toEqual({ loadouts: [] }));
    stop.forEach((s) => s());
  });
});

describe('loadouts store', () => {
  it('reads through the live API and marks items by instance id, or by hash when they have none', async () => {
    const db = getDb();
    await db.meta.put({ key: ACTIVE_PROFILE_KEY, value: KEY });
    await db.loadouts.put({ id: 'a', account: KEY, classType: 3, loadout: loadout('a', 'Raid') });
    await db.annotations.put({ account: KEY, instanceId: '11', tag: 'junk' });
    await db.itemHashTags.put({ account: KEY, hash: 5, tag: 'favorite' });
    const store = useLoadoutsStore();
    await store.watch();
    await vi.waitFor(() => expect(store.loadouts.map((l) => l.id)).toEqual(['a']));
    await vi.waitFor(() => expect(store.markOf({ itemInstanceId: '11', itemHash: 5 })).toEqual({ tag: 'junk' }));
    expect(store.markOf({ itemInstanceId: '99', itemHash: 5 })).toBeUndefined();
    expect(store.markOf({ itemHash: 5 })).toEqual({ tag: 'favorite' });
  });

  it('asks the worker for each change and shows its refusal as the sentence', async () => {
    const store = useLoadoutsStore();
    worker.send.mockResolvedValueOnce({ changed: 3 });
    expect(await store.setTags(['1', '2', '3'], 'junk')).toBe(3);
    expect(worker.send).toHaveBeenLastCalledWith('setTags', { instanceIds: ['1', '2', '3'], tag: 'junk' });
    const summary = { loadouts: 19, tags: 592, notes: 40, itemHashTags: 71, problems: [], summary: 'Imported …' };
    worker.send.mockResolvedValueOnce(summary);
    expect(await store.importBackup('{}')).toEqual(summary);
    expect(store.lastImport).toEqual(summary);
    worker.send.mockRejectedValueOnce(
      new WorkerError('This file is not a DIM backup (it is not JSON), so nothing was imported.'),
    );
    expect(await store.importBackup('nope')).toBeUndefined();
    expect(store.error).toBe('This file is not a DIM backup (it is not JSON), so nothing was imported.');
    expect(store.lastImport).toEqual(summary);
    worker.send.mockResolvedValueOnce({ loadout: loadout('n', 'Hunter gear') });
    expect(await store.createFromEquipped('2305843009260802821')).toMatchObject({ id: 'n' });
    expect(store.error).toBeUndefined();
    expect(worker.send).toHaveBeenLastCalledWith('createLoadoutFromEquipped', { characterId: '2305843009260802821' });
    worker.send.mockRejectedValueOnce(new WorkerError('That loadout is no longer saved on this account.'));
    expect(await store.share('gone')).toBeUndefined();
    expect(worker.send).toHaveBeenLastCalledWith('shareLoadout', { id: 'gone' });
    expect(store.error).toBe('That loadout is no longer saved on this account.');
  });
});
