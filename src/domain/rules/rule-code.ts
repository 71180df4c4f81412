/**
 * A compiled rule is a flat program of small integers, in negation normal form (NOT only
 * on leaves), prefix order. Each word is `argument * 4 + op`:
 * - LEAF: the argument is a leaf id (`LeafTable`);
 * - AND / OR: the argument is the node's length in words, children follow;
 * - NOT: the argument is 2, one LEAF follows.
 */
export type RuleCode = number[];

export const OP_LEAF = 0;
export const OP_AND = 1;
export const OP_OR = 2;
export const OP_NOT = 3;

/** The number of words of the node starting at `pc`. */
export function nodeLength(code: ArrayLike<number>, pc: number): number {
  const word = code[pc]!;
  return (word & 3) === OP_LEAF ? 1 : word >> 2;
}
