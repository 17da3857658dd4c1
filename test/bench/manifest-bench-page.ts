/**
 * Page script of the Manifest benchmark. `test/bench/manifest.ts` copies it into a throw-away build as an extra
 * extension page (it never ships), so the benchmark can call the real lookup and pipeline code in Chromium:
 * - bulk lookups through `getDefinitions` against the worker's database;
 * - the same ingest in a document (what an offscreen document would run) into a separate database;
 * - the baseline most tools use: download the item table's JSON, parse it whole, store it as one value.
 */
import Dexie from 'dexie';
import { createBungieClient } from '@/lib/bungie/client';
import { VaultRaiderDB } from '@/lib/db/schema';
import { getDefinitions, rememberHotItems } from '@/lib/manifest/lookup';
import { checkManifest } from '@/lib/manifest/pipeline';
import { loadSqlFromExtension } from '@/lib/manifest/service';
import { manifestSourceFrom } from '@/lib/manifest/source';

async function lookup(hashes: number[], runs: number): Promise<{ found: number; ms: number[] }> {
  const ms: number[] = [];
  let found = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const result = await getDefinitions('InventoryItem', hashes);
    ms.push(performance.now() - t);
    found = result.size;
  }
  return { found, ms };
}

async function ingestInDocument(origin: string, apiKey: string) {
  const db = new VaultRaiderDB('vr-bench-document');
  try {
    const client = createBungieClient({ config: { origin, apiKey } });
    const t = performance.now();
    const result = await checkManifest({ db, source: manifestSourceFrom(client), loadSql: loadSqlFromExtension });
    return { wallMs: performance.now() - t, result };
  } finally {
    await db.delete();
  }
}

async function baseline(url: string) {
  const db = new Dexie('vr-bench-baseline');
  db.version(1).stores({ tables: '' });
  try {
    let t = performance.now();
    const response = await fetch(url);
    const buffer = await response.arrayBuffer();
    const downloadMs = performance.now() - t;
    t = performance.now();
    const table = JSON.parse(new TextDecoder().decode(buffer)) as Record<string, unknown>;
    const parseMs = performance.now() - t;
    t = performance.now();
    await db.table('tables').put(table, 'DestinyInventoryItemDefinition');
    const storeMs = performance.now() - t;
    return { bytes: buffer.byteLength, rows: Object.keys(table).length, downloadMs, parseMs, storeMs };
  } finally {
    await db.delete();
  }
}

async function storageEstimate() {
  const estimate = await navigator.storage.estimate();
  return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 };
}

/** What the worker does after building an account's model (a page only does it here, in the benchmark). */
function remember(hashes: number[]): Promise<number> {
  return rememberHotItems(hashes);
}

Object.assign(globalThis, { vrBench: { lookup, remember, ingestInDocument, baseline, storageEstimate } });
document.body.dataset.ready = 'true';
