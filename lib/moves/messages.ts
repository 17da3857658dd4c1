import * as v from 'valibot';
import type { MoveIntent } from '../inventory/plan-types';
import { EMPTY, type PayloadSchemas } from '../messaging/schema-kit';

/**
 * Page → worker messages for moves. Intents (the one MoveIntent type, lib/inventory/plan-types.ts) are planned by the pure planner (lib/inventory/plan-moves.ts) and run
 * by the worker's one queue; pages follow progress through Dexie (meta `moveStatus`, table `journal`).
 */
export type { MoveIntent };

export type PreviewResult = { ok: true; steps: string[]; summary: string } | { ok: false; reason: string };

export interface MoveMessages {
  /** List the steps a move would take, without running it. */
  previewMove: { req: MoveIntent; res: PreviewResult };
  /** Queue a move; it keeps running after the page closes. */
  runMove: { req: MoveIntent; res: { jobId: number } };
  /** Move back what the last finished user move moved, where possible. */
  undoLastMove: { req: Record<string, never>; res: { jobId?: number; reason?: string } };
}

const itemKey = v.pipe(v.string(), v.nonEmpty(), v.maxLength(200));
const storeId = v.pipe(v.string(), v.nonEmpty(), v.maxLength(40));

/** A move intent as the worker accepts it: one of the four kinds, nothing else (checked against MoveIntent below). */
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

/** The schema and the type stay one shape: a schema that accepts anything else fails the typecheck. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaIsMoveIntent: Same<v.InferOutput<typeof moveIntentSchema>, MoveIntent> = true;
void schemaIsMoveIntent;

/** What the worker accepts for each move message. */
export const movePayloads: PayloadSchemas<MoveMessages> = {
  previewMove: moveIntentSchema,
  runMove: moveIntentSchema,
  undoLastMove: EMPTY,
};
