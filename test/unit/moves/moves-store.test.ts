/**
 * The pages' moves store shows the status line of the job its own click started (the `jobId` the worker answered),
 * not whichever job wrote the line last: another page's move, or this page's older one, leaves it alone.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MoveStatus } from '@/lib/moves/status';

const worker = vi.hoisted(() => ({
  emit: undefined as ((status: MoveStatus | undefined) => void) | undefined,
  nextJobId: 1,
  send: vi.fn(),
}));

vi.mock('@/lib/messaging/messages', () => ({ send: worker.send }));
vi.mock('@/lib/moves/live', () => ({
  watchMoveStatus: (onChange: (s: MoveStatus | undefined) => void) => {
    worker.emit = onChange;
    return () => undefined;
  },
}));

const { useMovesStore } = await import('@/lib/stores/moves');

const line = (jobId: number, state: MoveStatus['state'], message?: string): MoveStatus => ({
  jobId,
  state,
  step: 1,
  total: 1,
  label: 'moving',
  ...(message ? { message } : {}),
  updatedAt: 0,
});

beforeEach(() => {
  setActivePinia(createPinia());
  worker.send.mockImplementation(async (type: string) =>
    type === 'undoLastMove' ? { jobId: 9 } : { jobId: worker.nextJobId },
  );
});

describe('moves store', () => {
  it("shows only the status of the job this page's click started", async () => {
    const moves = useMovesStore();
    await moves.watch();
    // Another page's move writes the line before this page clicked anything.
    worker.emit!(line(4, 'running'));
    expect(moves.status).toBeUndefined();
    worker.nextJobId = 5;
    await moves.run({ kind: 'move', itemKey: 'a', to: 'vault' });
    expect(moves.jobId).toBe(5);
    worker.emit!(line(5, 'running'));
    expect(moves.status?.jobId).toBe(5);
    // A later job from elsewhere does not take over this page's line.
    worker.emit!(line(6, 'done', 'Other item is in your vault.'));
    expect(moves.status).toMatchObject({ jobId: 5, state: 'running' });
    worker.emit!(line(5, 'done', 'A is in your vault.'));
    expect(moves.status).toMatchObject({ jobId: 5, state: 'done', message: 'A is in your vault.' });
  });

  it('a status that arrived before the answer is picked up; undo follows its own job; a wipe clears the line', async () => {
    const moves = useMovesStore();
    await moves.watch();
    worker.nextJobId = 7;
    worker.emit!(line(7, 'running'));
    await moves.run({ kind: 'pull', itemKey: 'b' });
    expect(moves.status?.jobId).toBe(7);
    await moves.undo();
    expect(moves.jobId).toBe(9);
    expect(moves.status).toBeUndefined();
    worker.emit!(line(9, 'done', 'B is back.'));
    expect(moves.status?.message).toBe('B is back.');
    worker.emit!(undefined);
    expect(moves.status).toBeUndefined();
  });
});
