import { unzipSync } from 'fflate';
import type { Database, SqlJsStatic } from 'sql.js';
import { ManifestError } from './errors';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

const CORRUPT = 'The downloaded item database was damaged (incomplete or corrupt file).';
const NO_DATABASE = 'The downloaded item database file did not contain a database.';

/** Where the first member of a ZIP archive sits, read from the central directory (local sizes may be zero). */
interface ZipMember {
  method: number;
  dataStart: number;
  compressedSize: number;
  size: number;
}

function firstMember(zip: Uint8Array): ZipMember | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ManifestError('corrupt', CORRUPT, 'no end of central directory');
  if (view.getUint16(eocd + 10, true) === 0) return undefined;
  const cd = view.getUint32(eocd + 16, true);
  if (cd + 46 > zip.length || view.getUint32(cd, true) !== 0x02014b50) {
    throw new ManifestError('corrupt', CORRUPT, 'bad central directory');
  }
  const local = view.getUint32(cd + 42, true);
  if (local + 30 > zip.length || view.getUint32(local, true) !== 0x04034b50) {
    throw new ManifestError('corrupt', CORRUPT, 'bad local header');
  }
  const member: ZipMember = {
    method: view.getUint16(cd + 10, true),
    compressedSize: view.getUint32(cd + 20, true),
    size: view.getUint32(cd + 24, true),
    dataStart: local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true),
  };
  if (member.dataStart + member.compressedSize > zip.length) throw new ManifestError('corrupt', CORRUPT, 'truncated');
  return member;
}

/** Inflate with the browser's native zlib (off the JS heap, much faster than JS inflate on big files). */
async function inflateNative(data: Uint8Array, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let offset = 0;
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (offset + value.length > size) throw new Error('member larger than declared');
    out.set(value, offset);
    offset += value.length;
  }
  if (offset !== size) throw new Error('member shorter than declared');
  return out;
}

/** fflate, for runtimes without DecompressionStream and for ZIP64 or unusual archives. */
function unzipWithFflate(zip: Uint8Array): Uint8Array | undefined {
  let taken = false;
  // Only inflate the first member: the archive has one database and inflating costs as much as its size.
  const files = unzipSync(zip, {
    filter: () => {
      if (taken) return false;
      taken = true;
      return true;
    },
  });
  return Object.values(files)[0];
}

/**
 * Take the SQLite file out of a `mobileWorldContentPaths` download. Bungie: the `.content` file is a ZIP holding
 * exactly one SQLite file; anything else (truncated transfer, HTML error page, empty archive) is refused.
 */
export async function unzipContent(zip: Uint8Array): Promise<Uint8Array> {
  let database: Uint8Array | undefined;
  try {
    const member = firstMember(zip);
    if (member) {
      const data = zip.subarray(member.dataStart, member.dataStart + member.compressedSize);
      const zip64 = member.size === 0xffffffff || member.compressedSize === 0xffffffff;
      if (member.method === 0 && !zip64) database = data.slice();
      else if (member.method === 8 && !zip64 && typeof DecompressionStream === 'function') {
        database = await inflateNative(data, member.size);
      } else database = unzipWithFflate(zip);
    }
  } catch (error) {
    if (error instanceof ManifestError) throw error;
    throw new ManifestError('corrupt', CORRUPT, String(error));
  }
  if (!database || !isSqlite(database)) throw new ManifestError('no-database', NO_DATABASE);
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
  // CAST: sql.js then decodes the UTF-8 straight from wasm memory instead of copying a BLOB out for us to decode.
  const stmt = damagedOnThrow(() => db.prepare(`SELECT id, CAST(json AS TEXT) FROM "${table}"`));
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
