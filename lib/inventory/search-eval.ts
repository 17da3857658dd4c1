/**
 * The search language's meaning: which `is:` words exist and what they test, and how an AST becomes one predicate.
 * Compiled once per query; each item then costs a few property reads and, for text, one substring search on a
 * name normalised once per item.
 */
import type { SearchError, SearchNode } from './search-parse';
import { BUCKETS, VAULT_ID, type InventoryItem } from './types';

export type ItemPredicate = (item: InventoryItem) => boolean;

export type CompileResult = { ok: true; predicate: ItemPredicate } | { ok: false; error: SearchError };

/** Bungie's DamageType enum. */
const DAMAGE = { kinetic: 1, arc: 2, solar: 3, void: 4, stasis: 6, strand: 7 } as const;

const slot =
  (bucketHash: number): ItemPredicate =>
  (i) =>
    i.targetBucketHash === bucketHash;

const damage =
  (value: number): ItemPredicate =>
  (i) =>
    i.damageType === value;

const tier =
  (...tiers: number[]): ItemPredicate =>
  (i) =>
    tiers.includes(i.tierType);

const classOnly =
  (classType: number): ItemPredicate =>
  (i) =>
    i.classType === classType;

/**
 * Every `is:` word. DIM compatibility: `is:kinetic` is the Kinetic damage type (as in DIM); the Kinetic slot is
 * `is:kineticslot`, while `is:energy` and `is:power`/`is:heavy` are the Energy and Power slots. `is:common` covers
 * both white tiers, because Bungie names tier 2 "Common" and tier 1 "Basic" and players see no difference.
 * Class words match items restricted to that class, not class-less items (classType 3), as in DIM.
 */
export const IS_FILTERS: Readonly<Record<string, ItemPredicate>> = {
  weapon: (i) => i.isWeapon,
  armor: (i) => i.isArmor,
  armour: (i) => i.isArmor,
  kineticslot: slot(BUCKETS.Kinetic),
  energy: slot(BUCKETS.Energy),
  power: slot(BUCKETS.Power),
  heavy: slot(BUCKETS.Power),
  ghost: slot(BUCKETS.Ghost),
  vehicle: slot(BUCKETS.Vehicle),
  sparrow: slot(BUCKETS.Vehicle),
  ship: slot(BUCKETS.Ships),
  subclass: slot(BUCKETS.Subclass),
  helmet: slot(BUCKETS.Helmet),
  gauntlets: slot(BUCKETS.Gauntlets),
  chest: slot(BUCKETS.Chest),
  leg: slot(BUCKETS.Legs),
  legs: slot(BUCKETS.Legs),
  classitem: slot(BUCKETS.ClassItem),
  emblem: slot(BUCKETS.Emblems),
  consumable: slot(BUCKETS.Consumables),
  mod: slot(BUCKETS.Modifications),
  exotic: tier(6),
  legendary: tier(5),
  rare: tier(4),
  uncommon: tier(3),
  common: tier(1, 2),
  kinetic: damage(DAMAGE.kinetic),
  arc: damage(DAMAGE.arc),
  solar: damage(DAMAGE.solar),
  void: damage(DAMAGE.void),
  stasis: damage(DAMAGE.stasis),
  strand: damage(DAMAGE.strand),
  locked: (i) => i.locked,
  unlocked: (i) => i.lockable && !i.locked,
  masterwork: (i) => i.masterwork,
  masterworked: (i) => i.masterwork,
  equipped: (i) => i.equipped,
  inpostmaster: (i) => i.location === 'postmaster',
  postmaster: (i) => i.location === 'postmaster',
  invault: (i) => i.owner === VAULT_ID,
  titan: classOnly(0),
  hunter: classOnly(1),
  warlock: classOnly(2),
  transferable: (i) => i.transferable,
  equippable: (i) => i.equippable,
  stackable: (i) => i.maxStackSize > 1,
  unknown: (i) => !i.resolved,
};

