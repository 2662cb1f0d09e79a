/**
 * Trades: filtered lists and lookups, each with the trade it links to (场内场外交易链接) and the trades linking to it.
 */
import type { StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { paginate, type Fixed, type Page, eventPositionKeys, asRead } from "../pagination";
import type { ReadDb, SqlValue } from "../types";
import { hyphenated, spellings } from "../validation";
import { bool, eventCols, eventRef, placeholders, type EventRef, conditions } from "./rows";

/** A trade row as stored. */
export type TradeRow = StoredRow<"trades">;

/** A trade as the API returns it (without links). */
export interface TradeCore {
  tradeId: string;
  /** Decimal form of the trade id. */
  tradeIdDecimal: string;
  /** Low 96 bits: the exchange's own serial. */
  serial: string;
  assetId: string;
  exchange: string;
  seller: string;
  buyer: string;
  right: string;
  licenceId: string | null;
  /** Disclosed price in the currency's minor unit (uint128 decimal); null when confidential. */
  price: string | null;
  currency: string | null;
  confidential: boolean;
  priceCommitment: string | null;
  contractDigest: string;
  venue: string;
  linkedTradeId: string | null;
  event: EventRef;
}

/** A trade with its links resolved. */
export interface TradeView extends TradeCore {
  /** The earlier trade this one links to, when recorded. */
  linkedTrade: TradeCore | null;
  /** Trades that link to this one. */
  linkedBy: TradeCore[];
}

/** Filters of {@link listTrades}. */
export interface TradeFilters {
  asset?: string;
  party?: string;
  seller?: string;
  buyer?: string;
  exchange?: string;
  venue?: string;
  right?: string;
  /** Only trades with a link, either way. */
  linked?: boolean;
  from?: number;
  to?: number;
  chainId?: number;
  limit?: number;
  cursor?: string;
}

/** The columns of a trade row. */
export const TRADE_COLS = `${eventCols("t")}, t.trade_id, t.asset_id, t.exchange, t.seller, t.buyer, t."right", t.licence_id,
  t.price, t.currency, t.price_commitment, t.confidential, t.contract_digest, t.venue, t.linked_trade_id`;

/** Maps a trade row. */
export function tradeCore(r: TradeRow, isFinal: FinalityCheck): TradeCore {
  const id = BigInt(r.trade_id);
  return {
    tradeId: r.trade_id,
    tradeIdDecimal: id.toString(),
    serial: (id & ((1n << 96n) - 1n)).toString(),
    assetId: r.asset_id,
    exchange: r.exchange,
    seller: r.seller,
    buyer: r.buyer,
    right: hyphenated(r.right),
    licenceId: r.licence_id ?? null,
    price: bool(r.confidential) ? null : (r.price ?? null),
    currency: bool(r.confidential) ? null : (r.currency ?? null),
    confidential: bool(r.confidential),
    priceCommitment: r.price_commitment ?? null,
    contractDigest: r.contract_digest,
    venue: hyphenated(r.venue),
    linkedTradeId: r.linked_trade_id ?? null,
    event: eventRef(r, isFinal),
  };
}

/** Resolves links of a set of trades with two queries. */
export async function withLinks(db: ReadDb, rows: TradeRow[], isFinal: FinalityCheck): Promise<TradeView[]> {
  if (rows.length === 0) return [];
  const targets = [...new Set(rows.map((r) => r.linked_trade_id).filter((x): x is string => !!x))];
  const ids = [...new Set(rows.map((r) => r.trade_id))];
  const linked = targets.length
    ? await db.all<TradeRow>(`SELECT ${TRADE_COLS} FROM trades t WHERE t.trade_id IN (${placeholders(targets.length)})`, targets)
    : [];
  const linkers = await db.all<TradeRow>(
    `SELECT ${TRADE_COLS} FROM trades t WHERE t.linked_trade_id IN (${placeholders(ids.length)}) ORDER BY t.block_number, t.log_index`,
    ids,
  );
  const byId = new Map(linked.map((r) => [r.trade_id, tradeCore(r, isFinal)]));
  return rows.map((r) => ({
    ...tradeCore(r, isFinal),
    linkedTrade: r.linked_trade_id ? (byId.get(r.linked_trade_id) ?? null) : null,
    linkedBy: linkers.filter((l) => l.linked_trade_id === r.trade_id).map((l) => tradeCore(l, isFinal)),
  }));
}

/** Lists trades, newest first. */
export async function listTrades(db: ReadDb, f: TradeFilters, isFinal: FinalityCheck): Promise<Page<TradeView>> {
  const { where, params, eq } = conditions();
  // the first equality filter with a key-ordered index leads the read (pagination.ts `fixed`); the others filter
  const byIndex = ([["t.asset_id", f.asset], ["t.seller", f.seller], ["t.buyer", f.buyer], ["t.exchange", f.exchange]] as const).filter(
    ([, v]) => v !== undefined,
  );
  const lead = byIndex[0];
  for (const [col, v] of byIndex.slice(1)) eq(col, v);
  for (const [col, v] of [["t.venue", f.venue], ['t."right"', f.right]] as const) {
    if (v === undefined) continue;
    where.push(`${col} IN (?, ?)`);
    params.push(...spellings(v));
  }
  eq("t.chain_id", f.chainId);
  // seller or buyer: two ordered index reads merged by paginate
  const anyOf: { where?: string; params?: SqlValue[]; fixed?: Fixed[] }[] | undefined =
    f.party === undefined
      ? undefined
      : [{ fixed: [{ sql: "t.seller", value: f.party }] }, { fixed: [{ sql: "t.buyer", value: f.party }] }];
  if (f.from !== undefined) {
    where.push("t.block_time >= ?");
    params.push(f.from);
  }
  if (f.to !== undefined) {
    where.push("t.block_time < ?");
    params.push(f.to);
  }
  // linked trades are kept at index time (store/derived.ts `linked_trades`, keyed by the trade's position)
  const linkedOnly = f.linked === true && !lead && !anyOf;
  if (f.linked === true && !linkedOnly) {
    // another filter leads the read: each row it hands over is probed by the derived table's key, so a page costs
    // the rows walked until it is full. PostgreSQL would turn the EXISTS into a semi-join it may plan as a hash of
    // the whole table (a Seq Scan of trades at 30,000); OFFSET 0 keeps the subquery a probe per row
    where.push(`EXISTS (SELECT 1 FROM linked_trades k WHERE k.chain_id = t.chain_id AND k.block_number = t.block_number AND k.log_index = t.log_index${
      db.dialect === "postgres" ? " OFFSET 0" : ""
    })`);
  }
  const page = await paginate<TradeRow, TradeRow>({
    db,
    // linked trades alone: a page of the derived table in key order, each row's trade by the trades' primary key.
    // CROSS JOIN keeps SQLite's loop in that order; PostgreSQL plans it as the join it is
    select: linkedOnly
      ? `SELECT ${TRADE_COLS} FROM linked_trades k CROSS JOIN trades t`
      : `SELECT ${TRADE_COLS} FROM trades t`,
    where: linkedOnly ? ["t.chain_id = k.chain_id AND t.block_number = k.block_number AND t.log_index = k.log_index", ...where] : where,
    params,
    keys: eventPositionKeys(linkedOnly ? "k" : "t"),
    direction: "desc",
    limit: f.limit,
    cursor: f.cursor,
    map: asRead,
    anyOf,
    fixed: lead ? [{ sql: lead[0], value: lead[1] as string }] : [],
  });
  return { ...page, items: await withLinks(db, page.items, isFinal) };
}

/** One trade by id (0x + 64 hex), or undefined. */
export async function getTrade(db: ReadDb, tradeId: string, isFinal: FinalityCheck): Promise<TradeView | undefined> {
  const rows = await db.all<TradeRow>(`SELECT ${TRADE_COLS} FROM trades t WHERE t.trade_id = ? LIMIT 1`, [tradeId]);
  return (await withLinks(db, rows, isFinal))[0];
}
