import * as v from 'valibot';
import { EMPTY, type PayloadSchemas } from '../message-schema-kit';
import type { ActiveManifest, ManifestStatus } from './state';

/**
 * Page → worker messages for Manifest status and checks. Each entry is `name: { req: …; res: … }`; joined into
 * MessageMap in lib/messages.ts. Keep payloads free of secrets: tokens never travel to pages.
 */
export interface ManifestMessages {
  /** The active Manifest and the pipeline's status (pages may also read both from Dexie `meta` live). */
  manifestStatus: { req: Record<string, never>; res: { active?: ActiveManifest; status: ManifestStatus } };
  /** "Check now" on the options page: ask Bungie for the Manifest version and update if it changed. */
  manifestCheckNow: {
    req: { force?: boolean };
    res: { outcome: 'unchanged' | 'updated' | 'failed'; version?: string; error?: string };
  };
  /** A page met item hashes it could not resolve: recheck the Manifest (at most every 5 minutes). */
  manifestReportUnresolved: { req: { hashes: number[] }; res: { scheduled: boolean } };
}

/** Most unresolved hashes one report may carry (a whole account has under 2,000 distinct hashes). */
export const MAX_REPORTED_HASHES = 20_000;

/** What the worker accepts for each Manifest message. */
export const manifestPayloads: PayloadSchemas<ManifestMessages> = {
  manifestStatus: EMPTY,
  manifestCheckNow: v.object({ force: v.optional(v.boolean()) }),
  manifestReportUnresolved: v.object({
    hashes: v.pipe(
      v.array(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff))),
      v.maxLength(MAX_REPORTED_HASHES),
    ),
  }),
};
