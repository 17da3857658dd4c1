// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { compileSearch, IS_FILTERS, searchItems } from '@/lib/inventory/search';
import { BUCKETS, VAULT_ID, type InventoryItem } from '@/lib/inventory/types';
import { loadFixtureModel, loadProfile } from './fixtures';

const model = loadFixtureModel();
const items = Object.values(model.items);
const hunter = model.stores[0].id;

function run(query: string): InventoryItem[] {
  const result = searchItems(model, query);
  if (!result.ok) throw new Error(result.error.message);
  return result.items;
}

/** Oracles written against item facts directly, one per query, to check the language's meaning. */
const oracle: [string, (i: InventoryItem) => boolean][] = [
  ['', () => true],
  ['is:weapon', (i) => i.itemType === 3],
  ['is:armor', (i) => i.itemType === 2],
  ['is:kineticslot', (i) => i.targetBucketHash === BUCKETS.Kinetic],
  ['is:energy', (i) => i.targetBucketHash === BUCKETS.Energy],
  ['is:power', (i) => i.targetBucketHash === BUCKETS.Power],
  ['is:heavy', (i) => i.targetBucketHash === BUCKETS.Power],
  ['is:exotic', (i) => i.tierType === 6],
  ['is:legendary', (i) => i.tierType === 5],
  ['is:rare', (i) => i.tierType === 4],
  ['is:uncommon', (i) => i.tierType === 3],
  ['is:common', (i) => i.tierType === 2 || i.tierType === 1],
  ['is:locked', (i) => i.locked],
  ['is:unlocked', (i) => i.lockable && !i.locked],
  ['is:equipped', (i) => i.equipped],
  ['is:inpostmaster', (i) => i.bucketHash === BUCKETS.LostItems],
  ['is:invault', (i) => i.owner === VAULT_ID],
  ['is:hunter', (i) => i.classType === 1],
  ['is:titan', (i) => i.classType === 0],
  ['is:warlock', (i) => i.classType === 2],
  ['is:kinetic', (i) => i.damageType === 1],
  ['is:arc', (i) => i.damageType === 2],
  ['is:solar', (i) => i.damageType === 3],
  ['is:void', (i) => i.damageType === 4],
  ['is:stasis', (i) => i.damageType === 6],
  ['is:strand', (i) => i.damageType === 7],
  ['is:masterwork', (i) => i.masterwork],
  ['IS:EXOTIC', (i) => i.tierType === 6],
  ['-is:locked', (i) => !i.locked],
  ['not:locked', (i) => !i.locked],
  ['not is:weapon', (i) => i.itemType !== 3],
  ['is:weapon is:exotic', (i) => i.itemType === 3 && i.tierType === 6],
  ['is:weapon and is:exotic', (i) => i.itemType === 3 && i.tierType === 6],
  ['is:arc or is:void', (i) => i.damageType === 2 || i.damageType === 4],
  ['is:weapon (is:arc or is:void)', (i) => i.itemType === 3 && (i.damageType === 2 || i.damageType === 4)],
  ['is:weapon is:arc or is:void', (i) => (i.itemType === 3 && i.damageType === 2) || i.damageType === 4],
  ['-(is:weapon or is:armor)', (i) => i.itemType !== 3 && i.itemType !== 2],
  ['power:>=1310', (i) => (i.power ?? -1) >= 1310],
  ['power:>1310', (i) => (i.power ?? -1) > 1310],
  ['power:<=1300', (i) => i.power !== undefined && i.power <= 1300],
  ['power:<1300', (i) => i.power !== undefined && i.power < 1300],
  ['power:=1310', (i) => i.power === 1310],
  ['power:1310', (i) => i.power === 1310],
  ['light:>=1310', (i) => (i.power ?? -1) >= 1310],
  ['is:armor power:>=1300 -is:exotic', (i) => i.itemType === 2 && (i.power ?? 0) >= 1300 && i.tierType !== 6],
  ['ace', (i) => i.name.toLowerCase().includes('ace')],
  ['ACE of', (i) => i.name.toLowerCase().includes('ace') && i.name.toLowerCase().includes('of')],
  ['"ace of"', (i) => i.name.toLowerCase().includes('ace of')],
  ['name:"ace of"', (i) => i.name.toLowerCase().includes('ace of')],
  ['is:hunter is:equipped', (i) => i.classType === 1 && i.equipped],
];

