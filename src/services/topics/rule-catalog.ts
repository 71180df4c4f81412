import type { Db } from '../../../db/connection.js';
import {
  findRuleChangesAfter,
  readRulesVersion,
} from '../../../db/repositories/rule-change.repository.js';
import { listCustomQuerySubscriptions } from '../../../db/repositories/subscription.repository.js';
import { listTopics } from '../../../db/repositories/topic.repository.js';
import type { Logger } from '../../adapters/logger.js';
import { parseRule, RuleIndex, type TokenizedStory } from '../../domain/rules/index.js';
import { parseRuleKey, ruleKey } from './rule-keys.js';

/** Which rules matched a story: topics by id, custom-query subscriptions by id. */
export interface MatchedRules {
  topicIds: number[];
  subscriptionIds: number[];
}

/** Past this many pending changes a fresh build is quicker than applying them one by one. */
const MAX_CHANGES_IN_PLACE = 5000;

/**
 * The active rules of this installation in a {@link RuleIndex}, kept current across
 * processes. Every topic or custom-query change is logged in `rule_changes`; `refresh` reads
 * the last version (one cheap query) and applies the newer entries to the index in place.
 * The first refresh, or one that finds a long backlog, builds the index afresh.
 */
export class RuleCatalog {
  private index = new RuleIndex();
  private version = -1;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Brings the index up to the latest rules version. */
  async refresh(): Promise<void> {
    const latest = await readRulesVersion(this.db);
    if (latest === this.version) return;
    if (this.version < 0 || latest - this.version > MAX_CHANGES_IN_PLACE) {
      await this.rebuild(latest);
      return;
    }
    const changes = await findRuleChangesAfter(this.db, this.version, MAX_CHANGES_IN_PLACE);
    for (const change of changes) this.apply(change.ruleKey, change.query);
    this.version = changes.at(-1)?.version ?? latest;
    this.log.debug({
      event: 'rules.updated',
      version: this.version,
      changes: changes.length,
      rules: this.index.size,
    });
  }

  /** The rules that match a tokenized story. */
  match(story: TokenizedStory): MatchedRules {
    const matched: MatchedRules = { topicIds: [], subscriptionIds: [] };
    for (const key of this.index.match(story)) {
      const { kind, id } = parseRuleKey(key);
      (kind === 'topic' ? matched.topicIds : matched.subscriptionIds).push(id);
    }
    return matched;
  }

  get size(): number {
    return this.index.size;
  }

  /**
   * Loads every rule. The version is read first: a change made during the load is applied
   * again by the next refresh, which is harmless (adding a rule replaces it).
   */
  private async rebuild(version: number): Promise<void> {
    const started = performance.now();
    this.index = new RuleIndex();
    let invalid = 0;
    for (const topic of await listTopics(this.db))
      invalid += this.apply(ruleKey.topic(topic.id), topic.query) ? 0 : 1;
    for (const sub of await listCustomQuerySubscriptions(this.db)) {
      invalid += this.apply(ruleKey.subscription(sub.id), sub.query) ? 0 : 1;
    }
    this.version = version;
    this.log.info({
      event: 'rules.loaded',
      version,
      rules: this.index.size,
      invalid,
      ms: Math.round(performance.now() - started),
    });
  }

  /** Adds, replaces or removes one rule; false when a stored query no longer parses. */
  private apply(key: string, query: string | null): boolean {
    if (query === null) {
      this.index.remove(key);
      return true;
    }
    const parsed = parseRule(query);
    if (!parsed.ok) {
      this.index.remove(key);
      this.log.warn({ event: 'rules.invalid', rule: key, error: parsed.error.message });
      return false;
    }
    this.index.add(key, parsed.rule);
    return true;
  }
}
