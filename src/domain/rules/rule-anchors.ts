import {
  NEAR,
  PHRASE,
  PREFIX,
  SECTION,
  SECTION_PREFIX,
  TAG,
  TAG_PREFIX,
  WORD,
} from './leaf-kinds.js';
import { nodeLength, OP_AND, OP_LEAF, OP_OR } from './rule-code.js';
import { BODY_BIT, HEADLINE_BIT, SUMMARY_BIT } from './story-lookup.js';

export const ANCHOR_STEM = 0;
export const ANCHOR_TOKEN = 1;
export const ANCHOR_PREFIX = 2;
export const ANCHOR_TAG = 3;
export const ANCHOR_TAG_PREFIX = 4;
export const ANCHOR_SECTION = 5;
export const ANCHOR_SECTION_PREFIX = 6;

/**
 * A key a story must contain for the rule to match: a stem, an exact token or a prefix of
 * a token (in any text field, or in one scope), a tag or section value or its prefix.
 */
export interface Anchor {
  readonly kind: number;
  readonly term: string;
  /** 0 any text field, 1 headline, 2 summary, 3 body. */
  readonly scope: number;
}

/** How common a term is in stories: lower means rarer, a better anchor. */
export type TermCost = (term: string) => number;

/** Anchors that cover a node, and how many stories they are expected to fire on. */
export interface AnchorChoice {
  readonly anchors: readonly Anchor[];
  readonly cost: number;
}

/** What choosing a leaf's anchors looks at. */
export interface LeafShape {
  readonly kind: number;
  readonly mask: number;
  readonly term: string;
  readonly tokens: readonly string[];
  readonly left?: LeafShape | null;
  readonly right?: LeafShape | null;
}

// A field-qualified key fires on fewer stories than the same key anywhere.
const SCOPE_FACTORS = [1, 0.2, 0.5, 0.9];
// Without statistics, tags are assumed rare and sections coarse.
const TAG_COST = 0.01;
const TAG_PREFIX_COST = 0.03;
const SECTION_COST = 0.3;
const SECTION_PREFIX_COST = 0.4;

/** The scope index (see `Anchor.scope`) of a text leaf's field mask. */
export function scopeOfMask(mask: number): number {
  if (mask === HEADLINE_BIT) return 1;
  if (mask === SUMMARY_BIT) return 2;
  if (mask === BODY_BIT) return 3;
  return 0;
}

/**
 * Two anchor sets for a rule; every story the rule matches contains a key of each.
 * `second` is null when it would be the same as `first` (single pass).
 */
/** Where a compiled rule's leaf ids find their anchors (the leaf table). */
export interface LeafAnchorSource {
  leafById(id: number): { readonly anchors: AnchorChoice };
}

export interface RuleAnchors {
  readonly first: readonly Anchor[];
  readonly second: readonly Anchor[] | null;
}

interface TwoPasses {
  first: AnchorChoice;
  second: AnchorChoice;
  distinct: boolean;
}

/**
 * Anchors such that every story the rule matches contains at least one of them
 * (Lucene Monitor's presearcher): one child of an AND, every child of an OR, never a
 * negated leaf. A second pass takes another child of each AND where there is one, so a
 * rule is verified only when a key of each pass is present (Monitor's multipass idea).
 * Null when the rule has no anchor. Deterministic, so removal finds the same keys.
 */
export function chooseAnchors(
  code: ArrayLike<number>,
  start: number,
  leaves: LeafAnchorSource,
): RuleAnchors | null {
  const passes = chooseAt(code, start, leaves);
  if (passes === null) return null;
  return {
    first: passes.first.anchors,
    second: passes.distinct ? passes.second.anchors : null,
  };
}

