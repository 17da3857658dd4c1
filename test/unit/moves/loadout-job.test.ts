// @vitest-environment node
/**
 * Loadout jobs run by the executor wired like the worker (createMoveDeps, real client, real profile service over
 * Dexie) against the emulator: the plan's calls and no more, one EquipItems call on the target, the cache equal to
 * the emulator, undo through the undo loadout, a 500 mid-job, a worker stop mid-job, and EquipItems answering item
 * by item.
 */
import { afterEach, expect, it } from 'vitest';
import { getDb } from '@/lib/db/schema';
import { inventoryDigest } from '@/lib/inventory/apply-step';
import { LOADOUT_BUCKETS, undoLoadoutId } from '@/lib/inventory/loadouts/loadout';
import { planCallCount, planLoadout } from '@/lib/inventory/loadouts/plan';
import type { EquipManyStep } from '@/lib/inventory/plan-types';
import { transferItem } from '@/lib/bungie/endpoints';
import { BUCKETS, VAULT_ID, type InventoryItem, type InventoryModel } from '@/lib/inventory/types';
import { MOVE_STATUS_KEY, jobData, type MoveStatus } from '@/lib/moves/executor';
import { checkEquipResults, PartialEquip } from '@/lib/moves/step-calls';
import { HUNTER, TITAN, WARLOCK, equippedKeys, loadoutOf, named } from '../inventory/loadouts/loadout-kit';
import { MEMBERSHIP, digestDiff, startRig, type Rig } from './emulator-kit';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const on = (owner: string) => (i: InventoryItem) => i.owner === owner;
const equippedOn = (owner: string) => (i: InventoryItem) => i.owner === owner && i.equipped;

/** Chroma Rush (worn by the Hunter), Seventh Seraph SI2 (worn by the Warlock), the vault's Whisper of the Worm and
 * the Titan's own helm equipped; three more items from the Titan, the Hunter and the Warlock carried along. */
function spreadLoadout(model: InventoryModel) {
  const equip = [
    named(model, 'Chroma Rush', equippedOn(HUNTER)),
    named(model, 'Seventh Seraph SI2', equippedOn(WARLOCK)),
    named(model, 'Whisper of the Worm', on(VAULT_ID)),
    named(model, 'Praefectus Helm', (i) => i.owner === TITAN && i.power === 1298),
  ];
  const carry = [
    named(model, 'Hardlink Shell', on(TITAN)),
    named(model, 'Long Shadow', (i) => i.owner === HUNTER && i.power === 1310),
    named(model, 'Trinary System', on(WARLOCK)),
  ];
  return { equip, carry, loadout: loadoutOf(equip, carry, 3, 'Raid night') };
}

const itemCalls = (r: Rig) =>
  r.emu.control.requests().filter((q) => q.path.includes('/Actions/Items/') && q.errorCode === 1);

async function expectCacheIsTruth(r: Rig) {
  const cache = await r.model();
  const truth = await r.truth();
  if (inventoryDigest(cache).join('\n') !== inventoryDigest(truth).join('\n')) {
    expect(digestDiff(cache, truth)).toEqual({ onlyInCache: [], onlyInTruth: [] });
  }
  return truth;
}

/** Instance ids of what the character wears in the buckets a loadout records (what the undo loadout holds). */
function gearIds(model: InventoryModel, characterId: string): string[] {
  return equippedKeys(model, characterId)
    .map((k) => model.items[k])
    .filter((i) => LOADOUT_BUCKETS.includes(i.bucketHash))
    .map((i) => i.itemInstanceId!);
}

async function job(id: number) {
  const row = (await getDb().journal.get(id))!;
  return { status: row.status, data: jobData(row.data, row.status) };
}

