/**
 * Moves end to end in Chromium against the emulator: every move goes through the side panel's item menu (or the
 * runMove message for a partial stack, which has no menu entry), the worker's executor calls the emulator, and the
 * side panel shows the result without a reload. The emulator's request log proves the call counts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { DestinyProfileResponse } from 'bungie-api-ts/destiny2';
import { inventoryDigest } from '../../lib/inventory/apply-step';
import { buildInventoryModel } from '../../lib/inventory/model';
import type { InventoryItem, InventoryModel, StoreModel } from '../../lib/inventory/types';
import { api, MEMBERSHIP_ID, signIn as tokenFor } from '../unit/fake-bungie/helpers';
import { loadDefinitions } from '../unit/inventory/fixtures';
import { faultRule, randomIntent, rng, type FaultKind } from '../unit/moves/fault-kit';
import { startEmulator, type Emulator } from '../fake-bungie/index';
import { generateFullAccount, launchSignedIn, waitFor, type LaunchedExtension } from './harness';

const VAULT = 'vault';
const ITEM_ACTIONS = /\/Actions\/Items\//;
const PROFILE = /\/Profile\/\d+\/$/;

/** The cached model, read straight from the extension's IndexedDB (what the views render). */
async function readModel(page: Page): Promise<InventoryModel> {
  return page.evaluate(
    () =>
      new Promise<InventoryModel>((resolve, reject) => {
        const open = indexedDB.open('vault-raider');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const meta = db.transaction('meta').objectStore('meta').get('activeProfileKey');
          meta.onsuccess = () => {
            const row = db.transaction('profiles').objectStore('profiles').get(meta.result.value);
            row.onsuccess = () => resolve(row.result.model);
          };
        };
      }),
  );
}

/** Unequipped gear on `a` whose bucket on `b` has room. */
function movableBetween(model: InventoryModel, a: StoreModel, b: StoreModel): InventoryItem {
  return Object.values(model.items).find(
    (i) =>
      gear(i) &&
      i.owner === a.id &&
      !i.equipped &&
      i.location === 'inventory' &&
      (b.buckets[i.targetBucketHash]?.length ?? 99) < 9,
  )!;
}

async function lastJob(page: Page): Promise<{ id: number; status: string; message?: string }> {
  return page.evaluate(
    () =>
      new Promise<{ id: number; status: string; message?: string }>((resolve) => {
        const open = indexedDB.open('vault-raider');
        open.onsuccess = () => {
          const cursor = open.result.transaction('journal').objectStore('journal').openCursor(null, 'prev');
          cursor.onsuccess = () => {
            const row = cursor.result?.value;
            resolve({ id: row?.id ?? 0, status: row?.status ?? 'none', message: row?.data?.message });
          };
        };
      }),
  );
}

/** Moves not finished yet (queued, running, or cut off by a worker stop). */
async function openJobs(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('vault-raider');
        open.onsuccess = () => {
          const all = open.result.transaction('journal').objectStore('journal').getAll();
          all.onsuccess = () => resolve(all.result.filter((r) => !['done', 'failed'].includes(r.status)).length);
        };
      }),
  );
}

const gear = (i: InventoryItem) => i.isInstanced && i.resolved && i.transferable && (i.isWeapon || i.isArmor);

