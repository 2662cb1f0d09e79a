/**
 * Market activity over time for the regulator: registrations, trades (and how many had a confidential price),
 * pledges, evidence batches and evidence items per UTC period. Counted per day in SQL (indexed block_time, a few
 * hundred rows a year) and folded into the requested period here.
 */
import type { ReadDb, SqlValue } from "../types";
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

const SOURCES: readonly { table: string; counts: Partial<Record<Counter, string>>; exchange: string | null }[] = [
  { table: "assets", counts: { registrations: "COUNT(*)" }, exchange: "exchange" },
  { table: "trades", counts: { trades: "COUNT(*)", confidentialTrades: "SUM(confidential)" }, exchange: "exchange" },
  { table: "pledges", counts: { pledges: "COUNT(*)" }, exchange: null },
  { table: "evidence_batches", counts: { evidenceBatches: "COUNT(*)", evidenceItems: "SUM(leaf_count)" }, exchange: "exchange" },
];

/** Activity per period, oldest first; periods without any activity are left out. */
export async function activity(db: ReadDb, f: ActivityFilters): Promise<ActivityPeriod[]> {
  const period = f.period ?? "month";
  const byPeriod = new Map<string, ActivityPeriod>();
  for (const s of SOURCES) {
    if (f.exchange !== undefined && s.exchange === null) continue; // pledges name no exchange
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (f.from !== undefined) (where.push("block_time >= ?"), params.push(f.from));
    if (f.to !== undefined) (where.push("block_time < ?"), params.push(f.to));
    if (f.chainId !== undefined) (where.push("chain_id = ?"), params.push(f.chainId));
    if (f.exchange !== undefined) (where.push(`${s.exchange} = ?`), params.push(f.exchange));
    const cols = Object.entries(s.counts).map(([k, expr]) => `${expr} AS ${k.toLowerCase()}`);
    const rows = await db.all<Record<string, number | string | null>>(
      `SELECT block_time / 86400 AS day, ${cols.join(", ")} FROM ${s.table}
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""} GROUP BY block_time / 86400`,
      params,
    );
    for (const r of rows) {
      const label = periodLabel(num(r.day) * 86400, period);
      let p = byPeriod.get(label);
      if (!p) {
        p = { period: label, registrations: 0, trades: 0, confidentialTrades: 0, pledges: 0, evidenceBatches: 0, evidenceItems: 0 };
        byPeriod.set(label, p);
      }
      for (const k of Object.keys(s.counts) as Counter[]) p[k] += num(r[k.toLowerCase()] ?? 0);
    }
  }
  return [...byPeriod.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}
