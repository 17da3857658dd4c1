/**
 * Helpers for the planner and step-applier tests: a small hand-built model (capacities chosen by the test, so
 * nothing depends on 10/700/1300) and the invariants every plan must keep once its steps are applied.
 */
import { applyStep } from '@/lib/inventory/apply-step';
import type { PlanStep } from '@/lib/inventory/plan-types';
import {
  BUCKETS,
  VAULT_ID,
  type BucketInfo,
  type InventoryItem,
  type InventoryModel,
  type StoreModel,
} from '@/lib/inventory/types';

export const HUNTER = 'hunter-1';
export const WARLOCK = 'warlock-2';
export const TITAN = 'titan-0';

export interface ItemSpec {
  key: string;
  name?: string;
  /** Character id, or VAULT_ID for the vault's General bucket. */
  at: string;
  bucket?: number;
  equipped?: boolean;
  postmaster?: boolean;
  /** For account-wide items held in the vault store's own bucket (not General). */
  accountBucket?: boolean;
  exotic?: 'weapon' | 'armor';
  classType?: number;
  itemType?: number;
  itemSubType?: number;
  tierType?: number;
  power?: number;
  quantity?: number;
  maxStackSize?: number;
  itemHash?: number;
  transferable?: boolean;
  equippable?: boolean;
}

export interface TinySpec {
  gearCapacity?: number;
  vaultCapacity?: number;
  consumablesCapacity?: number;
  items: ItemSpec[];
}

const BUCKET_NAMES: Record<number, string> = {
  [BUCKETS.Kinetic]: 'Kinetic Weapons',
  [BUCKETS.Energy]: 'Energy Weapons',
  [BUCKETS.Helmet]: 'Helmet',
  [BUCKETS.Chest]: 'Chest Armor',
};

/** Three characters (Hunter played last, then Warlock, Titan least recently), a vault, small buckets. */
export function tinyModel(spec: TinySpec): InventoryModel {
  const gear = spec.gearCapacity ?? 3;
  const buckets: Record<number, BucketInfo> = {};
  let order = 0;
  for (const hash of [BUCKETS.Kinetic, BUCKETS.Energy, BUCKETS.Helmet, BUCKETS.Chest]) {
    buckets[hash] = {
      hash,
      name: BUCKET_NAMES[hash],
      capacity: gear,
      order: order++,
      equippable: true,
      accountWide: false,
    };
  }
  buckets[BUCKETS.Consumables] = {
    hash: BUCKETS.Consumables,
    name: 'Consumables',
    capacity: spec.consumablesCapacity ?? 3,
    order: order++,
    equippable: false,
    accountWide: true,
  };
  buckets[BUCKETS.LostItems] = {
    hash: BUCKETS.LostItems,
    name: 'Lost Items',
    capacity: 4,
    order: order++,
    equippable: false,
    accountWide: false,
  };
  buckets[BUCKETS.General] = {
    hash: BUCKETS.General,
    name: 'General',
    capacity: spec.vaultCapacity ?? 6,
    order,
    equippable: false,
    accountWide: true,
  };
  const character = (id: string, name: string, classType: number, played: string): StoreModel => ({
    id,
    kind: 'character',
    name,
    classType,
    className: name,
    dateLastPlayed: played,
    buckets: {},
  });
  const stores: StoreModel[] = [
    character(HUNTER, 'Hunter', 1, '2026-07-01T10:00:00Z'),
    character(WARLOCK, 'Warlock', 2, '2026-06-20T10:00:00Z'),
    character(TITAN, 'Titan', 0, '2026-06-01T10:00:00Z'),
    { id: VAULT_ID, kind: 'vault', name: 'Vault', buckets: {} },
  ];
  const items: Record<string, InventoryItem> = {};
  for (const s of spec.items) {
    const target = s.bucket ?? BUCKETS.Kinetic;
    const stackable = (s.maxStackSize ?? 1) > 1 || s.quantity !== undefined;
    const owner = s.at === VAULT_ID ? VAULT_ID : buckets[target]?.accountWide ? VAULT_ID : s.at;
    const bucketHash = s.postmaster
      ? BUCKETS.LostItems
      : s.at === VAULT_ID && !s.accountBucket
        ? BUCKETS.General
        : target;
    const location = s.postmaster
      ? 'postmaster'
      : s.equipped
        ? 'equipped'
        : bucketHash === BUCKETS.General
          ? 'vault'
          : 'inventory';
    const isWeapon = target === BUCKETS.Kinetic || target === BUCKETS.Energy;
    const item: InventoryItem = {
      key: s.key,
      itemHash: s.itemHash ?? hashOf(s.key),
      ...(stackable ? {} : { itemInstanceId: s.key }),
      owner: s.postmaster ? s.at : owner,
      bucketHash,
      targetBucketHash: target,
      location,
      equipped: s.equipped ?? false,
      quantity: s.quantity ?? 1,
      maxStackSize: s.maxStackSize ?? 1,
      resolved: true,
      name: s.name ?? s.key,
      itemType: s.itemType ?? (isWeapon ? 3 : target === BUCKETS.Consumables ? 9 : 2),
      itemSubType: s.itemSubType ?? 0,
      itemTypeDisplayName: '',
      tierType: s.tierType ?? (s.exotic ? 6 : 5),
      tierTypeName: s.exotic ? 'Exotic' : 'Legendary',
      classType: s.classType ?? 3,
      ...(s.power !== undefined ? { power: s.power } : {}),
      locked: false,
      lockable: !stackable,
      masterwork: false,
      isExotic: s.exotic !== undefined,
      ...(s.exotic ? { uniqueLabel: `exotic_${s.exotic}` } : {}),
      equippable: s.equippable ?? target !== BUCKETS.Consumables,
      transferable: s.transferable ?? true,
      isInstanced: !stackable,
      isWeapon,
      isArmor: !isWeapon && target !== BUCKETS.Consumables,
    };
    items[item.key] = item;
    const store = stores.find((st) => st.id === item.owner)!;
    const list = (store.buckets[bucketHash] ??= []);
    if (item.equipped) list.unshift(item.key);
    else list.push(item.key);
  }
  return {
    stores,
    items,
    buckets,
    vaultCapacity: spec.vaultCapacity ?? 6,
    postmasterCapacity: 4,
    missingHashes: [],
  };
}

