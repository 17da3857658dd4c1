// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parseSearch, type SearchNode } from '@/lib/inventory/search-parse';

/** Compact S-expression of an AST so precedence is easy to read in the table. */
function show(node: SearchNode): string {
  switch (node.kind) {
    case 'all':
      return '*';
    case 'and':
      return `(and ${node.children.map(show).join(' ')})`;
    case 'or':
      return `(or ${node.children.map(show).join(' ')})`;
    case 'not':
      return `(not ${show(node.child)})`;
    case 'text':
      return node.quoted ? `"${node.value}"` : node.value;
    case 'filter':
      return node.quoted ? `${node.key}:"${node.value}"` : `${node.key}:${node.value}`;
  }
}

describe('parseSearch: grammar', () => {
  it.each([
    ['', '*'],
    ['   ', '*'],
    ['ace', 'ace'],
    ['ace of spades', '(and ace of spades)'],
    ['"ace of spades"', '"ace of spades"'],
    ["'ace of'", '"ace of"'],
    ['is:weapon', 'is:weapon'],
    ['IS:Weapon', 'is:Weapon'],
    ['is:weapon is:arc', '(and is:weapon is:arc)'],
    ['is:weapon and is:arc', '(and is:weapon is:arc)'],
    ['is:weapon AND is:arc', '(and is:weapon is:arc)'],
    ['is:arc or is:void', '(or is:arc is:void)'],
    ['is:weapon is:arc or is:void', '(or (and is:weapon is:arc) is:void)'],
    ['is:weapon (is:arc or is:void)', '(and is:weapon (or is:arc is:void))'],
    ['a or b and c', '(or a (and b c))'],
    ['not is:locked', '(not is:locked)'],
    ['-is:locked', '(not is:locked)'],
    ['- is:locked', '(and - is:locked)'],
    ['-(is:arc or is:void) is:weapon', '(and (not (or is:arc is:void)) is:weapon)'],
    ['not not is:locked', '(not (not is:locked))'],
    ['name:"the last word"', 'name:"the last word"'],
    ["name:'dead man'", 'name:"dead man"'],
    ['name:ace', 'name:ace'],
    ['power:>=1300', 'power:>=1300'],
    ['power:<1300 or power:=1310', '(or power:<1300 power:=1310)'],
    ['((is:exotic))', 'is:exotic'],
    ['x-ray', 'x-ray'],
    ['is:hunter -is:exotic name:"mask" or is:titan', '(or (and is:hunter (not is:exotic) name:"mask") is:titan)'],
  ])('%j → %s', (query, expected) => {
    const result = parseSearch(query);
    expect(result.ok).toBe(true);
    if (result.ok) expect(show(result.ast)).toBe(expected);
  });

  it('records positions for the value of a filter', () => {
    const result = parseSearch('ace is:wepon');
    expect(result).toMatchObject({ ok: true, ast: { kind: 'and' } });
    if (result.ok && result.ast.kind === 'and') {
      expect(result.ast.children[1]).toMatchObject({ kind: 'filter', position: 4, valuePosition: 7 });
    }
  });
});

describe('parseSearch: queries it cannot read', () => {
  it.each([
    ['(is:arc', 7, 'a closing )', 'Expected ) to close the ( at column 1.'],
    ['is:arc)', 6, 'a search term', 'Unexpected ) at column 7: there is no ( for it to close.'],
    ['()', 1, 'a search term', 'Empty parentheses at column 1.'],
    ['is:arc or', 9, 'a search term', 'Expected a search term after "or" at column 8.'],
    ['or is:arc', 0, 'a search term', 'Expected a search term before "or" at column 1.'],
    ['is:arc and', 10, 'a search term', 'Expected a search term after "and" at column 8.'],
    ['is:arc or or is:void', 10, 'a search term', 'Expected a search term after "or" at column 8.'],
    ['not', 3, 'a search term', 'Expected a search term after "not" at column 1.'],
    ['(is:arc or )', 11, 'a search term', 'Expected a search term after "or" at column 9.'],
    ['name:"the last', 5, 'a closing "', 'Unclosed quote at column 6: add a closing ".'],
    ['"ace', 0, 'a closing "', 'Unclosed quote at column 1: add a closing ".'],
  ])('%j fails at %i expecting %s', (query, position, expected, message) => {
    const result = parseSearch(query);
    expect(result).toEqual({ ok: false, error: { position, expected, message } });
  });
});
