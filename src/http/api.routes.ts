import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { normalizeEmail } from '../domain/reader.js';
import { parseStoriesText } from '../domain/story.js';
import { publishStories } from '../services/publish-story.service.js';
import { startTrial } from '../services/trials.service.js';
import type { HttpContext } from './http-context.js';
import { hasBearer, readBody, sendJson } from './respond.js';

/** The API is off without API_TOKEN, and refuses any other token. */
function authorize(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): boolean {
  if (!ctx.settings.apiToken) {
    sendJson(res, 404, { error: 'the API is off: set API_TOKEN to turn it on' });
    return false;
  }
  if (!hasBearer(req, ctx.settings.apiToken)) {
    sendJson(res, 401, { error: 'missing or wrong bearer token' });
    return false;
  }
  return true;
}

/** Webhook ingest: the story format, as an object, an array or JSON Lines. */
export async function handleStoriesApi(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!authorize(ctx, req, res)) return;
  const records = parseStoriesText(await readBody(req));
  if (records.length === 0) {
    sendJson(res, 400, { error: 'no story in the request body' });
    return;
  }
  const report = await publishStories(ctx, records);
  // Good stories are kept even when others are rejected; the status says whether all went in.
  sendJson(res, report.rejected.length > 0 ? 400 : 202, report);
}

const trialRequest = z.object({
  email: z.email(),
  days: z.number().int().min(1).max(365).default(14),
});

/** The publisher tells us a reader started a trial. */
export async function handleTrialsApi(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!authorize(ctx, req, res)) return;
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    sendJson(res, 400, { error: 'body must be JSON: {"email": "...", "days": 14}' });
    return;
  }
  const parsed = trialRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    sendJson(res, 400, { error: `${issue?.path.join('.') || 'body'}: ${issue?.message}` });
    return;
  }
  const reader = await startTrial(ctx, normalizeEmail(parsed.data.email), parsed.data.days);
  sendJson(res, 200, { email: reader.email, plan: reader.plan, trialEndsAt: reader.trialEndsAt });
}
