import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import type { DestinyManifest } from 'bungie-api-ts/destiny2';
import type { ManifestSource } from '@/lib/manifest/pipeline';

/** The shared, read-only Manifest fixture (a sibling of the project root). */
export const MANIFEST_DIR = resolve(import.meta.dirname, '../../../../shared/fixtures/manifest');
export const BUNGIE_DIR = resolve(import.meta.dirname, '../../../../shared/fixtures/bungie');

export function fixtureEnvelope(): { Response: DestinyManifest; ErrorCode: number } {
  return JSON.parse(readFileSync(join(MANIFEST_DIR, 'Platform/Destiny2/Manifest/index.json'), 'utf8'));
}

export function fixtureManifest(): DestinyManifest {
  return fixtureEnvelope().Response;
}

/** The fixture's item definitions as Bungie's per-table JSON has them (hash → definition). */
export function fixtureTable(table: string): Record<string, Record<string, unknown>> {
  const path = fixtureManifest().jsonWorldComponentContentPaths.en[table];
  return JSON.parse(readFileSync(join(MANIFEST_DIR, path), 'utf8'));
}

let sql: Promise<SqlJsStatic> | undefined;
/** sql.js for node: no locateFile, the node build finds its own wasm. */
export function loadSqlNode(): Promise<SqlJsStatic> {
  sql ??= initSqlJs();
  return sql;
}

export interface FakeSourceOptions {
  manifest?: DestinyManifest;
  /** Extra files served by path (content zips made by a test). */
  files?: Record<string, Uint8Array>;
  failManifest?: unknown;
  failDownload?: unknown;
}

/** A ManifestSource over the fixture tree, recording calls, like the emulator would serve it. */
export function fakeSource(options: FakeSourceOptions = {}): ManifestSource & {
  calls: string[];
  options: FakeSourceOptions;
} {
  const calls: string[] = [];
  return {
    calls,
    options,
    async getManifest() {
      calls.push('manifest');
      if (options.failManifest) throw options.failManifest;
      return options.manifest ?? fixtureManifest();
    },
    async download(path, onProgress) {
      calls.push(`download ${path}`);
      if (options.failDownload) throw options.failDownload;
      const bytes = options.files?.[path] ?? new Uint8Array(readFileSync(join(MANIFEST_DIR, path)));
      onProgress?.(Math.floor(bytes.length / 2), bytes.length);
      onProgress?.(bytes.length, bytes.length);
      return bytes;
    },
  };
}

/** Bungie's table layout: `id INTEGER PRIMARY KEY` holding `hash | 0`, `json BLOB` of UTF-8 JSON. */
export async function buildContentZip(
  tables: Record<string, Record<string, unknown>[]>,
  name = 'world_sql_content_test.content',
): Promise<Uint8Array> {
  const SQL = await loadSqlNode();
  const db = new SQL.Database();
  const encoder = new TextEncoder();
  for (const [table, defs] of Object.entries(tables)) {
    db.run(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY NOT NULL, json BLOB)`);
    for (const def of defs)
      db.run(`INSERT INTO ${table} VALUES (?, ?)`, [(def.hash as number) | 0, encoder.encode(JSON.stringify(def))]);
  }
  const bytes = db.export();
  db.close();
  return zipSync({ [name]: bytes });
}

/** A Manifest answer pointing at a different content path (a new version as Bungie would publish it). */
export function manifestWithPath(path: string, version = 'test-version'): DestinyManifest {
  const base = fixtureManifest();
  return { ...base, version, mobileWorldContentPaths: { ...base.mobileWorldContentPaths, en: path } };
}

/** Every stored table, taken from the fixture; items cut down to `itemHashes` (and renamed with `suffix`). */
export function smallTables(itemHashes: number[], suffix = ''): Record<string, Record<string, unknown>[]> {
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const table of Object.keys(fixtureManifest().jsonWorldComponentContentPaths.en)) {
    const defs = Object.values(fixtureTable(table));
    tables[table] =
      table === 'DestinyInventoryItemDefinition'
        ? defs
            .filter((d) => itemHashes.includes(d.hash as number))
            .map((d) => ({
              ...d,
              displayProperties: {
                ...(d.displayProperties as object),
                name: `${(d.displayProperties as { name: string }).name}${suffix}`,
              },
            }))
        : defs;
  }
  return tables;
}
