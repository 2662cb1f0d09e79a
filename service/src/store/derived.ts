/**
 * Derived tables: answers the API would otherwise compute from whole tables, kept at index time (store/schema.ts):
 * `current_holders` (each asset's current holder), `linked_trades` (the trades with a link either way) and the per-day
 * totals `trade_days` and `activity_days`.
 *
 * Why they stay exactly right under a reorg. The event tables are append-only and a rollback deletes every row above
 * the common ancestor; a mutable column would not be rolled back by that. So nothing here is updated in place from
 * an event alone:
 * - The per-day totals are sums of per-row contributions, and a row's contribution depends only on rows at or before
 *   it (its own columns, its asset's registration at or before the trade, the cross-border terms logged in the same
 *   transaction). A range adds the contributions of its rows ({@link deriveRange}); a rollback subtracts those of the
 *   rows it is about to delete, before deleting them ({@link prepareRollback}), which gives the same numbers, so the
 *   totals return exactly to what they were before those rows came.
 * - A current holder is recomputed from the event tables (the latest registration, the latest holdings row after it)
 *   for every asset whose rows a range added or a rollback removed: after a rollback, from the rows that remain.
 * - A trade is linked while its own link is set or another trade's names it: a range only adds links, so it adds its
 *   linked trades and the trades they name; a rollback drops the deleted trades' rows and recomputes, from the rows
 *   that remain, the trades the deleted ones named.
 * The maintenance runs in the transaction of the range or rollback, so readers see rows and totals move together.
 * Rows written around the store (the benchmark's bulk fill, test fixtures) are derived once with {@link rebuildDerived}.
 */
import type { Db, SqlValue } from "./db";
import { LINKED_TRADE_SQL, LINKED_TRADES_FILL } from "./schema";

/** Seconds in a UTC day: a row's day is `block_time / 86400` (integer division; block times are positive). */
export const DAY_SECONDS = 86_400;

/** The event tables each derived table is computed from. */
const SOURCES = {
  holders: ["assets", "holdings"],
  links: ["trades"],
  trades: ["trades", "cross_border_trades", "assets"],
  activity: ["assets", "trades", "pledges", "evidence_batches"],
} as const;

/** The tables whose rows move a derived table (a range without any of them leaves all three alone). */
export const DERIVED_SOURCE_TABLES: ReadonlySet<string> = new Set(Object.values(SOURCES).flat());

/** Rows of `alias` after row `a`. */
const after = (alias: string, a: string): string =>
  `(${alias}.block_number > ${a}.block_number OR (${alias}.block_number = ${a}.block_number AND ${alias}.log_index > ${a}.log_index))`;

/** The current holder of registration row `a`: the latest holdings row after it, else the holder it was registered to. */
export const CURRENT_HOLDER_SQL = `COALESCE((SELECT h.to_address FROM holdings h WHERE h.chain_id = a.chain_id AND h.contract = a.contract
  AND h.asset_id = a.asset_id AND ${after("h", "a")} ORDER BY h.block_number DESC, h.log_index DESC LIMIT 1), a.holder)`;

/** Registration row `a` is its registry's latest of the asset id (an earlier one was cancelled). */
const LATEST_REGISTRATION = `NOT EXISTS (SELECT 1 FROM assets b WHERE b.asset_id = a.asset_id AND b.chain_id = a.chain_id
  AND b.contract = a.contract AND ${after("b", "a")})`;

/** Conditions selecting rows of `alias` above `above` on `chainId` (null: every chain, every row). */
function rowsAbove(alias: string, chainId: number | null, above: number): { sql: string; params: SqlValue[] } {
  if (chainId === null) return { sql: "1 = 1", params: [] };
  return { sql: `${alias}.chain_id = ? AND ${alias}.block_number > ?`, params: [chainId, above] };
}

/** The asset ids (of `chainId`) whose registration or holdings rows lie above `above`. */
function touchedAssetsSql(chainId: number, above: number): { sql: string; params: SqlValue[] } {
  return {
    sql: `SELECT asset_id FROM assets WHERE chain_id = ? AND block_number > ? UNION SELECT asset_id FROM holdings WHERE chain_id = ? AND block_number > ?`,
    params: [chainId, above, chainId, above],
  };
}

