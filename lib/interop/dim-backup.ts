import type {
  DestinyVersion,
  ExportResponse,
  ItemAnnotation,
  ItemHashTag,
  Loadout,
  LoadoutItem,
  LoadoutParameters,
  TagValue,
} from '@destinyitemmanager/dim-api-types';
import type { DestinyClass } from 'bungie-api-ts/destiny2';
import * as v from 'valibot';
import { classNameOf } from '../inventory/class-names';

/**
 * DIM interop, pure: read a DIM backup (Settings → Export, either today's DIM API `ExportResponse` or the older
 * sync layout of 2020) into loadouts, tags and notes; write our loadouts, tags and notes back as an `ExportResponse`
 * DIM can import; share one loadout as DIM JSON, a DIM link or plain text. No browser, storage or network here: text
 * in, data out. A bad file gives one sentence and no data at all (nothing is half-imported).
 */

/** Largest backup read, in characters of text. DIM's real backups are a few hundred KB; this refuses runaway files. */
export const MAX_BACKUP_CHARS = 32 * 1024 * 1024;
/** Most loadout entries one backup may hold (all accounts and both Destiny versions together). */
export const MAX_LOADOUTS = 2_000;
/** Most items (equipped + unequipped) one loadout may hold. DIM's biggest real one in the fixtures holds 39. */
export const MAX_LOADOUT_ITEMS = 200;
/** Most tag/note entries (per instance id) one backup may hold. */
export const MAX_ANNOTATIONS = 100_000;
/** Most tag/note entries per item hash (shaders, mods) one backup may hold. */
export const MAX_ITEM_HASH_TAGS = 20_000;
/** Longest loadout name, in characters. */
export const MAX_NAME_CHARS = 500;
/** Longest loadout or item note, in characters. */
export const MAX_NOTES_CHARS = 10_000;
/** Most mod hashes and other hash lists inside one loadout's parameters. */
export const MAX_HASH_LIST = 500;

/** Deepest nesting inside a loadout's parameters (DIM's own go 3 deep: statConstraints → entry → field). */
export const MAX_PARAMETERS_DEPTH = 8;

/** DIM's tags (dim-api-types `TagValue`), in DIM's menu order. */
export const DIM_TAGS: readonly TagValue[] = ['favorite', 'keep', 'infuse', 'junk', 'archive'];

/** Where DIM opens a shared loadout (`?loadout=<URL-encoded Loadout JSON>`). */
export const DIM_LOADOUT_LINK_BASE = 'https://app.destinyitemmanager.com/loadouts';

/** Tags and notes by item instance id; each value carries its own `id` too (DIM's `ItemAnnotation`). */
export type AnnotationsById = Record<string, ItemAnnotation>;
/** Tags and notes by item hash (shaders, mods): DIM's `ItemHashTag`, keyed by `hash`. */
export type ItemHashTagsByHash = Record<number, ItemHashTag>;

/** What a DIM backup holds that Vault Raider keeps: Destiny 2 loadouts, tags and notes. */
export interface DimBackup {
  /** `dim-api`: the current DIM API export; `legacy-sync`: the pre-2020 sync layout (`loadouts-v3.0`, `dimItemInfo-…`). */
  format: 'dim-api' | 'legacy-sync';
  loadouts: Loadout[];
  annotations: AnnotationsById;
  itemHashTags: ItemHashTagsByHash;
  /** Sentences about what was read but left out on purpose (Destiny 1 data, other accounts, repeats). */
  problems: string[];
}

/** The whole backup, or one sentence saying why none of it was taken. */
export type DimBackupResult = { ok: true; backup: DimBackup } | { ok: false; error: string };

