import { decideAccess } from '../../domain/access.js';
import { capDigestContent, type DigestContent } from '../../domain/digest-content.js';
import { linkSettingsOf, type RenderedEmail } from '../../email/index.js';
import type { RenderContext } from '../context.js';
import { emailReaderOf, type ReaderToEmail } from '../email-reader.js';
import { readSiteLicenses } from '../shared-reads.js';

/**
 * Renders digest content for one reader, deciding their access now: full stories for a
 * subscriber, an active trial or a site license, teasers with trial links for everyone else.
 * Sending and previewing both come through here, so a preview shows what would be sent,
 * capped alike at DIGEST_MAX_STORIES.
 */
export async function renderDigestForReader(
  ctx: RenderContext,
  reader: ReaderToEmail,
  content: DigestContent,
  digestId: number,
): Promise<RenderedEmail> {
  const now = ctx.now();
  const access = decideAccess(reader, await readSiteLicenses(ctx.db), now);
  return ctx.renderer.renderDigestEmail({
    reader: await emailReaderOf(ctx, reader, access.full),
    content: capDigestContent(content, ctx.settings.digestMaxStories),
    digestId,
    links: linkSettingsOf(ctx.settings, ctx.secretKey),
    now,
  });
}
