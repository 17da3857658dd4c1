import * as v from 'valibot';

/**
 * Shared pieces for the payload schemas each domain declares next to its message map (lib/<domain>/messages.ts).
 * Only the worker imports the schemas (through lib/message-router.ts), so pages never bundle valibot.
 */

/** One valibot schema per message of map `M`, whose parsed value is that message's request type. */
export type PayloadSchemas<M extends { [K in keyof M]: { req: unknown } }> = {
  [T in keyof M]: v.GenericSchema<unknown, M[T]['req']>;
};

/** A message without arguments: `{}` (unknown keys are dropped, never passed on). */
export const EMPTY = v.object({}) as v.GenericSchema<unknown, Record<string, never>>;

/** A value typed into the options page (API key, client id, secret): text of a sane length. */
export const settingText = v.pipe(v.string(), v.maxLength(500));
