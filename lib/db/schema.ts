import Dexie, { type EntityTable } from 'dexie';
import type { DefinitionTypes, ManifestTable } from '../manifest/types';
import type { InventoryModel } from '../inventory/types';

/** One stored Manifest definition. Rows of several Manifest versions may coexist while a new one is written. */
export interface DefinitionRow<T extends ManifestTable = ManifestTable> {
  /** Our version key: `<schema>:<content path>`. */
  version: string;
  table: T;
  /** The unsigned 32-bit hash (not Bungie's signed SQLite id). */
  hash: number;
  /** Lower-cased display name, for prefix search; '' when the definition has none. */
  nameKey: string;
  def: DefinitionTypes[T];
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

/** The cached GetProfile response for one Destiny membership. */
export interface ProfileRow {
  /** `${membershipType}:${membershipId}` */
  key: string;
  /** Parsed `responseMintedTimestamp` in ms: an older response never overwrites a newer one. */
  mintedAt: number;
  fetchedAt: number;
  /** DestinyProfileResponse (bungie-api-ts) as Bungie sent it. */
  profile: unknown;
  /** The model the views render, built by the worker; patched step by step by the move executor. */
  model?: InventoryModel;
}

/** One user move in the executor's journal: what was planned and how far it got. */
export interface JournalRow {
  id?: number;
  createdAt: number;
  status: 'queued' | 'running' | 'done' | 'failed' | 'interrupted';
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
 * The one IndexedDB of the extension. The service worker writes; pages only read (live queries).
 * Same name in the worker and in pages = same database (origin chrome-extension://<id>).
 */
export class VaultRaiderDB extends Dexie {
  definitions!: Dexie.Table<DefinitionRow, [string, string, number]>;
  manifestVersions!: EntityTable<ManifestVersionRow, 'version'>;
  meta!: EntityTable<MetaRow, 'key'>;
  profiles!: EntityTable<ProfileRow, 'key'>;
  journal!: EntityTable<JournalRow, 'id'>;
  vendors!: EntityTable<VendorRow, 'key'>;

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
  }
}

let instance: VaultRaiderDB | undefined;

/** The shared database singleton. */
export function getDb(): VaultRaiderDB {
  instance ??= new VaultRaiderDB();
  return instance;
}