describe('search over the real profile', () => {
  it.each(oracle)('%j matches exactly the items its meaning says', (query, meaning) => {
    const expected = items
      .filter(meaning)
      .map((i) => i.key)
      .sort();
    expect(
      run(query)
        .map((i) => i.key)
        .sort(),
    ).toEqual(expected);
  });

  it.each(
    ['is:weapon', 'is:armor', 'is:kineticslot', 'is:energy', 'is:power', 'is:exotic', 'is:legendary', 'is:rare']
      .concat(['is:uncommon', 'is:common', 'is:locked', 'is:unlocked', 'is:equipped', 'is:inpostmaster'])
      .concat(['is:hunter', 'is:titan', 'is:warlock', 'is:kinetic', 'is:arc', 'is:solar', 'is:void', 'is:stasis']),
  )('%s finds something in the 2021 capture (the oracle table is not vacuous)', (query) => {
    expect(run(query).length).toBeGreaterThan(0);
  });

  it('is:strand finds nothing: Strand arrived in 2023, after the capture', () => {
    expect(run('is:strand')).toEqual([]);
  });

  it.each([
    ['is:weapon', 'is:armor'],
    ['is:exotic', 'is:legendary'],
    ['is:locked', 'is:unlocked'],
    ['is:arc', 'is:solar'],
    ['is:equipped', 'is:invault'],
  ])('%s and %s are disjoint and both non-empty in the fixture', (a, b) => {
    const left = new Set(run(a).map((i) => i.key));
    const right = run(b);
    expect(left.size).toBeGreaterThan(0);
    expect(right.length).toBeGreaterThan(0);
    expect(right.filter((i) => left.has(i.key))).toEqual([]);
  });

  it('counts pinned to the capture: 50 equipped items, 19 in the postmaster', () => {
    const profile = loadProfile();
    const equipped = Object.values(profile.characterEquipment.data!).reduce((n, c) => n + c.items.length, 0);
    expect(run('is:equipped')).toHaveLength(equipped);
    expect(equipped).toBe(50);
    expect(run('is:inpostmaster')).toHaveLength(19);
    expect(run('is:hunter is:equipped').every((i) => i.owner === hunter)).toBe(true);
  });

  it("finds a named exotic wherever it is, including the apostrophe (Dead Man's Tale: 2 copies in the vault)", () => {
    const found = run('name:"dead man\'s tale"');
    expect(found.map((i) => `${i.name}@${i.owner}`)).toEqual([
      `Dead Man's Tale@${VAULT_ID}`,
      `Dead Man's Tale@${VAULT_ID}`,
    ]);
    expect(run('xenophage is:equipped').map((i) => i.owner)).toEqual([hunter]);
  });

  it.each([
    ['xur', 'Xûr', true],
    ['XÛR', 'Xûr', true],
    ['hakke', 'Häkke Pulse', true],
    ['nyxpteron', 'Nyxpterón', true],
    ['xur', 'Zavala', false],
  ])('free text %j against the name %j is case- and accent-insensitive (%s)', (query, name, expected) => {
    const compiled = compileSearch(query);
    if (!compiled.ok) throw new Error(compiled.error.message);
    expect(compiled.predicate({ ...items[0], name })).toBe(expected);
  });

  it('returns results in grid order: stores in model order, game bucket order within a store', () => {
    const result = run('is:equipped');
    const storeIndex = (i: InventoryItem) => model.stores.findIndex((s) => s.id === i.owner);
    for (let n = 1; n < result.length; n++) {
      const [a, b] = [result[n - 1], result[n]];
      expect(
        storeIndex(a) < storeIndex(b) ||
          (storeIndex(a) === storeIndex(b) && model.buckets[a.bucketHash].order <= model.buckets[b.bucketHash].order),
      ).toBe(true);
    }
  });

  it('every is: word compiles and is documented by the IS_FILTERS table', () => {
    for (const word of Object.keys(IS_FILTERS)) expect(compileSearch(`is:${word}`).ok).toBe(true);
  });

  it('a blank query says it matches everything so views can skip filtering', () => {
    expect(compileSearch('  ')).toMatchObject({ ok: true, matchesAll: true });
    expect(compileSearch('ace')).toMatchObject({ ok: true, matchesAll: false });
  });
});

describe('search: clear errors for queries it cannot run', () => {
  it.each([
    ['is:wepon', 3, /Unknown filter "is:wepon" at column 4/],
    ['is:weapon is:', 13, /"is:" needs a word/],
    ['foo:bar', 0, /Unknown filter "foo:" at column 1/],
    ['power:>=abc', 6, /"power:" needs a number, like power:>=1300/],
    ['power:=>1300', 6, /needs a number/],
    ['name:""', 5, /"name:" needs some text/],
    ['is:arc or (is:void', 18, /Expected \) to close the \( at column 11/],
    ['not:nothing', 4, /Unknown filter "not:nothing"/],
  ])('%j → error at %i', (query, position, message) => {
    const result = compileSearch(query);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.position).toBe(position);
      expect(result.error.message).toMatch(message);
      expect(result.error.expected.length).toBeGreaterThan(0);
    }
    expect(searchItems(model, query).ok).toBe(false);
  });
});

describe('search speed', () => {
  it('compiles once and filters the whole fixture model in well under 3 ms per keystroke', () => {
    const queries = ['a', 'ac', 'ace', 'is:weapon is:arc power:>=1300', '-is:locked (is:hunter or is:titan)'];
    for (const q of queries) searchItems(model, q);
    const start = performance.now();
    const rounds = 20;
    for (let r = 0; r < rounds; r++) for (const q of queries) searchItems(model, q);
    const perQuery = (performance.now() - start) / (rounds * queries.length);
    expect(perQuery).toBeLessThan(3);
  });
});
