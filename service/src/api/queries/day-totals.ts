/**
 * The reports' windows over the per-day totals kept at index time (store/derived.ts: trade_days, activity_days). A
 * window [from, to) of unix seconds is its whole UTC days, read from the totals, and at most two partial days at its
 * edges, read from the rows themselves (by their time index): a report costs the days it covers, not the table.
 */
import { DAY_SECONDS } from "../../store/derived";
import type { SqlValue } from "../types";

/** A report window split into whole days and partial ones. */
export interface DayWindow {
  /** Whole days: `day >= ?` / `day < ?` conditions on a totals table and their parameters (no condition: every day); null: none. */
  days: { where: string[]; params: SqlValue[] } | null;
  /** Partial days read from the rows: [from, to) in unix seconds. */
  edges: { from: number; to: number }[];
}

/** Splits [from, to) (either end open) into whole UTC days and the partial days at its edges. */
export function splitWindow(from: number | undefined, to: number | undefined, alias = "d"): DayWindow {
  if (from !== undefined && to !== undefined && from >= to) return { days: null, edges: [] };
  const firstDay = from === undefined ? undefined : Math.ceil(from / DAY_SECONDS); // the first day starting at or after from
  const endDay = to === undefined ? undefined : Math.floor(to / DAY_SECONDS); // days before this one end by to
  if (firstDay !== undefined && endDay !== undefined && firstDay > endDay) {
    return { days: null, edges: [{ from: from as number, to: to as number }] }; // within one day
  }
  const where: string[] = [];
  const params: SqlValue[] = [];
  const edges: { from: number; to: number }[] = [];
  if (firstDay !== undefined) {
    where.push(`${alias}.day >= ?`);
    params.push(firstDay);
    if ((from as number) < firstDay * DAY_SECONDS) edges.push({ from: from as number, to: firstDay * DAY_SECONDS });
  }
  if (endDay !== undefined) {
    where.push(`${alias}.day < ?`);
    params.push(endDay);
    if (endDay * DAY_SECONDS < (to as number)) edges.push({ from: endDay * DAY_SECONDS, to: to as number });
  }
  return { days: firstDay !== undefined && endDay !== undefined && firstDay === endDay ? null : { where, params }, edges };
}