it('applies a loadout spread over three characters and the vault with exactly the plan’s calls', async () => {
  rig = await startRig();
  const before = await rig.model();
  const { equip, carry, loadout } = spreadLoadout(before);
  const plan = planLoadout(before, loadout, TITAN);
  expect(plan.problems).toEqual([]);
  rig.emu.control.clearRequests();

  const id = await rig.executor.enqueue({ kind: 'loadout', loadout, characterId: TITAN });
  await rig.executor.idle();

  const calls = itemCalls(rig);
  expect(calls).toHaveLength(planCallCount(plan));
  const onTitan = calls.filter(
    (c) => c.path.includes('/EquipItems/') && (c.body as { characterId?: string }).characterId === TITAN,
  );
  expect(onTitan).toHaveLength(1);
  const truth = await expectCacheIsTruth(rig);
  for (const item of equip) expect(truth.items[item.key]).toMatchObject({ owner: TITAN, equipped: true });
  for (const item of carry) expect(truth.items[item.key]).toMatchObject({ owner: TITAN, location: 'inventory' });

  const { status, data } = await job(id);
  expect(status).toBe('done');
  expect(data.message).toBe('Raid night is applied to your Titan.');
  expect(data.calls).toBe(planCallCount(plan));
  // The emulator enforces Bungie's 0.1 s between item actions: no call was throttled, nothing was re-planned.
  const actions = rig.emu.control.requests().filter((q) => q.path.includes('/Actions/Items/'));
  expect(actions.map((q) => q.errorCode)).toEqual(calls.map(() => 1));
  expect(data.replans).toBe(0);
  // The undo loadout is what the Titan wore before the first call.
  expect(data.undoLoadout?.loadout.id).toBe(undoLoadoutId(TITAN));
  const worn = gearIds(before, TITAN);
  expect(data.undoLoadout?.loadout.equipped.map((e) => e.id).sort()).toEqual(worn.sort());
  // Progress counted over the job's steps, ending at "N of N".
  const line = (await getDb().meta.get(MOVE_STATUS_KEY))?.value as MoveStatus;
  expect(line).toMatchObject({ jobId: id, state: 'done', step: plan.steps.length, total: plan.steps.length });
}, 60_000);

it('undo applies the undo loadout: the Titan wears its previous set again', async () => {
  rig = await startRig();
  const before = await rig.model();
  const wornBefore = equippedKeys(before, TITAN);
  const { loadout } = spreadLoadout(before);
  await rig.executor.enqueue({ kind: 'loadout', loadout, characterId: TITAN });
  await rig.executor.idle();
  expect(equippedKeys(await rig.model(), TITAN)).not.toEqual(wornBefore);

  const undo = await rig.executor.undoLast();
  expect(undo.reason).toBeUndefined();
  await rig.executor.idle();
  const truth = await expectCacheIsTruth(rig);
  expect(equippedKeys(truth, TITAN)).toEqual(wornBefore);
  const { status, data } = await job(undo.jobId!);
  expect(status).toBe('done');
  expect(data.undo).toBe(true);
  expect(data.intents[0]).toMatchObject({ kind: 'loadout', characterId: TITAN });
  // An undo is not itself undone.
  expect((await rig.executor.undoLast()).jobId).not.toBe(undo.jobId);
}, 90_000);

it('a 500 mid-job: the truth is read, the rest re-planned from it, and the loadout finishes', async () => {
  rig = await startRig();
  const before = await rig.model();
  const { equip, loadout } = spreadLoadout(before);
  rig.emu.control.fault({
    route: '/Platform/Destiny2/Actions/Items/TransferItem/',
    kind: 'http',
    status: 500,
    times: 1,
  });
  const id = await rig.executor.enqueue({ kind: 'loadout', loadout, characterId: TITAN });
  await rig.executor.idle();
  const failedCalls = rig.emu.control.requests().filter((q) => q.path.includes('/TransferItem/') && q.status === 500);
  expect(failedCalls).toHaveLength(1);
  const truth = await expectCacheIsTruth(rig);
  const { status, data } = await job(id);
  expect(status).toBe('done');
  expect(data.replans).toBe(1);
  for (const item of equip) expect(truth.items[item.key]).toMatchObject({ owner: TITAN, equipped: true });
}, 60_000);

