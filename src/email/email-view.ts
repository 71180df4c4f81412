import type { StoryCardProps } from '../../emails/components/story-card.js';
import type { DigestEmailProps } from '../../emails/digest-email.js';
import type { TrialInvitationEmailProps } from '../../emails/trial-invitation-email.js';
import {
  type DigestContent,
  type EmailStory,
  listDistinctStories,
  YOUR_SEARCHES_TITLE,
} from '../domain/digest-content.js';
import { describePeriod, formatStoryDate, resolveTimeZone } from './date-labels.js';
import { collapseWhitespace, shortenOnWordBoundary } from './email-content.js';

/** Full stories, or teasers with trial links. */
export type AccessVariant = 'full' | 'teaser';

/**
 * The parts of an email that differ from reader to reader. Rendering once per content fills
 * them with placeholders; a direct render fills them with the reader's values.
 */
export interface ReaderSlots {
  greeting: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** The reader's signed trial link for one story. */
  trialUrl(storyId: string): string;
}

/** What the templates need of the publisher's settings. */
export interface PublicationView {
  publicationName: string;
  postalAddress: string;
}

/** "Hi Ann," for a named reader, "Hello," otherwise. */
export function writeGreeting(name: string | null): string {
  const clean = collapseWhitespace(name ?? '');
  return clean ? `Hi ${shortenOnWordBoundary(clean, 60)},` : 'Hello,';
}

/** Builds the props of the digest or alert template for one access variant. */
export function buildDigestProps(
  content: DigestContent,
  publication: PublicationView,
  variant: AccessVariant,
  slots: ReaderSlots,
  reason?: string,
): DigestEmailProps {
  const zone = resolveTimeZone(content.timeZone);
  const isAlert = content.kind === 'alert' || content.cadence === 'instant';
  const onlyGroup = content.groups.length === 1 ? content.groups[0] : undefined;
  const shown = listDistinctStories(content.groups);
  const omitted = content.omitted ?? 0;
  // The intro tells what arrived: the stories shown and those the cap left out alike.
  const count = shown.length + omitted;
  const groups = content.groups.map((group) => {
    const title = collapseWhitespace(group.title);
    return {
      title,
      stories: group.stories.map((story) => toCard(story, variant, slots, zone, isAlert, title)),
    };
  });
  return {
    publicationName: collapseWhitespace(publication.publicationName),
    title: writeTitle(
      content.cadence,
      isAlert,
      onlyGroup ? collapseWhitespace(onlyGroup.title) : null,
    ),
    periodLabel: describePeriod(content, shown, zone, isAlert),
    previewText: writePreviewText(content.groups.flatMap((group) => group.stories)),
    greeting: slots.greeting,
    intro: isAlert
      ? count === 1
        ? 'A new story matches what you follow.'
        : `${count} new stories match what you follow.`
      : `${count} new ${count === 1 ? 'story matches' : 'stories match'} what you follow.`,
    groups,
    moreStories: omitted > 0 ? { count: omitted, href: findPublisherSite(shown) } : null,
    trialCta: buildTrialCta(groups, publication),
    footer: buildFooter(publication, slots, reason ?? describeDigestReason(content)),
  };
}

/** Builds the props of the trial invitation for one access variant. */
export function buildCampaignProps(
  stories: readonly EmailStory[],
  publication: PublicationView,
  variant: AccessVariant,
  slots: ReaderSlots,
  options: { intro?: string; reason?: string; timeZone?: string },
): TrialInvitationEmailProps {
  const zone = resolveTimeZone(options.timeZone ?? 'UTC');
  const distinct = listDistinctStories([{ title: '', stories: [...stories] }]);
  const cards = distinct.map((story) => toCard(story, variant, slots, zone, false, null));
  const name = collapseWhitespace(publication.publicationName);
  // An invitation always offers the trial unless the reader can already read everything.
  const first = distinct[0];
  const ctaStory = distinct.find((story) => story.access === 'subscriber') ?? first;
  return {
    publicationName: name,
    title: 'Recent stories for you',
    previewText: writePreviewText(distinct),
    greeting: slots.greeting,
    intro: collapseWhitespace(
      options.intro ??
        `Here is what ${name} published recently on the subjects you told us about. A free trial gives you every story in full.`,
    ),
    stories: cards,
    trialCta:
      variant === 'teaser' && ctaStory
        ? { publicationName: name, href: slots.trialUrl(ctaStory.id) }
        : null,
    footer: buildFooter(
      publication,
      slots,
      // The promotional notice just above names the publication; the reason need not again.
      options.reason ?? 'You get this because you asked to hear from us.',
    ),
  };
}

