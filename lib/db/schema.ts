import Dexie, { type EntityTable } from 'dexie';
import type { ManifestTable } from '../manifest/types';
import type { InventoryModel } from '../inventory/types';
import type { Loadout, TagValue } from '@destinyitemmanager/dim-api-types';

/**
 * One stored Manifest definition. Rows of several Manifest versions may coexist while a new one is written. The
 * trimmed definition is kept as JSON text: IndexedDB clones a string far faster than an object graph, which makes
 * both the ingest (48k rows) and bulk lookups cheaper; the lookup module parses it.
 */
export interface DefinitionRow<T extends ManifestTable = ManifestTable> {
  /** Our version key: `<schema>:<content path>`. */
  version: string;
  table: T;
  /** The unsigned 32-bit hash (not Bungie's signed SQLite id). */
  hash: number;
  /** JSON of `DefinitionTypes[T]`. */
  json: string;
}

/**
 * The item definitions of the account the worker last built a model for, in one row per Manifest version: a page
 * or a restarted worker loads them with one read instead of ~1,750 (IndexedDB charges per request).
 */
export interface HotDefinitionsRow {
  version: string;
  /** JSON of `[hash, definition][]` (InventoryItem only). */
  items: string;
}

/** Book-keeping for a Manifest version; only a `ready` version may become active. */
export interface ManifestVersionRow {
  version: string;
  bungieVersion: string;
  language: string;
  state: 'writing' | 'ready';
  startedAt: number;
  finishedAt?: number;
  rowCounts?: Partial<Record<ManifestTable, number>>;
}

/** Small key/value facts the worker owns (active Manifest, status lines, last checks, …). */
export interface MetaRow {
  key: string;
  value: unknown;
}

/**
 * The cached inventory of one Destiny membership: what the views read when they open. Kept apart from Bungie's raw
 * response (`profileResponses`) so opening a view reads only the model, not megabytes it never shows.
 */
export interface ProfileRow {
  /** The membership key, `membershipKey()` in lib/bungie/protocol.ts (`${membershipType}:${membershipId}`). */
  key: string;
  /** Parsed `responseMintedTimestamp` in ms: an older response never overwrites a newer one. */
  mintedAt: number;
  fetchedAt: number;
  /** Bumped by every local patch (a move step), so views can tell a new model from a re-read of the same one. */
  revision?: number;
  /** The model the views render, built by the worker; patched step by step by the move executor. */
  model?: InventoryModel;
}

/** Bungie's GetProfile response behind a ProfileRow (the worker rebuilds models and reads postmaster counts from it). */
export interface ProfileResponseRow {
  key: string;
  mintedAt: number;
  /** DestinyProfileResponse (bungie-api-ts) as Bungie sent it. */
  profile: unknown;
}

/** One user move in the executor's journal: what was planned and how far it got. */
export interface JournalRow {
  id?: number;
  createdAt: number;
  status: 'queued' | 'running' | 'done' | 'failed' | 'interrupted';
  /**
   * The Destiny account the move acts on (its `membershipKey`, lib/bungie/protocol.ts); a row never runs under another one.
   * Not indexed (no schema change): the executor reads the few unfinished rows anyway.
   */
  account?: string;
  /** Free-form payload owned by the move executor (intent, steps, cursor, outcome). */
  data: unknown;
}

/** A cached vendor answer (e.g. Xûr's sales). */
export interface VendorRow {
  key: string;
  fetchedAt: number;
  data: unknown;
}

/**
 * One Vault Raider loadout of one account (personal: wiped on sign-out). The loadout itself is DIM's `Loadout`
 * shape, so it exports to DIM unchanged; `account` and `classType` sit beside it for the indexes.
 */
export interface LoadoutRow {
  /** The loadout's id (a UUID, DIM's too), the same as `loadout.id`. */
  id: string;
  /** The membership key (`membershipKey()` in lib/bungie/protocol.ts) of the account it belongs to. */
  account: string;
  /** `loadout.classType` (0 Titan, 1 Hunter, 2 Warlock, 3 any), for "the loadouts this character can wear". */
  classType: number;
  loadout: Loadout;
}

