/** Shared helpers for the emulator's tests: sign in the way the extension will, then call the API. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { responsesDir } from '@/test/fake-bungie/fixtures';
import type { Emulator } from '@/test/fake-bungie';

export const MEMBERSHIP_TYPE = 2;
export const MEMBERSHIP_ID = '4611686018433092312';
export const HUNTER = '2305843009260802821';
export const WARLOCK = '2305843009260802822';
export const TITAN = '2305843009260802823';
export const PROFILE_PATH = `/Platform/Destiny2/${MEMBERSHIP_TYPE}/Profile/${MEMBERSHIP_ID}/`;

interface ErrorExample {
  name: string;
  httpStatus?: number;
  body: Record<string, unknown>;
}
const examples = (
  JSON.parse(readFileSync(join(responsesDir, 'errors.from-issues.json'), 'utf8')) as { examples: ErrorExample[] }
).examples;

/** The real error body quoted in a public issue, found by the start of its fixture name. */
export function realEnvelope(namePrefix: string): Record<string, unknown> {
  const example = examples.find((e) => e.name.startsWith(namePrefix));
  if (!example) throw new Error(`no fixture envelope named ${namePrefix}`);
  return example.body;
}

/** Runs the OAuth code flow and returns the token response. */
export async function signIn(emu: Emulator): Promise<Record<string, string | number>> {
  const authorize = await fetch(
    `${emu.url}/en/OAuth/Authorize?client_id=${emu.clientId}&response_type=code&state=test-state`,
    { redirect: 'manual' },
  );
  const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, client_id: emu.clientId });
  if (emu.clientSecret) form.set('client_secret', emu.clientSecret);
  const token = await fetch(`${emu.url}/Platform/App/OAuth/Token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return (await token.json()) as Record<string, string | number>;
}

export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** Calls a /Platform path with the API key and, when given, the bearer token. */
export async function api(
  emu: Emulator,
  path: string,
  options: { token?: string; body?: unknown; apiKey?: string | null } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = {};
  if (options.apiKey !== null) headers['X-API-Key'] = options.apiKey ?? emu.apiKey;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${emu.url}${path}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = {};
  }
  return { status: response.status, body, text };
}

/** The envelope fields a test compares (everything but Response). */
export function envelopeOf(body: Record<string, unknown>): Record<string, unknown> {
  const { Response: _response, ...rest } = body;
  return rest;
}
