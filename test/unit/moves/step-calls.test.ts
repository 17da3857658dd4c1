// @vitest-environment node
/**
 * The executor wired like the worker (lib/moves/step-calls.ts createMoveDeps, real client, real profile service)
 * against the emulator: the selected membership is read once per job, not before each call, and every call is made
 * for that membership.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { VAULT_ID } from '@/lib/inventory/types';
import { MEMBERSHIP, startRig, type Rig } from './emulator-kit';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => rig?.close());

it('a two-call move reads the membership once and calls Bungie for that membership', async () => {
  const model = await rig.model();
  const equipped = Object.values(model.items).find(
    (i) => i.owner !== VAULT_ID && i.equipped && i.isWeapon && i.transferable && !i.isExotic,
  )!;
  rig.emu.control.clearRequests();
  const before = rig.membershipReads;
  await rig.executor.enqueue({ kind: 'move', itemKey: equipped.key, to: VAULT_ID });
  await rig.executor.idle();
  const calls = rig.emu.control.requests().filter((r) => r.path.includes('/Actions/Items/') && r.errorCode === 1);
  expect(calls.length).toBeGreaterThanOrEqual(2);
  // One read when the job was queued (its account is recorded), one when it started.
  expect(rig.membershipReads - before).toBe(2);
  for (const call of calls)
    expect((call.body as { membershipType?: number }).membershipType).toBe(MEMBERSHIP.membershipType);
  expect((await rig.model()).items[equipped.key].location).toBe('vault');
});
