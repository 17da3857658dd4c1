import { browser } from 'wxt/browser';
import type { AuthMessages } from '../session/messages';
import type { ManifestMessages } from '../manifest/messages';
import type { ProfileMessages } from '../profile/messages';
import type { MoveMessages } from '../moves/messages';
import type { LoadoutMessages } from '../loadouts/messages';
import type { AlertMessages } from '../alerts/messages';
import type { SidePanelMessages } from '../side-panel/messages';
import type { SidePanelView } from '../side-panel/views';

/**
 * The typed request/response map between pages and the service worker. Pages never write the database or talk to
 * Bungie: they send one of these and read Dexie live queries. Add a message here, give its payload a schema (the
 * domain's `…Payloads` next to its map; lib/message-router.ts parses every payload before dispatch), then handle it
 * in the worker.
 */
export interface CoreMessages {
  ping: { req: { sentAt: number }; res: { pong: true; sentAt: number; workerStartedAt: number } };
  openSidePanel: { req: { view?: SidePanelView }; res: { ok: boolean } };
}

/** Every message: each domain declares its own map next to its service, and they are joined here. */
export interface MessageMap
  extends
    CoreMessages,
    AuthMessages,
    ManifestMessages,
    ProfileMessages,
    MoveMessages,
    LoadoutMessages,
    AlertMessages,
    SidePanelMessages {}

/** Handlers for one domain's messages; the worker joins them into one `Handlers` table. */
export type HandlerSet<M extends { [K in keyof M]: { req: unknown; res: unknown } }> = {
  [T in keyof M]: (payload: M[T]['req']) => Promise<M[T]['res']> | M[T]['res'];
};

export type MessageType = keyof MessageMap;
export type Request<T extends MessageType> = MessageMap[T]['req'];
export type Response<T extends MessageType> = MessageMap[T]['res'];

export interface Envelope<T extends MessageType = MessageType> {
  type: T;
  payload: Request<T>;
}

/** What the worker answers: data, or a sentence the UI can show as is. */
export type Reply<T extends MessageType> = { ok: true; data: Response<T> } | { ok: false; error: string };

/**
 * Thrown on the page side when the worker answers with an error sentence. It carries that sentence as its
 * `userMessage`, so `userMessage()` shows the worker's words instead of the generic fallback.
 */
export class WorkerError extends Error {
  readonly userMessage: string;
  constructor(sentence: string) {
    super(sentence);
    this.userMessage = sentence;
  }
}

/** Send a typed message to the service worker and unwrap its reply. */
export async function send<T extends MessageType>(type: T, payload: Request<T>): Promise<Response<T>> {
  const reply: unknown = await browser.runtime.sendMessage({ type, payload } satisfies Envelope<T>);
  if (reply === undefined || reply === null) {
    throw new WorkerError('The background service did not answer. Try again in a moment.');
  }
  if (!isReply(reply)) {
    throw new WorkerError('The background service sent an answer Vault Raider could not read. Reload the page.');
  }
  if (!reply.ok) throw new WorkerError(reply.error);
  return reply.data as Response<T>;
}

/**
 * The reply's frame (`{ok: true, data}` or `{ok: false, error: sentence}`), checked by hand: pages do not bundle the
 * schema library; the worker parses what comes in (lib/message-router.ts) and builds these replies itself.
 */
function isReply(value: unknown): value is Reply<MessageType> {
  if (typeof value !== 'object' || value === null) return false;
  const { ok, error } = value as { ok?: unknown; error?: unknown };
  return ok === true ? 'data' in value : ok === false && typeof error === 'string' && error.length > 0;
}

export type Handlers = { [T in MessageType]: (payload: Request<T>) => Promise<Response<T>> | Response<T> };
