/**
 * Per-route fault injection: Bungie's bad days on demand (field notes: 5 SystemDisabled during maintenance,
 * 502–526 without an envelope when Bungie is in trouble, throttle codes, slow or dropped connections). `hang` and
 * `destroy` cut a normal answer short: the status line and headers (with the full Content-Length) go out, then the
 * first `afterBytes` bytes of the body; `hang` then sends nothing more and keeps the socket open (until the emulator
 * closes), `destroy` destroys the socket mid-body.
 */

interface FaultBase {
  /** Path pattern: exact path, a glob where `*` matches within a segment and `**` across segments, or a RegExp. */
  route: string | RegExp;
  method?: string;
  /** How many matching requests the fault hits (default: every one). `once` is `times: 1`. */
  times?: number;
  once?: boolean;
  /** Chance (0–1) that a matching request is hit; drawn from a PRNG seeded with `seed` so runs repeat. */
  probability?: number;
  seed?: number;
}

export type FaultRule = FaultBase &
  (
    | { kind: 'http'; status: number; envelope?: boolean; errorCode?: number }
    | { kind: 'error'; errorCode: number; status?: number; throttleSeconds?: number }
    | { kind: 'throttle'; errorCode?: number; throttleSeconds?: number }
    | { kind: 'delay'; ms: number }
    | { kind: 'drop' }
    | { kind: 'hang'; afterBytes?: number }
    | { kind: 'destroy'; afterBytes?: number }
  );

export type FaultAction =
  | { kind: 'http'; status: number; envelope: boolean; errorCode: number }
  | { kind: 'error'; errorCode: number; status?: number; throttleSeconds: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'hang'; afterBytes: number }
  | { kind: 'destroy'; afterBytes: number };

/** Bytes of the body `hang` and `destroy` let through by default. */
export const DEFAULT_CUT_AFTER_BYTES = 1024;

/** mulberry32: small, fast and deterministic for a given seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (ch === '*') {
      out += '[^/]*';
    } else {
      out += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`, 'i');
}

interface ActiveFault {
  rule: FaultRule;
  pattern: RegExp;
  remaining: number;
  random: () => number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(rule: FaultRule): void {
    const pattern = rule.route instanceof RegExp ? rule.route : globToRegExp(rule.route);
    const remaining = rule.once ? 1 : (rule.times ?? Number.POSITIVE_INFINITY);
    this.faults.push({ rule, pattern, remaining, random: prng(rule.seed ?? 1) });
  }

  clear(): void {
    this.faults = [];
  }

  /** The faults that hit this request, in the order they were added (delays first, then the first answer). */
  match(method: string, path: string): FaultAction[] {
    const actions: FaultAction[] = [];
    for (const fault of this.faults) {
      const { rule } = fault;
      if (fault.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!fault.pattern.test(path)) continue;
      if (rule.probability !== undefined && fault.random() >= rule.probability) continue;
      fault.remaining--;
      actions.push(toAction(rule));
    }
    return actions;
  }
}

function toAction(rule: FaultRule): FaultAction {
  switch (rule.kind) {
    case 'http':
      return { kind: 'http', status: rule.status, envelope: rule.envelope ?? false, errorCode: rule.errorCode ?? 1618 };
    case 'error':
      return {
        kind: 'error',
        errorCode: rule.errorCode,
        status: rule.status,
        throttleSeconds: rule.throttleSeconds ?? 0,
      };
    case 'throttle':
      return { kind: 'error', errorCode: rule.errorCode ?? 51, throttleSeconds: rule.throttleSeconds ?? 1 };
    case 'delay':
      return { kind: 'delay', ms: rule.ms };
    case 'drop':
      return { kind: 'drop' };
    case 'hang':
    case 'destroy':
      return { kind: rule.kind, afterBytes: Math.max(0, rule.afterBytes ?? DEFAULT_CUT_AFTER_BYTES) };
  }
}
