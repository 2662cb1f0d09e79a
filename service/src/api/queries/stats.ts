/**
 * Price disclosure (信息披露和价格公示): trade counts and price statistics per group and currency. Amounts are
 * uint128 decimal strings and are computed with BigInt; quartiles are exact decimals. Confidential-price trades
 * are counted but never priced.
 */
import { DAY_SECONDS, TRADE_KIND_SQL, UNPRICED_SQL } from "../../store/derived";
import type { ReadDb, SqlValue } from "../types";
import { spellings } from "../validation";
import { forEachChunk } from "./chunked";
import { splitWindow } from "./day-totals";

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
  return quartileAt(sorted.length, (i) => sorted[i] as bigint, k);
}

/** {@link quartile} of `n` sorted values given by rank (`valueAt(0)` the smallest). */
export function quartileAt(n: number, valueAt: (rank: number) => bigint, k: 0 | 1 | 2 | 3 | 4): string {
  if (n === 0) throw new Error("no values");
  const pos4 = (n - 1) * k; // position times 4
  const lo = Math.floor(pos4 / 4);
  const frac = pos4 % 4; // in quarters
  const a = valueAt(lo);
  if (frac === 0) return a.toString();
  const b = valueAt(lo + 1);
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

/** A bucket of trades: a row of trade_days, or one trade of a partial day (`trades` 1). */
interface TradeBucket {
  day: number;
  exchange: string;
  kind: string;
  cross_border: number;
  destination: string;
  /** '' when the price is not disclosed. */
  currency: string;
  price: string;
  trades: number;
}

/** Distinct prices of one currency with how many trades had each. */
type PriceCounts = Map<string, number>;

/**
 * Computes the statistics, groups in ascending label order: the window's whole days from the per-day totals
 * (trade_days, kept at index time), its partial days from the trades themselves (day-totals.ts). A trade's kind is
 * its asset's kind as registered at or before the trade.
 */
export async function priceStats(db: ReadDb, f: StatsFilters): Promise<GroupStats[]> {
  const groups = new Map<string, { total: number; confidential: number; prices: Map<string, PriceCounts> }>();
  const fold = (r: TradeBucket): void => {
    const n = Number(r.trades);
    const key =
      f.groupBy === "kind"
        ? r.kind === "" ? "unknown" : r.kind
        : f.groupBy === "exchange"
          ? r.exchange
          : f.groupBy === "destination"
            ? (Number(r.cross_border) === 1 ? r.destination : "domestic")
            : periodLabel(Number(r.day) * DAY_SECONDS, f.period ?? "month");
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { total: 0, confidential: 0, prices: new Map() }));
    g.total += n;
    if (r.currency === "") {
      g.confidential += n;
      return;
    }
    let counts = g.prices.get(r.currency);
    if (!counts) g.prices.set(r.currency, (counts = new Map()));
    counts.set(r.price, (counts.get(r.price) ?? 0) + n);
  };
  const window = splitWindow(f.from, f.to);
  if (window.days) {
    const c = filters(f, { right: 'd."right"', venue: "d.venue", exchange: "d.exchange", chainId: "d.chain_id", kind: "d.kind", crossBorder: "d.cross_border" });
    const where = [...window.days.where, ...c.where];
    const rows = await db.all<TradeBucket>(
      `SELECT d.day, d.exchange, d.kind, d.cross_border, d.destination, d.currency, d.price, d.trades FROM trade_days d
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`,
      [...window.days.params, ...c.params],
    );
    rows.forEach(fold);
  }
  for (const edge of window.edges) {
    const c = filters(f, { right: 'k."right"', venue: "k.venue", exchange: "k.exchange", chainId: "k.chain_id", kind: "k.kind", crossBorder: "k.cross_border" });
    // every trade of the partial day, in time-ordered chunks (chunked.ts), as a bucket of one
    await forEachChunk<TradeBucket & { chain_id: number; block_number: number; log_index: number; block_time: number }>(
      db,
      {
        select: `SELECT * FROM (SELECT t.chain_id, t.block_number, t.log_index, t.block_time, t.exchange, t."right", t.venue,
          t.block_time / ${DAY_SECONDS} AS day, ${TRADE_KIND_SQL} AS kind,
          CASE WHEN x.trade_id IS NULL THEN 0 ELSE 1 END AS cross_border, COALESCE(x.destination, '') AS destination,
          CASE WHEN ${UNPRICED_SQL} THEN '' ELSE t.currency END AS currency, CASE WHEN ${UNPRICED_SQL} THEN '' ELSE t.price END AS price,
          1 AS trades
          FROM trades t LEFT JOIN cross_border_trades x ON x.chain_id = t.chain_id AND x.contract = t.contract AND x.trade_id = t.trade_id
          WHERE t.block_time >= ? AND t.block_time < ?) k`,
        alias: "k",
        where: c.where,
        params: [edge.from, edge.to, ...c.params],
        byTime: true,
      },
      (rows) => rows.forEach(fold),
    );
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, g]) => ({
      group,
      tradeCount: g.total,
      confidentialCount: g.confidential,
      currencies: [...g.prices.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, counts]) => currencyStats(currency, counts)),
    }));
}

/** The statistics of one currency's prices (distinct values with their counts). */
function currencyStats(currency: string, counts: PriceCounts): CurrencyStats {
  const values = [...counts.entries()].map(([p, n]) => ({ v: BigInt(p), n })).sort((x, y) => (x.v < y.v ? -1 : x.v > y.v ? 1 : 0));
  // cumulative counts: the value of rank r is the first whose cumulative count exceeds r
  const upTo: number[] = [];
  let n = 0;
  let volume = 0n;
  for (const x of values) {
    n += x.n;
    upTo.push(n);
    volume += x.v * BigInt(x.n);
  }
  const valueAt = (rank: number): bigint => {
    let lo = 0;
    let hi = upTo.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((upTo[mid] as number) > rank) hi = mid;
      else lo = mid + 1;
    }
    return (values[lo] as { v: bigint }).v;
  };
  return {
    currency,
    count: n,
    volume: volume.toString(),
    min: quartileAt(n, valueAt, 0),
    q1: quartileAt(n, valueAt, 1),
    median: quartileAt(n, valueAt, 2),
    q3: quartileAt(n, valueAt, 3),
    max: quartileAt(n, valueAt, 4),
  };
}

/** The report's filters as conditions on the given columns. */
function filters(
  f: StatsFilters,
  col: { right: string; venue: string; exchange: string; chainId: string; kind: string; crossBorder: string },
): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const both = (sql: string, v: string | undefined): void => {
    if (v === undefined) return;
    where.push(`${sql} IN (?, ?)`);
    params.push(...spellings(v));
  };
  const eq = (sql: string, v: SqlValue | undefined): void => {
    if (v === undefined) return;
    where.push(`${sql} = ?`);
    params.push(v);
  };
  both(col.right, f.right);
  both(col.venue, f.venue);
  eq(col.exchange, f.exchange);
  eq(col.chainId, f.chainId);
  eq(col.kind, f.kind);
  const scope = f.scope ?? "domestic";
  if (scope === "domestic") where.push(`${col.crossBorder} = 0`);
  if (scope === "cross-border") where.push(`${col.crossBorder} = 1`);
  return { where, params };
}
