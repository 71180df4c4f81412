import { createHash } from 'node:crypto';
import { createElement, type ReactElement } from 'react';
import AlertEmail from '../../emails/alert-email.js';
import DigestEmail from '../../emails/digest-email.js';
import { writeDigestText, writeTrialInvitationText } from '../../emails/plain-text.js';
import { renderEmailHtml } from '../../emails/render-html.js';
import TrialInvitationEmail from '../../emails/trial-invitation-email.js';
import type { DigestContent, EmailStory } from '../domain/digest-content.js';
import { createCampaignLinks } from './campaign-links.js';
import {
  type EmailReader,
  type LinkSettings,
  type RenderedEmail,
  writeCampaignSubject,
  writeSubject,
} from './email-content.js';
import { createReaderLinks, type ReaderLinks } from './email-links.js';
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

/**
 * Creates a renderer that renders each distinct content once per access variant and fills in
 * each reader's greeting and signed links by substitution. Shells are kept in an LRU cache of
 * `cacheSize` entries (400 by default), keyed by a hash of template, variant and content.
 */
export function createEmailRenderer(options: { cacheSize?: number } = {}): EmailRenderer {
  const cache = new LruCache<string, Promise<Shell>>(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  const stats = { hits: 0, misses: 0 };

  async function renderWithShell(
    key: string,
    compose: (slots: ReaderSlots) => Composition,
    reader: EmailReader,
    createLinks: () => ReaderLinks,
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
    return fillShell(await shell, reader, createLinks());
  }

  return {
    renderDigestEmail(input) {
      const variant = variantOf(input.reader);
      return renderWithShell(
        hashKey(['digest', variant, input.content, publicationOf(input.links), input.reason]),
        (slots) => composeDigest(input, variant, slots),
        input.reader,
        () => createReaderLinks(input.reader, { digest: input.digestId }, input.links, input.now),
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
        () => createCampaignLinks(input.reader, input.campaignId, input.links, input.now),
      );
    },
    readStats: () => ({ ...stats, size: cache.size }),
  };
}

/** Renders a digest for one reader without the cache: the reference the shells must equal. */
export async function renderDigestEmailDirect(input: DigestRenderInput): Promise<RenderedEmail> {
  const links = createReaderLinks(input.reader, { digest: input.digestId }, input.links, input.now);
  const slots = { ...links, greeting: writeGreeting(input.reader.name) };
  const composition = composeDigest(input, variantOf(input.reader), slots);
  return finishDirect(composition, slots);
}

/** Renders a trial invitation for one prospect without the cache. */
export async function renderCampaignEmailDirect(
  input: CampaignRenderInput,
): Promise<RenderedEmail> {
  const links = createCampaignLinks(input.reader, input.campaignId, input.links, input.now);
  const slots = { ...links, greeting: writeGreeting(input.reader.name) };
  const composition = composeCampaign(input, variantOf(input.reader), slots);
  return finishDirect(composition, slots);
}

function composeDigest(
  input: DigestRenderInput,
  variant: AccessVariant,
  slots: ReaderSlots,
): Composition {
  const props = buildDigestProps(input.content, input.links, variant, slots, input.reason);
  const isAlert = input.content.kind === 'alert' || input.content.cadence === 'instant';
  return {
    subject: writeSubject(input.content, input.links.publicationName),
    element: createElement(isAlert ? AlertEmail : DigestEmail, props),
    text: writeDigestText(props, !isAlert || props.groups.length > 1),
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

async function renderShell(compose: (slots: ReaderSlots) => Composition): Promise<Shell> {
  const placeholders = createPlaceholders();
  const composition = compose(placeholders.slots);
  const html = await renderEmailHtml(composition.element);
  return {
    subject: composition.subject,
    html: compilePart(html, placeholders.pattern),
    text: compilePart(composition.text, placeholders.pattern),
    trialStoryIds: placeholders.trialStoryIds,
  };
}

function fillShell(shell: Shell, reader: EmailReader, links: ReaderLinks): RenderedEmail {
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
