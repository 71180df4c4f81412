import { findPendingMatches } from '../../db/repositories/match.repository.js';
import { listSiteLicenses } from '../../db/repositories/site-license.repository.js';
import { decideAccess } from '../domain/access.js';
import type { RenderedEmail } from '../domain/email-content.js';
import type { Cadence } from '../domain/subscription.js';
import type { ServiceContext } from './context.js';
import { groupMatchedStories } from './digest-content.service.js';
import { renderDigestEmail } from './email-render.service.js';
import { requireReader } from './readers.service.js';
import { linkSettings } from './send-delivery.service.js';

/**
 * Renders what the reader's next digest of a cadence would hold if it were built now, without
 * claiming any match: nothing changes.
 */
export async function previewNextDigest(
  ctx: ServiceContext & { secretKey: Buffer },
  email: string,
  cadence: Cadence,
): Promise<RenderedEmail | null> {
  const reader = await requireReader(ctx, email);
  const pending = await findPendingMatches(ctx.db, reader.id, cadence);
  if (pending.length === 0) return null;
  const now = ctx.now();
  const access = decideAccess(reader, await listSiteLicenses(ctx.db), now);
  const first = Math.min(...pending.map((m) => m.createdAt.getTime()));
  return renderDigestEmail({
    reader: { email: reader.email, name: reader.name, fullAccess: access.full },
    content: {
      kind: cadence === 'instant' ? 'alert' : 'digest',
      cadence,
      periodStart: new Date(first).toISOString(),
      periodEnd: now.toISOString(),
      timeZone: reader.tz,
      groups: await groupMatchedStories(ctx.db, pending),
    },
    digestId: 0,
    links: linkSettings(ctx),
    now,
  });
}
