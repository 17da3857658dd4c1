import { liveQuery } from 'dexie';
import { getDb, type VaultRaiderDB } from '../db/schema';
import { MOVE_STATUS_KEY, type MoveStatus } from './status';

/**
 * The pages' read API for the live move status line the worker writes (Dexie `meta`). Stores import this lazily, so
 * a page that never shows a move does not parse Dexie up front.
 */
export function watchMoveStatus(
  onChange: (status: MoveStatus | undefined) => void,
  onError: (error: unknown) => void,
  db: VaultRaiderDB = getDb(),
): () => void {
  const subscription = liveQuery(() => db.meta.get(MOVE_STATUS_KEY)).subscribe({
    next: (row) => onChange(row?.value as MoveStatus | undefined),
    error: onError,
  });
  return () => subscription.unsubscribe();
}
