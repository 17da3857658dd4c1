/**
 * The loadout planner: one job of many items on top of the move planner, not a second engine. Each item is brought
 * to the character with `planMove` (which unequips it elsewhere, routes it through the vault and makes room), while
 * the loadout's other items are protected from being moved aside; then everything that can be equipped together
 * goes into one EquipItems call. Every step is simulated with `applyStep`, so the plan runs in sequence as written.
 */
import type { Loadout } from '@destinyitemmanager/dim-api-types';
import type { ItemDef } from '../../manifest/types';
import { applyStep, inventoryDigest } from '../apply-step';
import { CLASS_NAMES } from '../class-names';
import { ANY_CLASS, classCanEquip, findStore, isAccountWide } from '../plan-capacity';
import { planMove } from '../plan-moves';
import type { EquipManyStep, ItemStep, PlanStep } from '../plan-types';
import { VAULT_ID, type InventoryItem, type InventoryModel, type StoreModel } from '../types';
import { resolveLoadout } from './resolve';

type SingleEquip = Extract<PlanStep, { action: 'equip' }>;

export interface LoadoutProblem {
  /** One sentence the player reads: what was not done, and why. */
  sentence: string;
  itemHash?: number;
  itemInstanceId?: string;
}

export interface LoadoutPlan {
  /** Bungie calls in order; empty when the loadout was refused or everything is already in place. */
  steps: ItemStep[];
  /** What the plan leaves undone (a refused loadout has exactly one). */
  problems: LoadoutProblem[];
  /** Things done differently from the loadout as saved (another copy standing in for a dismantled item). */
  notes: string[];
  /** The model once every step has succeeded. */
  after: InventoryModel;
}

export interface PlanLoadoutOptions {
  /** Names and slots of items the inventory no longer holds (for the "missing" sentences and stand-ins). */
  definition?: (hash: number) => ItemDef | undefined;
  /** Items no room-making may move (e.g. what earlier jobs in the queue moved). */
  protectedKeys?: readonly string[];
}

/** One loadout item the plan will bring to the character, and whether to equip it there. */
interface Wanted {
  item: InventoryItem;
  equip: boolean;
}

interface Prepared {
  store: StoreModel;
  wanted: Wanted[];
  problems: LoadoutProblem[];
  notes: string[];
}

/**
 * Plans applying `loadout` to a character. Bungie and game rules it obeys, on top of planMove's (no
 * character→character transfer, an equipped item is replaced before it moves, full buckets and a full vault make
 * room first): a loadout restricted to another class is refused whole; armor and subclasses of another class are
 * skipped with a reason (1640); one exotic per unique label (1641) — a second exotic of the same kind stays
 * unequipped, and an exotic already worn in a slot the loadout leaves alone is swapped for a non-exotic in the same
 * EquipItems call, before the new exotic; room is never made by moving another item of the loadout; equips wait for
 * every move and go into one EquipItems call. An item that cannot be brought is left out with planMove's sentence,
 * and the rest of the plan still runs.
 */
