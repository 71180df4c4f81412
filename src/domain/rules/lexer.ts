import { RuleParseFailure } from './rule-error.js';

/** The five field names of RULES.md. */
export type FieldName = 'headline' | 'summary' | 'body' | 'tag' | 'section';

const FIELD_NAMES: ReadonlySet<string> = new Set(['headline', 'summary', 'body', 'tag', 'section']);

export type Token =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'eof'; column: number }
  | { type: 'near'; column: number; distance: number }
  | { type: 'field'; column: number; name: FieldName }
  /** `text` is the raw text: between the quotes, or the word without a final `*`. */
  | { type: 'phrase' | 'word' | 'prefix'; column: number; text: string };

const SPACE = /\s/u;
const ASCII_LETTER = /^[A-Za-z]$/;
const NEAR_OPERATOR = /^NEAR\/([0-9]+)$/;

function isSpace(char: string | undefined): boolean {
  return char !== undefined && SPACE.test(char);
}

function endsWord(char: string | undefined): boolean {
  return char === undefined || char === '(' || char === ')' || char === '"' || isSpace(char);
}

/**
 * Splits a query into tokens (RULES.md, "Lexing"). Works on code points so that columns
 * count characters. Throws `RuleParseFailure` for lexical errors.
 */
export function lexQuery(query: string): Token[] {
  const chars = Array.from(query);
  const tokens: Token[] = [];
  let i = 0;
  // Right after `NAME:` an atom must follow directly and operators are plain words.
  let afterField = false;
  while (i < chars.length) {
    const char = chars[i]!;
    const column = i + 1;
    if (isSpace(char)) {
      i++;
      continue;
    }
    const qualified = afterField;
    afterField = false;
    if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'lparen' : 'rparen', column });
      i++;
      continue;
    }
    if (char === '"') {
      const close = chars.indexOf('"', i + 1);
      if (close < 0) throw new RuleParseFailure(column, 'this phrase has no closing quote');
      tokens.push({ type: 'phrase', column, text: chars.slice(i + 1, close).join('') });
      i = close + 1;
      continue;
    }
    const next = chars[i + 1];
    if (!qualified && char === '-' && next !== undefined && next !== ')' && !isSpace(next)) {
      tokens.push({ type: 'not', column });
      i++;
      continue;
    }
    const field = readFieldName(chars, i);
    if (field !== undefined) {
      if (!FIELD_NAMES.has(field)) {
        throw new RuleParseFailure(
          column,
          `unknown field "${field}": use headline, summary, body, tag or section`,
        );
      }
      const after = chars[i + field.length + 1];
      if (after === undefined || after === ')' || isSpace(after)) {
        throw new RuleParseFailure(column, `"${field}:" must be followed directly by a term`);
      }
      tokens.push({ type: 'field', column, name: field as FieldName });
      i += field.length + 1;
      afterField = true;
      continue;
    }
    let end = i;
    while (!endsWord(chars[end])) end++;
    const word = chars.slice(i, end).join('');
    i = end;
    if (!qualified) {
      const operator = readOperator(word, column);
      if (operator !== undefined) {
        tokens.push(operator);
        continue;
      }
    }
    const star = word.indexOf('*');
    if (star >= 0 && star < word.length - 1) {
      throw new RuleParseFailure(
        column + Array.from(word.slice(0, star)).length,
        '"*" may only end a word',
      );
    }
    if (star >= 0) tokens.push({ type: 'prefix', column, text: word.slice(0, -1) });
    else tokens.push({ type: 'word', column, text: word });
  }
  tokens.push({ type: 'eof', column: chars.length + 1 });
  return tokens;
}

/** `NAME` when the characters at `start` are ASCII letters followed by a colon. */
function readFieldName(chars: string[], start: number): string | undefined {
  let end = start;
  while (end < chars.length && ASCII_LETTER.test(chars[end]!)) end++;
  if (end === start || chars[end] !== ':') return undefined;
  return chars.slice(start, end).join('');
}

function readOperator(word: string, column: number): Token | undefined {
  if (word === 'AND') return { type: 'and', column };
  if (word === 'OR') return { type: 'or', column };
  if (word === 'NOT') return { type: 'not', column };
  const near = NEAR_OPERATOR.exec(word);
  if (near === null) return undefined;
  const distance = Number(near[1]);
  if (distance < 1 || distance > 100) {
    throw new RuleParseFailure(column, 'NEAR/n needs n between 1 and 100');
  }
  return { type: 'near', column, distance };
}