/** Options for {@link parseDimBackup}. */
export interface ParseDimBackupOptions {
  /** Keep only this Destiny membership's loadouts and tags (the signed-in account); others are listed in `problems`. */
  platformMembershipId?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas. Each leaf carries the end of the sentence a player reads ("… must be an item hash").

const text = (max: number) =>
  v.pipe(v.string('must be text'), v.maxLength(max, `is longer than ${max.toLocaleString('en-US')} characters`));
const instanceId = v.pipe(
  v.string('must be an item instance id'),
  v.regex(/^\d{1,20}$/, 'must be an item instance id (digits)'),
);
const membershipId = v.pipe(
  v.string('must be a membership id'),
  v.regex(/^\d{1,20}$/, 'must be a membership id (digits)'),
);
const uint32 = (what: string) =>
  v.pipe(
    v.number(`must be ${what}`),
    v.integer(`must be ${what} (a whole number)`),
    v.minValue(0, `must be ${what} (not negative)`),
    v.maxValue(4_294_967_295, `must be ${what} (at most 4294967295)`),
  );
const itemHash = uint32('an item hash');
const count = v.pipe(
  v.number('must be a count'),
  v.integer('must be a whole count'),
  v.minValue(0, 'must not be negative'),
);
const timestamp = v.pipe(v.number('must be a time stamp'), v.minValue(0, 'must not be negative'));
const classType = v.picklist([0, 1, 2, 3], 'must be a class (0 Titan, 1 Hunter, 2 Warlock, 3 any)');
const destinyVersion = v.picklist([1, 2], 'must be 1 or 2 (the Destiny version)');
const tagValue = v.picklist(
  DIM_TAGS as TagValue[],
  (issue) => `is ${issue.received}, but DIM's tags are favorite, keep, infuse, junk and archive`,
);
const hashList = v.pipe(v.array(itemHash, 'must be a list of item hashes'), v.maxLength(MAX_HASH_LIST, 'is too long'));
const socketOverrides = v.record(
  v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'must be keyed by socket index')),
  uint32('a plug hash'),
  'must be a map of socket index to plug hash',
);

const loadoutItem = v.object(
  {
    id: v.optional(instanceId),
    hash: itemHash,
    amount: v.optional(count),
    socketOverrides: v.optional(socketOverrides),
    craftedDate: v.optional(timestamp),
  },
  'must be a loadout item',
);
const loadoutItems = v.pipe(
  v.array(loadoutItem, 'must be a list of loadout items'),
  v.maxLength(MAX_LOADOUT_ITEMS, `holds more than ${MAX_LOADOUT_ITEMS} items`),
);

/** The fields Vault Raider reads are checked; every other parameter (Loadout Optimizer settings) passes through. */
const loadoutParameters = v.pipe(
  v.looseObject(
    {
      mods: v.optional(hashList),
      perks: v.optional(hashList),
      exoticArmorHash: v.optional(v.number('must be a number')),
      modsByBucket: v.optional(v.record(v.string(), hashList, 'must be a map of bucket hash to mod hashes')),
      clearWeapons: v.optional(v.boolean('must be true or false')),
      clearArmor: v.optional(v.boolean('must be true or false')),
      clearMods: v.optional(v.boolean('must be true or false')),
    },
    'must be an object of loadout parameters',
  ),
  // The parameters pass through untouched, so their depth is bounded here: later copies (IndexedDB, JSON) recurse.
  v.check(
    (parameters) => nestedWithin(parameters, MAX_PARAMETERS_DEPTH),
    `are nested deeper than ${MAX_PARAMETERS_DEPTH} levels`,
  ),
);

const loadoutFields = {
  name: text(MAX_NAME_CHARS),
  notes: v.optional(text(MAX_NOTES_CHARS)),
  classType,
  emblemHash: v.optional(itemHash),
  clearSpace: v.optional(v.boolean('must be true or false')),
  equipped: loadoutItems,
  unequipped: loadoutItems,
  parameters: v.optional(loadoutParameters),
  createdAt: v.optional(timestamp),
  lastUpdatedAt: v.optional(timestamp),
  autoStatMods: v.optional(hashList),
};
const loadoutId = v.pipe(text(200), v.minLength(1, 'must not be empty'));
const loadoutSchema = v.object({ id: loadoutId, ...loadoutFields }, 'must be a loadout');
/** A shared loadout (link or JSON): guardian.report's carry no id and no `unequipped`. */
const sharedLoadoutSchema = v.object(
  { ...loadoutFields, id: v.optional(loadoutId), unequipped: v.optional(loadoutItems, []) },
  'must be a loadout',
);

const annotationFields = {
  tag: v.nullish(tagValue),
  notes: v.nullish(text(MAX_NOTES_CHARS)),
  v: v.optional(v.picklist([1, 2], 'must be 1 (PvP) or 2 (PvE)')),
};

