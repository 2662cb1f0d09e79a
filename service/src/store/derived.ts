/**
 * Derived tables: answers the API would otherwise compute from whole tables, kept at index time (store/schema.ts):
 * `current_holders` (each asset's current holder), `linked_trades` (the trades with a link either way), the per-day
 * totals `trade_days` and `activity_days`, and the per-day price summaries `price_days` (store/price-sketch.ts).
 *
 * Why they stay exactly right under a reorg. The event tables are append-only and a rollback deletes every row above
 * the common ancestor; a mutable column would not be rolled back by that. So nothing here is updated in place from
 * an event alone:
 * - The per-day totals are sums of per-row contributions, and a row's contribution depends only on rows at or before
 *   it (its own columns, its asset's registration at or before the trade, the cross-border terms logged in the same
 *   transaction). A range adds the contributions of its rows ({@link deriveRange}); a rollback subtracts those of the
 *   rows it is about to delete, before deleting them ({@link prepareRollback}), which gives the same numbers, so the
 *   totals return exactly to what they were before those rows came.
 * - A price summary holds a minimum and a maximum, which cannot be subtracted: a range merges its trades into the
 *   summaries of their days; a rollback, once trade_days has lost the rows' contributions, builds every summary the
 *   rows fell in again from that summary's trade_days rows (its distinct prices, by key).
 * - A current holder is recomputed from the event tables (the latest registration, the latest holdings row after it)
 *   for every asset whose rows a range added or a rollback removed: after a rollback, from the rows that remain.
 * - A trade is linked while its own link is set or another trade's names it: a range only adds links, so it adds its
 *   linked trades and the trades they name; a rollback drops the deleted trades' rows and recomputes, from the rows
 *   that remain, the trades the deleted ones named.
 * The maintenance runs in the transaction of the range or rollback, so readers see rows and totals move together.
 * Rows written around the store (the benchmark's bulk fill, test fixtures) are derived once with {@link rebuildDerived}.
 */
import type { Db, SqlValue } from "./db";
import { AFTER_REGISTRATION, ASSET_LOCKS_FILL, assetLocksInsert, derivedFrom, LATEST_REGISTRATION_SQL, LINKED_TRADE_SQL, LINKED_TRADES_FILL, SCHEMA, type TableName } from "./schema";
import { PriceSummary } from "./price-sketch";

/** Seconds in a UTC day: a row's day is `block_time / 86400` (integer division; block times are positive). */
export const DAY_SECONDS = 86_400;

/** The event tables each group of derived tables is computed from (schema.ts declares them per table). */
const SOURCES = {
  holders: derivedFrom("current_holders"),
  links: derivedFrom("linked_trades"),
  trades: derivedFrom("trade_days"),
  activity: derivedFrom("activity_days"),
  locks: derivedFrom("asset_locks"),
};

/** The current holder of registration row `a`: the latest holdings row after it, else the holder it was registered to. */
export const CURRENT_HOLDER_SQL = `COALESCE((SELECT h.to_address FROM holdings h WHERE h.chain_id = a.chain_id AND h.contract = a.contract
  AND h.asset_id = a.asset_id AND ${AFTER_REGISTRATION("h")} ORDER BY h.block_number DESC, h.log_index DESC LIMIT 1), a.holder)`;

/** Conditions selecting rows of `alias` above `above` on `chainId` (null: every chain, every row). */
function rowsAbove(alias: string, chainId: number | null, above: number): { sql: string; params: SqlValue[] } {
  if (chainId === null) return { sql: "1 = 1", params: [] };
  return { sql: `${alias}.chain_id = ? AND ${alias}.block_number > ?`, params: [chainId, above] };
}