/** "Export controls daily", "Weekly digest", "Alert: Russia sanctions": the masthead names the publication. */
function writeTitle(
  cadence: DigestContent['cadence'],
  isAlert: boolean,
  topic: string | null,
): string {
  if (isAlert) return topic ? `Alert: ${topic}` : 'Alert';
  if (topic) return `${topic} ${cadence}`;
  return `${cadence.charAt(0).toUpperCase()}${cadence.slice(1)} digest`;
}

/** "You get this because you follow Export controls and your saved searches (daily)." */
export function describeDigestReason(content: DigestContent): string {
  const cadence = content.cadence === 'instant' ? 'instant alerts' : content.cadence;
  const titles = content.groups.map((group) => collapseWhitespace(group.title));
  const topics = titles.filter((title) => title !== YOUR_SEARCHES_TITLE);
  const followed = [...topics.slice(0, 4)];
  if (topics.length > 4) followed.push(`${topics.length - 4} more topics`);
  if (titles.includes(YOUR_SEARCHES_TITLE)) followed.push('your saved searches');
  if (followed.length === 0) return `You get this because you subscribed to ${cadence} emails.`;
  return `You get this because you follow ${joinWords(followed)} (${cadence}).`;
}

/** `heading` is the title the card sits under (its group's), null where there is none. */
function toCard(
  story: EmailStory,
  variant: AccessVariant,
  slots: ReaderSlots,
  zone: string,
  withTime: boolean,
  heading: string | null,
): StoryCardProps {
  const locked = variant === 'teaser' && story.access === 'subscriber';
  const matched = story.matched.map(collapseWhitespace).filter((name) => name !== '');
  return {
    headline: collapseWhitespace(story.headline),
    href: locked ? slots.trialUrl(story.id) : toSafeHref(story.url),
    dateLabel: formatStoryDate(story.publishedAt, zone, withTime),
    section: story.section ? collapseWhitespace(story.section) || null : null,
    summary: collapseWhitespace(story.summary),
    // "Matched: Customs" under the heading "Customs" tells the reader nothing they do not see.
    matched: matched.some((name) => name !== heading) ? matched : [],
    locked,
  };
}

function buildTrialCta(
  groups: readonly { stories: readonly StoryCardProps[] }[],
  publication: PublicationView,
): DigestEmailProps['trialCta'] {
  const locked = groups.flatMap((group) => group.stories).find((story) => story.locked);
  // The CTA reuses the first locked story's link: one token, and the click names a story.
  return locked?.href
    ? { publicationName: collapseWhitespace(publication.publicationName), href: locked.href }
    : null;
}

function buildFooter(publication: PublicationView, slots: ReaderSlots, reason: string) {
  return {
    publicationName: collapseWhitespace(publication.publicationName),
    reason: collapseWhitespace(reason),
    preferencesUrl: slots.preferencesUrl,
    unsubscribeUrl: slots.unsubscribeUrl,
    postalAddress: collapseWhitespace(publication.postalAddress),
  };
}

function writePreviewText(stories: readonly EmailStory[]): string {
  const headlines = stories.slice(0, 3).map((story) => collapseWhitespace(story.headline));
  return shortenOnWordBoundary(headlines.join(' · '), 140);
}

/**
 * The publisher's own site, where the stories a digest leaves out can be read: the origin of
 * the stories' links (a publisher's stories all live on its site). PUBLIC_BASE_URL is
 * Bulletin's web server, not the publisher's; null when no story has a usable link.
 */
function findPublisherSite(stories: readonly EmailStory[]): string | null {
  for (const story of stories) {
    const href = toSafeHref(story.url);
    if (href) return `${new URL(href).origin}/`;
  }
  return null;
}

/** Only http(s) links reach an email; a story with any other (javascript:, data:) gets none. */
function toSafeHref(url: string): string | null {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'https:' || protocol === 'http:' ? url.trim() : null;
  } catch {
    return null;
  }
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
