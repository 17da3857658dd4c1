import { createPinia, setActivePinia } from 'pinia';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { useInventoryStore, VIEW_RECONNECT_MAX_MS, VIEW_RECONNECT_MS } from '@/lib/stores/inventory';

/** A stand-in for a runtime Port: the test drops it the way Chrome does when the worker stops. */
function fakePorts() {
  const ports: { name: string; drop(): void; disconnect: ReturnType<typeof vi.fn> }[] = [];
  const connect = vi.spyOn(browser.runtime, 'connect').mockImplementation(((info?: { name?: string }) => {
    const listeners: (() => void)[] = [];
    const port = {
      name: info?.name ?? '',
      onDisconnect: { addListener: (fn: () => void) => listeners.push(fn) },
      disconnect: vi.fn(),
      drop: () => listeners.forEach((fn) => fn()),
    };
    ports.push(port);
    return port;
  }) as never);
  return { ports, connect };
}

describe('an open view keeps telling the worker it is open', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    setActivePinia(createPinia());
    vi.useFakeTimers({ now: new Date('2026-11-20T17:00:00Z') });
  });
  afterEach(() => vi.useRealTimers());

  it('connects a "view" port when the view opens', async () => {
    const { connect } = fakePorts();
    const store = useInventoryStore();
    void store.open();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(connect).toHaveBeenCalledWith({ name: 'view' });
    store.close();
  });

  it('reconnects after the worker stops (port dropped), after a short pause', async () => {
    const { ports, connect } = fakePorts();
    const store = useInventoryStore();
    void store.open();
    await vi.advanceTimersByTimeAsync(60_000); // a healthy minute
    ports[0].drop(); // Chrome stopped the idle worker
    await vi.advanceTimersByTimeAsync(VIEW_RECONNECT_MS - 1);
    expect(connect).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(connect).toHaveBeenCalledTimes(2);
    expect(ports[1].name).toBe('view');

    // And again at the next stop: refreshing never stops while the view is open.
    await vi.advanceTimersByTimeAsync(60_000);
    ports[1].drop();
    await vi.advanceTimersByTimeAsync(VIEW_RECONNECT_MS);
    expect(connect).toHaveBeenCalledTimes(3);
    store.close();
  });

  it('backs off while the port keeps dropping at once, up to a cap, and starts over after a healthy port', async () => {
    const { ports, connect } = fakePorts();
    const store = useInventoryStore();
    void store.open();
    const pauses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = connect.mock.calls.length;
      const droppedAt = Date.now();
      ports.at(-1)!.drop();
      while (connect.mock.calls.length === before) await vi.advanceTimersByTimeAsync(100);
      pauses.push(Date.now() - droppedAt);
    }
    expect(pauses).toEqual([
      2_000,
      4_000,
      8_000,
      16_000,
      VIEW_RECONNECT_MAX_MS,
      VIEW_RECONNECT_MAX_MS,
      VIEW_RECONNECT_MAX_MS,
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    ports.at(-1)!.drop();
    await vi.advanceTimersByTimeAsync(VIEW_RECONNECT_MS);
    expect(connect).toHaveBeenCalledTimes(9);
    store.close();
  });

  it('stops when the view closes: its port is released and never re-held', async () => {
    const { ports, connect } = fakePorts();
    const store = useInventoryStore();
    void store.open();
    await vi.advanceTimersByTimeAsync(20_000);
    ports[0].drop();
    store.close(); // closed during the pause
    await vi.advanceTimersByTimeAsync(VIEW_RECONNECT_MAX_MS * 2);
    expect(connect).toHaveBeenCalledTimes(1);

    const again = useInventoryStore();
    void again.open();
    expect(connect).toHaveBeenCalledTimes(2);
    again.close();
    expect(ports[1].disconnect).toHaveBeenCalled();
    ports[1].drop(); // Chrome may still report the end of a port we released
    await vi.advanceTimersByTimeAsync(VIEW_RECONNECT_MAX_MS * 2);
    expect(connect).toHaveBeenCalledTimes(2);
  });

  it('an orphaned page (extension reloaded: connect throws) does not retry in a loop', async () => {
    const connect = vi.spyOn(browser.runtime, 'connect').mockImplementation(() => {
      throw new Error('Extension context invalidated.');
    });
    const store = useInventoryStore();
    await expect(store.open()).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(VIEW_RECONNECT_MAX_MS * 3);
    expect(connect).toHaveBeenCalledTimes(1);
    store.close();
  });
});