/** Recomputes the current holder of the given assets of `chainId` (`ids`: a subquery or a list) from the event tables. */
async function refreshHolders(tx: Db, chainId: number, ids: { sql: string; params: SqlValue[] }): Promise<void> {
  await tx.run(`DELETE FROM current_holders WHERE chain_id = ? AND asset_id IN (${ids.sql})`, [chainId, ...ids.params]);
  await tx.run(
    `INSERT INTO current_holders (chain_id, contract, asset_id, block_number, log_index, holder)
     SELECT a.chain_id, a.contract, a.asset_id, a.block_number, a.log_index, ${CURRENT_HOLDER_SQL}
     FROM assets a WHERE a.chain_id = ? AND a.asset_id IN (${ids.sql}) AND ${LATEST_REGISTRATION_SQL}`,
    [chainId, ...ids.params],
  );
}

/** The asset ids (of `chainId`) whose rows in `tables` lie above `above`. */
function assetsAbove(tables: readonly string[], chainId: number, above: number): { sql: string; params: SqlValue[] } {
  return {
    sql: tables.map((t) => `SELECT asset_id FROM ${t} WHERE chain_id = ? AND block_number > ?`).join(" UNION "),
    params: tables.flatMap(() => [chainId, above]),
  };
}
/** The event tables whose rows can lock an asset: a registration starts unlocked, whatever came before it. */
const LOCKING = SOURCES.locks.filter((t) => t !== "assets");

/**
 * Recomputes whether assets of `chainId` are frozen or pledged now: the rows of `dropped` go, and `locked` (a subset)
 * get a row again if they are (each a subquery or a list of asset ids).
 */
async function refreshLocks(tx: Db, chainId: number, dropped: { sql: string; params: SqlValue[] }, locked = dropped): Promise<void> {
  await tx.run(`DELETE FROM asset_locks WHERE chain_id = ? AND asset_id IN (${dropped.sql})`, [chainId, ...dropped.params]);
  await tx.run(assetLocksInsert("a.chain_id = ? AND", locked.sql), [chainId, ...locked.params]);
}

/**
 * Adds the linked trades a range brings: its trades with a link of their own or named by a trade (of any range), and
 * the trades (of any chain) its trades name. A range only adds links, so a trade once linked stays so until a
 * rollback ({@link prepareRollback}).
 */
async function addLinks(tx: Db, chainId: number, above: number): Promise<void> {
  await tx.run(
    `INSERT INTO linked_trades (chain_id, block_number, log_index, trade_id)
     SELECT t.chain_id, t.block_number, t.log_index, t.trade_id FROM trades t WHERE t.chain_id = ? AND t.block_number > ? AND ${LINKED_TRADE_SQL}
     ON CONFLICT (chain_id, block_number, log_index) DO NOTHING`,
    [chainId, above],
  );
  await tx.run(
    `INSERT INTO linked_trades (chain_id, block_number, log_index, trade_id)
     SELECT t.chain_id, t.block_number, t.log_index, t.trade_id FROM trades t WHERE t.trade_id IN (
       SELECT n.linked_trade_id FROM trades n WHERE n.chain_id = ? AND n.block_number > ? AND n.linked_trade_id IS NOT NULL)
     ON CONFLICT (chain_id, block_number, log_index) DO NOTHING`,
    [chainId, above],
  );
}

/** The trade ids named by the links of the trades of `chainId` above `above`. */
async function linkTargetsAbove(tx: Db, chainId: number, above: number): Promise<string[]> {
  const rows = await tx.all<{ id: string }>(
    `SELECT DISTINCT linked_trade_id AS id FROM trades WHERE chain_id = ? AND block_number > ? AND linked_trade_id IS NOT NULL`,
    [chainId, above],
  );
  return rows.map((r) => r.id);
}

/** Recomputes whether the trades with the given ids are linked, from the trades that remain. */
async function refreshLinks(tx: Db, ids: readonly string[]): Promise<void> {
  const list = ids.map(() => "?").join(", ");
  await tx.run(`DELETE FROM linked_trades WHERE trade_id IN (${list})`, [...ids]);
  await tx.run(
    `INSERT INTO linked_trades (chain_id, block_number, log_index, trade_id)
     SELECT t.chain_id, t.block_number, t.log_index, t.trade_id FROM trades t WHERE t.trade_id IN (${list}) AND ${LINKED_TRADE_SQL}`,
    [...ids],
  );
}