export function planLoadout(
  model: InventoryModel,
  loadout: Loadout,
  targetCharacterId: string,
  options: PlanLoadoutOptions = {},
): LoadoutPlan {
  const prepared = prepare(model, loadout, targetCharacterId, options);
  if ('refusal' in prepared) return { steps: [], problems: [{ sentence: prepared.refusal }], notes: [], after: model };
  const { store, wanted, problems, notes } = prepared;
  const protectedKeys = new Set([...wanted.map((w) => w.item.key), ...(options.protectedKeys ?? [])]);
  let current = model;
  const steps: ItemStep[] = [];
  const add = (more: readonly ItemStep[]) => {
    for (const step of more) {
      current = applyStep(current, step);
      steps.push(step);
      // What this job moved is never moved back by a later item's room-making.
      if (step.action !== 'equipMany') protectedKeys.add(step.itemKey);
    }
  };
  const bring = (item: InventoryItem): string | undefined => {
    if (isHome(current.items[item.key], store.id)) return undefined;
    const plan = planMove(
      current,
      { kind: 'move', itemKey: item.key, to: store.id },
      { protectedKeys: [...protectedKeys] },
    );
    if (!plan.ok) return plan.reason;
    add(plan.steps);
    return undefined;
  };

  const arrived: Wanted[] = [];
  for (const w of wanted) {
    const reason = bring(w.item);
    if (reason) problems.push(problemOf(w.item, `${w.item.name} stays where it is. ${reason}`));
    else arrived.push(w);
  }
  const batched = batchReplacementEquips(model, steps);
  steps.splice(0, steps.length, ...batched);

  const equips = arrived.filter((w) => w.equip && !current.items[w.item.key].equipped).map((w) => w.item.key);
  const batch = orderEquips(
    current,
    resolveExoticClashes(() => current, store.id, equips, protectedKeys, bring, problems),
  );
  if (batch.length > 0) {
    const step: EquipManyStep = {
      action: 'equipMany',
      characterId: store.id,
      items: batch.map((key) => ({ itemKey: key, itemInstanceId: current.items[key].itemInstanceId ?? key })),
      label: `equipping ${batch.length === 1 ? current.items[batch[0]].name : `${batch.length} items`} on ${store.name}`,
    };
    add([step]);
  }
  return { steps, problems, notes, after: current };
}

/**
 * planMove equips a replacement on another character before each loadout item leaves it, one EquipItem call each.
 * Where a character gives up several items, those equips join into one EquipItems call at the first one's place
 * (DIM's "unequip on other characters" phase). Equips move nothing between buckets, so capacities are unchanged;
 * the merged plan is kept only when it replays cleanly to the same inventory.
 */
function batchReplacementEquips(model: InventoryModel, steps: ItemStep[]): ItemStep[] {
  const byCharacter = new Map<string, SingleEquip[]>();
  for (const s of steps) {
    if (s.action === 'equip') byCharacter.set(s.characterId, [...(byCharacter.get(s.characterId) ?? []), s]);
  }
  let result = steps;
  for (const [characterId, equips] of byCharacter) {
    if (equips.length < 2) continue;
    const name = findStore(model, characterId)?.name ?? 'a character';
    const merged: EquipManyStep = {
      action: 'equipMany',
      characterId,
      items: equips.map((s) => ({ itemKey: s.itemKey, itemInstanceId: s.itemInstanceId })),
      label: `equipping ${equips.length} replacements on ${name}`,
    };
    const skip = new Set<ItemStep>(equips);
    const candidate = result.flatMap((s) => (s === equips[0] ? [merged] : skip.has(s) ? [] : [s]));
    if (replaysTo(model, candidate, result)) result = candidate;
  }
  return result;
}

/** The digest records each instance's location, so "equipped" versus "inventory" is compared too. */
function replaysTo(model: InventoryModel, candidate: ItemStep[], original: ItemStep[]): boolean {
  try {
    const a = inventoryDigest(candidate.reduce(applyStep, model));
    const b = inventoryDigest(original.reduce(applyStep, model));
    return a.length === b.length && a.every((line, i) => line === b[i]);
  } catch {
    return false;
  }
}