describe('moves: the side panel moves items through the worker queue', () => {
  let emulator: Emulator;
  let ext: LaunchedExtension;
  let panel: Page;

  before(async () => {
    emulator = await startEmulator();
    ext = await launchSignedIn(emulator);
    panel = await ext.openPage('sidepanel');
    await panel.locator('.inventory-grid .item-tile').first().waitFor({ timeout: 90_000 });
  });
  after(async () => {
    await ext?.close();
    await emulator?.close();
  });

  /** Click the tile, then the menu action; wait until the journal says the move ended. */
  async function viaMenu(itemKey: string, action: string): Promise<{ status: string; message?: string }> {
    const before = (await lastJob(panel)).id;
    await panel.locator(`.inventory-grid [data-item-key="${itemKey}"]`).first().click();
    await panel.locator(`.item-action-menu [data-action="${action}"]`).click();
    return settled(before);
  }

  /** The first job queued after `after` (a journal id), once it has ended. */
  async function settled(after = -1): Promise<{ status: string; message?: string }> {
    return waitFor(
      async () => {
        const job = await lastJob(panel);
        return job.id > after && (job.status === 'done' || job.status === 'failed') ? job : undefined;
      },
      { timeout: 30_000, what: 'the move to end' },
    );
  }

  function cellOf(storeId: string, itemKey: string) {
    return panel.locator(`.cell[data-store-id="${storeId}"] [data-item-key="${itemKey}"]`);
  }

  function actionsSince(from: number) {
    return emulator.control.requests().slice(from);
  }

  it('vault → character: one item call, no profile refetch, and the tile moves at once', async () => {
    const model = await readModel(panel);
    const character = model.stores.find((s) => s.kind === 'character')!;
    const item = Object.values(model.items).find(
      (i) => gear(i) && i.location === 'vault' && (model.stores[0].buckets[i.targetBucketHash]?.length ?? 99) < 9,
    )!;
    const from = emulator.control.requests().length;
    const job = await viaMenu(item.key, `send-${character.id}`);
    assert.equal(job.status, 'done', job.message);
    await cellOf(character.id, item.key).waitFor({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 500));
    const log = actionsSince(from);
    const calls = log.filter((r) => ITEM_ACTIONS.test(r.path));
    assert.equal(calls.length, 1);
    const callAt = log.indexOf(calls[0]);
    assert.equal(log.slice(callAt).filter((r) => PROFILE.test(r.path)).length, 0);
    await ext.screenshot(panel, 'moves-vault-to-character');
  });

  it('character → character: two item calls through the vault', async () => {
    const model = await readModel(panel);
    const [a, b] = model.stores.filter((s) => s.kind === 'character');
    const item = movableBetween(model, a, b);
    const from = emulator.control.requests().length;
    const job = await viaMenu(item.key, `send-${b.id}`);
    assert.equal(job.status, 'done', job.message);
    await cellOf(b.id, item.key).waitFor({ timeout: 5000 });
    assert.equal(actionsSince(from).filter((r) => ITEM_ACTIONS.test(r.path)).length, 2);
  });

  it('drag and drop moves an item; the plan can be previewed; undo moves it back', async () => {
    const model = await readModel(panel);
    const [a, b] = model.stores.filter((s) => s.kind === 'character');
    const item = movableBetween(model, a, b);
    // Preview: the steps are listed before anything runs.
    const calls = () => emulator.control.requests().filter((r) => ITEM_ACTIONS.test(r.path)).length;
    const before = calls();
    await panel.locator(`.inventory-grid [data-item-key="${item.key}"]`).first().click();
    await panel.locator(`.item-action-menu [aria-label="Preview: Send to ${b.name}"]`).click();
    const steps = await panel.locator('.item-action-menu .preview li').allTextContents();
    assert.equal(steps.length, 2, steps.join(' / '));
    assert.match(steps[0], /vault/i);
    assert.equal(calls(), before, 'a preview makes no call');
    await panel.keyboard.press('Escape');
    await panel.mouse.click(5, 5);

    // Drag the tile onto the other character's column.
    const job0 = (await lastJob(panel)).id;
    await panel
      .locator(`.inventory-grid [data-item-key="${item.key}"]`)
      .first()
      .dragTo(panel.locator(`.column-head:has([data-store-id="${b.id}"])`));
    const moved = await settled(job0);
    assert.equal(moved.status, 'done', moved.message);
    await cellOf(b.id, item.key).waitFor({ timeout: 5000 });

    // Undo brings it back where it was.
    const job1 = (await lastJob(panel)).id;
    await panel.locator('.move-status .undo').click();
    const undone = await settled(job1);
    assert.equal(undone.status, 'done', undone.message);
    await cellOf(a.id, item.key).waitFor({ timeout: 10_000 });
  });

  it('equipping an exotic unequips the other exotic weapon first', async () => {
    const model = await readModel(panel);
    const items = Object.values(model.items);
    const character = model.stores.find(
      (s) => s.kind === 'character' && items.some((i) => i.owner === s.id && i.equipped && i.isExotic && i.isWeapon),
    );
    assert.ok(character, 'a character with an exotic weapon equipped');
    const equipped = items.find((i) => i.owner === character.id && i.equipped && i.isExotic && i.isWeapon)!;
    const exotic = items.find(
      (i) =>
        gear(i) &&
        i.isWeapon &&
        i.isExotic &&
        !i.equipped &&
        i.bucketHash !== equipped.bucketHash &&
        i.targetBucketHash !== equipped.bucketHash &&
        i.location !== 'postmaster',
    )!;
    const job = await viaMenu(exotic.key, `equip-${character.id}`);
    assert.equal(job.status, 'done', job.message);
    await panel
      .locator(`.cell[data-store-id="${character.id}"] .item-tile.equipped[data-item-key="${exotic.key}"]`)
      .waitFor({ timeout: 5000 });
    const after = await readModel(panel);
    assert.equal(after.items[equipped.key].equipped, false);
    await ext.screenshot(panel, 'moves-exotic-swap');
  });

  it('an equipped item moves to the vault after a replacement is equipped', async () => {
    const model = await readModel(panel);
    const item = Object.values(model.items).find((i) => gear(i) && i.equipped && i.isWeapon && !i.isExotic)!;
    const job = await viaMenu(item.key, 'send-vault');
    assert.equal(job.status, 'done', job.message);
    await cellOf(VAULT, item.key).waitFor({ timeout: 5000 });
    const after = await readModel(panel);
    const slot = after.stores.find((s) => s.id === item.owner)!.buckets[item.bucketHash];
    assert.ok(after.items[slot[0]].equipped, 'the bucket still has an equipped item');
  });

  it('a move into a full bucket moves something aside first', async () => {
    const model = await readModel(panel);
    const items = Object.values(model.items);
    const inVault = (bucket: number) =>
      items.find((i) => gear(i) && i.location === 'vault' && i.targetBucketHash === bucket);
    const character = model.stores.find((s) => s.kind === 'character')!;
    // A gear bucket of this character that the vault also has items for; filled up first when it is not full yet.
    const bucket = Object.keys(character.buckets)
      .map(Number)
      .find(
        (b) =>
          model.buckets[b]?.equippable &&
          items.filter((i) => gear(i) && i.location === 'vault' && i.targetBucketHash === b).length >= 2,
      )!;
    const capacity = model.buckets[bucket].capacity;
    const fillers = items
      .filter((i) => gear(i) && i.location === 'vault' && i.targetBucketHash === bucket)
      .slice(0, Math.max(0, capacity - character.buckets[bucket].length));
    for (const f of fillers) assert.equal((await viaMenu(f.key, `send-${character.id}`)).status, 'done');
    const full = await readModel(panel);
    assert.equal(full.stores.find((s) => s.id === character.id)!.buckets[bucket].length, capacity);
    const item =
      Object.values(full.items).find((i) => gear(i) && i.location === 'vault' && i.targetBucketHash === bucket) ??
      inVault(bucket)!;
    const from = emulator.control.requests().length;
    const job = await viaMenu(item.key, `send-${character.id}`);
    assert.equal(job.status, 'done', job.message);
    await cellOf(character.id, item.key).waitFor({ timeout: 5000 });
    // Bungie judges the 0.1 s gap on arrival, so a cold connection can turn our spacing into a throttle; the client
    // then waits and resends (a throttled call did nothing). What counts is the calls Bungie carried out.
    const calls = actionsSince(from).filter((r) => ITEM_ACTIONS.test(r.path) && r.errorCode === 1);
    assert.equal(calls.length, 2, 'one item moved aside to the vault, then the move');
    assert.equal((calls[0].body as { transferToVault?: boolean }).transferToVault, true);
    const after = await readModel(panel);
    assert.equal(after.stores.find((s) => s.id === character.id)!.buckets[bucket].length, capacity);
    await ext.screenshot(panel, 'moves-full-bucket');
  });

  it('a partial stack moves by amount', async () => {
    const model = await readModel(panel);
    const stack = Object.values(model.items).find(
      (i) =>
        !i.isInstanced &&
        i.transferable &&
        i.resolved &&
        i.quantity > 3 &&
        i.owner === VAULT &&
        i.location === 'inventory',
    )!;
    const total = (m: InventoryModel, location: string) =>
      Object.values(m.items)
        .filter((i) => i.itemHash === stack.itemHash && i.location === location)
        .reduce((s, i) => s + i.quantity, 0);
    const before = total(model, 'vault');
    const reply = await panel.evaluate((intent) => chrome.runtime.sendMessage({ type: 'runMove', payload: intent }), {
      kind: 'move',
      itemKey: stack.key,
      to: VAULT,
      amount: 2,
    });
    assert.equal(reply.ok, true);
    const job = await settled(reply.data.jobId - 1);
    assert.equal(job.status, 'done', job.message);
    assert.equal(total(await readModel(panel), 'vault'), before + 2);
  });

  it('a postmaster item is pulled to its owner', async () => {
    const model = await readModel(panel);
    const item = Object.values(model.items).find((i) => i.location === 'postmaster' && i.resolved);
    if (!item) return assert.fail('the fixture profile has no postmaster item');
    const job = await viaMenu(item.key, 'pull');
    assert.equal(job.status, 'done', job.message);
    const after = await readModel(panel);
    const pulled = after.items[item.key];
    assert.ok(!pulled || pulled.location !== 'postmaster');
  });

  it('when Bungie says the vault is full although the cache had room, the move stops with one sentence', async () => {
    const model = await readModel(panel);
    const used = model.stores.find((s) => s.id === VAULT)!.buckets[138197802].length;
    const [a, b] = model.stores.filter((s) => s.kind === 'character');
    const item = movableBetween(model, a, b);
    emulator.control.setVaultCapacity(used);
    const from = emulator.control.requests().length;
    const job = await viaMenu(item.key, `send-${b.id}`);
    emulator.control.setVaultCapacity(model.vaultCapacity);
    assert.equal(job.status, 'failed');
    assert.equal(
      job.message,
      `There was no room where ${item.name} was going, even after planning again; ${item.name} is still on your ${a.name}.`,
    );
    const log = actionsSince(from);
    const firstRefusal = log.findIndex((r) => r.errorCode === 1642);
    assert.ok(firstRefusal >= 0 && log.slice(firstRefusal).some((r) => PROFILE.test(r.path)), 'reconciled after 1642');
    await panel.locator('.move-status[data-state="failed"]').waitFor({ timeout: 5000 });
    await ext.screenshot(panel, 'moves-bungie-vault-full');
  });

  it('a worker stop in the middle of a move is resumed from the journal', async () => {
    const model = await readModel(panel);
    const [a, b] = model.stores.filter((s) => s.kind === 'character');
    const item = Object.values(model.items).find(
      (i) =>
        gear(i) &&
        i.owner === b.id &&
        !i.equipped &&
        i.location === 'inventory' &&
        (a.buckets[i.targetBucketHash]?.length ?? 99) < 9,
    )!;
    // Slow the second call down so the worker is stopped while the plan runs.
    emulator.control.fault({ route: ITEM_ACTIONS, kind: 'delay', ms: 1500, times: 2 });
    const before = (await lastJob(panel)).id;
    await panel.locator(`.inventory-grid [data-item-key="${item.key}"]`).first().click();
    await panel.locator(`.item-action-menu [data-action="send-${a.id}"]`).click();
    await new Promise((r) => setTimeout(r, 300));
    await ext.stopWorker();
    emulator.control.clearFaults();
    // Any event restarts the worker; it resumes the journal.
    await panel.evaluate(() => chrome.runtime.sendMessage({ type: 'ping', payload: { sentAt: Date.now() } }));
    const job = await settled(before);
    assert.equal(job.status, 'done', job.message);
    await cellOf(a.id, item.key).waitFor({ timeout: 10_000 });
    await ext.screenshot(panel, 'moves-after-worker-stop');
  });

  it('seeded random moves under faults and worker stops end with the cache equal to the emulator', async () => {
    const token = String((await tokenFor(emulator)).access_token);
    const defs = loadDefinitions();
    const truth = async () => {
      const path = `/Platform/Destiny2/2/Profile/${MEMBERSHIP_ID}/?components=100,102,200,201,205,300`;
      const res = await api(emulator, path, { token });
      return buildInventoryModel((res.body as { Response: DestinyProfileResponse }).Response, defs);
    };
    const random = rng(4242);
    const kinds: FaultKind[] = ['500', '1642', 'drop', 'throttle', 'worker-stop', '500', 'worker-stop', '1642'];
    for (const [n, kind] of kinds.entries()) {
      const rule = faultRule(kind, 100 + n, 45_000);
      if (rule) emulator.control.fault({ ...rule, probability: 1 });
      const model = await readModel(panel);
      const intents = [randomIntent(model, random), randomIntent(model, random)];
      for (const intent of intents) {
        const reply = await panel.evaluate(
          (payload) => chrome.runtime.sendMessage({ type: 'runMove', payload }),
          intent,
        );
        assert.equal(reply.ok, true);
      }
      if (kind === 'worker-stop') {
        await new Promise((r) => setTimeout(r, 150));
        await ext.stopWorker();
        await panel.evaluate(() => chrome.runtime.sendMessage({ type: 'ping', payload: { sentAt: Date.now() } }));
      }
      await waitFor(async () => (await openJobs(panel)) === 0, {
        timeout: 30_000,
        what: `sequence ${n} (${kind}) to end`,
      });
      emulator.control.clearFaults();
      const cached = inventoryDigest(await readModel(panel));
      assert.deepEqual(cached, inventoryDigest(await truth()), `sequence ${n} (${kind})`);
    }
    await ext.screenshot(panel, 'moves-after-random-faults');
  });
});

