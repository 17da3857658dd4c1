import { unzipSync } from 'fflate';
import type { Database, SqlJsStatic } from 'sql.js';
import { ManifestError } from './errors';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * Take the SQLite file out of a `mobileWorldContentPaths` download. Bungie: the `.content` file is a ZIP holding
 * exactly one SQLite file; anything else (truncated transfer, HTML error page, empty archive) is refused.
 */
export function unzipContent(zip: Uint8Array): Uint8Array {
  let files: Record<string, Uint8Array>;
  try {
    let taken = false;
    // Only inflate the first member: the archive has one database and inflating costs as much as its size.
    files = unzipSync(zip, {
      filter: () => {
        if (taken) return false;
        taken = true;
        return true;
      },
    });
  } catch (error) {
    throw new ManifestError(
      'corrupt',
      'The downloaded item database was damaged (incomplete or corrupt file).',
      String(error),
    );
  }
  const [database] = Object.values(files);
  if (!database || !isSqlite(database)) {
    throw new ManifestError('no-database', 'The downloaded item database file did not contain a database.');
  }
  return database;
}

/** True when `bytes` start with the SQLite 3 file header. */
export function isSqlite(bytes: Uint8Array): boolean {
  if (bytes.length < 100) return false;
  for (let i = 0; i < SQLITE_MAGIC.length; i++) if (bytes[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
  return true;
}

/** Open the Manifest database; the bytes are copied into sql.js, so the caller may drop its reference. */
export function openManifestDb(SQL: SqlJsStatic, bytes: Uint8Array): Database {
  try {
    const db = new SQL.Database(bytes);
    db.exec('SELECT count(*) FROM sqlite_master');
    return db;
  } catch (error) {
    throw new ManifestError('corrupt', 'The downloaded item database could not be opened.', String(error));
  }
}

/** Names of the tables in the Manifest database. */
export function tableNames(db: Database): Set<string> {
  return damagedOnThrow(() => {
    const result = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'");
    return new Set((result[0]?.values ?? []).map((row) => String(row[0])));
  });
}

/** Row count of one Bungie table (for progress). */
export function countRows(db: Database, table: string): number {
  return damagedOnThrow(() => Number(db.exec(`SELECT count(*) FROM "${table}"`)[0]?.values[0]?.[0] ?? 0));
}

/** SQLite errors on a file that passed the header check mean the file is damaged (e.g. a corrupt zip member). */
function damagedOnThrow<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new ManifestError('corrupt', 'The downloaded item database is damaged and could not be read.', String(error));
  }
}

/** One raw row: Bungie's signed id turned into the unsigned hash, and the JSON bytes as stored. */
export interface RawRow {
  hash: number;
  json: Uint8Array | string;
}

/**
 * Read one Bungie table in batches. Bungie: `id` is the hash as a signed 32-bit integer (`hash | 0`), so `id >>> 0`
 * gives the hash back; `json` is UTF-8 JSON stored as a BLOB (sql.js returns a Uint8Array).
 */
export function* readTable(db: Database, table: string, batchSize: number): Generator<RawRow[]> {
  const stmt = damagedOnThrow(() => db.prepare(`SELECT id, json FROM "${table}"`));
  try {
    let batch: RawRow[] = [];
    while (damagedOnThrow(() => stmt.step())) {
      const [id, json] = stmt.get();
      batch.push({ hash: Number(id) >>> 0, json: json as Uint8Array | string });
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } finally {
    stmt.free();
  }
}
