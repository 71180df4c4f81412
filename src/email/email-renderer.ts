import { createHash, randomBytes } from 'node:crypto';
import { createElement, type ReactElement } from 'react';
import AlertEmail from '../../emails/alert-email.js';
import { StoryCard, type StoryCardProps } from '../../emails/components/story-card.js';
import DigestEmail from '../../emails/digest-email.js';
import { writeDigestText, writeTrialInvitationText } from '../../emails/plain-text.js';
import { renderEmailHtml, renderFragmentHtml } from '../../emails/render-html.js';
import TrialInvitationEmail from '../../emails/trial-invitation-email.js';
import type { DigestContent, EmailStory } from '../domain/digest-content.js';
import type { TrialSource, UnsubscribeList } from '../domain/signed-token.js';
import {
  type EmailReader,
  type LinkSettings,
  type RenderedEmail,
  writeCampaignSubject,
  writeSubject,
} from './email-content.js';
import { createReaderLinks } from './email-links.js';
import {
  type CompiledPart,
  compilePart,
  createPlaceholders,
  escapeHtml,
  fillPart,
} from './email-shell.js';
import {
  type AccessVariant,
  buildCampaignProps,
  buildDigestProps,
  type ReaderSlots,
  writeGreeting,
} from './email-view.js';
import { LruCache } from './render-cache.js';

export interface DigestRenderInput {
  reader: EmailReader;
  content: DigestContent;
  /** The digest row: trial links name it as their source. */
  digestId: number;
  links: LinkSettings;
  now: Date;
  /** Footer line; derived from the groups when absent. */
  reason?: string;
}

export interface CampaignRenderInput {
  reader: EmailReader;
  stories: EmailStory[];
  campaignId: number;
  links: LinkSettings;
  now: Date;
  intro?: string;
  reason?: string;
  /** Zone for story dates; UTC when absent. */
  timeZone?: string;
}

export interface RenderCacheStats {
  hits: number;
  misses: number;
  size: number;
}

export interface EmailRenderer {
  renderDigestEmail(input: DigestRenderInput): Promise<RenderedEmail>;
  renderCampaignEmail(input: CampaignRenderInput): Promise<RenderedEmail>;
  readStats(): RenderCacheStats;
}

/** What one template produces for one set of slots, before HTML rendering. */
interface Composition {
  subject: string;
  element: ReactElement;
  text: string;
  /** Markup rendered apart, each piece put where the element shows its stand-in. */
  pieces?: string[];
}

/** A rendered email with holes for the per-reader parts. */
interface Shell {
  subject: string;
  html: CompiledPart;
  text: CompiledPart;
  trialStoryIds: string[];
}

/** Bumped when templates change shape, so no shell outlives the code that made it. */
const SHELL_VERSION = 2;
const DEFAULT_CACHE_SIZE = 400;
/** Story cards kept: a morning's stories, in each zone's dates, variant and matched line. */
const CARD_CACHE_SIZE = 20_000;

/**
 * Creates a renderer that renders each distinct content once per access variant and fills in
 * each reader's greeting and signed links by substitution. Shells are kept in an LRU cache of
 * `cacheSize` entries (400 by default), keyed by a hash of template, variant and content.
 */
