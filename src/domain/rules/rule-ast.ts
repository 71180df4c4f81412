/** The syntax tree of a parsed rule. Columns are 1-based, in characters of the query. */

/** Where a text leaf looks: every text field and tag, or one named field. */
export type TextScope = 'any' | 'headline' | 'summary' | 'body';

/** A WORD (one token, stemmed), a PHRASE (exact consecutive tokens) or a PREFIX. */
export interface TextLeaf {
  kind: 'word' | 'phrase' | 'prefix';
  /** Normalized tokens: one for a word or prefix, one or more for a phrase. */
  tokens: string[];
  /** The stem of a word's token; the token itself for phrases and prefixes. */
  stem: string;
  scope: TextScope;
  column: number;
}

/** `tag:X` or `section:X`: equality (or, for `p*`, a prefix) of the joined tokens. */
export interface ValueLeaf {
  kind: 'tag' | 'section';
  /** The tokens of X joined by single spaces. */
  value: string;
  isPrefix: boolean;
  column: number;
}

export interface NearNode {
  kind: 'near';
  left: TextLeaf;
  right: TextLeaf;
  distance: number;
  column: number;
}

export interface NotNode {
  kind: 'not';
  child: RuleNode;
  column: number;
}

export interface BooleanNode {
  kind: 'and' | 'or';
  children: RuleNode[];
}

export type LeafNode = TextLeaf | ValueLeaf;
export type RuleNode = LeafNode | NearNode | NotNode | BooleanNode;

/** A rule that parsed: its tree and the query it came from. */
export interface ParsedRule {
  readonly query: string;
  readonly root: RuleNode;
}
