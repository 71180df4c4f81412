import type { IncomingMessage, ServerResponse } from 'node:http';
import { listSubscriptions } from '../../db/repositories/subscription.repository.js';
import { recordTrialClick } from '../../db/repositories/trial-click.repository.js';
import { type TokenPayload, verifyToken } from '../domain/signed-token.js';
import { unsubscribe } from '../services/unsubscribe.service.js';
import { escapeHtml, sendPage } from './respond.js';
import type { HttpContext } from './server.js';

const EXPIRED = 'This link has expired or is not valid. Use the link in a newer email.';

/**
 * The payload of a valid, unexpired token of the wanted kind; otherwise answers 400 and gives
 * null. A token of another kind never works here (an unsubscribe link is not a trial link).
 */
function readToken<K extends TokenPayload['kind']>(
  ctx: HttpContext,
  token: string,
  kind: K,
  res: ServerResponse,
): Extract<TokenPayload, { kind: K }> | null {
  const verified = verifyToken(ctx.secretKey, token, ctx.now());
  if (verified.ok && verified.payload.kind === kind)
    return verified.payload as Extract<TokenPayload, { kind: K }>;
  sendPage(res, 400, 'Link not valid', `<p>${EXPIRED}</p>`);
  return null;
}

/**
 * GET shows a confirmation button (mail scanners follow GET links; they must not unsubscribe
 * anyone); POST unsubscribes, which is also RFC 8058's one-click request from the mail client.
 */
export async function handleUnsubscribe(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> {
  const payload = readToken(ctx, token, 'unsubscribe', res);
  if (!payload) return;
  const email = payload.reader;
  if (req.method === 'POST') {
    await unsubscribe(ctx, email);
    sendPage(
      res,
      200,
      'You are unsubscribed',
      `<p>${escapeHtml(email)} will get no more emails from us.</p>`,
    );
    return;
  }
  sendPage(
    res,
    200,
    'Unsubscribe',
    `<p>Stop all emails to ${escapeHtml(email)}?</p><form method="post"><button type="submit">Unsubscribe</button></form>`,
  );
}

/** What the reader follows; changes are made by the admin CLI for now. */
export async function handlePreferences(
  ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> {
  const payload = readToken(ctx, token, 'preferences', res);
  if (!payload) return;
  const subs = await listSubscriptions(ctx.db, payload.reader);
  const items = subs
    .map(
      (s) =>
        `<li>${escapeHtml(s.topicSlug ?? s.query ?? '')} — ${s.cadence}${s.cadence === 'instant' ? '' : ` at ${s.sendAt}`}${s.paused ? ' (paused)' : ''}</li>`,
    )
    .join('');
  sendPage(
    res,
    200,
    'Your email preferences',
    `<p>${escapeHtml(payload.reader)} follows:</p><ul>${items || '<li>nothing</li>'}</ul>`,
  );
}

/** Records the click on a trial link and sends the reader on to the trial sign-up page. */
export async function handleTrialLink(
  ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> {
  const payload = readToken(ctx, token, 'trial', res);
  if (!payload) return;
  const { reader, story, source } = payload;
  await recordTrialClick(
    ctx.db,
    {
      email: reader,
      storyId: story,
      digestId: 'digest' in source ? source.digest : null,
      campaignId: 'campaign' in source ? source.campaign : null,
    },
    ctx.now(),
  );
  const target = new URL(ctx.settings.trialUrl);
  target.searchParams.set('email', reader);
  target.searchParams.set('story', story);
  res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
  res.end();
}

export async function handleTrialPlaceholder(
  _ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  sendPage(
    res,
    200,
    'Start your free trial',
    '<p>This is a placeholder: set TRIAL_URL to the publisher’s trial sign-up page.</p>',
  );
}
