/**
 * Client-side spacing Bungie asks for. Each rule owns one queue: requests matching it start one at a time, at least
 * `minGapMs` after the previous start, and never while an earlier one is still in flight. Everything else goes
 * straight through. A global back-off delays every request after Bungie answers with a throttle code.
 */

export interface RateRule {
  name: string;
  /** Matched against the request path (no origin, no query). */
  pattern: RegExp;
  minGapMs: number;
}

/**
 * Bungie's published minimum gaps between starts (the same numbers DIM uses):
 * 0.1 s item actions and single-vendor reads, 0.5 s socket plugs, 1 s tracked state and in-game loadouts.
 */
export const BUNGIE_RATE_RULES: readonly RateRule[] = [
  {
    name: 'item-actions',
    pattern:
      /\/Platform\/Destiny2\/Actions\/Items\/(TransferItem|PullFromPostmaster|EquipItem|EquipItems|SetLockState)\/?$/i,
    minGapMs: 100,
  },
  {
    name: 'single-vendor',
    pattern: /\/Platform\/Destiny2\/\d+\/Profile\/[^/]+\/Character\/[^/]+\/Vendors\/\d+\/?$/i,
    minGapMs: 100,
  },
  {
    name: 'socket-plugs',
    pattern: /\/Platform\/Destiny2\/Actions\/Items\/(InsertSocketPlug|InsertSocketPlugFree)\/?$/i,
    minGapMs: 500,
  },
  {
    name: 'tracked-state',
    pattern: /\/Platform\/Destiny2\/Actions\/Items\/SetTrackedState\/?$/i,
    minGapMs: 1000,
  },
  {
    name: 'loadouts',
    pattern: /\/Platform\/Destiny2\/Actions\/Loadouts\/[A-Za-z]+\/?$/i,
    minGapMs: 1000,
  },
];

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Real time; tests swap in fake timers, which drive both `Date.now` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface QueueState {
  lastStart: number;
  tail: Promise<unknown>;
}

export interface RateLimiter {
  /** The rule a path falls under, if any. */
  ruleFor(path: string): RateRule | undefined;
  /** Run `task` under the rule for `path`: queued behind earlier matching requests and spaced from their starts. */
  run<T>(path: string, task: () => Promise<T>): Promise<T>;
}

/**
 * Per-endpoint queues. Bungie: at most one request in flight per action queue and at least `minGapMs` between
 * starts; the gap counts from the start of the previous request, so a slow answer does not add extra waiting.
 */
/**
 * Bungie measures the gap between requests when they reach it, not when we sent them; a few milliseconds of jitter
 * on the way would turn an exact 100 ms spacing into a throttle. The client keeps this much in hand.
 */
export const ARRIVAL_JITTER_MARGIN_MS = 10;

export function createRateLimiter(
  rules: readonly RateRule[] = BUNGIE_RATE_RULES,
  clock: Clock = systemClock,
  marginMs = 0,
): RateLimiter {
  const queues = new Map<string, QueueState>();

  function ruleFor(path: string): RateRule | undefined {
    return rules.find((rule) => rule.pattern.test(path));
  }

  function run<T>(path: string, task: () => Promise<T>): Promise<T> {
    const rule = ruleFor(path);
    if (!rule) return task();
    let state = queues.get(rule.name);
    if (!state) {
      state = { lastStart: -Infinity, tail: Promise.resolve() };
      queues.set(rule.name, state);
    }
    const queue = state;
    const result = queue.tail.then(async () => {
      const wait = queue.lastStart + rule.minGapMs + marginMs - clock.now();
      if (wait > 0) await clock.sleep(wait);
      queue.lastStart = clock.now();
      return task();
    });
    // The next request waits for this one to finish, whether it succeeded or not.
    queue.tail = result.catch(() => undefined);
    return result;
  }

  return { ruleFor, run };
}

export interface Backoff {
  /** How long to wait before the next request (0 when Bungie has not throttled us lately). */
  delayMs(): number;
  /** Bungie answered with a throttle code; `throttleSeconds` is Bungie's own hint, usually 0. */
  throttled(throttleSeconds?: number): void;
  /** A request succeeded: relax. */
  succeeded(): void;
  /** Current exponent, for tests and diagnostics. */
  level(): number;
}

/** Ceiling for the back-off (Bungie / DIM: never wait more than five minutes). */
export const MAX_BACKOFF_MS = 5 * 60 * 1000;

/**
 * Exponential back-off after throttle codes: wait min(5 min, 2^n × 500 ms) before each request, where n counts recent
 * throttled answers and is halved after each success (DIM's responsive throttle). Bungie's `ThrottleSeconds`, when
 * filled in, is honoured as a floor.
 */
export function createBackoff(clock: Clock = systemClock): Backoff {
  let n = 0;
  let notBefore = 0;

  return {
    delayMs() {
      const exponential = n === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 2 ** n * 500);
      return Math.max(exponential, notBefore - clock.now(), 0);
    },
    throttled(throttleSeconds = 0) {
      n += 1;
      if (throttleSeconds > 0) notBefore = Math.max(notBefore, clock.now() + throttleSeconds * 1000);
    },
    succeeded() {
      n = Math.floor(n / 2);
    },
    level: () => n,
  };
}
