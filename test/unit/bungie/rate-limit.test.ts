import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUNGIE_RATE_RULES, createBackoff, createRateLimiter, MAX_BACKOFF_MS } from '@/lib/bungie/rate-limit';

describe('Bungie rate rules', () => {
  const limiter = createRateLimiter();

  it.each([
    ['/Platform/Destiny2/Actions/Items/TransferItem/', 'item-actions', 100],
    ['/Platform/Destiny2/Actions/Items/PullFromPostmaster/', 'item-actions', 100],
    ['/Platform/Destiny2/Actions/Items/EquipItem/', 'item-actions', 100],
    ['/Platform/Destiny2/Actions/Items/EquipItems/', 'item-actions', 100],
    ['/Platform/Destiny2/Actions/Items/SetLockState/', 'item-actions', 100],
    [
      '/Platform/Destiny2/3/Profile/4611686018467367772/Character/2305843009310/Vendors/2190858386/',
      'single-vendor',
      100,
    ],
    ['/Platform/Destiny2/Actions/Items/InsertSocketPlug/', 'socket-plugs', 500],
    ['/Platform/Destiny2/Actions/Items/InsertSocketPlugFree/', 'socket-plugs', 500],
    ['/Platform/Destiny2/Actions/Items/SetTrackedState/', 'tracked-state', 1000],
    ['/Platform/Destiny2/Actions/Loadouts/EquipLoadout/', 'loadouts', 1000],
    ['/Platform/Destiny2/Actions/Loadouts/SnapshotLoadout/', 'loadouts', 1000],
    ['/Platform/Destiny2/Actions/Loadouts/UpdateLoadoutIdentifiers/', 'loadouts', 1000],
    ['/Platform/Destiny2/Actions/Loadouts/ClearLoadout/', 'loadouts', 1000],
  ])('%s → %s (%i ms)', (path, name, gap) => {
    expect(limiter.ruleFor(path)).toMatchObject({ name, minGapMs: gap });
  });

  it.each([
    '/Platform/Destiny2/3/Profile/4611686018467367772/',
    '/Platform/Destiny2/3/Profile/4611686018467367772/Character/2305843009310/Vendors/',
    '/Platform/Destiny2/Vendors/',
    '/Platform/User/GetMembershipsForCurrentUser/',
    '/Platform/Destiny2/Manifest/',
  ])('%s is not spaced', (path) => {
    expect(limiter.ruleFor(path)).toBeUndefined();
  });

  it('every rule has its own queue name', () => {
    expect(new Set(BUNGIE_RATE_RULES.map((r) => r.name)).size).toBe(BUNGIE_RATE_RULES.length);
  });
});

describe('queues', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('different queues do not wait for each other', async () => {
    const limiter = createRateLimiter();
    const starts: [string, number][] = [];
    const task = (name: string) => async () => void starts.push([name, Date.now()]);
    const all = Promise.all([
      limiter.run('/Platform/Destiny2/Actions/Items/TransferItem/', task('transfer')),
      limiter.run('/Platform/Destiny2/Actions/Items/InsertSocketPlugFree/', task('socket')),
      limiter.run('/Platform/Destiny2/Actions/Items/TransferItem/', task('transfer')),
      limiter.run('/Platform/Destiny2/Actions/Items/InsertSocketPlugFree/', task('socket')),
    ]);
    await vi.runAllTimersAsync();
    await all;
    expect(starts).toEqual([
      ['transfer', 0],
      ['socket', 0],
      ['transfer', 100],
      ['socket', 500],
    ]);
  });

  it('a gap already elapsed costs no wait', async () => {
    const limiter = createRateLimiter();
    await limiter.run('/Platform/Destiny2/Actions/Items/EquipItem/', async () => undefined);
    await vi.advanceTimersByTimeAsync(150);
    const before = Date.now();
    let started = -1;
    await limiter.run('/Platform/Destiny2/Actions/Items/EquipItem/', async () => void (started = Date.now()));
    expect(started).toBe(before);
  });
});

describe('back-off (Bungie: min(5 min, 2^n × 500 ms), relaxed after successes)', () => {
  it('doubles per throttle and halves n per success', () => {
    const backoff = createBackoff({ now: () => 0, sleep: async () => undefined });
    expect(backoff.delayMs()).toBe(0);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      backoff.throttled();
      seen.push(backoff.delayMs());
    }
    expect(seen).toEqual([1000, 2000, 4000, 8000]);
    backoff.succeeded();
    expect(backoff.level()).toBe(2);
    expect(backoff.delayMs()).toBe(2000);
    backoff.succeeded();
    backoff.succeeded();
    expect(backoff.delayMs()).toBe(0);
  });

  it('never waits more than five minutes', () => {
    const backoff = createBackoff({ now: () => 0, sleep: async () => undefined });
    for (let i = 0; i < 20; i++) backoff.throttled();
    expect(backoff.delayMs()).toBe(MAX_BACKOFF_MS);
    expect(MAX_BACKOFF_MS).toBe(300_000);
  });
});