/** The checks and the item list shared by the planner and the call floor. */
function prepare(
  model: InventoryModel,
  loadout: Loadout,
  targetCharacterId: string,
  options: PlanLoadoutOptions,
): Prepared | { refusal: string } {
  const store = findStore(model, targetCharacterId);
  if (!store || store.kind !== 'character') {
    return { refusal: 'That character is no longer on this account; refresh and try again.' };
  }
  const loadoutClass = loadout.classType as number;
  if (loadoutClass !== ANY_CLASS && loadoutClass !== store.classType) {
    const cls = CLASS_NAMES[loadoutClass] ?? 'another class';
    return { refusal: `${loadout.name} is a ${cls} loadout, so your ${store.name} can't use it.` };
  }
  const problems: LoadoutProblem[] = [];
  const notes: string[] = [];
  const wanted: Wanted[] = [];
  const seen = new Set<string>();
  const slotTaken = new Set<number>();
  const labelTaken = new Set<string>();
  const resolved = resolveLoadout(model, loadout, {
    ...(store.classType !== undefined ? { classType: store.classType } : {}),
    ...(options.definition ? { definition: options.definition } : {}),
  });
  for (const r of resolved) {
    if (!r.item) {
      problems.push({
        sentence: r.sentence ?? 'An item of this loadout is no longer in your inventory.',
        itemHash: r.entry.hash,
        ...(r.entry.id ? { itemInstanceId: r.entry.id } : {}),
      });
      continue;
    }
    const item = r.item;
    if (r.status === 'substituted' && r.sentence) notes.push(r.sentence);
    if (seen.has(item.key)) continue;
    seen.add(item.key);
    if (!classCanEquip(item, store)) {
      const cls = CLASS_NAMES[item.classType] ?? 'another class';
      problems.push(problemOf(item, `${item.name} is ${cls} gear, so it was left out for your ${store.name}.`));
      continue;
    }
    if (!item.isInstanced) {
      // Account-wide stacks (consumables, mods) are already usable by every character.
      if (!isAccountWide(model, item.targetBucketHash)) {
        problems.push(problemOf(item, `${item.name} is a stack; loadouts bring gear only, so it stays where it is.`));
      }
      continue;
    }
    let equip = r.equip && item.equippable;
    if (equip && slotTaken.has(item.targetBucketHash)) {
      problems.push(
        problemOf(
          item,
          `${item.name} shares its slot with another equipped item of this loadout, so it is only brought along.`,
        ),
      );
      equip = false;
    }
    if (equip && item.uniqueLabel && labelTaken.has(item.uniqueLabel)) {
      problems.push(
        problemOf(
          item,
          `Only one ${labelName(item.uniqueLabel)} can be equipped at a time, so ${item.name} is only brought along.`,
        ),
      );
      equip = false;
    }
    if (equip) {
      slotTaken.add(item.targetBucketHash);
      if (item.uniqueLabel) labelTaken.add(item.uniqueLabel);
    }
    wanted.push({ item, equip });
  }
  // Equipped items first: when room runs out, what the player wears matters most.
  wanted.sort((a, b) => Number(b.equip) - Number(a.equip));
  return { store, wanted, problems, notes };
}

/**
 * Bungie refuses a second equipped item with the same unique label (1641). When an exotic of the batch would meet
 * an exotic already worn in a slot the batch leaves alone, a non-exotic for that slot joins the batch (brought to the
 * character if it has none); when there is none, the new exotic is dropped with a sentence. `now` reads the model
 * as the plan stands (bringing a stand-in adds steps).
 */
function resolveExoticClashes(
  now: () => InventoryModel,
  characterId: string,
  equips: string[],
  protectedKeys: Set<string>,
  bring: (item: InventoryItem) => string | undefined,
  problems: LoadoutProblem[],
): string[] {
  let batch = [...equips];
  for (const key of equips) {
    const incoming = now().items[key];
    if (!incoming.uniqueLabel) continue;
    const slots = new Set(batch.map((k) => now().items[k].targetBucketHash));
    const worn = equippedOn(now(), characterId).find(
      (i) => i.uniqueLabel === incoming.uniqueLabel && !slots.has(i.bucketHash),
    );
    if (!worn) continue;
    const found = standIn(now, characterId, worn, protectedKeys, bring);
    if ('key' in found) {
      batch = [found.key, ...batch];
      continue;
    }
    batch = batch.filter((k) => k !== key);
    problems.push(
      problemOf(incoming, `${incoming.name} wasn't equipped: ${worn.name} is worn in another slot and ${found.why}.`),
    );
  }
  return batch;
}