function chooseAt(code: ArrayLike<number>, pc: number, leaves: LeafAnchorSource): TwoPasses | null {
  const word = code[pc]!;
  const op = word & 3;
  if (op === OP_LEAF) {
    const anchors = leaves.leafById(word >> 2).anchors;
    return { first: anchors, second: anchors, distinct: false };
  }
  if (op !== OP_AND && op !== OP_OR) return null;
  const end = pc + (word >> 2);
  const children: TwoPasses[] = [];
  for (let child = pc + 1; child < end; child += nodeLength(code, child)) {
    const passes = chooseAt(code, child, leaves);
    if (passes !== null) children.push(passes);
    else if (op === OP_OR) return null;
  }
  if (children.length === 0) return null;
  if (op === OP_OR) {
    return {
      first: unite(children.map((child) => child.first)),
      second: unite(children.map((child) => child.second)),
      distinct: children.some((child) => child.distinct),
    };
  }
  // The rarest child anchors the first pass, the next rarest the second.
  let best = 0;
  for (let i = 1; i < children.length; i++) {
    if (children[i]!.first.cost < children[best]!.first.cost) best = i;
  }
  if (children.length === 1) return children[0]!;
  let next = best === 0 ? 1 : 0;
  for (let i = 0; i < children.length; i++) {
    if (i !== best && children[i]!.first.cost < children[next]!.first.cost) next = i;
  }
  return { first: children[best]!.first, second: children[next]!.first, distinct: true };
}

function unite(choices: AnchorChoice[]): AnchorChoice {
  if (choices.length === 1) return choices[0]!;
  const anchors: Anchor[] = [];
  let cost = 0;
  for (const choice of choices) {
    anchors.push(...choice.anchors);
    cost += choice.cost;
  }
  return { anchors, cost };
}

/** The anchors of one leaf, chosen once when the leaf is interned. */
export function chooseLeafAnchors(leaf: LeafShape, cost: TermCost): AnchorChoice {
  return chooseForLeaf(leaf, -1, cost);
}

/** `scopeOverride` narrows a NEAR operand to the fields both operands share. */
function chooseForLeaf(leaf: LeafShape, scopeOverride: number, cost: TermCost): AnchorChoice {
  const scope = scopeOverride >= 0 ? scopeOverride : scopeOfMask(leaf.mask);
  const factor = SCOPE_FACTORS[scope]!;
  switch (leaf.kind) {
    case WORD:
      return single(ANCHOR_STEM, leaf.term, scope, cost(leaf.term) * factor);
    case PHRASE: {
      let rarest = leaf.tokens[0]!;
      let rarestCost = cost(rarest);
      for (const token of leaf.tokens) {
        const tokenCost = cost(token);
        if (tokenCost < rarestCost) {
          rarest = token;
          rarestCost = tokenCost;
        }
      }
      // The other tokens must follow too: a phrase is rarer than its rarest token.
      return single(ANCHOR_TOKEN, rarest, scope, rarestCost * factor * 0.5);
    }
    case PREFIX:
      // A prefix stands for many words: count it as more common than the word itself.
      return single(
        ANCHOR_PREFIX,
        leaf.term,
        scope,
        Math.min(1, cost(leaf.term) * 4 + 0.01) * factor,
      );
    case TAG:
      return single(ANCHOR_TAG, leaf.term, 0, TAG_COST);
    case TAG_PREFIX:
      return single(ANCHOR_TAG_PREFIX, leaf.term, 0, TAG_PREFIX_COST);
    case SECTION:
      return single(ANCHOR_SECTION, leaf.term, 0, SECTION_COST);
    case SECTION_PREFIX:
      return single(ANCHOR_SECTION_PREFIX, leaf.term, 0, SECTION_PREFIX_COST);
    case NEAR: {
      const nearScope = scopeOfMask(leaf.mask);
      const left = chooseForLeaf(leaf.left!, nearScope, cost);
      const right = chooseForLeaf(leaf.right!, nearScope, cost);
      return right.cost < left.cost ? right : left;
    }
    default:
      throw new Error(`unknown leaf kind ${leaf.kind}`);
  }
}

function single(kind: number, term: string, scope: number, cost: number): AnchorChoice {
  return { anchors: [{ kind, term, scope }], cost };
}
