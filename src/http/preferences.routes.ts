import type { IncomingMessage, ServerResponse } from 'node:http';
import { CADENCES, type Cadence } from '../domain/subscription.js';
import {
  type Preferences,
  readPreferences,
  savePreferences,
} from '../services/preferences.service.js';
import type { HttpContext } from './http-context.js';
import { readToken } from './reader-token.js';
import { escapeHtml, readBody, sendPage } from './respond.js';

/**
 * The reader's preferences page: how often each followed topic or search arrives, pause or
 * resume each, and marketing email on or off. GET shows the form; POST saves it.
 */
export async function handlePreferences(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> {
  const payload = readToken(ctx, token, 'preferences', res);
  if (!payload) return;
  if (req.method !== 'POST') {
    sendPage(
      res,
      200,
      'Your email preferences',
      renderForm(await readPreferences(ctx, payload.reader), null),
    );
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const cadences = new Map<number, Cadence>();
  const paused = new Set<number>();
  for (const [name, value] of form) {
    const cadence = /^cadence-(\d+)$/.exec(name);
    if (cadence && (CADENCES as readonly string[]).includes(value))
      cadences.set(Number(cadence[1]), value as Cadence);
    const pause = /^paused-(\d+)$/.exec(name);
    if (pause) paused.add(Number(pause[1]));
  }
  const saved = await savePreferences(ctx, payload.reader, {
    cadences,
    paused,
    marketingConsent: form.has('marketing'),
  });
  sendPage(res, 200, 'Your email preferences', renderForm(saved, 'Your preferences are saved.'));
}

const CADENCE_LABEL: Record<Cadence, string> = {
  instant: 'As it happens',
  daily: 'Daily digest',
  weekly: 'Weekly digest',
};

function renderForm({ reader, subscriptions }: Preferences, notice: string | null): string {
  const rows = subscriptions
    .map((sub) => {
      const name = escapeHtml(sub.topicSlug ?? `your search “${sub.query ?? ''}”`);
      const options = CADENCES.map(
        (c) =>
          `<option value="${c}"${c === sub.cadence ? ' selected' : ''}>${CADENCE_LABEL[c]}</option>`,
      ).join('');
      return `<tr><td>${name}</td><td><label>How often <select name="cadence-${sub.id}">${options}</select></label></td><td><label><input type="checkbox" name="paused-${sub.id}"${sub.paused ? ' checked' : ''}> Paused</label></td></tr>`;
    })
    .join('');
  return [
    notice ? `<p role="status"><strong>${escapeHtml(notice)}</strong></p>` : '',
    `<p>Email for ${escapeHtml(reader.email)}.</p>`,
    '<form method="post">',
    rows ? `<table>${rows}</table>` : '<p>You follow nothing yet.</p>',
    `<p><label><input type="checkbox" name="marketing"${reader.marketingConsent ? ' checked' : ''}> Send me offers and trial invitations</label></p>`,
    '<p><button type="submit">Save</button></p>',
    '</form>',
  ].join('');
}