/** The kind of trade `t`'s asset as registered at or before the trade (the latest such registration on its chain). */
export const TRADE_KIND_SQL = `COALESCE((SELECT a.kind FROM assets a WHERE a.chain_id = t.chain_id AND a.asset_id = t.asset_id AND
  (a.block_number < t.block_number OR (a.block_number = t.block_number AND a.log_index < t.log_index))
  ORDER BY a.block_number DESC, a.log_index DESC LIMIT 1), '')`;
/**
 * The destination of trade `t` when it crossed a border ('' when the terms name none), else NULL: a correlated
 * lookup by the trade id's index, so that neither planner reads the cross-border table whole for a few trades.
 */
const DESTINATION = `(SELECT x.destination FROM cross_border_trades x WHERE x.chain_id = t.chain_id AND x.contract = t.contract
  AND x.trade_id = t.trade_id LIMIT 1)`;
/** Trade `t` crossed a border: 1, else 0. */
export const CROSS_BORDER_SQL = `CASE WHEN ${DESTINATION} IS NULL THEN 0 ELSE 1 END`;
/** Trade `t`'s destination, '' for a domestic trade. */
export const DESTINATION_SQL = `COALESCE(${DESTINATION}, '')`;
/** A trade whose price is not disclosed (confidential, or no price or currency): counted, never priced. */
export const UNPRICED_SQL = "(t.confidential = 1 OR t.price IS NULL OR t.currency IS NULL)";

const TRADE_DAY_KEY = ["day", "chain_id", "exchange", "kind", '"right"', "venue", "cross_border", "destination", "currency", "price"];

/** The contributions of the trades selected by `where` to `trade_days`, one row per key with `count` (an aggregate of the group). */
function tradeDaysSql(where: { sql: string }, count: string): string {
  return `SELECT t.block_time / ${DAY_SECONDS} AS day, t.chain_id AS chain_id, t.exchange AS exchange, ${TRADE_KIND_SQL} AS kind, t."right" AS "right",
       t.venue AS venue, ${CROSS_BORDER_SQL} AS cross_border, ${DESTINATION_SQL} AS destination,
       CASE WHEN ${UNPRICED_SQL} THEN '' ELSE t.currency END AS currency, CASE WHEN ${UNPRICED_SQL} THEN '' ELSE t.price END AS price, ${count} AS trades
     FROM trades t
     WHERE ${where.sql}
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`;
}

/** Adds (`sign` 1) or subtracts (-1) the contributions of the trades selected by `where` to `trade_days`. */
async function addTradeDays(tx: Db, where: { sql: string; params: SqlValue[] }, sign: 1 | -1): Promise<void> {
  await tx.run(
    `INSERT INTO trade_days (${TRADE_DAY_KEY.join(", ")}, trades)
     ${tradeDaysSql(where, `${sign} * COUNT(*)`)}
     ON CONFLICT (${TRADE_DAY_KEY.join(", ")}) DO UPDATE SET trades = trade_days.trades + excluded.trades`,
    where.params,
  );
}

/**
 * Adds the contributions of the trades selected by `where` to `trade_days` and returns them. PostgreSQL: one
 * statement (a data-modifying CTE); SQLite, which has none: read, then written by multi-row upserts, which cost
 * there what the INSERT … SELECT did (many-parameter statements are the slower way on PostgreSQL).
 */
