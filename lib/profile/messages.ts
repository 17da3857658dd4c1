import * as v from 'valibot';
import type { PayloadSchemas } from '../messaging/schema-kit';

/**
 * Page → worker messages for the profile cache. Pages read the cached model with a Dexie live query
 * (lib/stores/inventory.ts); these only ask the worker to refresh it.
 */
export interface ProfileMessages {
  /** Fetch the profile now unless the cache is younger than Bungie's character cache (30 s); `force` bypasses it. */
  refreshProfile: {
    req: { force?: boolean };
    res: { refreshed: boolean; mintedAt?: number; reason?: 'fresh' | 'signed-out' | 'older-response' };
  };
}

/** What the worker accepts for each profile message. */
export const profilePayloads: PayloadSchemas<ProfileMessages> = {
  refreshProfile: v.object({ force: v.optional(v.boolean()) }),
};
