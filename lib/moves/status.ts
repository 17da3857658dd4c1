/**
 * The live move status line the worker writes and the pages show; apart from the executor so pages that only read it
 * do not bundle the planner and the queue.
 */

/** Meta key of the live move status line the pages show ("2 of 3: moving Ace of Spades to vault"); declared in lib/storage/items.ts. */
export { MOVE_STATUS_KEY } from '../storage/items';

export interface MoveStatus {
  jobId: number;
  state: 'running' | 'done' | 'failed';
  /** 1-based index of the step running now. */
  step: number;
  total: number;
  label: string;
  /** One sentence for the player when the move ends (success summary or what happened and where the item is). */
  message?: string;
  updatedAt: number;
}
