import { type FieldName, lexQuery, type Token } from './lexer.js';
import { countCharacters, tokenizeText } from './normalize.js';
import type { LeafNode, ParsedRule, RuleNode, TextLeaf, TextScope } from './rule-ast.js';
import { createRuleSyntaxError, RuleParseFailure, type RuleSyntaxError } from './rule-error.js';
import { stemToken } from './stem.js';

const MAX_CHARACTERS = 1000;
const MAX_LEAVES = 64;
const MIN_PREFIX_CHARACTERS = 3;

export type ParseRuleResult =
  | { ok: true; rule: ParsedRule }
  | { ok: false; error: RuleSyntaxError };

/** Parses a query of RULES.md; on failure the error names the column and shows a caret. */
export function parseRule(query: string): ParseRuleResult {
  try {
    return { ok: true, rule: { query, root: parseQuery(query) } };
  } catch (error) {
    if (!(error instanceof RuleParseFailure)) throw error;
    return { ok: false, error: createRuleSyntaxError(query, error.column, error.message) };
  }
}

function parseQuery(query: string): RuleNode {
  if (countCharacters(query) > MAX_CHARACTERS) {
    throw new RuleParseFailure(
      MAX_CHARACTERS + 1,
      `a query may have at most ${MAX_CHARACTERS} characters`,
    );
  }
  const tokens = lexQuery(query);
  const first = tokens[0]!;
  if (first.type === 'eof') throw new RuleParseFailure(1, 'the query is empty');
  const root = new Parser(tokens).parseQuery();
  const column = findMatchOnEmptyStory(root);
  if (column !== undefined) {
    throw new RuleParseFailure(
      column,
      'the query matches a story with none of its terms: it needs a part that must be present',
    );
  }
  return root;
}

const TERM_STARTS: ReadonlySet<Token['type']> = new Set([
  'word',
  'phrase',
  'prefix',
  'field',
  'lparen',
  'not',
]);

const OPERATOR_NAMES: Partial<Record<Token['type'], string>> = {
  and: 'AND',
  or: 'OR',
  not: 'NOT',
  near: 'NEAR',
};

class Parser {
  private position = 0;
  private leafCount = 0;
  private field: FieldName | undefined;

  constructor(private readonly tokens: Token[]) {}