const dimApiExport = v.object(
  {
    loadouts: v.optional(
      v.pipe(
        v.array(
          v.object(
            { platformMembershipId: membershipId, destinyVersion, loadout: loadoutSchema },
            'must be a loadout entry',
          ),
          'must be a list',
        ),
        v.maxLength(MAX_LOADOUTS, `holds more than ${MAX_LOADOUTS.toLocaleString('en-US')} loadouts`),
      ),
      [],
    ),
    tags: v.optional(
      v.pipe(
        v.array(
          v.object(
            {
              platformMembershipId: membershipId,
              destinyVersion,
              annotation: v.object(
                { id: instanceId, ...annotationFields, craftedDate: v.optional(timestamp) },
                'must be a tag entry',
              ),
            },
            'must be a tag entry',
          ),
          'must be a list',
        ),
        v.maxLength(MAX_ANNOTATIONS, `holds more than ${MAX_ANNOTATIONS.toLocaleString('en-US')} tags`),
      ),
      [],
    ),
    itemHashTags: v.optional(
      v.pipe(
        v.array(v.object({ hash: itemHash, ...annotationFields }, 'must be a tag entry'), 'must be a list'),
        v.maxLength(MAX_ITEM_HASH_TAGS, `holds more than ${MAX_ITEM_HASH_TAGS.toLocaleString('en-US')} tags`),
      ),
      [],
    ),
  },
  'must be an object',
);

/** Old DIM (before the DIM API) numbered classes its own way: 0 Warlock, 1 Titan, 2 Hunter, -1 any. */
const LEGACY_CLASS: Readonly<Record<number, DestinyClass>> = { 0: 2, 1: 0, 2: 1, [-1]: 3 };

const legacyLoadout = v.object(
  {
    id: loadoutId,
    name: text(MAX_NAME_CHARS),
    classType: v.picklist([-1, 0, 1, 2], 'must be a class (old DIM: -1 any, 0 Warlock, 1 Titan, 2 Hunter)'),
    membershipId: v.optional(membershipId),
    destinyVersion: v.optional(destinyVersion),
    items: v.pipe(
      v.array(
        v.object(
          {
            id: v.optional(instanceId),
            hash: itemHash,
            amount: v.optional(count),
            equipped: v.optional(v.boolean('must be true or false'), false),
          },
          'must be a loadout item',
        ),
        'must be a list of loadout items',
      ),
      v.maxLength(MAX_LOADOUT_ITEMS, `holds more than ${MAX_LOADOUT_ITEMS} items`),
    ),
  },
  'must be a loadout',
);
const legacyLoadoutIds = v.pipe(
  v.array(loadoutId, 'must be a list of loadout ids'),
  v.maxLength(MAX_LOADOUTS, `holds more than ${MAX_LOADOUTS.toLocaleString('en-US')} loadouts`),
);
const legacyItemInfo = v.pipe(
  v.record(instanceId, v.object(annotationFields, 'must be a tag entry'), 'must be a map of instance id to tag'),
  v.check((info) => Object.keys(info).length <= MAX_ANNOTATIONS, `holds more than ${MAX_ANNOTATIONS} tags`),
);
const LEGACY_ITEM_INFO_KEY = /^dimItemInfo-m(\d{1,20})-d([12])$/;
const LEGACY_LOADOUTS_KEY = 'loadouts-v3.0';

// ---------------------------------------------------------------------------------------------------------------
// Reading

/**
 * Read a DIM backup file. Accepts DIM's current export (`ExportResponse` of dim-api-types: `loadouts`, `tags`,
 * `itemHashTags`; settings, searches and triumphs are ignored) and the older sync layout (`loadouts-v3.0` + one key
 * per loadout id, `dimItemInfo-m<membershipId>-d<version>` for tags). Only Destiny 2 data is kept. The whole file is
 * checked before anything is returned: one wrong value anywhere, an unknown tag, or a file over the limits gives
 * `{ ok: false, error }` with one sentence, and no data.
 */
