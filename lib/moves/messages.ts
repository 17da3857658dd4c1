import * as v from 'valibot';
import { EMPTY, type PayloadSchemas } from '../message-schema-kit';

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

const itemKey = v.pipe(v.string(), v.nonEmpty(), v.maxLength(200));
const storeId = v.pipe(v.string(), v.nonEmpty(), v.maxLength(40));

/** A move intent as the worker accepts it: one of the four kinds, nothing else. */
export const moveIntentSchema = v.variant('kind', [
  v.object({
    kind: v.literal('move'),
    itemKey,
    to: storeId,
    amount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000))),
  }),
  v.object({ kind: v.literal('equip'), itemKey, characterId: storeId }),
  v.object({ kind: v.literal('pull'), itemKey }),
  v.object({ kind: v.literal('lock'), itemKey, locked: v.boolean() }),
]);

/** What the worker accepts for each move message. */
export const movePayloads: PayloadSchemas<MoveMessages> = {
  previewMove: moveIntentSchema,
  runMove: moveIntentSchema,
  undoLastMove: EMPTY,
};
