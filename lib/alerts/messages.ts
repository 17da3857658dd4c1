import * as v from 'valibot';
import { EMPTY, type PayloadSchemas } from '../messaging/schema-kit';
import type { XurSaleRow } from '../vendors/xur-sales';

/** Player-facing alert settings, kept in storage.local under `alertSettings`. */
export interface AlertSettings {
  /** One desktop notification when Xûr arrives (once per visit). */
  xurNotifications: boolean;
}

/** Xûr as the views show him: last definitive answer from Bungie, shaped against the Manifest and the profile. */
export interface XurViewState {
  /** `unknown` until Bungie answered once. */
  status: 'unknown' | 'present' | 'absent';
  /** When Bungie last answered (ms). */
  checkedAt?: number;
  /** End of the current visit (Tuesday 17:00 UTC) while he is here. */
  departsAt?: number;
  /** Next Friday 17:00 UTC arrival. */
  nextArrivalAt: number;
  /** Why the last check failed, as a sentence; the state above is the last known one. */
  lastError?: string;
  rows: XurSaleRow[];
}

/**
 * Page → worker messages for Xûr, badge and notification settings. Each entry is `name: { req: …; res: … }`; joined into MessageMap in
 * lib/messaging/messages.ts. Keep payloads free of secrets: tokens never travel to pages.
 */
export interface AlertMessages {
  /** Xûr from the cache (no Bungie call), with names and "owned" marks as of now. */
  getXurState: { req: Record<string, never>; res: XurViewState };
  /** Ask Bungie now (a "refresh" click); answers with the new state, or the last known one plus `lastError`. */
  checkXur: { req: Record<string, never>; res: XurViewState };
  getAlertSettings: { req: Record<string, never>; res: AlertSettings };
  setAlertSettings: { req: Partial<AlertSettings>; res: AlertSettings };
}

/** What the worker accepts for each alert message. */
export const alertPayloads: PayloadSchemas<AlertMessages> = {
  getXurState: EMPTY,
  checkXur: EMPTY,
  getAlertSettings: EMPTY,
  setAlertSettings: v.object({ xurNotifications: v.optional(v.boolean()) }),
};
