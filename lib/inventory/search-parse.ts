/**
 * The search language's syntax: DIM's core grammar. Text → tokens → AST, no knowledge of items or of which
 * filter names exist (search-eval.ts checks those, with the positions recorded here).
 *
 *   query   := or
 *   or      := and ("or" and)*
 *   and     := unary (["and"] unary)*          adjacency is an implicit "and"
 *   unary   := ("not" | "-") unary | "(" or ")" | term
 *   term    := word | "quoted text" | key ":" value | key ":" "quoted value"
 *
 * Keywords are case-insensitive. `and` binds tighter than `or`, as in DIM.
 */

/** A problem in the query, with the offset (0-based) of the character the caret should point at. */
export interface SearchError {
  message: string;
  position: number;
  /** What would have been accepted there, in words ("a search term", "a closing )"). */
  expected: string;
}

export type SearchNode =
  | { kind: 'all' }
  | { kind: 'and'; children: SearchNode[] }
  | { kind: 'or'; children: SearchNode[] }
  | { kind: 'not'; child: SearchNode }
  /** Free text matched against the item name. */
  | { kind: 'text'; value: string; quoted: boolean; position: number }
  /** `key:value`; `valuePosition` points at the value for error messages. */
  | { kind: 'filter'; key: string; value: string; quoted: boolean; position: number; valuePosition: number };

export type ParseResult = { ok: true; ast: SearchNode } | { ok: false; error: SearchError };

type Token =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'not'; position: number; text: string }
  | { type: 'text'; value: string; quoted: boolean; position: number; text: string }
  | {
      type: 'filter';
      key: string;
      value: string;
      quoted: boolean;
      position: number;
      valuePosition: number;
      text: string;
    };

class SearchSyntaxError extends Error {
  constructor(readonly detail: SearchError) {
    super(detail.message);
  }
}

function fail(message: string, position: number, expected: string): never {
  throw new SearchSyntaxError({ message, position, expected });
}

/** 1-based column for messages; `position` stays 0-based for code. */
function col(position: number): number {
  return position + 1;
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\u00a0';
}

function isQuote(ch: string): boolean {
  return ch === '"' || ch === "'";
}

/** Reads a quoted string starting at `start` (the opening quote); returns its content and the index after it. */
function readQuoted(query: string, start: number): { value: string; end: number } {
  const quote = query[start];
  const close = query.indexOf(quote, start + 1);
  if (close < 0) fail(`Unclosed quote at column ${col(start)}: add a closing ${quote}.`, start, `a closing ${quote}`);
  return { value: query.slice(start + 1, close), end: close + 1 };
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (isSpace(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ type: ch === '(' ? 'lparen' : 'rparen', position: i, text: ch });
      i++;
    } else if (ch === '-' && i + 1 < query.length && !isSpace(query[i + 1]) && query[i + 1] !== ')') {
      // DIM's "-is:locked": a dash glued to the next term negates it; a lone dash is plain text.
      tokens.push({ type: 'not', position: i, text: '-' });
      i++;
    } else if (isQuote(ch)) {
      const { value, end } = readQuoted(query, i);
      tokens.push({ type: 'text', value, quoted: true, position: i, text: query.slice(i, end) });
      i = end;
    } else {
      tokens.push(readWord(query, i));
      i += tokens[tokens.length - 1].text.length;
    }
  }
  return tokens;
}

