/**
 * Bungie's response envelope and the exact error bodies the emulator answers with.
 *
 * Where a real body was captured (fixtures/bungie/responses/errors.from-issues.json) its ErrorStatus and Message are
 * used verbatim; names always come from PlatformErrorCodes.json. Messages seen only in issue text are quoted from the
 * notes in that file; the few remaining ones are marked as the emulator's own wording in EMULATOR_MESSAGES.
 */
import { join } from 'node:path';
import { bungieFixturesDir, readFixtureJson } from './fixtures';

export interface Envelope<T = unknown> {
  Response?: T;
  ErrorCode: number;
  ThrottleSeconds: number;
  ErrorStatus: string;
  Message: string;
  MessageData: Record<string, string>;
}

interface ErrorExample {
  name: string;
  httpStatus?: number;
  body: { ErrorCode: number; ErrorStatus: string; Message: string };
}

const codeByName = readFixtureJson<Record<string, number>>(
  join(bungieFixturesDir, 'openapi', 'PlatformErrorCodes.json'),
);
const nameByCode = new Map<number, string>(Object.entries(codeByName).map(([name, code]) => [code, name]));

/** The real error bodies quoted in public issues, keyed by ErrorCode (first example wins). */
export const realErrorExamples: Map<number, ErrorExample> = (() => {
  const file = readFixtureJson<{ examples: ErrorExample[] }>(
    join(bungieFixturesDir, 'responses', 'errors.from-issues.json'),
  );
  const map = new Map<number, ErrorExample>();
  for (const example of file.examples) {
    if (!map.has(example.body.ErrorCode)) map.set(example.body.ErrorCode, example);
  }
  return map;
})();

/** Messages quoted in issue threads without a full body (see messages_seen_without_full_body in the fixture). */
const QUOTED_MESSAGES: Record<number, string> = {
  // Bungie-net/api #770
  1656: 'You cannot perform this action on an equipped item.',
  // DIM #6757 quotes "Bungie.net message: This item cannot be equipped."
  1640: 'This item cannot be equipped.',
  // DIM #9120 quotes "can only have one item of this type equipped"
  1641: 'You can only have one item of this type equipped.',
  // DIM #1530 shows "Access token has expired."
  2111: 'Access token has expired.',
};

/** Wording of our own for codes no public source quotes; the codes and names are still Bungie's. */
const EMULATOR_MESSAGES: Record<number, string> = {
  5: 'This system is temporarily disabled for maintenance.',
  22: 'Please sign-in to continue.',
  31: 'Too many platform requests per second.',
  35: 'Too many platform requests per minute.',
  36: 'Too many platform requests; please wait a moment.',
  37: 'Too many platform requests per second.',
  51: 'Too many requests to this endpoint; please slow down.',
  54: 'This application has exceeded its request limit.',
  55: 'This application has exceeded its anonymous request limit.',
  56: 'This application has exceeded its authenticated request limit.',
  57: 'This user has exceeded their request limit.',
  1601: 'We were unable to find your Destiny account information.',
  1620: 'The character you requested was not found.',
  1648: 'You can only have one of this item.',
  1660: 'This item cannot be transferred.',
  1663: 'This action is not allowed on this item.',
  1665: 'This data is private.',
  1671: 'You cannot perform this action at your current location.',
  1672: 'The game server is busy; please try again shortly.',
  1674: 'This item is locked.',
  2101: 'Please use a valid API key.',
  2102: 'Please include an X-API-Key header with a valid API key.',
  2107: 'The Origin header does not match the API key.',
};

const THROTTLE_CODES = new Set([31, 35, 36, 37, 51, 54, 55, 56, 57]);
const AUTH_CODES = new Set([22, 99, 2101, 2102, 2107, 2111]);

