/**
 * What every provider door hands the recorder, and the small readers they share. Provider
 * bodies are hostile input: every field is checked for its type and capped before it is kept,
 * and nothing read here is ever sent back in an answer.
 */

import { stripControlCharacters } from '../../domain/clean-text.js';
import type { ProviderEvent } from '../../services/bounces/index.js';

export type { ProviderSource } from '../../domain/bounce-record.js';
/** One provider event about one recipient: the recorder's type (shared/bounce-design.md). */
export type { ProviderEvent };
export type ProviderEventKind = ProviderEvent['kind'];

/** An event as a door reads it; the route adds when it arrived. */
export type MappedEvent = Omit<ProviderEvent, 'receivedAt'>;

/** A body that cannot be an event of this provider: 400, nothing recorded. */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

/** A body that fails its provider's authentication: 401 or 403, nothing recorded. */
export class UnauthenticatedEventError extends Error {
  override name = 'UnauthenticatedEventError';
  constructor(
    message: string,
    readonly status: 401 | 403 = 403,
  ) {
    super(message);
  }
}

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string field, trimmed; null when absent, not a string, empty or longer than `max`. */
export function str(value: unknown, max = 1000): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' || text.length > max ? null : text;
}

/** An id or a count: a string field as {@link str}, or a whole number as its digits. */
export function id(value: unknown, max = 200): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : null;
  return str(value, max);
}

/** The JSON object of a body, or {@link MalformedEventError}. */
export function parseJson(body: Buffer | string, what: string): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw new MalformedEventError(`the body is not JSON (${what})`);
  }
}

const ADDRESS = /^[^\s@<>()[\]",;:]{1,64}@[^\s@<>()[\]",;:]{1,255}$/;

/** An email address, lower-cased, from a bare address or `Name <address>`; null otherwise. */
export function addressOf(value: unknown): string | null {
  const text = str(value, 400);
  if (text === null) return null;
  const angled = /<([^<>]+)>\s*$/.exec(text);
  const address = (angled ? (angled[1] as string) : text).trim().toLowerCase();
  return ADDRESS.test(address) ? address : null;
}

const MESSAGE_ID = /^<?([^<>\s]{1,900}@[^<>\s]{1,255})>?$/;

/** A Message-ID with its angle brackets, from `<id@host>` or `id@host`; null otherwise. */
export function messageIdOf(value: unknown): string | null {
  const text = str(value, 1200);
  if (text === null) return null;
  const match = MESSAGE_ID.exec(text);
  return match ? `<${match[1]}>` : null;
}

const TAG = /(?:^|[^a-z0-9])(d\d{1,15}-[a-z2-7]{16})(?![a-z0-9])/i;

/** Bounce tags (`d42-k3x9…`) in metadata values, once each, at most `max`. */
export function tagsIn(values: readonly unknown[], max = 8): string[] {
  const tags = new Set<string>();
  for (const value of values) {
    if (tags.size >= max) break;
    const text = typeof value === 'string' && value.length <= 400 ? value : null;
    const match = text === null ? null : TAG.exec(text);
    if (match) tags.add((match[1] as string).toLowerCase());
  }
  return [...tags];
}

const OUR_MESSAGE_IDS = /<delivery-\d{1,15}\.[a-z2-7]{16}@[^<>\s]{1,255}>/gi;

/** Our Message-IDs quoted in a text (a bounce's content), once each, at most `max`. */
export function ourMessageIdsIn(text: string | null, max = 8): string[] {
  if (!text) return [];
  const found = new Set<string>();
  for (const match of text.slice(0, 512 * 1024).matchAll(OUR_MESSAGE_IDS)) {
    found.add(match[0]);
    if (found.size >= max) break;
  }
  return [...found];
}

const DIAGNOSTIC_MAX = 1000;

/** A provider's words on one line, capped. */
export function oneLine(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = stripControlCharacters(value.slice(0, 8 * DIAGNOSTIC_MAX), { allowNewlines: false })
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return null;
  return text.length > DIAGNOSTIC_MAX ? `${text.slice(0, DIAGNOSTIC_MAX - 1)}…` : text;
}

/** An enhanced status code (`5.1.1`) in a text, or null. */
export function enhancedStatusIn(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const match = /(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])/.exec(String(value).slice(0, 2000));
  return match ? (match[1] as string) : null;
}

/** Unique, non-null strings in order. */
export function unique(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
