import { findPendingMatches } from '../../../db/repositories/match.repository.js';
import type { DigestContent } from '../../domain/digest-content.js';
import type { Cadence } from '../../domain/subscription.js';
import type { RenderedEmail } from '../../email/index.js';
import type { RenderContext } from '../context.js';
import { requireReader } from '../readers/readers.service.js';
import { groupMatchedStories } from './digest-content.service.js';
import { renderDigestForReader } from './reader-email.service.js';

/**
 * Renders what the reader's next digest of a cadence would hold if it were built now, without
 * claiming any match: nothing changes.
 */
export async function previewNextDigest(
  ctx: RenderContext,
  email: string,
  cadence: Cadence,
): Promise<RenderedEmail | null> {
  const reader = await requireReader(ctx, email);
  const pending = await findPendingMatches(ctx.db, reader.id, cadence);
  if (pending.length === 0) return null;
  const first = Math.min(...pending.map((m) => m.createdAt.getTime()));
  const content: DigestContent = {
    kind: cadence === 'instant' ? 'alert' : 'digest',
    cadence,
    periodStart: new Date(first).toISOString(),
    periodEnd: ctx.now().toISOString(),
    timeZone: reader.tz,
    groups: await groupMatchedStories(ctx.db, pending),
  };
  // Digest id 0: trial links in a preview name no digest.
  return renderDigestForReader(ctx, reader, content, 0);
}
