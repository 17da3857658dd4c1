/**
 * Item search, DIM-compatible core: free text on the name, `is:` words, `not:`, `name:"…"`, `power:>=N`, and/or/not/-,
 * parentheses, implicit and. Syntax lives in search-parse.ts, meaning in search-eval.ts; this file is the API.
 */
import { compileAst, type ItemPredicate } from './search-eval';
import { parseSearch, type SearchError, type SearchNode } from './search-parse';
import type { InventoryItem, InventoryModel } from './types';

export { IS_FILTERS, normaliseText, type ItemPredicate } from './search-eval';
export { parseSearch, type ParseResult, type SearchError, type SearchNode } from './search-parse';

export type CompiledSearch =
  { ok: true; ast: SearchNode; predicate: ItemPredicate; matchesAll: boolean } | { ok: false; error: SearchError };

/**
 * Parses and compiles a query once; call `predicate` per item (per keystroke, over every store). A blank query
 * matches everything (`matchesAll`), so views can skip filtering.
 */
export function compileSearch(query: string): CompiledSearch {
  const parsed = parseSearch(query);
  if (!parsed.ok) return parsed;
  const compiled = compileAst(parsed.ast);
  if (!compiled.ok) return compiled;
  return { ok: true, ast: parsed.ast, predicate: compiled.predicate, matchesAll: parsed.ast.kind === 'all' };
}

export type SearchResult = { ok: true; items: InventoryItem[] } | { ok: false; error: SearchError };

/**
 * Every item of the model that matches, in store order (characters most recent first, then the vault) and bucket
 * game order within a store, so results read like the grid.
 */
export function searchItems(model: InventoryModel, query: string): SearchResult {
  const compiled = compileSearch(query);
  if (!compiled.ok) return compiled;
  const order = Object.values(model.buckets)
    .sort((a, b) => a.order - b.order)
    .map((b) => b.hash);
  const items: InventoryItem[] = [];
  for (const store of model.stores) {
    for (const hash of order) {
      for (const key of store.buckets[hash] ?? []) {
        const item = model.items[key];
        if (compiled.predicate(item)) items.push(item);
      }
    }
  }
  return { ok: true, items };
}