async function addTradeDaysReturning(tx: Db, where: { sql: string; params: SqlValue[] }): Promise<TradeDayRow[]> {
  const columns = [...TRADE_DAY_KEY, "trades"];
  const upsert = `ON CONFLICT (${TRADE_DAY_KEY.join(", ")}) DO UPDATE SET trades = trade_days.trades + excluded.trades`;
  if (tx.dialect === "postgres") {
    return tx.all<TradeDayRow>(
      `WITH c AS (${tradeDaysSql(where, "COUNT(*)")}), w AS (INSERT INTO trade_days (${columns.join(", ")}) SELECT * FROM c ${upsert})
       SELECT * FROM c`,
      where.params,
    );
  }
  const rows = await tx.all<TradeDayRow>(tradeDaysSql(where, "COUNT(*)"), where.params);
  for (let i = 0; i < rows.length; i += 50) {
    const part = rows.slice(i, i + 50);
    await tx.run(
      `INSERT INTO trade_days (${columns.join(", ")}) VALUES ${part.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ")} ${upsert}`,
      part.flatMap((r) => [Number(r.day), Number(r.chain_id), r.exchange, r.kind, r.right, r.venue, Number(r.cross_border), r.destination, r.currency, r.price, Number(r.trades)]),
    );
  }
  return rows;
}

/** A row of trade_days (or a range's contribution to one), as read back. */
interface TradeDayRow {
  day: number | string;
  chain_id: number | string;
  exchange: string;
  kind: string;
  right: string;
  venue: string;
  cross_border: number | string;
  destination: string;
  currency: string;
  price: string;
  trades: number | string;
}

/** price_days' key: trade_days' less the price. */
const PRICE_DAY_KEY = TRADE_DAY_KEY.slice(0, -1);
type PriceDayKey = [day: number, chainId: number, exchange: string, kind: string, right: string, venue: string, crossBorder: number, destination: string, currency: string];
/** A price_days row being built: its key, its trades, and the summary of its prices (none when undisclosed). */
interface PriceDay {
  key: PriceDayKey;
  trades: number;
  prices: PriceSummary | null;
}

const priceDayKey = (r: Omit<TradeDayRow, "price" | "trades">): PriceDayKey => [
  Number(r.day), Number(r.chain_id), r.exchange, r.kind, r.right, r.venue, Number(r.cross_border), r.destination, r.currency,
];

/** Adds trade_days rows (or contributions) to the price_days rows being built, by key. */
function addToPriceDays(days: Map<string, PriceDay>, rows: readonly TradeDayRow[]): void {
  for (const r of rows) {
    const key = priceDayKey(r);
    const id = JSON.stringify(key);
    let d = days.get(id);
    if (!d) days.set(id, (d = { key, trades: 0, prices: r.currency === "" ? null : new PriceSummary() }));
    const n = Number(r.trades);
    d.trades += n;
    d.prices?.add(r.price, n);
  }
}

/** Writes the given price_days rows (replacing those of the same key); a row without trades is deleted. */
async function writePriceDays(tx: Db, days: Iterable<PriceDay>): Promise<void> {
  const keep: SqlValue[][] = [];
  for (const d of days) {
    if (d.trades === 0) {
      await tx.run(`DELETE FROM price_days WHERE ${PRICE_DAY_KEY.map((c) => `${c} = ?`).join(" AND ")}`, d.key);
      continue;
    }
    const p = d.prices?.encode();
    keep.push([...d.key, d.trades, p?.volume ?? "0", p?.min ?? "", p?.max ?? "", p?.sketch ?? ""]);
  }
  const columns = [...PRICE_DAY_KEY, "trades", "volume", "min_price", "max_price", "sketch"];
  for (let i = 0; i < keep.length; i += 40) {
    const part = keep.slice(i, i + 40);
    await tx.run(
      `INSERT INTO price_days (${columns.join(", ")}) VALUES ${part.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ")}
       ON CONFLICT (${PRICE_DAY_KEY.join(", ")}) DO UPDATE SET ${columns.slice(PRICE_DAY_KEY.length).map((c) => `${c} = excluded.${c}`).join(", ")}`,
      part.flat(),
    );
  }
}

