import type { IncomingMessage, ServerResponse } from 'node:http';
import { recordTrialClick } from '../services/trials.service.js';
import { unsubscribe } from '../services/unsubscribe.service.js';
import type { HttpContext } from './http-context.js';
import { readToken } from './reader-token.js';
import { escapeHtml, sendPage } from './respond.js';

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
  await recordTrialClick(ctx, { email: reader, storyId: story, source });
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
