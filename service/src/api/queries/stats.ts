/**
 * Price disclosure (信息披露和价格公示): trade counts and price statistics per group and currency. Amounts are
 * uint128 decimal strings and are computed with BigInt; quartiles are exact decimals. Confidential-price trades
 * are counted but never priced.
 */
import type { ColumnsOf } from "../../store/schema";
import type { ReadDb, SqlValue } from "../types";
import { spellings } from "../validation";
import { forEachChunk } from "./chunked";
import { bool } from "./rows";

/** Grouping of {@link priceStats}; `destination` groups cross-border trades by jurisdiction ("domestic" for the rest). */
export type GroupBy = "kind" | "exchange" | "period" | "destination";
/** Which trades the statistics cover: domestic ones (the default), cross-border ones, or all. */
export type Scope = "domestic" | "cross-border" | "all";
/** Period of `groupBy=period`. */
export type Period = "day" | "week" | "month" | "quarter" | "year";

/** Statistics of one currency within a group. */
export interface CurrencyStats {
  currency: string;
  /** Trades with a disclosed price in this currency. */
  count: number;
  /** Sum of prices (minor units, decimal). */
  volume: string;
  min: string;
  q1: string;
  median: string;
  q3: string;
  max: string;
}

/** One group. */
export interface GroupStats {
  group: string;
  /** All trades in the group, confidential ones included. */
  tradeCount: number;
  /** Trades whose price is confidential (counted, never priced). */
  confidentialCount: number;
  currencies: CurrencyStats[];
}

/** Filters of {@link priceStats}. */
export interface StatsFilters {
  groupBy: GroupBy;
  period?: Period;
  from?: number;
  to?: number;
  right?: string;
  venue?: string;
  exchange?: string;
  kind?: string;
  chainId?: number;
  /** Default domestic: cross-border prices are kept apart (they follow other markets). */
  scope?: Scope;
}

/**
 * Quantile `k/4` of sorted values by linear interpolation between closest ranks (R-7, as Excel/NumPy default),
 * exact: the result is a decimal string that may end in .25, .5 or .75.
 */
export function quartile(sorted: readonly bigint[], k: 0 | 1 | 2 | 3 | 4): string {
  const n = sorted.length;
  if (n === 0) throw new Error("no values");
  const pos4 = (n - 1) * k; // position times 4
  const lo = Math.floor(pos4 / 4);
  const frac = pos4 % 4; // in quarters
  const a = sorted[lo] as bigint;
  if (frac === 0) return a.toString();
  const b = sorted[lo + 1] as bigint;
  const scaled = a * 4n + (b - a) * BigInt(frac); // value * 4
  return quarters(scaled);
}

function quarters(v4: bigint): string {
  const neg = v4 < 0n;
  const abs = neg ? -v4 : v4;
  const whole = abs / 4n;
  const rest = abs % 4n;
  const s = whole.toString() + (rest === 0n ? "" : rest === 2n ? ".5" : rest === 1n ? ".25" : ".75");
  return neg ? `-${s}` : s;
}

/** The UTC period label of a unix time. */
export function periodLabel(t: number, period: Period): string {
  const d = new Date(t * 1000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const pad = (n: number): string => String(n).padStart(2, "0");
  switch (period) {
    case "year":
      return String(y);
    case "quarter":
      return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
    case "month":
      return `${y}-${pad(m)}`;
    case "day":
      return `${y}-${pad(m)}-${pad(d.getUTCDate())}`;
    case "week": {
      // ISO 8601 week
      const t0 = Date.UTC(y, d.getUTCMonth(), d.getUTCDate());
      const day = (new Date(t0).getUTCDay() + 6) % 7;
      const thursday = new Date(t0 - day * 86_400_000 + 3 * 86_400_000);
      const wy = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - Date.UTC(wy, 0, 1)) / (7 * 86_400_000)) + 1;
      return `${wy}-W${pad(week)}`;
    }
  }
}

/** A trade's columns and its asset's kind (null when the asset is not indexed: LEFT JOIN). */
type StatRow = ColumnsOf<"trades", "price" | "currency" | "confidential" | "block_time" | "exchange"> & { kind: string | null; destination: string | null };

/** Computes the statistics, groups in ascending label order. */
export async function priceStats(db: ReadDb, f: StatsFilters): Promise<GroupStats[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, v: SqlValue | undefined): void => {
    if (v === undefined) return;
    where.push(sql);
    params.push(v);
  };
  add("t.block_time >= ?", f.from);
  add("t.block_time < ?", f.to);
  const both = (sql: string, v: string | undefined): void => {
    if (v === undefined) return;
    where.push(sql);
    params.push(...spellings(v));
  };
  both('t."right" IN (?, ?)', f.right);
  both("t.venue IN (?, ?)", f.venue);
  add("t.exchange = ?", f.exchange);
  add("t.chain_id = ?", f.chainId);
  add("a.kind = ?", f.kind);
  const scope = f.scope ?? "domestic";
  if (scope === "domestic") where.push("x.trade_id IS NULL");
  if (scope === "cross-border") where.push("x.trade_id IS NOT NULL");
  const groups = new Map<string, { total: number; confidential: number; prices: Map<string, bigint[]> }>();
  const fold = (r: StatRow): void => {
    const key =
      f.groupBy === "kind"
        ? (r.kind ?? "unknown")
        : f.groupBy === "exchange"
          ? r.exchange
          : f.groupBy === "destination"
            ? (r.destination ?? "domestic")
            : periodLabel(Number(r.block_time), f.period ?? "month");
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { total: 0, confidential: 0, prices: new Map() }));
    g.total++;
    if (bool(r.confidential) || r.price === null || r.currency === null) {
      g.confidential++;
      return;
    }
    const list = g.prices.get(r.currency) ?? [];
    list.push(BigInt(r.price));
    g.prices.set(r.currency, list);
  };
  // every trade of the window: in chunks, so that the process stays responsive and the time limit holds (chunked.ts)
  await forEachChunk<StatRow & { chain_id: number; block_number: number; log_index: number }>(
    db,
    {
      select: `SELECT t.chain_id, t.block_number, t.log_index, t.price, t.currency, t.confidential, t.block_time, t.exchange,
       a.kind, x.destination FROM trades t LEFT JOIN assets a ON a.chain_id = t.chain_id AND a.asset_id = t.asset_id
       LEFT JOIN cross_border_trades x ON x.chain_id = t.chain_id AND x.contract = t.contract AND x.trade_id = t.trade_id`,
      alias: "t",
      where,
      params,
    },
    (rows) => rows.forEach(fold),
  );
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, g]) => ({
      group,
      tradeCount: g.total,
      confidentialCount: g.confidential,
      currencies: [...g.prices.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, values]) => {
          const sorted = [...values].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
          return {
            currency,
            count: sorted.length,
            volume: sorted.reduce((s, v) => s + v, 0n).toString(),
            min: quartile(sorted, 0),
            q1: quartile(sorted, 1),
            median: quartile(sorted, 2),
            q3: quartile(sorted, 3),
            max: quartile(sorted, 4),
          };
        }),
    }));
}
