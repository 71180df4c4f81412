import { describeSender, type FooterProps, footerCopy } from './components/footer.js';
import { describeMoreStories, type MoreStoriesProps } from './components/more-stories.js';
import {
  describeDateline,
  describeMatched,
  describeStoryLink,
  type StoryCardProps,
} from './components/story-card.js';
import { type TrialCtaProps, trialCtaCopy } from './components/trial-cta.js';
import type { DigestEmailProps } from './digest-email.js';
import { describePromotion, type TrialInvitationEmailProps } from './trial-invitation-email.js';

/**
 * The text parts: the same stories and links as the HTML, laid out to read well in a plain
 * client (full URLs on their own lines, blank lines between stories). Story text arrives with
 * white space already collapsed, so no line here can be forged by content.
 */

/** Writes the text part of a digest or an alert from the props its HTML template takes. */
export function writeDigestText(props: DigestEmailProps, showGroupTitles = true): string {
  const lines = writeHeader(props.publicationName, props.title, props.periodLabel);
  lines.push(props.greeting, '', props.intro, '');
  for (const group of props.groups) {
    if (showGroupTitles)
      lines.push(group.title, '='.repeat(Math.min([...group.title].length, 60)), '');
    for (const story of group.stories) lines.push(...writeStory(story));
  }
  if (props.moreStories) lines.push(...writeMoreStories(props.moreStories));
  if (props.trialCta) lines.push(...writeTrialCta(props.trialCta));
  lines.push(...writeFooter(props.footer));
  return lines.join('\n');
}

/** Writes the text part of a trial invitation. */
export function writeTrialInvitationText(props: TrialInvitationEmailProps): string {
  const lines = writeHeader(props.publicationName, props.title, '');
  lines.push(props.greeting, '', props.intro, '');
  if (props.trialCta) lines.push(...writeTrialCta(props.trialCta));
  for (const story of props.stories) lines.push(...writeStory(story));
  lines.push(...writeFooter({ ...props.footer, notice: describePromotion(props.publicationName) }));
  return lines.join('\n');
}

function writeHeader(publicationName: string, title: string, periodLabel: string): string[] {
  const lines = [publicationName, title];
  if (periodLabel) lines.push(periodLabel);
  lines.push('');
  return lines;
}

function writeStory(story: StoryCardProps): string[] {
  const lines = [story.headline, describeDateline(story)];
  if (story.summary) lines.push(story.summary);
  const matched = describeMatched(story.matched);
  if (matched) lines.push(matched);
  if (story.href) lines.push(`${describeStoryLink(story.locked)}: ${story.href}`);
  lines.push('');
  return lines;
}

function writeMoreStories(more: MoreStoriesProps): string[] {
  const words = describeMoreStories(more.count);
  return [more.href ? `${words}: ${more.href}` : words, ''];
}

function writeTrialCta(cta: TrialCtaProps): string[] {
  return [
    '----------------------------------------',
    trialCtaCopy.heading,
    trialCtaCopy.body(cta.publicationName),
    `${trialCtaCopy.button}: ${cta.href}`,
    '',
  ];
}

function writeFooter(footer: FooterProps): string[] {
  return [
    '----------------------------------------',
    ...(footer.notice ? [footer.notice] : []),
    footer.reason,
    `${footerCopy.preferences}: ${footer.preferencesUrl}`,
    `${footerCopy.unsubscribe}: ${footer.unsubscribeUrl}`,
    describeSender(footer.publicationName, footer.postalAddress),
    '',
  ];
}
