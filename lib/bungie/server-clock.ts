/**
 * Bungie's clock as the extension knows it. Xûr's visit, the weekly reset and "how long ago" are Bungie's times, not
 * the device's: a device clock hours off (or a test emulator set to a Friday) must not change what the badge says.
 *
 * The one HTTP client reports every answer here: its `Date` header (HTTP: the moment the server made the answer,
 * whole seconds) and, as a fallback when no `Date` header was ever seen, a GetProfile `responseMintedTimestamp`
 * (Bungie may serve it from a cache up to ~30 s old, so it is only a lower bound). The clock keeps
 * offset = server time − device time at receipt; `serverNow()` is the device clock plus that offset. The offset is
 * kept in storage.session, so a worker restart keeps it; before any answer the device clock is all there is.
 */
import { serverClockItem, type StoredServerClock } from '@/lib/storage/items';

export const SERVER_CLOCK_KEY = serverClockItem.name;
/** A `Date` header names the whole second the answer was made in: its middle is the best estimate. */
const HALF_SECOND = 500;
/** A new reading this close to the known offset is rounding and latency: keep the offset, so times do not jitter. */
const KEEP_WITHIN_MS = 1_500;

export type ServerTimeSource = 'date' | 'minted';

type Stored = StoredServerClock;

export interface ServerClock {
  /** Server time now (ms since epoch); the device clock until Bungie answered once. */
  now(): number;
  /** The device-clock moment at which the server clock reads `serverMs`: what `alarms.create({ when })` needs. */
  toDevice(serverMs: number): number;
  /** Server − device in ms, undefined before any answer. */
  offset(): number | undefined;
  /** Record one reading: the server said `serverMs` when the device clock read `receivedAt`. */
  observe(serverMs: number, source: ServerTimeSource, receivedAt?: number): void;
  /** Record what one HTTP answer says about the time (its `Date` header, else a `responseMintedTimestamp`). */
  observeResponse(headers: { get(name: string): string | null } | undefined, body?: unknown, receivedAt?: number): void;
  /** Settles once the offset kept in storage.session is loaded (call before the first `now()` after a restart). */
  load(): Promise<void>;
}

export interface ServerClockOptions {
  deviceNow?: () => number;
  /** Keep the offset in storage.session (default true). */
  persist?: boolean;
}

function mintedOf(body: unknown): number | undefined {
  const minted = (body as { Response?: { responseMintedTimestamp?: unknown } } | undefined)?.Response
    ?.responseMintedTimestamp;
  if (typeof minted !== 'string') return undefined;
  const ms = Date.parse(minted);
  return Number.isFinite(ms) ? ms : undefined;
}

export function createServerClock({
  deviceNow = () => Date.now(),
  persist = true,
}: ServerClockOptions = {}): ServerClock {
  let state: Stored | undefined;
  let loading: Promise<void> | undefined;

  function save() {
    if (!persist || !state) return;
    void Promise.resolve()
      .then(() => (state ? serverClockItem.setValue(state) : undefined))
      .catch(() => undefined);
  }

  const clock: ServerClock = {
    now: () => deviceNow() + (state?.offsetMs ?? 0),
    toDevice: (serverMs) => serverMs - (state?.offsetMs ?? 0),
    offset: () => state?.offsetMs,
    observe(serverMs, source, receivedAt = deviceNow()) {
      if (!Number.isFinite(serverMs)) return;
      // A Date header always outranks a minted time, which can be a cached answer's.
      if (source === 'minted' && state?.source === 'date') return;
      const offsetMs = serverMs - receivedAt;
      if (state && state.source === source && Math.abs(state.offsetMs - offsetMs) <= KEEP_WITHIN_MS) return;
      state = { offsetMs, source };
      save();
    },
    observeResponse(headers, body, receivedAt = deviceNow()) {
      const date = Date.parse(headers?.get('date') ?? '');
      if (Number.isFinite(date)) return clock.observe(date + HALF_SECOND, 'date', receivedAt);
      const minted = mintedOf(body);
      if (minted !== undefined) clock.observe(minted, 'minted', receivedAt);
    },
    load() {
      loading ??= (async () => {
        if (!persist) return;
        try {
          // A malformed stored offset reads as none (lib/storage/items.ts): the device clock until the next answer.
          const stored = await serverClockItem.getValue();
          // A reading taken while loading is newer than the stored one: keep it.
          if (!state && stored) state = { offsetMs: stored.offsetMs, source: stored.source };
        } catch {
          // No storage.session (a test without the extension APIs): the device clock until the first answer.
        }
      })();
      return loading;
    },
  };
  return clock;
}

/** The worker's one server clock, fed by lib/bungie/client.ts. */
export const serverClock: ServerClock = createServerClock();

/** Bungie's time now (see `ServerClock.now`). */
export function serverNow(): number {
  return serverClock.now();
}
