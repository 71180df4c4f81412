/** Where the admin pages live (DESIGN.md, HTTP: `GET /admin/`). */
export const ADMIN_PATHS = {
  home: '/admin/',
  campaigns: '/admin/reports/campaigns',
  deliverability: '/admin/reports/deliverability',
  digests: '/admin/reports/digests',
  css: '/admin/reports.css',
  queues: '/admin/queues',
} as const;

/** One campaign's page. */
export function campaignPath(id: number | string): string {
  return `${ADMIN_PATHS.campaigns}/${id}`;
}

/** A table's CSV: beside its page, with the page's window. */
export function csvPath(page: string, table: string, days?: number): string {
  return `${page}/${table}.csv${days ? `?days=${days}` : ''}`;
}
