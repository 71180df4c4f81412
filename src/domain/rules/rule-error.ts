/** A query the parser rejects, with the place to point at. */
export interface RuleSyntaxError {
  /** 1-based, in characters (code points) of the query. */
  column: number;
  message: string;
  query: string;
  /** The query on one line and a caret under the column on the next. */
  display: string;
}

/** Thrown inside the lexer and parser; `parseRule` turns it into a `RuleSyntaxError`. */
export class RuleParseFailure extends Error {
  constructor(
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

const LINE_BREAKS_AND_TABS = /\s/u;

/** Builds the error a caller sees: message, column and the caret display. */
export function createRuleSyntaxError(
  query: string,
  column: number,
  message: string,
): RuleSyntaxError {
  // Every white-space character shows as one space so the caret stays under its column.
  const line = Array.from(query, (char) => (LINE_BREAKS_AND_TABS.test(char) ? ' ' : char)).join('');
  const display = `${line}\n${' '.repeat(Math.max(0, column - 1))}^`;
  return { column, message, query, display };
}
