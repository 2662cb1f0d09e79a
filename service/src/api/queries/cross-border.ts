/**
 * Cross-border trades (数据出境): each with its legal mechanism, filing digest and destination, and the trade's
 * parties and price (docs/regulated-use.md).
 */
import type { StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { leadingFilter, type Page, newestEvents, asRead } from "../pagination";
import type { ReadDb } from "../types";
import { conditions, eventRef, type EventRef } from "./rows";
import { TRADE_COLS, tradeCore, type TradeCore, type TradeRow } from "./trades";

/** A cross-border trade. */
export interface CrossBorderTradeView {
  tradeId: string;
  assetId: string;
  mechanism: string;
  filingDigest: string | null;
  destination: string;
  /** The trade itself (null only if its TradeRecorded row is missing, which one transaction rules out). */
  trade: TradeCore | null;
  event: EventRef;
}

/** Filters of {@link listCrossBorderTrades}. */
export interface CrossBorderFilters {
  asset?: string;
  destination?: string;
  mechanism?: string;
  chainId?: number;
  limit?: number;
  cursor?: string;
}

type Row = StoredRow<"cross_border_trades">;

/** Cross-border trades, newest first. */
export async function listCrossBorderTrades(db: ReadDb, f: CrossBorderFilters, isFinal: FinalityCheck): Promise<Page<CrossBorderTradeView>> {
  const { where, params, eq } = conditions();
  const { fixed, rest } = leadingFilter([
    ["x.asset_id", f.asset],
    ["x.destination", f.destination],
    ["x.mechanism", f.mechanism],
  ]);
  for (const [col, v] of rest) eq(col, v);
  eq("x.chain_id", f.chainId);
  const page = await newestEvents<Row, Row>({
    db,
    select: "SELECT x.* FROM cross_border_trades x",
    where,
    params,
    limit: f.limit,
    cursor: f.cursor,
    map: asRead,
    fixed,
  });
  const trades = new Map<string, TradeRow>();
  for (const r of page.items) {
    const t = await db.get<TradeRow>(`SELECT ${TRADE_COLS} FROM trades t WHERE t.chain_id = ? AND t.contract = ? AND t.trade_id = ? LIMIT 1`, [r.chain_id, r.contract, r.trade_id]);
    if (t) trades.set(`${r.chain_id}:${r.contract}:${r.trade_id}`, t);
  }
  return {
    ...page,
    items: page.items.map((r) => {
      const t = trades.get(`${r.chain_id}:${r.contract}:${r.trade_id}`);
      return {
        tradeId: r.trade_id,
        assetId: r.asset_id,
        mechanism: r.mechanism,
        filingDigest: r.filing_digest,
        destination: r.destination,
        trade: t ? tradeCore(t, isFinal) : null,
        event: eventRef(r, isFinal),
      };
    }),
  };
}
