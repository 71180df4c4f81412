import { findReaderByEmail, upsertReader } from '../../../db/repositories/reader.repository.js';
import {
  creditTrialClick,
  insertTrialClick,
} from '../../../db/repositories/trial-click.repository.js';
import { metrics } from '../../adapters/metrics.js';
import type { Reader } from '../../domain/reader.js';
import type { TrialSource } from '../../domain/signed-token.js';
import { readTrialRef, signTrialRef } from '../../domain/trial-ref.js';
import type { ServiceContext, VerifyContext } from '../context.js';
import { InputError } from '../input-error.js';

export interface TrialRequest {
  email: string;
  days: number;
  /** The `ref` the trial redirect carried: credits the click it names. */
  ref?: string;
  /**
   * An unknown address becomes a trial reader when the publisher's site reports the trial (it
   * has the reader); an administrator's command refuses it, as every command naming a reader
   * does. Created by default.
   */
  unknownReader?: 'create' | 'refuse';
}

/**
 * What became of a `ref`: the click it names is credited with this trial, was credited with
 * an earlier one, or the ref is not one of ours (mistyped, forged, or signed with a key no
 * longer kept). The trial starts whatever the ref: a reader is never refused over attribution.
 */
export type TrialAttribution = 'credited' | 'already-credited' | 'unknown-ref' | 'none';

/**
 * Starts (or extends) a trial of `days` days; an unknown address becomes a trial reader unless
 * the request refuses it. A `ref` credits the trial-link click it came from (its digest or
 * campaign).
 */
export async function startTrial(
  ctx: VerifyContext,
  request: TrialRequest,
): Promise<{ reader: Reader; attribution: TrialAttribution }> {
  const { email, days } = request;
  const now = ctx.now();
  const existing = await findReaderByEmail(ctx.db, email);
  if (!existing && request.unknownReader === 'refuse')
    throw new InputError(`no reader ${email}`, { field: 'email', problem: 'not-found' });
  const trialEndsAt = new Date(now.getTime() + days * 86_400_000);
  const attribution = await attribute(ctx, request.ref, now);
  // A paying subscriber stays one; a trial never shortens what a reader already has.
  if (existing?.plan === 'subscriber') return { reader: existing, attribution };
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
  ctx.log.info({
    event: 'trial.started',
    reader: reader.id,
    until: reader.trialEndsAt,
    attribution,
  });
  return { reader, attribution };
}

async function attribute(
  ctx: VerifyContext,
  ref: string | undefined,
  now: Date,
): Promise<TrialAttribution> {
  if (ref === undefined) return 'none';
  const clickId = readTrialRef(ctx.verificationKeys, ref);
  if (clickId === null) return 'unknown-ref';
  const outcome = await creditTrialClick(ctx.db, clickId, now);
  return outcome === 'not-found' ? 'unknown-ref' : outcome;
}

/**
 * Records a click on a trial link: who, on which story, from which digest or campaign. Gives
 * the opaque `ref` that names this click, for the trial sign-up to hand back.
 */
export async function recordTrialClick(
  ctx: ServiceContext & { secretKey: Buffer },
  click: { email: string; storyId: string; source: TrialSource },
): Promise<{ ref: string }> {
  const clickId = await insertTrialClick(
    ctx.db,
    {
      email: click.email,
      storyId: click.storyId,
      digestId: 'digest' in click.source ? click.source.digest : null,
      campaignId: 'campaign' in click.source ? click.source.campaign : null,
    },
    ctx.now(),
  );
  metrics.trialClicks.inc({ source: 'campaign' in click.source ? 'campaign' : 'digest' });
  return { ref: signTrialRef(ctx.secretKey, clickId) };
}