export function parseDimBackup(input: string, options: ParseDimBackupOptions = {}): DimBackupResult {
  if (input.length > MAX_BACKUP_CHARS) {
    return fail(
      `This file is larger than ${megabytes(MAX_BACKUP_CHARS)}, the most a DIM backup Vault Raider reads, so nothing was imported.`,
    );
  }
  if (input.trim() === '') return fail('This file is empty, so there was nothing to import.');
  let data: unknown;
  try {
    data = JSON.parse(input);
  } catch {
    return fail('This file is not a DIM backup (it is not JSON), so nothing was imported.');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('This file is not a DIM backup (it holds no loadouts or tags), so nothing was imported.');
  }
  const record = data as Record<string, unknown>;
  if (Object.hasOwn(record, LEGACY_LOADOUTS_KEY) || Object.keys(record).some((k) => LEGACY_ITEM_INFO_KEY.test(k))) {
    return readLegacy(record, options);
  }
  if (['loadouts', 'tags', 'itemHashTags'].some((k) => Object.hasOwn(record, k))) return readDimApi(record, options);
  return fail('This file is not a DIM backup (it holds no loadouts or tags), so nothing was imported.');
}

function readDimApi(data: Record<string, unknown>, options: ParseDimBackupOptions): DimBackupResult {
  const parsed = v.safeParse(dimApiExport, data, { abortEarly: true });
  if (!parsed.success) return fail(sentenceFor(parsed.issues[0]));
  const sink = new Sink(options);
  for (const entry of parsed.output.loadouts) {
    if (sink.keeps('loadout', entry.platformMembershipId, entry.destinyVersion)) {
      sink.addLoadout(normalizeLoadout(entry.loadout));
    }
  }
  for (const entry of parsed.output.tags) {
    if (sink.keeps('tag', entry.platformMembershipId, entry.destinyVersion)) sink.addAnnotation(entry.annotation);
  }
  for (const entry of parsed.output.itemHashTags) sink.addItemHashTag(entry);
  return { ok: true, backup: sink.finish('dim-api') };
}

function readLegacy(data: Record<string, unknown>, options: ParseDimBackupOptions): DimBackupResult {
  const topMembership = v.safeParse(v.optional(membershipId), data.membershipId);
  if (!topMembership.success) return fail(sentenceFor(topMembership.issues[0], ['membershipId']));
  const ids = v.safeParse(v.optional(legacyLoadoutIds, []), data[LEGACY_LOADOUTS_KEY]);
  if (!ids.success) return fail(sentenceFor(ids.issues[0], [LEGACY_LOADOUTS_KEY]));
  const sink = new Sink(options);
  for (const id of ids.output) {
    if (!Object.hasOwn(data, id)) {
      return fail(`This DIM backup is damaged: loadout ${id} is listed but missing, so nothing was imported.`);
    }
    const parsed = v.safeParse(legacyLoadout, data[id], { abortEarly: true });
    if (!parsed.success) return fail(sentenceFor(parsed.issues[0], [`loadout ${id}`]));
    const old = parsed.output;
    // Loadouts saved before DIM knew Destiny 2 carry no destinyVersion: they are Destiny 1 (DIM's own migration agrees).
    const version = old.destinyVersion ?? 1;
    const owner = old.membershipId ?? topMembership.output;
    if (!sink.keeps('loadout', owner, version)) continue;
    const item = ({ id: itemId, hash, amount }: { id?: string; hash: number; amount?: number }): LoadoutItem =>
      withoutUndefined({ id: itemId === '0' ? undefined : itemId, hash, amount });
    sink.addLoadout({
      id: old.id,
      name: old.name,
      classType: LEGACY_CLASS[old.classType],
      equipped: old.items.filter((i) => i.equipped).map(item),
      unequipped: old.items.filter((i) => !i.equipped).map(item),
    });
  }
  for (const key of Object.keys(data).sort()) {
    const match = LEGACY_ITEM_INFO_KEY.exec(key);
    if (!match) continue;
    // valibot's record skips keys like "__proto__" silently; a key that is no instance id is a damaged file.
    const raw = data[key];
    const oddKey = raw && typeof raw === 'object' ? Object.keys(raw).find((k) => !/^\d{1,20}$/.test(k)) : undefined;
    if (oddKey !== undefined) {
      return fail(sentenceAt([key], 'must be keyed by item instance ids (digits)'));
    }
    const parsed = v.safeParse(legacyItemInfo, data[key], { abortEarly: true });
    if (!parsed.success) return fail(sentenceFor(parsed.issues[0], [key]));
    const version = Number(match[2]) as DestinyVersion;
    for (const [itemId, info] of Object.entries(parsed.output)) {
      if (sink.keeps('tag', match[1], version)) sink.addAnnotation({ id: itemId, ...info });
    }
  }
  return { ok: true, backup: sink.finish('legacy-sync') };
}