  parseQuery(): RuleNode {
    const node = this.parseOr();
    const next = this.peek();
    if (next.type === 'rparen') throw new RuleParseFailure(next.column, 'this ")" has no "("');
    if (next.type !== 'eof') throw new RuleParseFailure(next.column, 'unexpected operator');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private take(): Token {
    return this.tokens[this.position++]!;
  }

  private expectTermAfter(operator: Token, name: string): void {
    if (!TERM_STARTS.has(this.peek().type)) {
      throw new RuleParseFailure(operator.column, `${name} needs a term after it`);
    }
  }

  private parseOr(): RuleNode {
    const children = [this.parseAnd()];
    while (this.peek().type === 'or') {
      this.expectTermAfter(this.take(), 'OR');
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  private parseAnd(): RuleNode {
    const children = [this.parseNot()];
    for (;;) {
      const next = this.peek();
      if (next.type === 'and') {
        this.expectTermAfter(this.take(), 'AND');
      } else if (!TERM_STARTS.has(next.type)) {
        break;
      }
      children.push(this.parseNot());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  private parseNot(): RuleNode {
    const next = this.peek();
    if (next.type !== 'not') return this.parseNear();
    this.expectTermAfter(this.take(), 'NOT');
    return { kind: 'not', child: this.parseNot(), column: next.column };
  }

  private parseNear(): RuleNode {
    const left = this.parseField();
    const near = this.peek();
    if (near.type !== 'near') return left;
    this.take();
    const name = `NEAR/${near.distance}`;
    const next = this.peek().type;
    if (
      next !== 'word' &&
      next !== 'phrase' &&
      next !== 'prefix' &&
      next !== 'field' &&
      next !== 'lparen'
    ) {
      throw new RuleParseFailure(near.column, `${name} needs a word, phrase or prefix after it`);
    }
    const right = this.parseField();
    const after = this.peek();
    if (after.type === 'near') {
      throw new RuleParseFailure(after.column, 'NEAR cannot be chained: group with AND instead');
    }
    if (!isTextLeaf(left) || !isTextLeaf(right)) {
      throw new RuleParseFailure(
        near.column,
        `${name} joins two words, phrases or prefixes (not groups, tags or sections)`,
      );
    }
    return { kind: 'near', left, right, distance: near.distance, column: near.column };
  }

  private parseField(): RuleNode {
    const next = this.peek();
    if (next.type !== 'field') return this.parseAtom();
    if (this.field !== undefined) {
      throw new RuleParseFailure(
        next.column,
        `"${next.name}:" cannot be used inside "${this.field}:"`,
      );
    }
    this.take();
    this.field = next.name;
    try {
      return this.parseAtom();
    } finally {
      this.field = undefined;
    }
  }

  private parseAtom(): RuleNode {
    const token = this.take();
    switch (token.type) {
      case 'lparen': {
        const next = this.peek();
        if (next.type === 'rparen') throw new RuleParseFailure(token.column, 'empty parentheses');
        if (next.type === 'eof') throw new RuleParseFailure(token.column, 'this "(" has no ")"');
        const node = this.parseOr();
        if (this.peek().type !== 'rparen') {
          throw new RuleParseFailure(token.column, 'this "(" has no ")"');
        }
        this.take();
        return node;
      }
      case 'word':
      case 'phrase':
      case 'prefix':
        return this.createLeaf(token.type, token.text, token.column);
      case 'rparen':
        throw new RuleParseFailure(token.column, 'this ")" has no "("');
      case 'field':
        throw new RuleParseFailure(
          token.column,
          `"${token.name}:" cannot be used inside "${this.field}:"`,
        );
      case 'eof':
        throw new RuleParseFailure(token.column, 'a term is missing at the end');
      default:
        throw new RuleParseFailure(
          token.column,
          `${OPERATOR_NAMES[token.type] ?? 'this operator'} needs a term before it`,
        );
    }
  }

  private createLeaf(type: 'word' | 'phrase' | 'prefix', text: string, column: number): LeafNode {
    this.leafCount++;
    if (this.leafCount > MAX_LEAVES) {
      throw new RuleParseFailure(column, `a query may have at most ${MAX_LEAVES} terms`);
    }
    const tokens = tokenizeText(text);
    if (type === 'prefix') {
      const prefix = tokens[0];
      if (tokens.length !== 1 || countCharacters(prefix!) < MIN_PREFIX_CHARACTERS) {
        throw new RuleParseFailure(
          column,
          `a prefix must be one word of at least ${MIN_PREFIX_CHARACTERS} letters or digits before "*"`,
        );
      }
    } else if (tokens.length === 0) {
      throw new RuleParseFailure(column, 'this term has no letters or digits');
    }
    const field = this.field;
    if (field === 'tag' || field === 'section') {
      return { kind: field, value: tokens.join(' '), isPrefix: type === 'prefix', column };
    }
    const scope: TextScope = field ?? 'any';
    if (type === 'prefix') return { kind: 'prefix', tokens, stem: tokens[0]!, scope, column };
    if (type === 'word' && tokens.length === 1) {
      return { kind: 'word', tokens, stem: stemToken(tokens[0]!), scope, column };
    }
    return { kind: 'phrase', tokens, stem: tokens[0]!, scope, column };
  }
}

function isTextLeaf(node: RuleNode): node is TextLeaf {
  return node.kind === 'word' || node.kind === 'phrase' || node.kind === 'prefix';
}

/**
 * The column to blame when the rule holds for a story with no text, tags or section
 * (every leaf false there), or undefined when it does not hold.
 */
function findMatchOnEmptyStory(node: RuleNode): number | undefined {
  if (!holdsOnEmptyStory(node)) return undefined;
  let current = node;
  for (;;) {
    if (current.kind === 'not') return current.column;
    if (current.kind !== 'and' && current.kind !== 'or') return 1;
    // In an AND every child holds; in an OR at least one does: follow it to its NOT.
    current = current.children.find(holdsOnEmptyStory)!;
  }
}

function holdsOnEmptyStory(node: RuleNode): boolean {
  switch (node.kind) {
    case 'not':
      return !holdsOnEmptyStory(node.child);
    case 'and':
      return node.children.every(holdsOnEmptyStory);
    case 'or':
      return node.children.some(holdsOnEmptyStory);
    default:
      return false;
  }
}
