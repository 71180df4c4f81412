import { findKeptDays, keepDays } from '../../db/repositories/report-day.repository.js';
import type { ServiceContext } from './context.js';

const DAY_MS = 86_400_000;

/** A window of time, `since` included, `until` not. */
interface ReportWindow {
  since: Date;
  until: Date;
}

/** A report's figures per UTC day, and how they are counted from the rows. */
export interface DaySeries<T> {
  /** The series' name in `report_days`. */
  name: string;
  /** The figures of each UTC day of a window that has any. */
  count(window: ReportWindow): Promise<Map<string, T>>;
  /** A day with nothing in it. */
  empty(): T;
  /** Whether a closed day's figures are final (nothing in them still to settle). */
  settled(figures: T): boolean;
  toJson(figures: T): string;
  fromJson(json: string): T;
}

function startOfDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

function dayKey(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The series' figures per UTC day of the window. A whole day that ended before yesterday
 * began is closed: its figures are read from `report_days`, or counted once and kept there
 * when settled. The open edges (a first day the window starts inside, yesterday and today)
 * are counted from the rows each time. Counts of closed days so stay what they were when
 * kept, whatever retention deletes later.
 */
export async function figuresByDay<T>(
  ctx: ServiceContext,
  series: DaySeries<T>,
  window: ReportWindow,
): Promise<Map<string, T>> {
  const since = window.since.getTime();
  const until = window.until.getTime();
  const firstWhole = startOfDay(since) === since ? since : startOfDay(since) + DAY_MS;
  const closedUntil = Math.min(startOfDay(ctx.now().getTime()) - DAY_MS, startOfDay(until));
  const closed: string[] = [];
  for (let day = firstWhole; day + DAY_MS <= closedUntil; day += DAY_MS) closed.push(dayKey(day));

  const figures = new Map<string, T>();
  const kept = await findKeptDays(ctx.db, series.name, closed);
  for (const [day, json] of kept) figures.set(day, series.fromJson(json));
  const missing = closed.filter((day) => !kept.has(day));
  if (missing.length > 0) {
    const from = Date.parse(missing[0] as string);
    const to = Date.parse(missing[missing.length - 1] as string) + DAY_MS;
    const counted = await series.count({ since: new Date(from), until: new Date(to) });
    const toKeep = new Map<string, string>();
    for (const day of missing) {
      const value = counted.get(day) ?? series.empty();
      figures.set(day, value);
      if (series.settled(value)) toKeep.set(day, series.toJson(value));
    }
    await keepDays(ctx.db, series.name, toKeep, ctx.now());
  }

  const openEdges: ReportWindow[] = [];
  if (closed.length === 0) openEdges.push(window);
  else {
    if (since < firstWhole) openEdges.push({ since: window.since, until: new Date(firstWhole) });
    const lastClosedEnd = Date.parse(closed[closed.length - 1] as string) + DAY_MS;
    if (lastClosedEnd < until)
      openEdges.push({ since: new Date(lastClosedEnd), until: window.until });
  }
  for (const edge of openEdges)
    for (const [day, value] of await series.count(edge)) figures.set(day, value);
  return figures;
}
