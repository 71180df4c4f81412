/** How far back a report looks, in days: the pages' switch offers these. */
export const REPORT_DAYS = [30, 90] as const;
export type ReportDays = (typeof REPORT_DAYS)[number];

/** A window of time, `since` included, `until` not. */
export interface ReportWindow {
  since: Date;
  until: Date;
}

/** The last `days` days up to `now`: the same window as `--since 30d` on the CLI. */
export function windowEnding(now: Date, days: number): ReportWindow {
  return { since: new Date(now.getTime() - days * 86_400_000), until: now };
}

/** Every UTC day (`YYYY-MM-DD`) the window touches, oldest first. */
export function daysOfWindow(window: ReportWindow): string[] {
  const days: string[] = [];
  const day = new Date(window.since.toISOString().slice(0, 10));
  for (; day < window.until; day.setUTCDate(day.getUTCDate() + 1))
    days.push(day.toISOString().slice(0, 10));
  return days;
}