/** Filter keys other than `is:`/`not:`. `light:` is DIM's older name for `power:`. */
const KEYS = ['is', 'not', 'name', 'power', 'light'] as const;

const COMPARATORS = {
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
  '=': (a: number, b: number) => a === b,
} as const;

const normalisedNames = new WeakMap<InventoryItem, string>();

/**
 * Case- and accent-insensitive form, so "xur" finds "Xûr" and "vex mythoclast" finds "Vex Mythoclast". DIM also
 * folds accents for search; Bungie names use them (Häkke, Xûr, Nyxpterón).
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function itemName(item: InventoryItem): string {
  let name = normalisedNames.get(item);
  if (name === undefined) {
    name = normaliseText(item.name);
    normalisedNames.set(item, name);
  }
  return name;
}

class CompileError extends Error {
  constructor(readonly detail: SearchError) {
    super(detail.message);
  }
}

function fail(message: string, position: number, expected: string): never {
  throw new CompileError({ message, position, expected });
}

function nameContains(needle: string): ItemPredicate {
  const n = normaliseText(needle);
  return (i) => itemName(i).includes(n);
}

function isFilter(node: Extract<SearchNode, { kind: 'filter' }>): ItemPredicate {
  const word = node.value.toLowerCase();
  const predicate = Object.hasOwn(IS_FILTERS, word) ? IS_FILTERS[word] : undefined;
  if (!predicate) {
    const hint = word ? `Unknown filter "${node.key}:${node.value}"` : `"${node.key}:" needs a word`;
    fail(
      `${hint} at column ${node.valuePosition + 1}. Try is:weapon, is:armor, is:exotic, is:locked, is:arc…`,
      node.valuePosition,
      'an is: word such as weapon, armor, exotic, locked, equipped, hunter, arc',
    );
  }
  return predicate;
}

function powerFilter(node: Extract<SearchNode, { kind: 'filter' }>): ItemPredicate {
  const match = /^(<=|>=|<|>|=)?(\d+)$/.exec(node.value.trim());
  if (!match) {
    fail(
      `"${node.key}:" needs a number, like ${node.key}:>=1300, at column ${node.valuePosition + 1}.`,
      node.valuePosition,
      'a number with an optional <, <=, >, >= or =',
    );
  }
  const compare = COMPARATORS[(match[1] ?? '=') as keyof typeof COMPARATORS];
  const limit = Number(match[2]);
  return (i) => i.power !== undefined && compare(i.power, limit);
}

function compileNode(node: SearchNode): ItemPredicate {
  switch (node.kind) {
    case 'all':
      return () => true;
    case 'and': {
      const parts = node.children.map(compileNode);
      return (i) => parts.every((p) => p(i));
    }
    case 'or': {
      const parts = node.children.map(compileNode);
      return (i) => parts.some((p) => p(i));
    }
    case 'not': {
      const inner = compileNode(node.child);
      return (i) => !inner(i);
    }
    case 'text':
      return nameContains(node.value);
    case 'filter':
      switch (node.key as (typeof KEYS)[number]) {
        case 'is':
          return isFilter(node);
        case 'not': {
          const inner = isFilter(node);
          return (i) => !inner(i);
        }
        case 'name':
          if (!node.value.trim()) {
            fail(
              `"name:" needs some text at column ${node.valuePosition + 1}.`,
              node.valuePosition,
              'a name or "quoted name"',
            );
          }
          return nameContains(node.value);
        case 'power':
        case 'light':
          return powerFilter(node);
        default:
          return fail(
            `Unknown filter "${node.key}:" at column ${node.position + 1}.`,
            node.position,
            KEYS.map((k) => `${k}:`).join(', '),
          );
      }
  }
}

/** Turns a parsed query into one predicate, or the first unknown filter / bad value with its position. */
export function compileAst(ast: SearchNode): CompileResult {
  try {
    return { ok: true, predicate: compileNode(ast) };
  } catch (e) {
    if (e instanceof CompileError) return { ok: false, error: e.detail };
    throw e;
  }
}