it('a loadout that keeps failing stops with one sentence saying where each item not in place is', async () => {
  rig = await startRig();
  const before = await rig.model();
  const { loadout } = spreadLoadout(before);
  rig.emu.control.fault({ route: '/Platform/Destiny2/Actions/Items/TransferItem/', kind: 'http', status: 500 });
  const id = await rig.executor.enqueue({ kind: 'loadout', loadout, characterId: TITAN });
  await rig.executor.idle();
  rig.emu.control.clearFaults();
  await expectCacheIsTruth(rig);
  const { status, data } = await job(id);
  expect(status).toBe('failed');
  expect(data.replans).toBe(3);
  expect(data.message).toMatch(
    /^Raid night was not fully applied to your Titan\. Bungie is having trouble right now, so the loadout stopped/,
  );
  expect(data.message).toContain('Whisper of the Worm is in your vault');
  expect(data.message).toContain('Trinary System is on your Warlock');
  expect(data.message).toContain('Praefectus Helm is on your Titan but not equipped');
  expect(data.message).toMatch(/[.]$/);
  // A loadout stopped part-way can still be undone: its undo loadout is whole.
  const undo = await rig.executor.undoLast();
  expect(undo.jobId).toBeGreaterThan(id);
  await rig.executor.idle();
  expect(equippedKeys(await expectCacheIsTruth(rig), TITAN)).toEqual(equippedKeys(before, TITAN));
  expect((await job(undo.jobId!)).status).toBe('done');
}, 60_000);

it('a worker stop mid-job: the next executor resumes from the journal and the loadout finishes', async () => {
  rig = await startRig();
  const before = await rig.model();
  const { equip, carry, loadout } = spreadLoadout(before);
  rig.emu.control.clearRequests();
  const id = await rig.executor.enqueue({ kind: 'loadout', loadout, characterId: TITAN });
  while (itemCalls(rig).length < 3) await new Promise((r) => setTimeout(r, 5));
  expect(await rig.restart()).toBe(1);
  await rig.executor.idle();
  const truth = await expectCacheIsTruth(rig);
  const { status, data } = await job(id);
  expect(status).toBe('done');
  for (const item of equip) expect(truth.items[item.key]).toMatchObject({ owner: TITAN, equipped: true });
  for (const item of carry) expect(truth.items[item.key]).toMatchObject({ owner: TITAN, location: 'inventory' });
  // The undo loadout saved before the stop is kept: it is still the Titan's gear from before the job.
  const worn = gearIds(before, TITAN);
  expect(data.undoLoadout?.loadout.equipped.map((e) => e.id).sort()).toEqual(worn.sort());
}, 60_000);

it('EquipItems equips some items: the rest is re-planned from the truth and the loadout finishes', async () => {
  rig = await startRig();
  const before = await rig.model();
  const held = (bucketHash: number) =>
    Object.values(before.items).find(
      (i) => i.owner === TITAN && i.bucketHash === bucketHash && !i.equipped && !i.uniqueLabel && i.equippable,
    )!;
  const kinetic = held(BUCKETS.Kinetic);
  const energy = held(BUCKETS.Energy);
  const loadout = loadoutOf([kinetic, energy], [], 3, 'Two guns');
  // Planned from the cache: one EquipItems call. Meanwhile the energy weapon goes to the vault in game.
  expect(planLoadout(before, loadout, TITAN).steps.map((s) => s.action)).toEqual(['equipMany']);
  await transferItem(rig.client.http, {
    itemReferenceHash: energy.itemHash,
    stackSize: 1,
    transferToVault: true,
    itemId: energy.itemInstanceId!,
    characterId: TITAN,
    membershipType: MEMBERSHIP.membershipType,
  });
  rig.emu.control.clearRequests();

  const id = await rig.executor.enqueue({ kind: 'loadout', loadout, characterId: TITAN });
  await rig.executor.idle();
  const equips = rig.emu.control.requests().filter((q) => q.path.includes('/EquipItems/'));
  expect(equips.length).toBe(2);
  const truth = await expectCacheIsTruth(rig);
  for (const item of [kinetic, energy]) expect(truth.items[item.key]).toMatchObject({ owner: TITAN, equipped: true });
  const { status, data } = await job(id);
  expect(status).toBe('done');
  expect(data.replans).toBe(1);
  // The first EquipItems counted (it equipped the kinetic weapon), then a transfer and the second EquipItems.
  expect(data.calls).toBe(3);
}, 60_000);