/**
 * HTTP status Bungie sends with an ErrorCode. 1618 with HTTP 500 is captured (Bungie-net/api #1738) and Bungie answers
 * most game-rule errors (16xx) the same way. 1672 came with HTTP 200 (Bungie-net/api #771, Bungie staff). Clients
 * must key on ErrorCode; the statuses for auth, maintenance and throttles are the usual HTTP meanings.
 */
export function httpStatusFor(code: number): number {
  const example = realErrorExamples.get(code);
  if (example?.httpStatus) return example.httpStatus;
  if (code === 1) return 200;
  if (code === 18) return 200;
  if (code === 1672) return 200;
  if (code === 5) return 503;
  if (THROTTLE_CODES.has(code)) return 429;
  if (AUTH_CODES.has(code)) return 401;
  return 500;
}

/** The PlatformErrorCodes identifier for a code (e.g. 1623 → "DestinyItemNotFound"). */
export function errorStatusName(code: number): string {
  const name = nameByCode.get(code);
  if (!name) throw new Error(`Unknown PlatformErrorCode ${code}`);
  return name;
}

export function errorCodeByName(name: string): number {
  const code = codeByName[name];
  if (code === undefined) throw new Error(`Unknown PlatformErrorCode ${name}`);
  return code;
}

function messageFor(code: number): string {
  if (code === 1) return 'Ok';
  return (
    realErrorExamples.get(code)?.body.Message ??
    QUOTED_MESSAGES[code] ??
    EMULATOR_MESSAGES[code] ??
    `An error occurred (${errorStatusName(code)}).`
  );
}

/** A success envelope in Bungie's key order. */
export function success<T>(response: T): Envelope<T> {
  return {
    Response: response,
    ErrorCode: 1,
    ThrottleSeconds: 0,
    ErrorStatus: 'Success',
    Message: 'Ok',
    MessageData: {},
  };
}

export interface ErrorOptions {
  /** Item actions answer `"Response": 0` alongside the error (Bungie-net/api #1936, DIM #5019). */
  actionResponse?: boolean;
  throttleSeconds?: number;
  messageData?: Record<string, string>;
}

/** An error envelope with Bungie's name and message for the code. */
export function errorEnvelope(code: number, options: ErrorOptions = {}): Envelope {
  const body: Envelope = {
    ErrorCode: code,
    ThrottleSeconds: options.throttleSeconds ?? 0,
    ErrorStatus: errorStatusName(code),
    Message: messageFor(code),
    MessageData: options.messageData ?? {},
  };
  return options.actionResponse ? { Response: 0, ...body } : body;
}

/** Thrown inside handlers to answer with a Bungie error envelope. */
export class BungieError extends Error {
  constructor(
    readonly code: number,
    readonly options: ErrorOptions & { status?: number } = {},
  ) {
    super(errorStatusName(code));
  }
}

/**
 * The emulator's choices where no source states what Bungie does; keep this table current when adding one.
 * `source` says what the sources do state, so a reader can tell the choice from the fact.
 */
