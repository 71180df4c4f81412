import type { Command } from 'commander';
import { withExamples } from './help.js';

/**
 * Examples for `--help` of the commands that do not give their own, and descriptions for the
 * few that have none, by command path. Applied once the program is built.
 */
const EXAMPLES: Record<string, string[]> = {
  start: ['bulletin start'],
  worker: ['bulletin worker'],
  scheduler: ['bulletin scheduler'],
  serve: ['bulletin serve'],
  'bounces listen': ['bulletin bounces listen'],
  'stories publish': [
    'bulletin stories publish stories.jsonl',
    'cat story.json | bulletin stories publish -',
  ],
  'topics list': ['bulletin topics list --json'],
  'topics test': [
    'bulletin topics test customs --since 90d',
    "bulletin topics test --query 'tariff* AND steel'",
  ],
  'subscriptions list': ['bulletin subscriptions list ann@example.com --json'],
  'subscriptions pause': ['bulletin subscriptions pause ann@example.com --topic customs'],
  'subscriptions resume': ['bulletin subscriptions resume ann@example.com'],
  'subscriptions remove': ['bulletin subscriptions remove ann@example.com --topic customs'],
  'rules check': [
    'bulletin rules check \'"entity list" AND china\'',
    'bulletin rules check --file rules.jsonl --json',
  ],
  match: ['bulletin match --rules rules.jsonl --stories stories.jsonl --stats'],
  'digests run': [
    'bulletin digests run',
    'bulletin digests run --now 2026-11-28T07:00:00Z --cadence daily',
  ],
  'digests preview': ['bulletin digests preview ann@example.com --out next.html'],
  'deliveries list': [
    'bulletin deliveries list --recipient ann@example.com --since 7d',
    'bulletin deliveries list --status failed --json',
    'bulletin deliveries list --since 24h --all --json',
  ],
  'deliveries resolve': ['bulletin deliveries resolve 42 --sent'],
  'deliveries stats': [
    'bulletin deliveries stats --since 7d',
    'bulletin deliveries stats --since 90d --by campaign --json',
  ],
  'feeds add': [
    'bulletin feeds add https://news.example.com/rss.xml --every 10m --section Sanctions',
    'bulletin feeds add https://news.example.com/free.atom --access free --tag briefing',
  ],
  'feeds list': ['bulletin feeds list --json'],
  'feeds remove': ['bulletin feeds remove 3'],
  'feeds poll': ['bulletin feeds poll', 'bulletin feeds poll 3'],
  'campaigns create': [
    "bulletin campaigns create --name 'December trial' --subject 'Two weeks of full access' --audience 'plan=free,prospect;topic=russia-sanctions' --stories 5 --rate 50",
    "bulletin campaigns create --name Spring --subject 'Try it' --send-at 2027-03-01T09:00:00Z --one-per-domain",
  ],
  'campaigns preview': ['bulletin campaigns preview 3 --email ann@example.com --out invite.html'],
  'campaigns send': ['bulletin campaigns send 3 --wait'],
  'campaigns pause': ['bulletin campaigns pause 3'],
  'campaigns resume': ['bulletin campaigns resume 3'],
  'campaigns cancel': ['bulletin campaigns cancel 3'],
  'campaigns status': [
    'bulletin campaigns status 3',
    'bulletin campaigns status 3 --json --stories',
  ],
  'campaigns list': ['bulletin campaigns list --json'],
  'orgs add': ['bulletin orgs add acme.com --until 2027-06-30'],
  'orgs list': ['bulletin orgs list --json'],
  'orgs remove': ['bulletin orgs remove acme.com'],
  'suppressions list': ['bulletin suppressions list --json'],
  'suppressions add': ['bulletin suppressions add ann@example.com --reason manual'],
  'suppressions remove': ['bulletin suppressions remove ann@example.com'],
};

const DESCRIPTIONS: Record<string, string> = {
  'campaigns list': 'every campaign, with its status and counts',
  'feeds list': 'every feed, with when it was last polled and its last error',
  'feeds remove': 'stop polling a feed (its stories stay)',
  'orgs add': 'give everyone at a domain full access (a site license), until a date or for good',
  'orgs list': 'every site license',
  'orgs remove': 'end a site license',
  'suppressions list': 'every address we must not mail, and why',
  'suppressions add': 'stop mailing an address',
  'suppressions remove': 'mail an address again',
};

/** Fills in the examples and descriptions above wherever a command lacks its own. */
export function addMissingHelp(command: Command, path: string[] = []): void {
  for (const sub of command.commands) {
    const name = [...path, sub.name()].join(' ');
    if (!sub.description() && DESCRIPTIONS[name]) sub.description(DESCRIPTIONS[name]);
    const examples = EXAMPLES[name];
    if (examples) withExamples(sub, examples);
    addMissingHelp(sub, [...path, sub.name()]);
  }
}
