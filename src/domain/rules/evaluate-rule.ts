import type { NearNode, ParsedRule, RuleNode, TextLeaf, TextScope } from './rule-ast.js';
import { FIRST_TAG_FIELD, type TokenizedField, type TokenizedStory } from './tokenized-story.js';

/**
 * The reference evaluator: RULES.md "Meaning" read literally, by scanning the story's
 * tokens for every leaf. The indexed matcher must agree with it on every story.
 */
export function evaluateRule(rule: ParsedRule, story: TokenizedStory): boolean {
  return evaluateNode(rule.root, story);
}

function evaluateNode(node: RuleNode, story: TokenizedStory): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => evaluateNode(child, story));
    case 'or':
      return node.children.some((child) => evaluateNode(child, story));
    case 'not':
      return !evaluateNode(node.child, story);
    case 'near':
      return evaluateNear(node, story);
    case 'tag':
      return story.tagValues.some((value) => equalsOrStartsWith(value, node.value, node.isPrefix));
    case 'section':
      return story.section !== null && equalsOrStartsWith(story.section, node.value, node.isPrefix);
    default:
      return fieldsIn(story, node.scope).some((field) => findSpans(node, field).length > 0);
  }
}

function equalsOrStartsWith(value: string, wanted: string, isPrefix: boolean): boolean {
  return isPrefix ? value.startsWith(wanted) : value === wanted;
}

/** The fields a leaf of this scope looks in: an unqualified leaf also looks in each tag. */
function fieldsIn(story: TokenizedStory, scope: TextScope): readonly TokenizedField[] {
  switch (scope) {
    case 'headline':
      return story.fields.slice(0, 1);
    case 'summary':
      return story.fields.slice(1, 2);
    case 'body':
      return story.fields.slice(2, FIRST_TAG_FIELD);
    default:
      return story.fields;
  }
}

/** Every occurrence of a leaf in a field, as [first, last] token positions. */
function findSpans(leaf: TextLeaf, field: TokenizedField): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const { tokens, stems } = field;
  for (let start = 0; start < tokens.length; start++) {
    if (leaf.kind === 'word' && stems[start] === leaf.stem) spans.push([start, start]);
    if (leaf.kind === 'prefix' && tokens[start]!.startsWith(leaf.tokens[0]!)) {
      spans.push([start, start]);
    }
    if (leaf.kind === 'phrase' && leaf.tokens.every((token, k) => tokens[start + k] === token)) {
      spans.push([start, start + leaf.tokens.length - 1]);
    }
  }
  return spans;
}

function evaluateNear(node: NearNode, story: TokenizedStory): boolean {
  const scope = commonScope(node.left.scope, node.right.scope);
  if (scope === undefined) return false;
  return fieldsIn(story, scope).some((field) => {
    const rights = findSpans(node.right, field);
    return findSpans(node.left, field).some(([a1, a2]) =>
      rights.some(([b1, b2]) => Math.max(b1 - a2, a1 - b2) <= node.distance),
    );
  });
}

/** The fields both operands of NEAR may share, or undefined when there is none. */
function commonScope(left: TextScope, right: TextScope): TextScope | undefined {
  if (left === 'any') return right;
  if (right === 'any' || right === left) return left;
  return undefined;
}