it('previewLoadout plans without a call; applyLoadout queues the loadout as one job', async () => {
  rig = await startRig();
  const before = await rig.model();
  const { loadout } = spreadLoadout(before);
  rig.emu.control.clearRequests();
  const preview = await rig.executor.handlers.previewLoadout({ loadout, characterId: TITAN });
  const plan = planLoadout(before, loadout, TITAN);
  expect(preview).toEqual({
    ok: true,
    steps: plan.steps.map((s) => s.label),
    problems: [],
    notes: [],
    calls: planCallCount(plan),
    minimumCalls: expect.any(Number),
  });
  expect(rig.emu.control.requests().filter((q) => q.path.includes('/Actions/'))).toEqual([]);
  const refused = await rig.executor.handlers.previewLoadout({
    loadout: { ...loadout, classType: 1 },
    characterId: TITAN,
  });
  expect(refused).toMatchObject({ ok: true, steps: [], problems: [expect.stringMatching(/Hunter loadout/)] });

  const { jobId } = await rig.executor.handlers.applyLoadout({ loadout, characterId: TITAN });
  await rig.executor.idle();
  expect(await job(jobId)).toMatchObject({
    status: 'done',
    data: { intents: [{ kind: 'loadout', characterId: TITAN }] },
  });
  // A loadout of another class fails whole with the planner's sentence and makes no call.
  rig.emu.control.clearRequests();
  const other = await rig.executor.handlers.applyLoadout({ loadout: { ...loadout, classType: 1 }, characterId: TITAN });
  await rig.executor.idle();
  expect(await job(other.jobId)).toMatchObject({
    status: 'failed',
    data: { message: "Raid night is a Hunter loadout, so your Titan can't use it." },
  });
  expect(rig.emu.control.requests().filter((q) => q.path.includes('/Actions/'))).toEqual([]);
}, 60_000);

it('EquipItems answers item by item: only the items with status 1 count as equipped', () => {
  const step: EquipManyStep = {
    action: 'equipMany',
    characterId: TITAN,
    items: [
      { itemKey: 'a', itemInstanceId: '11' },
      { itemKey: 'b', itemInstanceId: '12' },
      { itemKey: 'c', itemInstanceId: '13' },
    ],
    label: 'equipping 3 items on Titan',
  };
  expect(() =>
    checkEquipResults(step, [
      { itemInstanceId: '11', equipStatus: 1 },
      { itemInstanceId: '12', equipStatus: 1 },
      { itemInstanceId: '13', equipStatus: 1 },
    ]),
  ).not.toThrow();
  let error: unknown;
  try {
    checkEquipResults(step, [
      { itemInstanceId: '11', equipStatus: 1 },
      { itemInstanceId: '12', equipStatus: 1641 },
    ]);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PartialEquip);
  const partial = error as PartialEquip;
  expect(partial.equipped?.items.map((i) => i.itemKey)).toEqual(['a']);
  expect(partial.refused).toEqual([
    { itemKey: 'b', code: 1641 },
    { itemKey: 'c', code: 1618 },
  ]);
  expect(partial.code).toBe(1641);
  expect(() => checkEquipResults(step, [{ itemInstanceId: '11', equipStatus: 1671 }])).toThrow(PartialEquip);
});