/** Recomputes the current holder of the given assets of `chainId` (`ids`: a subquery or a list) from the event tables. */
async function refreshHolders(tx: Db, chainId: number, ids: { sql: string; params: SqlValue[] }): Promise<void> {
  await tx.run(`DELETE FROM current_holders WHERE chain_id = ? AND asset_id IN (${ids.sql})`, [chainId, ...ids.params]);
  await tx.run(
    `INSERT INTO current_holders (chain_id, contract, asset_id, block_number, log_index, holder)
     SELECT a.chain_id, a.contract, a.asset_id, a.block_number, a.log_index, ${CURRENT_HOLDER_SQL}
     FROM assets a WHERE a.chain_id = ? AND a.asset_id IN (${ids.sql}) AND ${LATEST_REGISTRATION}`,
    [chainId, ...ids.params],
  );
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

/** Adds (`sign` 1) or subtracts (-1) the contributions of the trades selected by `where` to `trade_days`. */
async function addTradeDays(tx: Db, where: { sql: string; params: SqlValue[] }, sign: 1 | -1): Promise<void> {
  await tx.run(
    `INSERT INTO trade_days (${TRADE_DAY_KEY.join(", ")}, trades)
     SELECT t.block_time / ${DAY_SECONDS}, t.chain_id, t.exchange, ${TRADE_KIND_SQL}, t."right", t.venue,
       ${CROSS_BORDER_SQL}, ${DESTINATION_SQL},
       CASE WHEN ${UNPRICED_SQL} THEN '' ELSE t.currency END, CASE WHEN ${UNPRICED_SQL} THEN '' ELSE t.price END, ${sign} * COUNT(*)
     FROM trades t
     WHERE ${where.sql}
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
     ON CONFLICT (${TRADE_DAY_KEY.join(", ")}) DO UPDATE SET trades = trade_days.trades + excluded.trades`,
    where.params,
  );
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
function moved(tables: ReadonlySet<string>): { holders: boolean; links: boolean; trades: boolean; activity: boolean } {
  const any = (list: readonly string[]): boolean => list.some((t) => tables.has(t));
  return { holders: any(SOURCES.holders), links: any(SOURCES.links), trades: any(SOURCES.trades.slice(0, 2)), activity: any(SOURCES.activity) };
}

/**
 * After a range's rows are inserted (same transaction): adds what the rows of `chainId` above `above` (the previous
 * checkpoint; -1 for none) contribute. `tables`: the tables the range wrote rows to.
 */
export async function deriveRange(tx: Db, chainId: number, above: number, tables: ReadonlySet<string>): Promise<void> {
  const m = moved(tables);
  if (m.holders) await refreshHolders(tx, chainId, touchedAssetsSql(chainId, above));
  if (m.links) await addLinks(tx, chainId, above);
  if (m.trades) await addTradeDays(tx, rowsAbove("t", chainId, above), 1);
  if (m.activity) await addActivityDays(tx, chainId, above, 1);
}

/**
 * Before a rollback deletes the rows of `chainId` above `above` (same transaction): subtracts their contributions to
 * the totals and notes the assets they touched. Returns what to run after the deletion (the holders recomputed
 * from the rows that remain).
 */
export async function prepareRollback(tx: Db, chainId: number, above: number): Promise<() => Promise<void>> {
  await addTradeDays(tx, rowsAbove("t", chainId, above), -1);
  await tx.run(`DELETE FROM trade_days WHERE trades = 0`);
  await addActivityDays(tx, chainId, above, -1);
  await tx.run(`DELETE FROM activity_days WHERE ${ACTIVITY_COUNTERS.map((c) => `${c} = 0`).join(" AND ")}`);
  const touched = touchedAssetsSql(chainId, above);
  const ids = (await tx.all<{ asset_id: string }>(touched.sql, touched.params)).map((r) => r.asset_id);
  const named = await linkTargetsAbove(tx, chainId, above);
  await tx.run("DELETE FROM linked_trades WHERE chain_id = ? AND block_number > ?", [chainId, above]);
  return async () => {
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      await refreshHolders(tx, chainId, { sql: part.map(() => "?").join(", "), params: part });
    }
    for (let i = 0; i < named.length; i += 500) await refreshLinks(tx, named.slice(i, i + 500));
  };
}

/**
 * Recomputes every derived table from the event tables, in one transaction: for stores filled around the indexer's
 * store (a bulk load, a test fixture) and as the reference the maintained tables are tested against.
 */
export async function rebuildDerived(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run("DELETE FROM current_holders");
    await tx.run(
      `INSERT INTO current_holders (chain_id, contract, asset_id, block_number, log_index, holder)
       SELECT a.chain_id, a.contract, a.asset_id, a.block_number, a.log_index, ${CURRENT_HOLDER_SQL} FROM assets a WHERE ${LATEST_REGISTRATION}`,
    );
    await tx.run("DELETE FROM linked_trades");
    await tx.run(LINKED_TRADES_FILL);
    await tx.run("DELETE FROM trade_days");
    await addTradeDays(tx, rowsAbove("t", null, -1), 1);
    await tx.run("DELETE FROM activity_days");
    await addActivityDays(tx, null, -1, 1);
  });
}
