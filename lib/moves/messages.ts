import type { Loadout } from '@destinyitemmanager/dim-api-types';
import * as v from 'valibot';
import type { MoveIntent } from '../inventory/plan-types';
import { EMPTY, type PayloadSchemas } from '../messaging/schema-kit';

/**
 * Page → worker messages for moves. Intents (the one MoveIntent type, lib/inventory/plan-types.ts) are planned by the pure planner (lib/inventory/plan-moves.ts) and run
 * by the worker's one queue; pages follow progress through Dexie (meta `moveStatus`, table `journal`).
 */
export type { MoveIntent };

export type PreviewResult = { ok: true; steps: string[]; summary: string } | { ok: false; reason: string };

/** Apply this loadout (sent whole: the pages own loadout storage) to this character. */
export interface LoadoutRequest {
  loadout: Loadout;
  characterId: string;
}

/**
 * A loadout's plan, not run: the label of each Bungie call, what it cannot do and why (`problems`), stand-ins for
 * dismantled items (`notes`), and its call count next to the fewest calls the loadout could take from here.
 */
export type LoadoutPreview =
  | { ok: true; steps: string[]; problems: string[]; notes: string[]; calls: number; minimumCalls: number }
  | { ok: false; reason: string };

export interface MoveMessages {
  /** Plan applying a loadout to a character (no call is made). */
  previewLoadout: { req: LoadoutRequest; res: LoadoutPreview };
  /**
   * Queue the loadout as one job (progress in meta `moveStatus`; it keeps running after the page closes). Before its
   * first call the character's current gear is saved as the job's undo loadout, which `undoLastMove` applies.
   */
  applyLoadout: { req: LoadoutRequest; res: { jobId: number } };
  /** List the steps a move would take, without running it. */
  previewMove: { req: MoveIntent; res: PreviewResult };
  /** Queue a move; it keeps running after the page closes. */
  runMove: { req: MoveIntent; res: { jobId: number } };
  /**
   * Move back what the last finished user move moved, where possible; for a loadout job, apply the undo loadout saved
   * before it ran (the character's previous gear).
   */
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

const id = v.pipe(v.string(), v.regex(/^\d{1,20}$/, 'an instance id (digits)'));
const hash = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff));
const loadoutItem = v.object({
  id: v.optional(id),
  hash,
  amount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000))),
  socketOverrides: v.optional(v.record(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'a socket index')), hash)),
  craftedDate: v.optional(v.pipe(v.number(), v.minValue(0))),
});
const loadoutItems = v.pipe(v.array(loadoutItem), v.maxLength(200));

/**
 * A loadout as the worker accepts it for planning: the fields the planner reads are checked (DIM's `Loadout`); the
 * rest (Loadout Optimizer parameters, notes) is dropped, since applying does not read it.
 */
export const loadoutSchema = v.object({
  id: v.pipe(v.string(), v.nonEmpty(), v.maxLength(200)),
  name: v.pipe(v.string(), v.maxLength(500)),
  classType: v.picklist([0, 1, 2, 3]),
  equipped: loadoutItems,
  unequipped: loadoutItems,
});

const loadoutRequestSchema = v.pipe(
  v.object({ loadout: loadoutSchema, characterId: storeId }),
  // The checked fields are a Loadout's required ones; the optional ones were dropped above.
  v.transform((r) => r as LoadoutRequest),
);

/** What the worker accepts for each move message. */
export const movePayloads: PayloadSchemas<MoveMessages> = {
  previewLoadout: loadoutRequestSchema,
  applyLoadout: loadoutRequestSchema,
  previewMove: moveIntentSchema,
  runMove: moveIntentSchema,
  undoLastMove: EMPTY,
};