describe('moves: a full vault (the real profile with its vault filled to capacity)', () => {
  let emulator: Emulator;
  let ext: LaunchedExtension;
  let panel: Page;

  before(async () => {
    const { manifestDir, profileFile } = generateFullAccount('vr-e2e-moves-');
    emulator = await startEmulator({ manifestDir, profileFile });
    ext = await launchSignedIn(emulator);
    panel = await ext.openPage('sidepanel');
    await panel.locator('.inventory-grid .item-tile').first().waitFor({ timeout: 90_000 });
  });
  after(async () => {
    await ext?.close();
    await emulator?.close();
  });

  it('character → character with a full vault first sends a vault item to a character with room', async () => {
    const model = await readModel(panel);
    assert.equal(model.stores.find((s) => s.id === VAULT)!.buckets[138197802].length, model.vaultCapacity);
    const [a, b] = model.stores.filter((s) => s.kind === 'character');
    const item = movableBetween(model, a, b);
    const from = emulator.control.requests().length;
    await panel.locator(`.inventory-grid [data-item-key="${item.key}"]`).first().click();
    await panel.locator(`.item-action-menu [data-action="send-${b.id}"]`).click();
    const job = await waitFor(
      async () => {
        const j = await lastJob(panel);
        return j.status === 'done' || j.status === 'failed' ? j : undefined;
      },
      { timeout: 30_000, what: 'the move to end' },
    );
    assert.equal(job.status, 'done', job.message);
    await panel.locator(`.cell[data-store-id="${b.id}"] [data-item-key="${item.key}"]`).waitFor({ timeout: 5000 });
    const calls = emulator.control
      .requests()
      .slice(from)
      .filter((r) => ITEM_ACTIONS.test(r.path));
    assert.ok(calls.length >= 3, 'a vault item goes out before the item passes through the vault');
    assert.equal((calls[0].body as { transferToVault?: boolean }).transferToVault, false);
    const state = emulator.control.state();
    // One vault item went out to make room and the moved item passed through: one slot is free now.
    assert.equal(state.items.filter((i) => i.owner === 'vault').length, model.vaultCapacity - 1);
    await ext.screenshot(panel, 'moves-full-vault');
  });
});
