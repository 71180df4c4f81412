import type { LeafNode, ParsedRule, RuleNode, TextLeaf, TextScope } from './rule-ast.js';

const SCOPE_WORDS: Record<TextScope, string> = {
  any: '',
  headline: ' in the headline',
  summary: ' in the summary',
  body: ' in the body',
};

/**
 * A readable explanation of what the rule matches: one line for a single condition,
 * an indented outline for AND/OR/NOT combinations.
 */
export function describeRule(rule: ParsedRule): string {
  const lines: string[] = [];
  describeNode(rule.root, 0, lines);
  return lines.join('\n');
}

function describeNode(node: RuleNode, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  switch (node.kind) {
    case 'and':
    case 'or':
      lines.push(`${indent}${node.kind === 'and' ? 'all of' : 'any of'}:`);
      for (const child of node.children) describeNode(child, depth + 1, lines);
      return;
    case 'not':
      if (isSimple(node.child)) {
        lines.push(`${indent}not ${describeSimple(node.child)}`);
        return;
      }
      lines.push(`${indent}none of:`);
      describeNode(node.child, depth + 1, lines);
      return;
    default:
      lines.push(`${indent}${describeSimple(node)}`);
  }
}

function isSimple(node: RuleNode): node is LeafNode | Extract<RuleNode, { kind: 'near' }> {
  return node.kind !== 'and' && node.kind !== 'or' && node.kind !== 'not';
}

function describeSimple(node: LeafNode | Extract<RuleNode, { kind: 'near' }>): string {
  switch (node.kind) {
    case 'near':
      return `${describeTextLeaf(node.left)} within ${node.distance} words of ${describeTextLeaf(node.right)}${nearScope(node.left.scope, node.right.scope)}`;
    case 'tag':
      return node.isPrefix ? `a tag starting with "${node.value}"` : `the tag "${node.value}"`;
    case 'section':
      return node.isPrefix
        ? `a section starting with "${node.value}"`
        : `the section "${node.value}"`;
    default:
      return `${describeTextLeaf(node)}${SCOPE_WORDS[node.scope]}`;
  }
}

function describeTextLeaf(leaf: TextLeaf): string {
  const text = leaf.tokens.join(' ');
  if (leaf.kind === 'prefix') return `a word starting with "${text}"`;
  if (leaf.kind === 'phrase') return `the phrase "${text}"`;
  // Stemming makes "sanction" and "sanctions" equal; say so when it changed the word.
  return leaf.stem === text ? `the word "${text}"` : `the word "${text}" (stem "${leaf.stem}")`;
}

function nearScope(left: TextScope, right: TextScope): string {
  if (left === 'any' && right === 'any') return ', in the same field';
  if (left !== 'any' && right !== 'any' && left !== right) return ' (never: different fields)';
  return SCOPE_WORDS[left === 'any' ? right : left];
}
