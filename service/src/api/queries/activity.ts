/**
 * Market activity over time for the regulator: registrations, trades (and how many had a confidential price),
 * pledges, evidence batches and evidence items per UTC period, from per-day counts kept at index time
 * (activity_days, store/derived.ts): a UTC day lies wholly in one week, month, quarter or year, so periods are sums
 * of days. The partial days at a window's edges are counted from the rows.
 */
import { DAY_SECONDS } from "../../store/derived";
import type { ReadDb, SqlValue } from "../types";
import { forEachChunk } from "./chunked";
import { splitWindow } from "./day-totals";
import { num } from "./rows";
import { periodLabel, type Period } from "./stats";

/** Counts of one period. */
export interface ActivityPeriod {
  period: string;
  registrations: number;
  trades: number;
  confidentialTrades: number;
  pledges: number;
  evidenceBatches: number;
  evidenceItems: number;
}

/** Filters of {@link activity}. */
export interface ActivityFilters {
  period?: Period;
  from?: number;
  to?: number;
  exchange?: string;
  chainId?: number;
}

type Counter = Exclude<keyof ActivityPeriod, "period">;

/** What each row adds to each counter (a SQL expression over the row, alias `x`), for the partial days. */
const SOURCES: readonly { table: string; counts: Partial<Record<Counter, string>>; exchange: string | null }[] = [
  { table: "assets", counts: { registrations: "1" }, exchange: "exchange" },
  { table: "trades", counts: { trades: "1", confidentialTrades: "x.confidential" }, exchange: "exchange" },
  { table: "pledges", counts: { pledges: "1" }, exchange: null },
  { table: "evidence_batches", counts: { evidenceBatches: "1", evidenceItems: "x.leaf_count" }, exchange: "exchange" },
];

/** The counters' columns in activity_days. */
const TOTALS: Record<Counter, string> = {
  registrations: "registrations",
  trades: "trades",
  confidentialTrades: "confidential_trades",
  pledges: "pledges",
  evidenceBatches: "evidence_batches",
  evidenceItems: "evidence_items",
};
const COUNTERS = Object.keys(TOTALS) as Counter[];

/**
 * Activity per period, oldest first; periods without any activity are left out. The window's whole days come from
 * the per-day totals (activity_days, kept at index time), its partial days from the rows (day-totals.ts).
 */
export async function activity(db: ReadDb, f: ActivityFilters): Promise<ActivityPeriod[]> {
  const period = f.period ?? "month";
  const byPeriod = new Map<string, ActivityPeriod>();
  const periodAt = (time: number): ActivityPeriod => {
    const label = periodLabel(time, period);
    let p = byPeriod.get(label);
    if (!p) {
      p = { period: label, registrations: 0, trades: 0, confidentialTrades: 0, pledges: 0, evidenceBatches: 0, evidenceItems: 0 };
      byPeriod.set(label, p);
    }
    return p;
  };
  const window = splitWindow(f.from, f.to);
  if (window.days) {
    const where = [...window.days.where];
    const params = [...window.days.params];
    if (f.chainId !== undefined) (where.push("d.chain_id = ?"), params.push(f.chainId));
    // pledges name no exchange (their totals are kept under ''): an exchange filter leaves them out
    if (f.exchange !== undefined) (where.push("d.exchange = ?"), params.push(f.exchange));
    const rows = await db.all<Record<string, number | string>>(
      `SELECT d.day, ${COUNTERS.map((c) => `SUM(d.${TOTALS[c]}) AS ${TOTALS[c]}`).join(", ")} FROM activity_days d
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""} GROUP BY d.day`,
      params,
    );
    for (const r of rows) {
      const p = periodAt(num(r.day) * DAY_SECONDS);
      for (const c of COUNTERS) p[c] += num(r[TOTALS[c]] ?? 0);
    }
  }
  for (const edge of window.edges) {
    for (const s of SOURCES) {
      if (f.exchange !== undefined && s.exchange === null) continue; // pledges name no exchange
      const where = ["x.block_time >= ?", "x.block_time < ?"];
      const params: SqlValue[] = [edge.from, edge.to];
      if (f.chainId !== undefined) (where.push("x.chain_id = ?"), params.push(f.chainId));
      if (f.exchange !== undefined) (where.push(`x.${s.exchange} = ?`), params.push(f.exchange));
      const cols = Object.entries(s.counts).map(([k, expr]) => `${expr} AS ${k.toLowerCase()}`);
      const counters = Object.keys(s.counts) as Counter[];
      // the partial day's rows, in time-ordered chunks (chunked.ts)
      await forEachChunk<Record<string, number | string | null> & { chain_id: number; block_number: number; log_index: number; block_time: number }>(
        db,
        { select: `SELECT x.chain_id, x.block_number, x.log_index, x.block_time, ${cols.join(", ")} FROM ${s.table} x`, alias: "x", where, params, byTime: true },
        (chunk) => {
          for (const r of chunk) {
            const p = periodAt(num(r.block_time));
            for (const k of counters) p[k] += num(r[k.toLowerCase()] ?? 0);
          }
        },
      );
    }
  }
  return [...byPeriod.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}
