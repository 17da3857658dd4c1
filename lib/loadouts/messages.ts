import type { Loadout, TagValue } from '@destinyitemmanager/dim-api-types';
import * as v from 'valibot';
import { DIM_TAGS, MAX_BACKUP_CHARS, MAX_LOADOUT_ITEMS, MAX_NOTES_CHARS } from '../interop/dim-backup';
import { EMPTY, type PayloadSchemas } from '../messaging/schema-kit';

/**
 * Page → worker messages for Vault Raider loadouts and for the player's tags and notes (DIM's). The worker is the
 * only writer (lib/loadouts/service.ts); pages follow the stored rows through lib/loadouts/live.ts. A refusal (bad
 * name, bad file, signed out) comes back as the reply's sentence, and nothing was written.
 */
export type { Loadout, TagValue };

/** What an import wrote: the counts of what is now stored, and sentences about what the file held but was left out. */
export interface ImportSummary {
  loadouts: number;
  /** Items that carry a tag now (instance ids). */
  tags: number;
  /** Items that carry notes now (instance ids). */
  notes: number;
  /** Tags and notes by item hash (shaders, mods). */
  itemHashTags: number;
  problems: string[];
  /** One sentence for the player ("Imported 19 loadouts, 592 tags and 40 notes."). */
  summary: string;
}

export interface LoadoutMessages {
  /** The signed-in account's loadouts (undo loadouts included), by name. */
  listLoadouts: { req: Record<string, never>; res: { loadouts: Loadout[] } };
  /** Save what a character wears now as a new loadout (weapons, armor, ghost, sparrow, ship, subclass, armor mods). */
  createLoadoutFromEquipped: { req: { characterId: string; name?: string }; res: { loadout: Loadout } };
  /** Create or replace a loadout (a draft edited on the page). */
  saveLoadout: { req: { loadout: Loadout }; res: { loadout: Loadout } };
  duplicateLoadout: { req: { id: string; name?: string }; res: { loadout: Loadout } };
  deleteLoadout: { req: { id: string }; res: { deleted: boolean } };
  /** Read a DIM backup file's text: all of its Destiny 2 loadouts, tags and notes of this account, or nothing. */
  importDimBackup: { req: { text: string }; res: ImportSummary };
  /** This account's loadouts, tags and notes as a DIM backup file (JSON text DIM's Settings → Import takes). */
  exportDimBackup: { req: Record<string, never>; res: { text: string; loadouts: number; tags: number; notes: number } };
  /** One loadout to share: DIM's Loadout JSON, a link that opens it in DIM, and plain text with item names. */
  shareLoadout: { req: { id: string }; res: { json: string; link: string; text: string } };
  /** Tag one item (null removes its tag). */
  setTag: { req: { instanceId: string; tag: TagValue | null }; res: { instanceId: string; tag: TagValue | null } };
  /** Notes on one item ('' removes them). */
  setNote: { req: { instanceId: string; notes: string }; res: { instanceId: string; notes: string } };
  /** Tag many items at once (a search's matches); null removes their tags. */
  setTags: { req: { instanceIds: string[]; tag: TagValue | null }; res: { changed: number } };
}

/** Most items one bulk tag may name (a full vault and three characters fit many times over). */
export const MAX_BULK_TAG_ITEMS = 10_000;

const instanceId = v.pipe(v.string(), v.regex(/^\d{1,20}$/, 'an item instance id (digits)'));
const id = v.pipe(v.string(), v.nonEmpty(), v.maxLength(200));
const shortText = v.pipe(v.string(), v.maxLength(MAX_NOTES_CHARS));
const hash = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(4_294_967_295));
const tag = v.nullable(v.picklist(DIM_TAGS as TagValue[]));

const loadoutItem = v.object({
  id: v.optional(instanceId),
  hash,
  amount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  socketOverrides: v.optional(v.record(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'a socket index')), hash)),
  craftedDate: v.optional(v.pipe(v.number(), v.minValue(0))),
});
const loadoutItems = v.pipe(v.array(loadoutItem), v.maxLength(MAX_LOADOUT_ITEMS));

/**
 * A loadout in DIM's shape. The frame is checked here; the service checks the rest (name and notes lengths, the
 * parameters' depth) with sentences a player reads. Loadout Optimizer parameters pass through untouched.
 */
const loadoutSchema = v.object({
  id,
  name: shortText,
  notes: v.optional(shortText),
  classType: v.picklist([0, 1, 2, 3]),
  emblemHash: v.optional(hash),
  clearSpace: v.optional(v.boolean()),
  equipped: loadoutItems,
  unequipped: loadoutItems,
  parameters: v.optional(v.record(v.string(), v.unknown())),
  createdAt: v.optional(v.pipe(v.number(), v.minValue(0))),
  lastUpdatedAt: v.optional(v.pipe(v.number(), v.minValue(0))),
  autoStatMods: v.optional(v.array(hash)),
}) as unknown as v.GenericSchema<unknown, Loadout>;

/** What the worker accepts for each loadout message. */
export const loadoutPayloads: PayloadSchemas<LoadoutMessages> = {
  listLoadouts: EMPTY,
  createLoadoutFromEquipped: v.object({
    characterId: v.pipe(v.string(), v.regex(/^\d{1,20}$/, 'a character id (digits)')),
    name: v.optional(shortText),
  }),
  saveLoadout: v.object({ loadout: loadoutSchema }),
  duplicateLoadout: v.object({ id, name: v.optional(shortText) }),
  deleteLoadout: v.object({ id }),
  // One character over the limit, so the parser says the file is too large (its sentence, not a refusal's).
  importDimBackup: v.object({ text: v.pipe(v.string(), v.maxLength(MAX_BACKUP_CHARS + 1)) }),
  exportDimBackup: EMPTY,
  shareLoadout: v.object({ id }),
  setTag: v.object({ instanceId, tag }),
  // Longer notes reach the service, which says how long they may be.
  setNote: v.object({ instanceId, notes: v.pipe(v.string(), v.maxLength(1_000_000)) }),
  setTags: v.object({
    instanceIds: v.pipe(v.array(instanceId), v.maxLength(MAX_BULK_TAG_ITEMS)),
    tag,
  }),
};
