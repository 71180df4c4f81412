import { findReaderByEmail, upsertReader } from '../../db/repositories/reader.repository.js';
import { insertTrialClick } from '../../db/repositories/trial-click.repository.js';
import type { Reader } from '../domain/reader.js';
import type { TrialSource } from '../domain/signed-token.js';
import type { ServiceContext } from './context.js';
import { InputError } from './input-error.js';

/**
 * Starts (or extends) a trial of `days` days. An unknown address becomes a trial reader when
 * the publisher's site reports the trial (it has the reader); an administrator's command
 * refuses it instead (`unknownReader: 'refuse'`), as every command naming a reader does.
 */
export async function startTrial(
  ctx: ServiceContext,
  email: string,
  days: number,
  options: { unknownReader: 'create' | 'refuse' } = { unknownReader: 'create' },
): Promise<Reader> {
  const now = ctx.now();
  const existing = await findReaderByEmail(ctx.db, email);
  if (!existing && options.unknownReader === 'refuse')
    throw new InputError(`no reader ${email}`, { field: 'email', problem: 'not-found' });
  const trialEndsAt = new Date(now.getTime() + days * 86_400_000);
  // A paying subscriber stays one; a trial never shortens what a reader already has.
  if (existing?.plan === 'subscriber') return existing;
  const { reader } = await upsertReader(
    ctx.db,
    {
      email,
      name: existing?.name ?? null,
      plan: 'trial',
      trialEndsAt:
        existing?.trialEndsAt && existing.trialEndsAt > trialEndsAt
          ? existing.trialEndsAt
          : trialEndsAt,
      tz: existing?.tz ?? 'UTC',
      marketingConsent: existing?.marketingConsent ?? false,
    },
    now,
  );
  ctx.log.info({ event: 'trial.started', email, until: reader.trialEndsAt });
  return reader;
}

/** Records a click on a trial link: who, on which story, from which digest or campaign. */
export async function recordTrialClick(
  ctx: ServiceContext,
  click: { email: string; storyId: string; source: TrialSource },
): Promise<void> {
  await insertTrialClick(
    ctx.db,
    {
      email: click.email,
      storyId: click.storyId,
      digestId: 'digest' in click.source ? click.source.digest : null,
      campaignId: 'campaign' in click.source ? click.source.campaign : null,
    },
    ctx.now(),
  );
}
