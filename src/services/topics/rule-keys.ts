/** How topics and custom-query subscriptions are named in the rule index and its change log. */
export const ruleKey = {
  topic: (id: number) => `t${id}`,
  subscription: (id: number) => `s${id}`,
};

/** The topic or subscription a rule key names. */
export function parseRuleKey(key: string): { kind: 'topic' | 'subscription'; id: number } {
  return { kind: key.startsWith('t') ? 'topic' : 'subscription', id: Number(key.slice(1)) };
}