/** A tag and/or notes on one item instance of one account (DIM's `ItemAnnotation`); personal, wiped on sign-out. */
export interface AnnotationRow {
  account: string;
  instanceId: string;
  tag?: TagValue;
  notes?: string;
  /** DIM's PvP/PvE variant of a tag (1, 2), kept so an export gives DIM back what it sent. */
  v?: 1 | 2;
  /** DIM's crafted date (seconds), which lets DIM match a crafted item whose instance id changed. */
  craftedDate?: number;
}

/** A tag and/or notes on an item hash (shaders, mods: DIM's `ItemHashTag`) of one account; personal. */
export interface ItemHashTagRow {
  account: string;
  hash: number;
  tag?: TagValue;
  notes?: string;
  v?: 1 | 2;
}

/**
 * The one IndexedDB of the extension. The service worker writes; pages only read (live queries).
 * Same name in the worker and in pages = same database (origin chrome-extension://<id>).
 */
export class VaultRaiderDB extends Dexie {
  definitions!: Dexie.Table<DefinitionRow, [string, string, number]>;
  manifestHot!: EntityTable<HotDefinitionsRow, 'version'>;
  manifestVersions!: EntityTable<ManifestVersionRow, 'version'>;
  meta!: EntityTable<MetaRow, 'key'>;
  profiles!: EntityTable<ProfileRow, 'key'>;
  profileResponses!: EntityTable<ProfileResponseRow, 'key'>;
  journal!: EntityTable<JournalRow, 'id'>;
  vendors!: EntityTable<VendorRow, 'key'>;
  loadouts!: EntityTable<LoadoutRow, 'id'>;
  annotations!: Dexie.Table<AnnotationRow, [string, string]>;
  itemHashTags!: Dexie.Table<ItemHashTagRow, [string, number]>;

  constructor(name = 'vault-raider') {
    super(name);
    this.version(1).stores({
      definitions: '[version+table+hash], [version+table+nameKey], version',
      manifestVersions: 'version, state',
      meta: 'key',
      profiles: 'key, mintedAt',
      journal: '++id, status, createdAt',
      vendors: 'key',
    });
    // v2: definitions as JSON text, no secondary indexes (each cost as much as the row write), names in one row
    // per version. Rows of v1 have the old shape: drop them; the next Manifest check ingests again.
    this.version(2)
      .stores({
        definitions: '[version+table+hash]',
        manifestNames: 'version',
        manifestHot: 'version',
        manifestVersions: 'version, state',
      })
      .upgrade(async (tx) => {
        await tx.table('definitions').clear();
        await tx.table('manifestVersions').clear();
        await tx.table('meta').bulkDelete(['manifest.active', 'manifest.status']);
      });
    // v3: the raw GetProfile response moves out of the rows the views read. Old rows are only a cache: drop them.
    this.version(3)
      .stores({ profileResponses: 'key' })
      .upgrade(async (tx) => {
        await tx.table('profiles').clear();
      });
    // v4: what nothing reads goes: the item-name index (one row per Manifest version; Dexie deletes the store) and
    // the secondary indexes no query uses (versions by state, profiles by mintedAt, journal by createdAt).
    this.version(4).stores({
      manifestNames: null,
      manifestVersions: 'version',
      profiles: 'key',
      journal: '++id, status',
    });
    // v5: the player's own loadouts, tags and notes, per account (the membership key). Loadouts are listed per
    // account and per account and class; tags and notes are read per account (a range of the compound key).
    this.version(5).stores({
      loadouts: 'id, account, [account+classType]',
      annotations: '[account+instanceId]',
      itemHashTags: '[account+hash]',
    });
  }
}

let instance: VaultRaiderDB | undefined;

/** The shared database singleton. */
export function getDb(): VaultRaiderDB {
  instance ??= new VaultRaiderDB();
  return instance;
}
