import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type CsvCell, toCsv } from '../../domain/csv-cells.js';
import type { ServiceContext } from '../../services/context.js';
import { InputError } from '../../services/input-error.js';
import {
  REPORT_DAYS,
  reportCampaignDetail,
  reportCampaigns,
  reportDeliverability,
  reportDigests,
  reportSuppressions,
  reportTopicActivity,
} from '../../services/reports/index.js';
import { requireAdminPassword } from '../admin-auth.js';
import { refuseOtherMethods } from '../method-guard.js';
import { sendPage } from '../responses.js';
import { ADMIN_PATHS, campaignPath } from './admin-paths.js';
import { AdminHomePage } from './pages/admin-home-page.js';
import { CampaignPage, CampaignsPage } from './pages/campaigns-page.js';
import { DeliverabilityPage } from './pages/deliverability-page.js';
import { DigestsPage } from './pages/digests-page.js';
import { REPORTS_CSS } from './pages/reports-css.js';
import {
  campaignDaysTable,
  campaignSkipsTable,
  campaignStoriesTable,
  campaignsTable,
  deliverabilityTable,
  digestRunsTable,
  type ReportTable,
  suppressionsTable,
  topicsTable,
} from './report-tables.js';

export interface AdminPluginOptions {
  ctx: ServiceContext;
  /** ADMIN_PASSWORD: the plugin is registered only when it is set. */
  password: string;
}

const daysQuery = z.object({
  days: z
    .enum(REPORT_DAYS.map(String) as [string, ...string[]])
    .default('30')
    .transform(Number),
});
const campaignParams = z.object({ id: z.coerce.number().int().positive() });

/** `?days=30|90`, or an {@link InputError} naming the choices (a 400 page). */
function readDays(query: unknown): number {
  const parsed = daysQuery.safeParse(query ?? {});
  if (!parsed.success)
    throw new InputError(`days must be one of ${REPORT_DAYS.join(', ')}`, { field: 'days' });
  return parsed.data.days;
}

function readCampaignId(params: unknown): number {
  const parsed = campaignParams.safeParse(params);
  if (!parsed.success) throw new InputError('a campaign id is a positive whole number');
  return parsed.data.id;
}

/** A table as a CSV download: never cached, never shown inline. */
function sendCsv(reply: FastifyReply, table: ReportTable): FastifyReply {
  const body = toCsv(
    table.columns.map((c) => c.header),
    table.rows as CsvCell[][],
  );
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${table.name}.csv"`)
    .header('cache-control', 'no-store')
    .send(body);
}

/**
 * The reports under `/admin/` (campaigns, deliverability, digests), pages drawn on the
 * server with every table also a CSV, behind the admin password. Register it without a
 * prefix; the paths are {@link ADMIN_PATHS}.
 */
export const adminPlugin: FastifyPluginAsync<AdminPluginOptions> = async (
  app: FastifyInstance,
  { ctx, password },
) => {
  await requireAdminPassword(app, {
    password,
    realm: 'Bulletin admin',
    refusal: 'The admin pages need the admin password (ADMIN_PASSWORD).',
  });
  const publicationName = ctx.settings.mailFrom.name;
  /** One campaign's report, or null when there is no such campaign (a 404). */
  const findCampaignDetail = async (id: number) => {
    try {
      return await reportCampaignDetail(ctx, id);
    } catch (error) {
      if (error instanceof InputError && error.problem === 'not-found') return null;
      throw error;
    }
  };
  const get = (
    path: string,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) => {
    app.get(path, handler);
    refuseOtherMethods(app, path, ['GET']);
  };

  get(ADMIN_PATHS.css, async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'private, max-age=3600')
      .send(REPORTS_CSS),
  );
  get('/admin', async (_request, reply) => reply.redirect(ADMIN_PATHS.home));
  get(ADMIN_PATHS.home, async (_request, reply) =>
    sendPage(reply, 200, <AdminHomePage publicationName={publicationName} />),
  );

  get(ADMIN_PATHS.campaigns, async (request, reply) => {
    const days = readDays(request.query);
    const report = await reportCampaigns(ctx, { days });
    return sendPage(
      reply,
      200,
      <CampaignsPage publicationName={publicationName} report={report} days={days} />,
    );
  });
  get(`${ADMIN_PATHS.campaigns}/campaigns.csv`, async (request, reply) =>
    sendCsv(reply, campaignsTable(await reportCampaigns(ctx, { days: readDays(request.query) }))),
  );
  get(`${ADMIN_PATHS.campaigns}/campaign-days.csv`, async (request, reply) =>
    sendCsv(
      reply,
      campaignDaysTable(await reportCampaigns(ctx, { days: readDays(request.query) })),
    ),
  );
  get(campaignPath(':id'), async (request, reply) => {
    const report = await findCampaignDetail(readCampaignId(request.params));
    if (!report) return reply.callNotFound();
    return sendPage(reply, 200, <CampaignPage publicationName={publicationName} report={report} />);
  });
  get(`${campaignPath(':id')}/stories.csv`, async (request, reply) =>
    sendCsv(
      reply,
      campaignStoriesTable(await reportCampaignDetail(ctx, readCampaignId(request.params))),
    ),
  );
  get(`${campaignPath(':id')}/skips.csv`, async (request, reply) =>
    sendCsv(
      reply,
      campaignSkipsTable(await reportCampaignDetail(ctx, readCampaignId(request.params))),
    ),
  );

  get(ADMIN_PATHS.deliverability, async (request, reply) => {
    const days = readDays(request.query);
    const report = await reportDeliverability(ctx, { days });
    return sendPage(
      reply,
      200,
      <DeliverabilityPage publicationName={publicationName} report={report} days={days} />,
    );
  });
  get(`${ADMIN_PATHS.deliverability}/deliverability.csv`, async (request, reply) =>
    sendCsv(
      reply,
      deliverabilityTable(await reportDeliverability(ctx, { days: readDays(request.query) })),
    ),
  );
  get(`${ADMIN_PATHS.deliverability}/suppressions.csv`, async (_request, reply) =>
    sendCsv(reply, suppressionsTable({ suppressions: await reportSuppressions(ctx) })),
  );

  get(ADMIN_PATHS.digests, async (request, reply) => {
    const days = readDays(request.query);
    const report = await reportDigests(ctx, { days });
    return sendPage(
      reply,
      200,
      <DigestsPage publicationName={publicationName} report={report} days={days} />,
    );
  });
  get(`${ADMIN_PATHS.digests}/digest-runs.csv`, async (request, reply) =>
    sendCsv(reply, digestRunsTable(await reportDigests(ctx, { days: readDays(request.query) }))),
  );
  get(`${ADMIN_PATHS.digests}/topics.csv`, async (_request, reply) =>
    sendCsv(reply, topicsTable(await reportTopicActivity(ctx))),
  );
};
