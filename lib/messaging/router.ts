import * as v from 'valibot';
import { alertPayloads } from '../alerts/messages';
import { authPayloads } from '../session/messages';
import { manifestPayloads } from '../manifest/messages';
import type { Envelope, Handlers, MessageMap, MessageType, Reply } from './messages';
import { movePayloads } from '../moves/messages';
import { loadoutPayloads } from '../loadouts/messages';
import type { PayloadSchemas } from './schema-kit';
import { profilePayloads } from '../profile/messages';
import { sidePanelPayloads } from '../side-panel/messages';
import { SIDE_PANEL_VIEWS } from '../side-panel/views';
import { userMessage } from './user-message';

/**
 * The worker's side of the page → worker messages: who may ask (only this extension's own pages), what may be asked
 * (only the worker's own handlers), and in which shape (one valibot schema per message, parsed before dispatch).
 */

/** Every message's payload schema; typed as the full map, so a message without a schema is a compile error. */
export const messagePayloads: PayloadSchemas<MessageMap> = {
  ping: v.object({ sentAt: v.pipe(v.number(), v.finite()) }),
  openSidePanel: v.object({ view: v.optional(v.picklist(SIDE_PANEL_VIEWS)) }),
  ...authPayloads,
  ...manifestPayloads,
  ...profilePayloads,
  ...movePayloads,
  ...loadoutPayloads,
  ...alertPayloads,
  ...sidePanelPayloads,
};

/** What `runtime.onMessage` tells about the sender (the part we check). */
export interface MessageSender {
  id?: string;
  url?: string;
  origin?: string;
}

export interface RouterOptions {
  handlers: Handlers;
  /** `browser.runtime.id`. */
  extensionId: string;
  /** `browser.runtime.getURL('/')`: the extension's own origin with a trailing slash. */
  extensionBaseUrl: string;
  schemas?: PayloadSchemas<MessageMap>;
}

/** Sentence for a payload the schema refused: which message, which field, what was expected; nothing was done. */
export function malformedSentence(type: string, issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') || 'payload';
  // A regex's `expected` is the pattern itself; its message names what it stands for.
  const wanted = issue?.type === 'regex' ? issue.message : issue?.expected;
  return refusal(type, path, wanted ? `expected ${wanted}, got ${issue.received}` : (issue?.message ?? 'not valid'));
}

function refusal(type: string, path: string, problem: string): string {
  return `Vault Raider refused a malformed "${type}" request (${path}: ${problem}), so nothing was changed. Reload the page and try again.`;
}

/** True when `value` names one of our messages (own property of the handler table, never `toString` & co.). */
function isOwnType(table: object, type: unknown): type is MessageType {
  return typeof type === 'string' && Object.hasOwn(table, type);
}

/** True when the message comes from one of this extension's own pages (not a content script, tab or other extension). */
export function isOwnPage(sender: MessageSender | undefined, extensionId: string, extensionBaseUrl: string): boolean {
  if (!sender || sender.id !== extensionId) return false;
  // String prefixes, not `URL.origin`: outside Chrome, non-web schemes such as chrome-extension: have a "null" origin.
  const base = extensionBaseUrl.endsWith('/') ? extensionBaseUrl : `${extensionBaseUrl}/`;
  if (sender.origin !== undefined && sender.origin !== base.slice(0, -1)) return false;
  return typeof sender.url === 'string' && sender.url.startsWith(base);
}

/**
 * The `runtime.onMessage` listener: `undefined` (no answer, other listeners may answer) for anything that is not one
 * of our messages from one of our pages; otherwise a promise of the reply: the handler's data, or a sentence.
 */
export function createMessageRouter(options: RouterOptions) {
  const { handlers, extensionId, extensionBaseUrl } = options;
  const schemas = options.schemas ?? messagePayloads;

  async function dispatch(type: MessageType, payload: unknown): Promise<Reply<MessageType>> {
    // Every payload is an object; valibot's objects would also take an array.
    if (Array.isArray(payload))
      return { ok: false, error: refusal(type, 'payload', 'expected an object, got an array') };
    const parsed = v.safeParse(schemas[type] as v.GenericSchema, payload);
    if (!parsed.success) return { ok: false, error: malformedSentence(type, parsed.issues) };
    try {
      const handler = handlers[type] as (p: unknown) => unknown;
      return {
        ok: true,
        data: (await handler(parsed.output)) as Reply<MessageType> extends { data: infer D } ? D : never,
      };
    } catch (error) {
      return { ok: false, error: userMessage(error) };
    }
  }

  return function onMessage(message: unknown, sender?: MessageSender): Promise<Reply<MessageType>> | undefined {
    if (typeof message !== 'object' || message === null) return undefined;
    const { type, payload } = message as Partial<Envelope>;
    if (!isOwnType(handlers, type) || !isOwnType(schemas, type)) return undefined;
    if (!isOwnPage(sender, extensionId, extensionBaseUrl)) return undefined;
    return dispatch(type, payload);
  };
}
