/**
 * Page → worker messages for moves. Intents are planned by the pure planner (lib/inventory/plan-moves.ts) and run
 * by the worker's one queue; pages follow progress through Dexie (meta `moveStatus`, table `journal`).
 */
export type MoveIntentMessage =
  | { kind: 'move'; itemKey: string; to: string; amount?: number }
  | { kind: 'equip'; itemKey: string; characterId: string }
  | { kind: 'pull'; itemKey: string }
  | { kind: 'lock'; itemKey: string; locked: boolean };

export type PreviewResult = { ok: true; steps: string[]; summary: string } | { ok: false; reason: string };

export interface MoveMessages {
  /** List the steps a move would take, without running it. */
  previewMove: { req: MoveIntentMessage; res: PreviewResult };
  /** Queue a move; it keeps running after the page closes. */
  runMove: { req: MoveIntentMessage; res: { jobId: number } };
  /** Move back what the last finished user move moved, where possible. */
  undoLastMove: { req: Record<string, never>; res: { jobId?: number; reason?: string } };
}
