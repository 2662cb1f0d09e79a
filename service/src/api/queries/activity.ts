/**
 * Market activity over time for the regulator: registrations, trades (and how many had a confidential price),
 * pledges, evidence batches and evidence items per UTC period. Every row of the window is read in key-ordered
 * chunks (chunked.ts) and counted into its period here: at a million trades that takes seconds, so it must not hold
 * the event loop. (Per-day counts kept at index time would make it cost what it returns; not done yet.)
 */
import type { ReadDb, SqlValue } from "../types";
import { forEachChunk } from "./chunked";
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

/** What each row adds to each counter (a SQL expression over the row, alias `x`). */
const SOURCES: readonly { table: string; counts: Partial<Record<Counter, string>>; exchange: string | null }[] = [
  { table: "assets", counts: { registrations: "1" }, exchange: "exchange" },
  { table: "trades", counts: { trades: "1", confidentialTrades: "x.confidential" }, exchange: "exchange" },
  { table: "pledges", counts: { pledges: "1" }, exchange: null },
  { table: "evidence_batches", counts: { evidenceBatches: "1", evidenceItems: "x.leaf_count" }, exchange: "exchange" },
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
    const counters = Object.keys(s.counts) as Counter[];
    // every row of the window, in key-ordered chunks: the process stays responsive and the time limit holds (chunked.ts)
    await forEachChunk<Record<string, number | string | null> & { chain_id: number; block_number: number; log_index: number }>(
      db,
      { select: `SELECT x.chain_id, x.block_number, x.log_index, x.block_time, ${cols.join(", ")} FROM ${s.table} x`, alias: "x", where: where.map((w) => `x.${w}`), params },
      (chunk) => {
        for (const r of chunk) {
          const label = periodLabel(num(r.block_time), period);
          let p = byPeriod.get(label);
          if (!p) {
            p = { period: label, registrations: 0, trades: 0, confidentialTrades: 0, pledges: 0, evidenceBatches: 0, evidenceItems: 0 };
            byPeriod.set(label, p);
          }
          for (const k of counters) p[k] += num(r[k.toLowerCase()] ?? 0);
        }
      },
    );
  }
  return [...byPeriod.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}
