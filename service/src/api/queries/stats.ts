/**
 * Price disclosure (信息披露和价格公示): trade counts and price statistics per group and currency. Amounts are
 * uint128 decimal strings; count, volume, min and max are exact (BigInt), quartiles are estimated from mergeable
 * per-day sketches within a stated relative accuracy (store/price-sketch.ts). Confidential-price trades are counted
 * but never priced.
 */
import { CROSS_BORDER_SQL, DAY_SECONDS, DESTINATION_SQL, TRADE_KIND_SQL, UNPRICED_SQL } from "../../store/derived";
import { PriceSummary, QUANTILE_RELATIVE_ACCURACY } from "../../store/price-sketch";
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

export { QUANTILE_RELATIVE_ACCURACY };

/** Statistics of one currency within a group. */
export interface CurrencyStats {
  currency: string;
  /** Trades with a disclosed price in this currency. */
  count: number;
  /** Sum of prices (minor units, decimal). */
  volume: string;
  min: string;
  /** q1, median and q3: within {@link QUANTILE_RELATIVE_ACCURACY} of the exact R-7 quartile. */
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
 * exact: the result is a decimal string that may end in .25, .5 or .75. The definition the report's estimates
 * (store/price-sketch.ts) are held to.
 */
export function quartile(sorted: readonly bigint[], k: 0 | 1 | 2 | 3 | 4): string {
  return quartileAt(sorted.length, (i) => sorted[i] as bigint, k);
}

/** {@link quartile} of `n` sorted values given by rank (`valueAt(0)` the smallest). */
function quartileAt(n: number, valueAt: (rank: number) => bigint, k: 0 | 1 | 2 | 3 | 4): string {
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

/** A row of price_days (summed over a group's days) or one trade of a partial day (`trades` 1, its price its own summary). */
interface PriceBucket {
  day: number;
  exchange: string;
  kind: string;
  cross_border: number;
  destination: string;
  /** '' when the price is not disclosed. */
  currency: string;
  trades: number;
  volume: string;
  min_price: string;
  max_price: string;
  /** The log-bucket histogram (store/price-sketch.ts); null: the row is one trade at `min_price`. */
  sketch: string | null;
}

/**
 * Computes the statistics, groups in ascending label order: the window's whole days from the per-day summaries
 * (price_days, kept at index time: exact totals and a mergeable quantile sketch per day and group), its partial days
 * from the trades themselves (day-totals.ts). Count, volume, min and max are exact; q1, median and q3 are within
 * {@link QUANTILE_RELATIVE_ACCURACY} of the exact R-7 quartiles. A trade's kind is its asset's kind as registered at
 * or before the trade.
 */
export async function priceStats(db: ReadDb, f: StatsFilters): Promise<GroupStats[]> {
  const groups = new Map<string, { total: number; confidential: number; prices: Map<string, PriceSummary> }>();
  const fold = (r: PriceBucket): void => {
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
    let summary = g.prices.get(r.currency);
    if (!summary) g.prices.set(r.currency, (summary = new PriceSummary()));
    if (r.sketch === null) summary.add(r.min_price, n);
    else summary.merge({ count: n, volume: r.volume, min: r.min_price, max: r.max_price, sketch: r.sketch });
  };
  const window = splitWindow(f.from, f.to);
  if (window.days) {
    const c = filters(f, { right: 'd."right"', venue: "d.venue", exchange: "d.exchange", chainId: "d.chain_id", kind: "d.kind", crossBorder: "d.cross_border" });
    const where = [...window.days.where, ...c.where];
    // one row per day and group (what the grouping leaves out is merged here: sketches do not add up in SQL)
    const by = f.groupBy === "kind" ? ["d.kind"] : f.groupBy === "exchange" ? ["d.exchange"] : f.groupBy === "destination" ? ["d.cross_border", "d.destination"] : ["d.day"];
    const rows = await db.all<Partial<PriceBucket> & Pick<PriceBucket, "currency" | "trades" | "volume" | "min_price" | "max_price" | "sketch">>(
      `SELECT ${by.join(", ")}, d.currency, d.trades, d.volume, d.min_price, d.max_price, d.sketch FROM price_days d
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`,
      [...window.days.params, ...c.params],
    );
    for (const r of rows) fold({ day: 0, exchange: "", kind: "", cross_border: 0, destination: "", ...r });
  }
  for (const edge of window.edges) {
    const c = filters(f, { right: 'k."right"', venue: "k.venue", exchange: "k.exchange", chainId: "k.chain_id", kind: "k.kind", crossBorder: "k.cross_border" });
    // every trade of the partial day, in time-ordered chunks (chunked.ts), as a bucket of one
    await forEachChunk<PriceBucket & { chain_id: number; block_number: number; log_index: number; block_time: number }>(
      db,
      {
        select: `SELECT * FROM (SELECT t.chain_id, t.block_number, t.log_index, t.block_time, t.exchange, t."right", t.venue,
          t.block_time / ${DAY_SECONDS} AS day, ${TRADE_KIND_SQL} AS kind,
          ${CROSS_BORDER_SQL} AS cross_border, ${DESTINATION_SQL} AS destination,
          CASE WHEN ${UNPRICED_SQL} THEN '' ELSE t.currency END AS currency, CASE WHEN ${UNPRICED_SQL} THEN '' ELSE t.price END AS min_price,
          1 AS trades
          FROM trades t WHERE t.block_time >= ? AND t.block_time < ?) k`,
        alias: "k",
        where: c.where,
        params: [edge.from, edge.to, ...c.params],
        byTime: true,
      },
      (rows) => rows.forEach((r) => fold({ ...r, volume: "", max_price: "", sketch: null })),
    );
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, g]) => ({
      group,
      tradeCount: g.total,
      confidentialCount: g.confidential,
      currencies: [...g.prices.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, p]) => currencyStats(currency, p)),
    }));
}

/** The statistics of one currency's prices. */
function currencyStats(currency: string, p: PriceSummary): CurrencyStats {
  return { currency, count: p.count, volume: p.volume.toString(), min: p.quartile(0), q1: p.quartile(1), median: p.quartile(2), q3: p.quartile(3), max: p.quartile(4) };
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
