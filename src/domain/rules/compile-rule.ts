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
import type { LeafSpec, LeafTable } from './leaf-table.js';
import type { RuleNode, TextLeaf, TextScope } from './rule-ast.js';
import { nodeLength, OP_AND, OP_LEAF, OP_NOT, OP_OR, type RuleCode } from './rule-code.js';
import { ANY_TEXT_MASK, BODY_BIT, HEADLINE_BIT, SUMMARY_BIT } from './story-lookup.js';

const SCOPE_MASKS: Record<TextScope, number> = {
  any: ANY_TEXT_MASK,
  headline: HEADLINE_BIT,
  summary: SUMMARY_BIT,
  body: BODY_BIT,
};

/** Compiles a rule's tree, acquiring its leaves from the table. */
export function compileRule(root: RuleNode, leaves: LeafTable): RuleCode {
  const code: RuleCode = [];
  emit(root, false, leaves, code);
  return code;
}

/** Gives back the leaves the compiled rule at `start` acquired. */
export function releaseRule(code: ArrayLike<number>, start: number, leaves: LeafTable): void {
  const end = start + nodeLength(code, start);
  for (let pc = start; pc < end; pc++) {
    const word = code[pc]!;
    if ((word & 3) === OP_LEAF) leaves.release(leaves.leafById(word >> 2));
  }
}

function emit(node: RuleNode, negated: boolean, leaves: LeafTable, code: RuleCode): void {
  switch (node.kind) {
    case 'not':
      emit(node.child, !negated, leaves, code);
      return;
    case 'and':
    case 'or': {
      // De Morgan: a negated AND is an OR of negations, and the other way round.
      const op = (node.kind === 'and') !== negated ? OP_AND : OP_OR;
      const start = code.length;
      code.push(op);
      for (const child of node.children) emitFlattened(child, negated, op, leaves, code);
      code[start] = (code.length - start) * 4 + op;
      return;
    }
    default: {
      if (negated) code.push(2 * 4 + OP_NOT);
      code.push(leaves.acquire(specOf(node)).id * 4 + OP_LEAF);
    }
  }
}

/** Emits a child, merging it into its parent when it is the same operator. */
function emitFlattened(
  node: RuleNode,
  negated: boolean,
  parentOp: number,
  leaves: LeafTable,
  code: RuleCode,
): void {
  let current = node;
  let currentNegated = negated;
  while (current.kind === 'not') {
    current = current.child;
    currentNegated = !currentNegated;
  }
  if (current.kind === 'and' || current.kind === 'or') {
    const op = (current.kind === 'and') !== currentNegated ? OP_AND : OP_OR;
    if (op === parentOp) {
      for (const child of current.children) {
        emitFlattened(child, currentNegated, parentOp, leaves, code);
      }
      return;
    }
  }
  emit(current, currentNegated, leaves, code);
}

function specOf(node: Exclude<RuleNode, { kind: 'and' | 'or' | 'not' }>): LeafSpec {
  switch (node.kind) {
    case 'near':
      return {
        kind: NEAR,
        mask: SCOPE_MASKS[node.left.scope] & SCOPE_MASKS[node.right.scope],
        term: '',
        tokens: [],
        left: textSpecOf(node.left),
        right: textSpecOf(node.right),
        distance: node.distance,
      };
    case 'tag':
      return { kind: node.isPrefix ? TAG_PREFIX : TAG, mask: 0, term: node.value, tokens: [] };
    case 'section':
      return {
        kind: node.isPrefix ? SECTION_PREFIX : SECTION,
        mask: 0,
        term: node.value,
        tokens: [],
      };
    default:
      return textSpecOf(node);
  }
}

function textSpecOf(leaf: TextLeaf): LeafSpec {
  const mask = SCOPE_MASKS[leaf.scope];
  if (leaf.kind === 'word') return { kind: WORD, mask, term: leaf.stem, tokens: leaf.tokens };
  if (leaf.kind === 'prefix') return { kind: PREFIX, mask, term: leaf.stem, tokens: leaf.tokens };
  return { kind: PHRASE, mask, term: leaf.tokens.join(' '), tokens: leaf.tokens };
}