export function createEmailRenderer(options: { cacheSize?: number } = {}): EmailRenderer {
  const cache = new LruCache<string, Promise<Shell>>(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  const cards = createCardRenderer();
  const stats = { hits: 0, misses: 0 };

  async function renderWithShell(
    key: string,
    compose: (slots: ReaderSlots, standIn: (index: number) => string) => Composition,
    reader: EmailReader,
    source: TrialSource,
    links: LinkSettings,
    now: Date,
    list: UnsubscribeList,
  ): Promise<RenderedEmail> {
    let shell = cache.get(key);
    if (shell) {
      stats.hits++;
    } else {
      stats.misses++;
      shell = renderShell(compose);
      cache.set(key, shell);
      // A failed render must not poison the cache for the next reader.
      shell.catch(() => cache.delete(key));
    }
    return fillShell(await shell, reader, source, links, now, list);
  }

  return {
    renderDigestEmail(input) {
      const variant = variantOf(input.reader);
      return renderWithShell(
        hashKey(['digest', variant, input.content, publicationOf(input.links), input.reason]),
        (slots, standIn) => composeDigest(input, variant, slots, { render: cards, standIn }),
        input.reader,
        { digest: input.digestId },
        input.links,
        input.now,
        input.content.cadence,
      );
    },
    renderCampaignEmail(input) {
      const variant = variantOf(input.reader);
      return renderWithShell(
        hashKey([
          'campaign',
          variant,
          input.stories,
          publicationOf(input.links),
          input.intro,
          input.reason,
          input.timeZone,
        ]),
        (slots) => composeCampaign(input, variant, slots),
        input.reader,
        { campaign: input.campaignId },
        input.links,
        input.now,
        'marketing',
      );
    },
    readStats: () => ({ ...stats, size: cache.size }),
  };
}

/** Renders a digest for one reader without the cache: the reference the shells must equal. */
export async function renderDigestEmailDirect(input: DigestRenderInput): Promise<RenderedEmail> {
  const links = createReaderLinks(
    input.reader,
    { digest: input.digestId },
    input.links,
    input.now,
    input.content.cadence,
  );
  const slots = { ...links, greeting: writeGreeting(input.reader.name) };
  const composition = composeDigest(input, variantOf(input.reader), slots);
  return finishDirect(composition, slots);
}

/** Renders a trial invitation for one prospect without the cache. */
export async function renderCampaignEmailDirect(
  input: CampaignRenderInput,
): Promise<RenderedEmail> {
  const source = { campaign: input.campaignId };
  const links = createReaderLinks(input.reader, source, input.links, input.now, 'marketing');
  const slots = { ...links, greeting: writeGreeting(input.reader.name) };
  const composition = composeCampaign(input, variantOf(input.reader), slots);
  return finishDirect(composition, slots);
}

/**
 * A digest's or alert's props, template and text. With `cards`, each story card is rendered
 * apart (and kept: the same story card recurs across thousands of readers' digests) and the
 * template shows a stand-in where it goes.
 */
function composeDigest(
  input: DigestRenderInput,
  variant: AccessVariant,
  slots: ReaderSlots,
  cards?: { render: CardRenderer; standIn: (index: number) => string },
): Composition {
  const props = buildDigestProps(input.content, input.links, variant, slots, input.reason);
  const isAlert = input.content.kind === 'alert' || input.content.cadence === 'instant';
  const text = writeDigestText(props, !isAlert || props.groups.length > 1);
  const subject = writeSubject(input.content, input.links.publicationName);
  const template = isAlert ? AlertEmail : DigestEmail;
  if (!cards) return { subject, element: createElement(template, props), text };
  const pieces: string[] = [];
  const groups = props.groups.map((group) => ({
    ...group,
    cardStandIns: group.stories.map((story, i) => {
      pieces.push(cards.render(story, i > 0));
      return cards.standIn(pieces.length - 1);
    }),
  }));
  return { subject, element: createElement(template, { ...props, groups }), text, pieces };
}

type CardRenderer = (card: StoryCardProps, ruleAbove: boolean) => string;

/**
 * Renders story cards one at a time, keeping each card's markup. A locked card's link is the
 * shell's placeholder for that story's trial link, different in every shell: the card is
 * kept with a mark of its own there, and given the shell's placeholder when used.
 */
function createCardRenderer(): CardRenderer {
  const kept = new LruCache<string, string>(CARD_CACHE_SIZE);
  const trialMark = `zq${randomBytes(16).toString('hex')}t`;
  return (card, ruleAbove) => {
    const shellHref = card.locked ? card.href : null;
    const keptCard = shellHref ? { ...card, href: trialMark } : card;
    const key = JSON.stringify([keptCard, ruleAbove]);
    let html = kept.get(key);
    if (html === undefined) {
      html = renderFragmentHtml(createElement(StoryCard, { ...keptCard, ruleAbove }));
      kept.set(key, html);
    }
    return shellHref ? html.split(trialMark).join(shellHref) : html;
  };
}

function composeCampaign(
  input: CampaignRenderInput,
  variant: AccessVariant,
  slots: ReaderSlots,
): Composition {
  const props = buildCampaignProps(input.stories, input.links, variant, slots, input);
  return {
    subject: writeCampaignSubject(input.stories, input.links.publicationName),
    element: createElement(TrialInvitationEmail, props),
    text: writeTrialInvitationText(props),
  };
}

async function finishDirect(composition: Composition, slots: ReaderSlots): Promise<RenderedEmail> {
  return {
    subject: composition.subject,
    html: await renderEmailHtml(composition.element),
    text: composition.text,
    unsubscribeUrl: slots.unsubscribeUrl,
    preferencesUrl: slots.preferencesUrl,
  };
}

async function renderShell(
  compose: (slots: ReaderSlots, standIn: (index: number) => string) => Composition,
): Promise<Shell> {
  const placeholders = createPlaceholders();
  const composition = compose(placeholders.slots, placeholders.standIn);
  const rendered = await renderEmailHtml(composition.element);
  // The cards go in as values already in markup, through the same split and fill.
  const html = composition.pieces
    ? fillPart(compilePart(rendered, placeholders.standInMark), composition.pieces)
    : rendered;
  return {
    subject: composition.subject,
    html: compilePart(html, placeholders.slotMark),
    text: compilePart(composition.text, placeholders.slotMark),
    trialStoryIds: placeholders.trialStoryIds,
  };
}

function fillShell(
  shell: Shell,
  reader: EmailReader,
  source: TrialSource,
  settings: LinkSettings,
  now: Date,
  list: UnsubscribeList,
): RenderedEmail {
  const links = createReaderLinks(reader, source, settings, now, list);
  // Slot order matches email-shell: greeting, unsubscribe, preferences, then trial links.
  const values = [
    writeGreeting(reader.name),
    links.unsubscribeUrl,
    links.preferencesUrl,
    ...shell.trialStoryIds.map((id) => links.trialUrl(id)),
  ];
  return {
    subject: shell.subject,
    html: fillPart(shell.html, values.map(escapeHtml)),
    text: fillPart(shell.text, values),
    unsubscribeUrl: links.unsubscribeUrl,
    preferencesUrl: links.preferencesUrl,
  };
}

function variantOf(reader: EmailReader): AccessVariant {
  return reader.fullAccess ? 'full' : 'teaser';
}

function publicationOf(links: LinkSettings) {
  return { publicationName: links.publicationName, postalAddress: links.postalAddress };
}

function hashKey(parts: readonly unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([SHELL_VERSION, ...parts]))
    .digest('base64url');
}
