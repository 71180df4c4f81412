/**
 * Translates our rules into liqe's query language for the benchmark baseline. liqe has
 * no stemming, token boundaries or proximity, so the translation is approximate (see
 * the notes printed by match.bench.ts).
 */
import type { ParsedRule, RuleNode, TextLeaf } from '../src/domain/rules/rule-ast.js';

function textLeaf(leaf: TextLeaf): string {
  const field = leaf.scope === 'any' ? '' : `${leaf.scope}:`;
  if (leaf.kind === 'phrase') return `${field}"${leaf.tokens.join(' ')}"`;
  if (leaf.kind === 'prefix') return `${field}${leaf.tokens[0]}*`;
  return `${field}${leaf.stem}`;
}

function translate(node: RuleNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.children.map(translate).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `NOT ${translate(node.child)}`;
    case 'near':
      return `(${textLeaf(node.left)} AND ${textLeaf(node.right)})`;
    case 'tag':
    case 'section': {
      // The liqe document carries normalized tags and section (see match.bench.ts).
      const field = node.kind === 'tag' ? 'tags' : 'section';
      return node.isPrefix ? `${field}:${node.value}*` : `${field}:"${node.value}"`;
    }
    default:
      return textLeaf(node);
  }
}

/** A liqe query that approximates the rule. */
export function toLiqeQuery(rule: ParsedRule): string {
  return translate(rule.root);
}