export const EMULATOR_CHOICES: readonly { topic: string; choice: string; source: string }[] = [
  {
    topic: "Xûr's vendor nextRefreshDate (public and character vendors)",
    choice: 'the next Tuesday 17:00 UTC reset after the emulator clock, while he is present',
    source:
      'both real captures carry their own week (Friday 09:00 UTC, days after he left) and Bungie-net/api#1547 saw it ' +
      'move daily; the field notes give his departure as the Tuesday 17:00 UTC reset',
  },
  {
    topic: 'HTTP Date header',
    choice: "every answer's Date is the emulator clock (set with `now` / control.setNow), not the host's",
    source: 'HTTP (RFC 9110 §6.6.1) says an origin server with a clock sends Date; the clock it reads is ours to set',
  },
  {
    topic: 'In-game loadouts at start (component 206)',
    choice:
      'each character has loadoutCountPerCharacter (10) slots; slot 0 holds a snapshot of its equipped subclass, ' +
      'weapons and armor with the first color/icon/name hashes of DestinyLoadoutConstantsDefinition; slots 1–9 are empty',
    source:
      'no real capture of 206 exists (PROVENANCE.md); the shape is openapi DestinyLoadoutsComponent and the count ' +
      'and picker hashes are DestinyLoadoutConstantsDefinition (2025); the 2021 profile predates loadouts (2023)',
  },
  {
    topic: 'An empty in-game loadout slot',
    choice: '{colorHash: 2166136261, iconHash: 2166136261, nameHash: 2166136261, items: []}; ClearLoadout leaves this',
    source:
      'the spec says ClearLoadout clears "the identifiers and items"; DIM treats a slot without items (or with ' +
      'itemInstanceId "0" only) as empty and 2166136261 as the unset plug hash (field notes); the identifier value is ours',
  },
  {
    topic: 'Which items an in-game loadout records, and their plugs',
    choice:
      'SnapshotLoadout records the equipped subclass, kinetic, energy, power, helmet, gauntlets, chest, leg and class ' +
      'items in the equipment order, each with one plugItemHashes entry per socket of component 305 (2166136261 ' +
      'where a socket has no plug); the real game also answers 2166136261 for single-plug sockets, which is not modelled',
    source:
      'Bungie-net/api#1883: a loadout is changed only by snapshotting what is equipped; DIM (field notes) reads ' +
      'plugItemHashes as one entry per socket index; no source lists the buckets or their order',
  },
  {
    topic: 'loadoutIndex out of range, unknown identifier hash, missing body',
    choice:
      '18 InvalidParameters with "Response": 0 (HTTP 200, as Bungie sends 18), for an index outside ' +
      '0…loadoutCountPerCharacter−1, a missing or non-integer index (a numeric string too: the spec says int32), ' +
      'a color/icon/name hash not in the DestinyLoadoutColor/Icon/Name definitions, and a missing body',
    source:
      'no public thread quotes a loadout action error (action-endpoints.from-issues.json); 18 is what Bungie answers ' +
      'for invalid input elsewhere (errors.from-issues.json: Bungie-net/api#721, #1811)',
  },
  {
    topic: 'Null or absent colorHash/iconHash/nameHash in SnapshotLoadout and UpdateLoadoutIdentifiers',
    choice: "keeps the slot's current hash",
    source: 'the spec marks the three fields nullable (DestinyLoadoutUpdateActionRequest) and says nothing more',
  },
  {
    topic: 'EquipLoadout with items the character does not hold',
    choice:
      'items in the vault, on another character, in the postmaster or gone are skipped, as are items the character ' +
      'cannot equip (class, exotic clash); the others are equipped with their recorded plugs; the answer is still ' +
      '"Response": 0 (an empty slot equips nothing and also answers 0)',
    source:
      'the spec answers int32 with no per-item result and Bungie-net/api#1792 confirms no item state comes back; ' +
      'issue 14 states that EquipLoadout equips only items the character holds',
  },
  {
    topic: 'Where loadout actions are refused with 1671',
    choice: 'only EquipLoadout, while the character is in an activity (control.setPlaying with inActivity)',
    source:
      'the spec requires "a social space, in orbit, or offline" for EquipLoadout only; Snapshot/Update/Clear carry ' +
      'no location rule',
  },
  {
    topic: 'The 1 s loadout throttle',
    choice:
      'per action, like the item actions: a second start of the same loadout action within 1 s answers 51 ' +
      'PerEndpointRequestThrottleExceeded (ThrottleSeconds 1); a call refused by a game rule counts as a start, a throttled one does not',
    source: 'openapi ThrottleSecondsBetweenActionPerUser "1" on each of the four actions',
  },
  {
    topic: 'Privacy of component 206',
    choice: 'privacy 2 (owner only, like characterInventories): without a valid token `characterLoadouts` has no data',
    source: 'no capture of 206; the spec gives the component a privacy field without a value',
  },
];