function readWord(query: string, start: number): Token {
  let i = start;
  while (i < query.length && !isSpace(query[i]) && query[i] !== '(' && query[i] !== ')') {
    if (query[i] === ':' && i > start && isQuote(query[i + 1] ?? '')) {
      const { value, end } = readQuoted(query, i + 1);
      const key = query.slice(start, i).toLowerCase();
      return {
        type: 'filter',
        key,
        value,
        quoted: true,
        position: start,
        valuePosition: i + 1,
        text: query.slice(start, end),
      };
    }
    i++;
  }
  const text = query.slice(start, i);
  const colon = text.indexOf(':');
  if (colon > 0) {
    return {
      type: 'filter',
      key: text.slice(0, colon).toLowerCase(),
      value: text.slice(colon + 1),
      quoted: false,
      position: start,
      valuePosition: start + colon + 1,
      text,
    };
  }
  const lower = text.toLowerCase();
  if (lower === 'and' || lower === 'or' || lower === 'not') return { type: lower, position: start, text };
  return { type: 'text', value: text, quoted: false, position: start, text };
}

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  parse(): SearchNode {
    if (this.tokens.length === 0) return { kind: 'all' };
    const node = this.parseOr();
    const extra = this.peek();
    if (extra) {
      if (extra.type === 'rparen') {
        fail(
          `Unexpected ) at column ${col(extra.position)}: there is no ( for it to close.`,
          extra.position,
          'a search term',
        );
      }
      fail(`Unexpected "${extra.text}" at column ${col(extra.position)}.`, extra.position, 'the end of the query');
    }
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private parseOr(): SearchNode {
    const children = [this.parseAnd()];
    while (this.peek()?.type === 'or') {
      const op = this.tokens[this.index++];
      children.push(this.requireOperand(op, () => this.parseAnd()));
    }
    return children.length === 1 ? children[0] : { kind: 'or', children };
  }

  private parseAnd(): SearchNode {
    const children = [this.parseUnary()];
    for (;;) {
      const next = this.peek();
      if (!next) break;
      if (next.type === 'and') {
        this.index++;
        children.push(this.requireOperand(next, () => this.parseUnary()));
      } else if (next.type === 'rparen' || next.type === 'or') {
        break;
      } else {
        children.push(this.parseUnary());
      }
    }
    return children.length === 1 ? children[0] : { kind: 'and', children };
  }

  /** An operator must have something after it; say so at the operator rather than at the end of the text. */
  private requireOperand(op: Token, parse: () => SearchNode): SearchNode {
    const next = this.peek();
    if (!next || next.type === 'rparen' || next.type === 'or' || next.type === 'and') {
      const at = next ? next.position : this.length;
      fail(`Expected a search term after "${op.text}" at column ${col(op.position)}.`, at, 'a search term');
    }
    return parse();
  }

  private parseUnary(): SearchNode {
    const token = this.peek();
    if (!token) fail('Expected a search term at the end of the query.', this.length, 'a search term');
    switch (token.type) {
      case 'not': {
        this.index++;
        return { kind: 'not', child: this.requireOperand(token, () => this.parseUnary()) };
      }
      case 'lparen': {
        this.index++;
        const first = this.peek();
        if (first?.type === 'rparen') {
          fail(`Empty parentheses at column ${col(token.position)}.`, first.position, 'a search term');
        }
        const inner = this.parseOr();
        const close = this.peek();
        if (close?.type !== 'rparen') {
          fail(
            `Expected ) to close the ( at column ${col(token.position)}.`,
            close ? close.position : this.length,
            'a closing )',
          );
        }
        this.index++;
        return inner;
      }
      case 'text':
        this.index++;
        return { kind: 'text', value: token.value, quoted: token.quoted, position: token.position };
      case 'filter':
        this.index++;
        return {
          kind: 'filter',
          key: token.key,
          value: token.value,
          quoted: token.quoted,
          position: token.position,
          valuePosition: token.valuePosition,
        };
      default:
        return fail(
          `Expected a search term before "${token.text}" at column ${col(token.position)}.`,
          token.position,
          'a search term',
        );
    }
  }
}

/**
 * Parses a DIM-style query into an AST. An empty or blank query matches everything. Never throws: a query it
 * cannot read gives `{ ok: false, error }` with the 0-based position and what was expected there.
 */
export function parseSearch(query: string): ParseResult {
  try {
    return { ok: true, ast: new Parser(tokenize(query), query.length).parse() };
  } catch (e) {
    if (e instanceof SearchSyntaxError) return { ok: false, error: e.detail };
    throw e;
  }
}