/** A non-exotic for `worn`'s slot on the character: one already there, else the best one brought over. */
function standIn(
  now: () => InventoryModel,
  characterId: string,
  worn: InventoryItem,
  protectedKeys: Set<string>,
  bring: (item: InventoryItem) => string | undefined,
): { key: string } | { why: string } {
  const model = now();
  const store = findStore(model, characterId)!;
  const fits = (c: InventoryItem) =>
    c.key !== worn.key &&
    c.resolved &&
    c.equippable &&
    !c.equipped &&
    !c.uniqueLabel &&
    c.location !== 'postmaster' &&
    c.targetBucketHash === worn.targetBucketHash &&
    classCanEquip(c, store);
  const otherType = (c: InventoryItem) => Number(c.itemType !== worn.itemType || c.itemSubType !== worn.itemSubType);
  const rank = (a: InventoryItem, b: InventoryItem) =>
    otherType(a) - otherType(b) ||
    b.tierType - a.tierType ||
    (b.power ?? 0) - (a.power ?? 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const here = (store.buckets[worn.bucketHash] ?? []).map((k) => model.items[k]).filter((c) => c && fits(c));
  if (here.length > 0) return { key: here.sort(rank)[0].key };
  const elsewhere = Object.values(model.items)
    .filter((c) => fits(c) && c.transferable && !protectedKeys.has(c.key) && c.owner !== characterId)
    .sort((a, b) => Number(b.owner === VAULT_ID) - Number(a.owner === VAULT_ID) || rank(a, b));
  let why = 'nothing else can take its place';
  // A few tries: the best stand-in may be stuck behind a full bucket while the next one is not.
  for (const candidate of elsewhere.slice(0, 3)) {
    const refusal = bring(candidate);
    if (!refusal) {
      protectedKeys.add(candidate.key);
      return { key: candidate.key };
    }
    why = `no stand-in could be brought (${refusal.replace(/\.$/, '')})`;
  }
  return { why };
}

/**
 * EquipItems equips in list order: items without a unique label first (they free an exotic's label when they
 * replace a worn exotic), the exotics last.
 */
function orderEquips(model: InventoryModel, keys: string[]): string[] {
  return [...keys].sort((a, b) => Number(!!model.items[a].uniqueLabel) - Number(!!model.items[b].uniqueLabel));
}

/**
 * The fewest Bungie calls that could apply the loadout from this inventory, before any room-making: per item, none
 * when it is already in its bucket on the character, one transfer from the vault, two through the vault from another
 * character, one more from a postmaster; one EquipItems call per other character that wears items of the loadout
 * (their replacements go on together), and one EquipItems call on the character when anything is to be equipped.
 * A plan of exactly this many calls is the best possible; room-making and exotic stand-ins add to it.
 */
export function minimumCalls(
  model: InventoryModel,
  loadout: Loadout,
  targetCharacterId: string,
  options: PlanLoadoutOptions = {},
): number {
  const prepared = prepare(model, loadout, targetCharacterId, options);
  if ('refusal' in prepared) return 0;
  let calls = 0;
  let equips = 0;
  const unequipOn = new Set<string>();
  for (const { item, equip } of prepared.wanted) {
    if (equip && !(item.equipped && item.owner === targetCharacterId)) equips++;
    if (isHome(item, targetCharacterId)) continue;
    if (item.location === 'postmaster') calls += 1 + (item.owner === targetCharacterId ? 0 : 2);
    else if (item.owner === VAULT_ID) calls += 1;
    else calls += 2;
    if (item.equipped) unequipOn.add(item.owner);
  }
  return calls + unequipOn.size + (equips > 0 ? 1 : 0);
}

/** The Bungie calls a plan makes: one per step (an EquipItems step is one call whatever its item count). */
export function planCallCount(plan: Pick<LoadoutPlan, 'steps'>): number {
  return plan.steps.length;
}

function isHome(item: InventoryItem | undefined, characterId: string): boolean {
  return (
    item !== undefined &&
    item.owner === characterId &&
    item.bucketHash === item.targetBucketHash &&
    item.location !== 'postmaster'
  );
}

function equippedOn(model: InventoryModel, characterId: string): InventoryItem[] {
  const store = findStore(model, characterId);
  return Object.values(store?.buckets ?? {})
    .flat()
    .map((k) => model.items[k])
    .filter((i) => i?.equipped);
}

function problemOf(item: InventoryItem, sentence: string): LoadoutProblem {
  return { sentence, itemHash: item.itemHash, ...(item.itemInstanceId ? { itemInstanceId: item.itemInstanceId } : {}) };
}

function labelName(label: string): string {
  if (label === 'exotic_weapon') return 'exotic weapon';
  if (label === 'exotic_armor') return 'exotic armor piece';
  return `item of the kind "${label}"`;
}