/** Collects what is kept and counts what is left out, so the problems read as one sentence per reason. */
class Sink {
  private readonly loadouts = new Map<string, Loadout>();
  private readonly annotations: AnnotationsById = {};
  private readonly itemHashTags: ItemHashTagsByHash = {};
  private readonly skipped = { d1Loadouts: 0, d1Tags: 0, otherLoadouts: 0, otherTags: 0, repeatedLoadouts: 0 };
  private readonly otherAccounts = new Set<string>();

  constructor(private readonly options: ParseDimBackupOptions) {}

  keeps(kind: 'loadout' | 'tag', owner: string | undefined, version: DestinyVersion): boolean {
    if (version !== 2) {
      this.skipped[kind === 'loadout' ? 'd1Loadouts' : 'd1Tags']++;
      return false;
    }
    const wanted = this.options.platformMembershipId;
    if (wanted !== undefined && owner !== undefined && owner !== wanted) {
      this.skipped[kind === 'loadout' ? 'otherLoadouts' : 'otherTags']++;
      this.otherAccounts.add(owner);
      return false;
    }
    return true;
  }

  addLoadout(loadout: Loadout): void {
    if (this.loadouts.has(loadout.id)) this.skipped.repeatedLoadouts++;
    this.loadouts.set(loadout.id, loadout);
  }

  addAnnotation(annotation: ItemAnnotation): void {
    const kept = normalizeAnnotation(annotation);
    if (kept) this.annotations[kept.id] = kept;
  }

  addItemHashTag(tag: ItemHashTag): void {
    const kept = normalizeAnnotation(tag);
    if (kept) this.itemHashTags[kept.hash] = kept;
  }

  finish(format: DimBackup['format']): DimBackup {
    const s = this.skipped;
    const problems: string[] = [];
    if (s.d1Loadouts)
      problems.push(`${plural(s.d1Loadouts, 'Destiny 1 loadout')} left out: Vault Raider is for Destiny 2.`);
    if (s.d1Tags)
      problems.push(
        `${plural(s.d1Tags, 'Destiny 1 tag or note', 'Destiny 1 tags or notes')} left out: Vault Raider is for Destiny 2.`,
      );
    if (s.otherLoadouts || s.otherTags) {
      const what = [
        s.otherLoadouts && plural(s.otherLoadouts, 'loadout'),
        s.otherTags && plural(s.otherTags, 'tag or note', 'tags or notes'),
      ]
        .filter(Boolean)
        .join(' and ');
      problems.push(`${what} of ${this.otherAccounts.size === 1 ? 'another account' : 'other accounts'} left out.`);
    }
    if (s.repeatedLoadouts) {
      problems.push(`${plural(s.repeatedLoadouts, 'loadout')} appeared twice; the later copy was kept.`);
    }
    return {
      format,
      loadouts: [...this.loadouts.values()],
      annotations: this.annotations,
      itemHashTags: this.itemHashTags,
      problems,
    };
  }
}

/** Drops DIM's "0" instance id (items without an instance) and keys whose value is absent. */
function normalizeLoadout(
  loadout: v.InferOutput<typeof loadoutSchema> | v.InferOutput<typeof sharedLoadoutSchema>,
): Loadout {
  const { equipped, unequipped, parameters, classType: cls, ...rest } = loadout;
  const item = (i: v.InferOutput<typeof loadoutItem>): LoadoutItem =>
    withoutUndefined({ ...i, id: i.id === '0' ? undefined : i.id });
  return withoutUndefined({
    ...rest,
    id: rest.id ?? '',
    classType: cls as DestinyClass,
    equipped: equipped.map(item),
    unequipped: unequipped.map(item),
    parameters: parameters as LoadoutParameters | undefined,
  });
}

