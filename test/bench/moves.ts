/**
 * Bulk-move benchmark: 50 items moved through the worker's executor (real client with Bungie's spacing rules, real
 * profile service over Dexie on fake-indexeddb) against the emulator with its rate rules on.
 *
 *   node --import tsx test/bench/moves.ts [--items 50]
 *
 * Bungie allows about 10 item actions per second (0.1 s between starts); the run must end with zero throttle
 * answers and the cached model equal to the emulator's. Prints readable figures, then exactly one JSON line.
 */
import 'fake-indexeddb/auto';
import { register } from 'node:module';
import { fakeBrowser } from 'wxt/testing/fake-browser';

// The profile service reads `browser` (alarms); outside vitest the fake has to be the global before it loads.
(globalThis as { chrome?: unknown }).chrome = fakeBrowser;
// lib/config/build.ts reads WXT's build-time `import.meta.env`, which plain Node does not have: give it an empty one.
register(
  `data:text/javascript,${encodeURIComponent(`
export async function load(url, context, next) {
  const result = await next(url, context);
  if (!url.includes('/lib/') || result.source == null) return result;
  const source = String(result.source).replaceAll('import.meta.env', '(import.meta.env || {})');
  return { ...result, source };
}`)}`,
);

const { THROTTLE_CODES } = await import('@/lib/bungie/errors');
const { getDb } = await import('@/lib/db/schema');
const { inventoryDigest } = await import('@/lib/inventory/apply-step');
const { VAULT_ID } = await import('@/lib/inventory/types');
const { startRig } = await import('../unit/moves/emulator-kit');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const count = arg('items', 50);
const rig = await startRig({ allComponents: true });
try {
  const model = await rig.model();
  // Unequipped gear on the characters: each goes to the vault in exactly one TransferItem.
  const items = Object.values(model.items)
    .filter((i) => i.isInstanced && i.transferable && i.resolved && !i.equipped && i.location === 'inventory')
    .filter((i) => i.owner !== VAULT_ID && (i.isWeapon || i.isArmor))
    .slice(0, count);
  if (items.length < count) throw new Error(`only ${items.length} movable items on the characters`);
  rig.emu.control.clearRequests();

  const started = performance.now();
  for (const item of items) await rig.executor.enqueue({ kind: 'move', itemKey: item.key, to: VAULT_ID });
  await rig.executor.idle();
  const seconds = (performance.now() - started) / 1000;

  const log = rig.emu.control.requests();
  const actions = log.filter((r) => r.path.includes('/Actions/Items/'));
  const throttled = log.filter((r) => r.errorCode !== undefined && THROTTLE_CODES.has(r.errorCode)).length;
  const profileFetches = log.filter((r) => r.path.includes('/Profile/')).length;
  const gaps = actions.slice(1).map((r, i) => r.time - actions[i].time);
  const jobs = await getDb().journal.toArray();
  const done = jobs.filter((j) => j.status === 'done').length;
  const after = await rig.model();
  const inVault = items.filter((i) => after.items[i.key]?.location === 'vault').length;
  const matches = inventoryDigest(after).join('\n') === inventoryDigest(await rig.truth()).join('\n');

  const figures = {
    bench: 'moves',
    items: count,
    movesDone: done,
    itemsInVault: inVault,
    itemActionCalls: actions.length,
    profileFetches,
    throttleErrors: throttled,
    seconds: Number(seconds.toFixed(2)),
    movesPerSecond: Number((done / seconds).toFixed(2)),
    minGapMs: gaps.length ? Math.min(...gaps) : null,
    medianGapMs: gaps.length ? gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)] : null,
    cacheMatchesEmulator: matches,
  };
  console.log(`Moved ${inVault} of ${count} items to the vault in ${figures.seconds} s.`);
  console.log(`  ${figures.movesPerSecond} moves per second (Bungie's limit is about 10 per second)`);
  console.log(`  ${actions.length} item-action calls, ${profileFetches} profile fetches, ${throttled} throttle errors`);
  console.log(`  gap between calls: min ${figures.minGapMs} ms, median ${figures.medianGapMs} ms`);
  console.log(`  cached model equals the emulator: ${matches ? 'yes' : 'NO'}`);
  const ok = throttled === 0 && done === count && inVault === count && matches;
  console.log(JSON.stringify({ ...figures, ok }));
  process.exitCode = ok ? 0 : 1;
} finally {
  await rig.close();
}