function hashOf(key: string): number {
  let h = 7;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

export function applyAll(model: InventoryModel, steps: PlanStep[]): InventoryModel {
  return steps.reduce(applyStep, model);
}

/** One line per step, readable in a failing diff: the label and the character the call names. */
export function describeSteps(model: InventoryModel, steps: PlanStep[]): string[] {
  const name = (id: string) => model.stores.find((s) => s.id === id)?.name ?? id;
  return steps.map((s) => `${s.label} [${s.action} via ${name(s.characterId)}]`);
}

/**
 * The invariants of a sound inventory after a plan: nothing lost or duplicated (instances and per-hash totals),
 * every list consistent with the items, capacities respected, at most one equipped item per bucket and per unique
 * label, and every gear bucket that had an equipped item still has one.
 */
export function invariantViolations(before: InventoryModel, after: InventoryModel): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const store of after.stores) {
    for (const [hash, keys] of Object.entries(store.buckets)) {
      const bucketHash = Number(hash);
      for (const key of keys) {
        const item = after.items[key];
        if (!item) problems.push(`${store.id}/${hash} lists missing item ${key}`);
        else if (item.owner !== store.id || item.bucketHash !== bucketHash) {
          problems.push(`${key} listed in ${store.id}/${hash} but says ${item.owner}/${item.bucketHash}`);
        }
        if (seen.has(key)) problems.push(`${key} listed twice (${seen.get(key)} and ${store.id}/${hash})`);
        seen.set(key, `${store.id}/${hash}`);
      }
      const capacity =
        store.id === VAULT_ID && bucketHash === BUCKETS.General
          ? after.vaultCapacity
          : bucketHash === BUCKETS.LostItems
            ? after.postmasterCapacity
            : (after.buckets[bucketHash]?.capacity ?? 0);
      const beforeCount = before.stores.find((s) => s.id === store.id)?.buckets[bucketHash]?.length ?? 0;
      // A bucket already over a capacity we can't know (0) or over it in the input is only checked for growth.
      if (capacity > 0 && keys.length > Math.max(capacity, beforeCount)) {
        problems.push(`${store.id}/${hash} holds ${keys.length} > ${capacity}`);
      }
      const equipped = keys.filter((k) => after.items[k]?.equipped);
      if (equipped.length > 1) problems.push(`${store.id}/${hash} has ${equipped.length} equipped`);
      if (equipped.length === 1 && keys[0] !== equipped[0]) problems.push(`${store.id}/${hash}: equipped not first`);
      const hadEquipped = (before.stores.find((s) => s.id === store.id)?.buckets[bucketHash] ?? []).some(
        (k) => before.items[k]?.equipped,
      );
      if (hadEquipped && equipped.length === 0) problems.push(`${store.id}/${hash} lost its equipped item`);
    }
    if (store.kind === 'character') {
      const labels = new Map<string, number>();
      for (const keys of Object.values(store.buckets)) {
        for (const k of keys) {
          const i = after.items[k];
          if (i?.equipped && i.uniqueLabel) labels.set(i.uniqueLabel, (labels.get(i.uniqueLabel) ?? 0) + 1);
          if (i?.equipped && i.classType !== 3 && i.classType !== store.classType) {
            problems.push(`${k} equipped by the wrong class on ${store.id}`);
          }
        }
      }
      for (const [label, n] of labels) if (n > 1) problems.push(`${store.id} has ${n} equipped ${label}`);
    }
  }
  for (const key of Object.keys(after.items)) if (!seen.has(key)) problems.push(`${key} is in no bucket`);
  for (const item of Object.values(after.items)) {
    if (item.quantity < 1 || item.quantity > Math.max(1, item.maxStackSize)) {
      problems.push(`${item.key} has quantity ${item.quantity}`);
    }
    if (item.equipped !== (item.location === 'equipped')) problems.push(`${item.key}: equipped/location disagree`);
  }
  const totals = (m: InventoryModel) => {
    const t = new Map<string, number>();
    for (const i of Object.values(m.items)) {
      const id = i.isInstanced ? `i:${i.itemInstanceId}` : `h:${i.itemHash}`;
      t.set(id, (t.get(id) ?? 0) + i.quantity);
    }
    return t;
  };
  const a = totals(before);
  const b = totals(after);
  for (const [id, n] of a) if (b.get(id) !== n) problems.push(`${id}: ${n} before, ${b.get(id) ?? 0} after`);
  for (const id of b.keys()) if (!a.has(id)) problems.push(`${id} appeared from nowhere`);
  return problems;
}
