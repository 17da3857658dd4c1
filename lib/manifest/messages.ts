import * as v from 'valibot';
import type { PayloadSchemas } from '../messaging/schema-kit';

/**
 * Page → worker messages for Manifest checks (pages read the status from Dexie `meta` live). Each entry is `name: { req: …; res: … }`; joined into
 * MessageMap in lib/messaging/messages.ts. Keep payloads free of secrets: tokens never travel to pages.
 */
export interface ManifestMessages {
  /** "Check now" on the options page: ask Bungie for the Manifest version and update if it changed. */
  manifestCheckNow: {
    req: { force?: boolean };
    res: { outcome: 'unchanged' | 'updated' | 'failed'; version?: string; error?: string };
  };
}

/** What the worker accepts for each Manifest message. */
export const manifestPayloads: PayloadSchemas<ManifestMessages> = {
  manifestCheckNow: v.object({ force: v.optional(v.boolean()) }),
};