/** An annotation without a tag and without notes says nothing: undefined. Null and empty values are dropped. */
function normalizeAnnotation<T extends ItemAnnotation | ItemHashTag>(annotation: T): T | undefined {
  const { tag, notes, v: variant, ...rest } = annotation;
  const hasTag = tag !== null && tag !== undefined;
  const hasNotes = typeof notes === 'string' && notes !== '';
  if (!hasTag && !hasNotes) return undefined;
  return withoutUndefined({
    ...rest,
    tag: hasTag ? tag : undefined,
    notes: hasNotes ? notes : undefined,
    v: hasTag ? variant : undefined,
  }) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** What {@link exportDimBackup} writes. */
export interface DimBackupInput {
  /** The Destiny 2 membership the loadouts and tags belong to (DIM files every entry under one). */
  platformMembershipId: string;
  loadouts: readonly Loadout[];
  annotations: AnnotationsById;
  itemHashTags?: ItemHashTagsByHash;
}

/**
 * Our loadouts, tags and notes as DIM's `ExportResponse` (dim-api-types), the file DIM's Settings → Import takes.
 * Everything is filed as Destiny 2 under `platformMembershipId`; settings, triumphs and searches are empty.
 * Annotations without a tag or notes are left out (they say nothing).
 */
export function buildDimExport(input: DimBackupInput): ExportResponse {
  const { platformMembershipId } = input;
  const destinyVersion: DestinyVersion = 2;
  return {
    settings: {},
    loadouts: input.loadouts.map((loadout) => ({ platformMembershipId, destinyVersion, loadout })),
    tags: Object.values(input.annotations).flatMap((annotation) => {
      const kept = normalizeAnnotation(annotation);
      return kept ? [{ platformMembershipId, destinyVersion, annotation: kept }] : [];
    }),
    itemHashTags: Object.values(input.itemHashTags ?? {}).flatMap((tag) => {
      const kept = normalizeAnnotation(tag);
      return kept ? [kept] : [];
    }),
    triumphs: [],
    searches: [],
  };
}

/** {@link buildDimExport} as the text of a `.json` file (indented, like a file a person may open). */
export function exportDimBackup(input: DimBackupInput): string {
  return JSON.stringify(buildDimExport(input), null, 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Sharing one loadout

/** One loadout as DIM's `Loadout` JSON (what DIM puts in a share link and reads back). */
export function loadoutToDimJson(loadout: Loadout): string {
  return JSON.stringify(loadout, null, 2);
}

/** A link that opens this loadout in DIM (`/loadouts?loadout=<Loadout JSON>`, the form DIM's share links take). */
export function loadoutToDimLink(loadout: Loadout): string {
  return `${DIM_LOADOUT_LINK_BASE}?loadout=${encodeURIComponent(JSON.stringify(loadout))}`;
}

/** A shared loadout, or one sentence why it cannot be read. `id` is '' when the sharer left it out (guardian.report). */
export type DimLoadoutResult = { ok: true; loadout: Loadout } | { ok: false; error: string };

/**
 * Read one shared DIM loadout: a DIM link (`…/loadouts?loadout=…`, from DIM, guardian.report, D2ArmorPicker) or the
 * `Loadout` JSON itself. A loadout without an id gets `id: ''` (the caller gives it one); a missing `unequipped` is empty.
 */
export function parseDimLoadout(input: string): DimLoadoutResult {
  const trimmed = input.trim();
  if (trimmed.length > MAX_BACKUP_CHARS) return fail('This loadout is far too large to be a DIM loadout.');
  let json = trimmed;
  if (/^https?:\/\//i.test(trimmed)) {
    let param: string | null;
    try {
      param = new URL(trimmed).searchParams.get('loadout');
    } catch {
      param = null;
    }
    if (!param) return fail('This link holds no loadout (DIM loadout links carry "?loadout=…").');
    json = param;
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return fail('This is not a DIM loadout (it is neither a DIM loadout link nor loadout JSON).');
  }
  const parsed = v.safeParse(sharedLoadoutSchema, data, { abortEarly: true });
  if (!parsed.success) return fail(sentenceFor(parsed.issues[0], [], 'This DIM loadout cannot be imported'));
  return { ok: true, loadout: normalizeLoadout(parsed.output) };
}

/** Names for {@link loadoutToText}: what the Manifest says an item is, and the slot it goes in. */
export interface ItemLabel {
  name: string;
  /** The slot heading ("Kinetic Weapons", "Helmet", "Subclass"); items without one go under "Other". */
  slot?: string;
  /** Sort key of the slot (the bucket's game order); slots without one come after, in first-seen order. */
  slotOrder?: number;
}

/**
 * A loadout as plain text to paste anywhere: name, class, notes (without DIM's icon glyphs), then the equipped items grouped by slot, the other
 * items it carries, and its mods. `names` gives each item hash a name and slot (the Manifest's, passed in; unknown
 * hashes print as "Unknown item <hash>").
 */
export function loadoutToText(loadout: Loadout, names: (itemHash: number) => ItemLabel | undefined): string {
  const lines: string[] = [plain(loadout.name) || 'Unnamed loadout'];
  const cls = classNameOf(loadout.classType) ?? 'Any class';
  lines.push(`Class: ${cls}`);
  const notes = plain(loadout.notes ?? '');
  if (notes) lines.push('', ...notes.split(/\r?\n/));
  const section = (title: string | undefined, items: readonly LoadoutItem[]) => {
    if (items.length === 0) return;
    lines.push('');
    if (title) lines.push(title);
    for (const [slot, slotItems] of groupBySlot(items, names)) {
      lines.push(`${slot}:`);
      for (const item of slotItems)
        lines.push(`  - ${labelOf(item.hash, names).name}${(item.amount ?? 1) > 1 ? ` ×${item.amount}` : ''}`);
    }
  };
  section(undefined, loadout.equipped);
  section('Also carried:', loadout.unequipped);
  const mods = loadout.parameters?.mods ?? [];
  if (mods.length > 0) {
    const counted = new Map<string, number>();
    for (const hash of mods) {
      const name = labelOf(hash, names).name;
      counted.set(name, (counted.get(name) ?? 0) + 1);
    }
    lines.push('', 'Mods:', ...[...counted].map(([name, n]) => `  - ${name}${n > 1 ? ` ×${n}` : ''}`));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Text without DIM's glyphs: DIM writes Destiny icons (subclass, element, champion) as Private Use characters that
 * only its Destiny font draws; anywhere else they show as boxes, so plain text leaves them out.
 */
function plain(value: string): string {
  return value.replace(/[\uE000-\uF8FF]/g, '').trim();
}

function labelOf(hash: number, names: (itemHash: number) => ItemLabel | undefined): ItemLabel {
  return names(hash) ?? { name: `Unknown item ${hash}` };
}

function groupBySlot(
  items: readonly LoadoutItem[],
  names: (itemHash: number) => ItemLabel | undefined,
): [string, LoadoutItem[]][] {
  const groups = new Map<string, { order: number; first: number; items: LoadoutItem[] }>();
  items.forEach((item, index) => {
    const label = labelOf(item.hash, names);
    const slot = label.slot ?? 'Other';
    const group = groups.get(slot) ?? { order: label.slotOrder ?? Number.POSITIVE_INFINITY, first: index, items: [] };
    group.items.push(item);
    groups.set(slot, group);
  });
  return [...groups]
    .sort(([, a], [, b]) => a.order - b.order || a.first - b.first)
    .map(([slot, group]) => [slot, group.items]);
}

// ---------------------------------------------------------------------------------------------------------------
// Sentences

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/** One valibot issue as the sentence a player reads: where in the file, what is wrong, and that nothing was taken. */
function sentenceFor(issue: v.BaseIssue<unknown>, prefix: string[] = [], lead?: string): string {
  const path = [...prefix];
  for (const step of issue.path ?? []) {
    // A list position joins the list's name: "loadouts #4 › loadout › equipped #1 › hash".
    if (typeof step.key === 'number' && path.length > 0) path[path.length - 1] += ` #${step.key + 1}`;
    else path.push(typeof step.key === 'number' ? `#${step.key + 1}` : String(step.key));
  }
  // valibot reports a missing field as an issue of the object around it, with the field's name as the expected value.
  const missing = issue.kind === 'schema' && issue.input === undefined && issue.path?.length;
  return sentenceAt(path, missing ? 'is missing' : issue.message, lead);
}

/** "<lead>: <where> <what>. Nothing was imported." */
function sentenceAt(path: string[], what: string, lead = 'This DIM backup cannot be imported'): string {
  return `${lead}: ${path.length ? path.join(' › ') : 'the file'} ${what}. Nothing was imported.`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function megabytes(chars: number): string {
  return `${Math.round(chars / (1024 * 1024))} MB`;
}

/** Whether `value` nests at most `max` arrays/objects deep; iterative, so a hostile depth cannot overflow the stack. */
function nestedWithin(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return true;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined)) as T;
}
