/** A pretend `fetch` for client tests: records every call and answers from a handler. */
export interface RecordedCall {
  url: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  startedAt: number;
  endedAt?: number;
}

export type Answer = Response | Promise<Response>;

export function envelope(ErrorCode: number, Response: unknown = {}, extra: Record<string, unknown> = {}) {
  return {
    Response,
    ErrorCode,
    ThrottleSeconds: 0,
    ErrorStatus: ErrorCode === 1 ? 'Success' : `Code${ErrorCode}`,
    Message: ErrorCode === 1 ? 'Ok' : 'error',
    MessageData: {},
    ...extra,
  };
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** Wait `ms` on the (possibly fake) timers, then answer. */
export function later(ms: number, answer: () => Response): Promise<Response> {
  return new Promise((resolve) => setTimeout(() => resolve(answer()), ms));
}

export function pretendFetch(handler: (call: RecordedCall, signal?: AbortSignal | null) => Answer) {
  const calls: RecordedCall[] = [];
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => (headers[key] = value));
    const call: RecordedCall = {
      url,
      path: new URL(url).pathname,
      method: init.method ?? 'GET',
      headers,
      body: typeof init.body === 'string' ? init.body : undefined,
      startedAt: Date.now(),
    };
    calls.push(call);
    const response = await handler(call, init.signal);
    call.endedAt = Date.now();
    return response;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
