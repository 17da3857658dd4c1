// @vitest-environment node
/**
 * Seeded loadout applies against the emulator while it injects 500s, 1642s, throttles, lost answers, dropped
 * connections, profile outages and worker stops (the faults of ./fault-kit.ts). Each loadout draws gear from every
 * store for a random character. After each apply: no item vanished or appeared, the cache equals the emulator, and
 * the job ended (done or failed) with its sentence.
 */
import type { Loadout } from '@destinyitemmanager/dim-api-types';
import type { DestinyClass } from 'bungie-api-ts/destiny2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db/schema';
import { inventoryDigest } from '@/lib/inventory/apply-step';
import { classCanEquip } from '@/lib/inventory/plan-capacity';
import type { InventoryModel } from '@/lib/inventory/types';
import { jobData, type JournalData } from '@/lib/moves/executor';
import { accountTotals, digestDiff, startRig, type Rig } from './emulator-kit';
import { faultRule, randomFault, rng, type FaultKind } from './fault-kit';

const TIMEOUT_MS = 150;
const SETTLE_MS = 250;
const APPLIES = 20;

/** 3–7 weapons and armor pieces from anywhere for a random character, about two thirds of them to be equipped. */
function randomLoadout(model: InventoryModel, random: () => number, n: number): { loadout: Loadout; to: string } {
  const characters = model.stores.filter((s) => s.kind === 'character');
  const target = characters[Math.floor(random() * characters.length)];
  const pool = Object.values(model.items).filter(
    (i) =>
      i.isInstanced &&
      i.resolved &&
      i.transferable &&
      (i.isWeapon || i.isArmor) &&
      i.location !== 'postmaster' &&
      classCanEquip(i, target),
  );
  const count = 3 + Math.floor(random() * 5);
  const picked = new Set<string>();
  while (picked.size < count) picked.add(pool[Math.floor(random() * pool.length)].key);
  const equipped: Loadout['equipped'] = [];
  const unequipped: Loadout['unequipped'] = [];
  for (const key of picked) {
    const item = model.items[key];
    (random() < 0.66 ? equipped : unequipped).push({ id: item.itemInstanceId, hash: item.itemHash });
  }
  const loadout = { id: `fault-${n}`, name: `Loadout ${n}`, classType: 3 as DestinyClass, equipped, unequipped };
  return { loadout, to: target.id };
}

/** One seeded run of `APPLIES` loadout applies; `full` leaves the vault two free slots so room-making happens. */
function faultRun(seed: number, vault: 'roomy' | 'full') {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ timeoutMs: TIMEOUT_MS, settleMs: SETTLE_MS });
    if (vault === 'full') {
      const used = rig.emu.control.state().items.filter((i) => i.owner === 'vault').length;
      rig.emu.control.setVaultCapacity(used + 2);
      await rig.profiles.refresh({ reconcile: true });
    }
  });
  afterAll(async () => rig?.close());

  it(`seed ${seed}, ${vault} vault: ${APPLIES} loadout applies under faults lose no item and leave the cache equal to the emulator`, async () => {
    const random = rng(seed);
    const baseline = accountTotals(await rig.truth());
    const faults: Partial<Record<FaultKind, number>> = {};
    let done = 0;
    let cut = 0;
    for (let n = 0; n < APPLIES; n++) {
      const fault = randomFault(random);
      faults[fault] = (faults[fault] ?? 0) + 1;
      const rule = faultRule(fault, Math.floor(random() * 1e9), TIMEOUT_MS);
      if (fault === 'profile-500') {
        rig.emu.control.fault({ ...rule!, route: '/Platform/Destiny2/*/Profile/*/' });
        rig.emu.control.fault(faultRule('500', Math.floor(random() * 1e9), TIMEOUT_MS)!);
      } else if (rule) {
        rig.emu.control.fault(rule);
      }
      const { loadout, to } = randomLoadout(await rig.model(), random, n);
      const id = await rig.executor.enqueue({ kind: 'loadout', loadout, characterId: to });
      if (fault === 'worker-stop') {
        await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
        if ((await rig.restart()) > 0) cut++;
      }
      await rig.executor.idle();
      rig.emu.control.clearFaults();

      const context = `seed ${seed} apply ${n} (${fault})`;
      const truth = await rig.truth();
      const cache = await rig.model();
      const row = (await getDb().journal.get(id))!;
      const data = jobData(row.data, row.status);
      if (inventoryDigest(cache).join('\n') !== inventoryDigest(truth).join('\n')) {
        expect({ context, message: data.message, ...digestDiff(cache, truth) }).toBeUndefined();
      }
      expect(accountTotals(truth), `${context}: an item vanished or appeared`).toEqual(baseline);
      expect(['done', 'failed'], `${context}: job left ${row.status}`).toContain(row.status);
      expect((row.data as JournalData).message ?? '', `${context}: ends with a sentence`).toMatch(/^[A-Z0-9].*[.]$/);
      if (row.status === 'done') done++;
    }
    console.log(JSON.stringify({ seed, vault, applies: APPLIES, done, cut, faults }));
    expect(done).toBeGreaterThan(APPLIES / 2);
    expect(cut, 'some worker stops cut a loadout off mid-plan').toBeGreaterThan(0);
  }, 150_000);
}

describe('loadout applies under faults, roomy vault', () => faultRun(14_002, 'roomy'));
describe('loadout applies under faults, full vault', () => faultRun(14_005, 'full'));