/**
 * Adds a range's contributions (its trades grouped as trade_days rows) to price_days: the rows of the keys they touch
 * are read, merged with them (sums, min, max, bucket counts) and written back.
 */
async function addPriceDays(tx: Db, added: readonly TradeDayRow[]): Promise<void> {
  if (added.length === 0) return;
  const days = new Map<string, PriceDay>();
  addToPriceDays(days, added);
  // the rows of the keys the range touched, by their primary key (a day has a row per group; a range touches a few)
  const keys = [...days.values()].map((d) => d.key);
  const casts = ["BIGINT", "INTEGER", "TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "TEXT", "TEXT"];
  for (let i = 0; i < keys.length; i += 50) {
    const part = keys.slice(i, i + 50);
    const rows = await tx.all<Omit<TradeDayRow, "price"> & { volume: string; min_price: string; max_price: string; sketch: string }>(
      `SELECT p.* FROM (VALUES ${part.map(() => `(${casts.map((c) => `CAST(? AS ${c})`).join(", ")})`).join(", ")}) v
       JOIN price_days p ON ${PRICE_DAY_KEY.map((c, j) => `p.${c} = v.column${j + 1}`).join(" AND ")}`,
      part.flat(),
    );
    for (const r of rows) {
      const d = days.get(JSON.stringify(priceDayKey(r)));
      if (!d) continue;
      d.trades += Number(r.trades);
      d.prices?.merge({ count: Number(r.trades), volume: r.volume, min: r.min_price, max: r.max_price, sketch: r.sketch });
    }
  }
  await writePriceDays(tx, days.values());
}

/**
 * Recomputes the price_days rows the trades selected by `where` fall in from trade_days (as it stands, the
 * rollback's subtraction done): a minimum or maximum cannot be subtracted, so the rows are built again from their
 * distinct prices, each row by its key.
 */
async function recomputePriceDays(tx: Db, where: { sql: string; params: SqlValue[] }): Promise<void> {
  const touched = new Map<string, PriceDayKey>();
  for (const r of await tx.all<TradeDayRow>(tradeDaysSql(where, "COUNT(*)"), where.params)) {
    const key = priceDayKey(r);
    touched.set(JSON.stringify(key), key);
  }
  const days = new Map<string, PriceDay>();
  for (const [id, key] of touched) {
    days.set(id, { key, trades: 0, prices: key[8] === "" ? null : new PriceSummary() });
    addToPriceDays(days, await tx.all<TradeDayRow>(`SELECT * FROM trade_days WHERE ${PRICE_DAY_KEY.map((c) => `${c} = ?`).join(" AND ")}`, key));
  }
  await writePriceDays(tx, days.values());
}

/** trade_days rows the rebuild of price_days reads at a time. */
const PRICE_REBUILD_PAGE = 5000;

/**
 * Rebuilds price_days from trade_days, read in its key order a page at a time (keyset: each page starts after the
 * last key of the one before). A price_days key's rows are consecutive in that order, so every row built from a page
 * is complete but the last, which the next page may go on: memory holds a page and one open row, whatever a day
 * holds. (Read a day at a time, the one day of a 1,000,000-event backfill — 200,000 distinct prices — took 80 MB.)
 */
async function rebuildPriceDays(tx: Db): Promise<void> {
  await tx.run("DELETE FROM price_days");
  const order = TRADE_DAY_KEY.join(", ");
  const page = (after: SqlValue[] | undefined): Promise<TradeDayRow[]> =>
    tx.all<TradeDayRow>(
      `SELECT * FROM trade_days ${after ? `WHERE (${order}) > (${after.map(() => "?").join(", ")})` : ""} ORDER BY ${order} LIMIT ${PRICE_REBUILD_PAGE}`,
      after,
    );
  const days = new Map<string, PriceDay>();
  for (let rows = await page(undefined); ; ) {
    addToPriceDays(days, rows);
    if (rows.length < PRICE_REBUILD_PAGE) break;
    const last = rows[rows.length - 1];
    const lastKey = priceDayKey(last);
    const openId = JSON.stringify(lastKey);
    const open = days.get(openId)!;
    days.delete(openId);
    await writePriceDays(tx, days.values());
    days.clear();
    days.set(openId, open);
    rows = await page([...lastKey, last.price]);
  }
  await writePriceDays(tx, days.values());
}

const ACTIVITY_COUNTERS = ["registrations", "trades", "confidential_trades", "pledges", "evidence_batches", "evidence_items"] as const;

/** Adds (`sign` 1) or subtracts (-1) the contributions of the rows of `chainId` above `above` to `activity_days`. */
async function addActivityDays(tx: Db, chainId: number | null, above: number, sign: 1 | -1): Promise<void> {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  // each source's rows as (day, chain, exchange, one value per counter), in ACTIVITY_COUNTERS order
  const source = (table: string, exchange: string, values: readonly string[]): void => {
    const w = rowsAbove("x", chainId, above);
    parts.push(`SELECT x.block_time / ${DAY_SECONDS} AS day, x.chain_id AS chain_id, ${exchange} AS exchange, ${values
      .map((v, i) => `${v} AS ${ACTIVITY_COUNTERS[i]}`)
      .join(", ")} FROM ${table} x WHERE ${w.sql}`);
    params.push(...w.params);
  };
  source("assets", "x.exchange", ["1", "0", "0", "0", "0", "0"]);
  source("trades", "x.exchange", ["0", "1", "x.confidential", "0", "0", "0"]);
  source("pledges", "''", ["0", "0", "0", "1", "0", "0"]);
  source("evidence_batches", "x.exchange", ["0", "0", "0", "0", "1", "x.leaf_count"]);
  await tx.run(
    `INSERT INTO activity_days (day, chain_id, exchange, ${ACTIVITY_COUNTERS.join(", ")})
     SELECT u.day, u.chain_id, u.exchange, ${ACTIVITY_COUNTERS.map((c) => `${sign} * SUM(u.${c})`).join(", ")}
     FROM (${parts.join(" UNION ALL ")}) u WHERE 1 = 1
     GROUP BY u.day, u.chain_id, u.exchange
     ON CONFLICT (day, chain_id, exchange) DO UPDATE SET ${ACTIVITY_COUNTERS.map((c) => `${c} = activity_days.${c} + excluded.${c}`).join(", ")}`,
    params,
  );
}

/** Which derived tables a set of written tables moves. */
function moved(tables: ReadonlySet<string>): { holders: boolean; links: boolean; trades: boolean; activity: boolean; locks: boolean } {
  const any = (list: readonly string[]): boolean => list.some((t) => tables.has(t));
  return {
    holders: any(SOURCES.holders),
    links: any(SOURCES.links),
    trades: any(SOURCES.trades.filter((t) => t !== "assets")),
    activity: any(SOURCES.activity),
    locks: any(SOURCES.locks),
  };
}

/**
 * After a range's rows are inserted (same transaction): adds what the rows of `chainId` above `above` (the previous
 * checkpoint; -1 for none) contribute. `tables`: the tables the range wrote rows to.
 */
export async function deriveRange(tx: Db, chainId: number, above: number, tables: ReadonlySet<string>): Promise<void> {
  const m = moved(tables);
  if (m.holders) await refreshHolders(tx, chainId, assetsAbove(SOURCES.holders, chainId, above));
  // a registration in the range supersedes any locked one before it, and starts unlocked: only the assets with freeze
  // or pledge-lock rows in the range can be locked now (no per-registration lookups in a backfill)
  if (m.locks) await refreshLocks(tx, chainId, assetsAbove(SOURCES.locks, chainId, above), assetsAbove(LOCKING, chainId, above));
  if (m.links) await addLinks(tx, chainId, above);
  if (m.trades) {
    // the range's contributions, computed once for both tables
    await addPriceDays(tx, await addTradeDaysReturning(tx, rowsAbove("t", chainId, above)));
  }
  if (m.activity) await addActivityDays(tx, chainId, above, 1);
}

/** `ids` as lists of at most 500 bound parameters (`?, ?, …`), for `IN (…)`. */
function idLists(ids: readonly string[]): { sql: string; params: SqlValue[] }[] {
  const out: { sql: string; params: SqlValue[] }[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    out.push({ sql: part.map(() => "?").join(", "), params: part });
  }
  return out;
}

/**
 * Before a rollback deletes the rows of `chainId` above `above` (same transaction): subtracts their contributions to
 * the totals and notes the assets they touched. Returns what to run after the deletion (the holders recomputed
 * from the rows that remain).
 */
export async function prepareRollback(tx: Db, chainId: number, above: number): Promise<() => Promise<void>> {
  await addTradeDays(tx, rowsAbove("t", chainId, above), -1);
  await tx.run(`DELETE FROM trade_days WHERE trades = 0`);
  await recomputePriceDays(tx, rowsAbove("t", chainId, above));
  await addActivityDays(tx, chainId, above, -1);
  await tx.run(`DELETE FROM activity_days WHERE ${ACTIVITY_COUNTERS.map((c) => `${c} = 0`).join(" AND ")}`);
  const touched = assetsAbove(SOURCES.holders, chainId, above);
  const ids = (await tx.all<{ asset_id: string }>(touched.sql, touched.params)).map((r) => r.asset_id);
  const locked = assetsAbove(SOURCES.locks, chainId, above);
  const lockIds = (await tx.all<{ asset_id: string }>(locked.sql, locked.params)).map((r) => r.asset_id);
  const named = await linkTargetsAbove(tx, chainId, above);
  await tx.run("DELETE FROM linked_trades WHERE chain_id = ? AND block_number > ?", [chainId, above]);
  return async () => {
    for (const part of idLists(ids)) await refreshHolders(tx, chainId, part);
    for (const part of idLists(lockIds)) await refreshLocks(tx, chainId, part);
    for (let i = 0; i < named.length; i += 500) await refreshLinks(tx, named.slice(i, i + 500));
  };
}

/**
 * Recomputes every derived table from the event tables, in one transaction: for stores filled around the indexer's
 * store (a bulk load, a test fixture) and as the reference the maintained tables are tested against.
 */
export async function rebuildDerived(db: Db): Promise<void> {
  await db.transaction(rebuildDerivedTables);
}

/**
 * {@link rebuildDerived} inside a transaction the caller holds. `upTo`: the schema version to rebuild for — the
 * derived tables that exist at it (migration 15's data step runs before later migrations add theirs).
 */
export async function rebuildDerivedTables(tx: Db, upTo = Infinity): Promise<void> {
  const has = (t: TableName): boolean => SCHEMA[t].since <= upTo;
  await tx.run("DELETE FROM current_holders");
  await tx.run(
    `INSERT INTO current_holders (chain_id, contract, asset_id, block_number, log_index, holder)
     SELECT a.chain_id, a.contract, a.asset_id, a.block_number, a.log_index, ${CURRENT_HOLDER_SQL} FROM assets a WHERE ${LATEST_REGISTRATION_SQL}`,
  );
  await tx.run("DELETE FROM linked_trades");
  await tx.run(LINKED_TRADES_FILL);
  await tx.run("DELETE FROM trade_days");
  await addTradeDays(tx, rowsAbove("t", null, -1), 1);
  await rebuildPriceDays(tx);
  await tx.run("DELETE FROM activity_days");
  await addActivityDays(tx, null, -1, 1);
  if (has("asset_locks")) {
    await tx.run("DELETE FROM asset_locks");
    await tx.run(ASSET_LOCKS_FILL);
  }
}
