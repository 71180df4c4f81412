import type { Db } from '../../db/connection.js';
import { readRulesVersion } from '../../db/repositories/counter.repository.js';
import { listCustomQuerySubscriptions } from '../../db/repositories/subscription.repository.js';
import { listTopics } from '../../db/repositories/topic.repository.js';
import type { Logger } from '../adapters/logger.js';
import { parseRule, RuleIndex, type TokenizedStory } from '../domain/rules/index.js';

/** Which rules matched a story: topics by id, custom-query subscriptions by id. */
export interface MatchedRules {
  topicIds: number[];
  subscriptionIds: number[];
}

const TOPIC = 't';
const SUBSCRIPTION = 's';

/**
 * The active rules of this installation in a {@link RuleIndex}, kept current across
 * processes: every topic or subscription change bumps a version counter in the database, and
 * `refresh` (one cheap read) rebuilds the index when it moved.
 */
export class RuleCatalog {
  private index = new RuleIndex();
  private version = -1;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Rebuilds the index if a topic or subscription changed since the last build. */
  async refresh(): Promise<void> {
    const current = await readRulesVersion(this.db);
    if (current === this.version) return;
    const started = performance.now();
    const index = new RuleIndex();
    let invalid = 0;
    const add = (id: string, query: string) => {
      const parsed = parseRule(query);
      if (parsed.ok) index.add(id, parsed.rule);
      else invalid++;
    };
    for (const topic of await listTopics(this.db)) add(`${TOPIC}${topic.id}`, topic.query);
    for (const sub of await listCustomQuerySubscriptions(this.db))
      add(`${SUBSCRIPTION}${sub.id}`, sub.query);
    this.index = index;
    this.version = current;
    this.log.info({
      event: 'rules.loaded',
      version: current,
      rules: index.size,
      invalid,
      ms: Math.round(performance.now() - started),
    });
  }

  /** The rules that match a tokenized story. */
  match(story: TokenizedStory): MatchedRules {
    const matched: MatchedRules = { topicIds: [], subscriptionIds: [] };
    for (const id of this.index.match(story)) {
      const numeric = Number(id.slice(1));
      if (id.startsWith(TOPIC)) matched.topicIds.push(numeric);
      else matched.subscriptionIds.push(numeric);
    }
    return matched;
  }
}
