/**
 * The rule language of RULES.md and the indexed matcher: the API the rest of the
 * system calls.
 */
export { describeRule } from './describe-rule.js';
export { evaluateRule } from './evaluate-rule.js';
export { type ParseRuleResult, parseRule } from './parser.js';
export type { ParsedRule } from './rule-ast.js';
export type { RuleSyntaxError } from './rule-error.js';
export { RuleIndex, type RuleIndexOptions } from './rule-index.js';
export { type TokenizedStory, tokenizeStory } from './tokenized-story.js';
