import { fakeBrowser } from 'wxt/testing/fake-browser';
import { beforeEach, describe, expect, it } from 'vitest';
import { send, WorkerError } from '@/lib/messages';

describe('typed messages', () => {
  beforeEach(() => fakeBrowser.reset());

  it('unwraps a successful reply', async () => {
    fakeBrowser.runtime.onMessage.addListener(() =>
      Promise.resolve({ ok: true, data: { pong: true, sentAt: 1, workerStartedAt: 2 } }),
    );
    await expect(send('ping', { sentAt: 1 })).resolves.toEqual({ pong: true, sentAt: 1, workerStartedAt: 2 });
  });

  it('turns an error reply into a WorkerError carrying the sentence', async () => {
    fakeBrowser.runtime.onMessage.addListener(() =>
      Promise.resolve({ ok: false, error: 'Bungie is down for maintenance.' }),
    );
    await expect(send('ping', { sentAt: 1 })).rejects.toThrow(new WorkerError('Bungie is down for maintenance.'));
  });
});
