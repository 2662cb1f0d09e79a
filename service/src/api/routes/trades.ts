/**
 * /v1/trades: trade records (交易凭证) with filters, each with its linked on-/off-exchange trade.
 */
import { z } from "zod";
import { notFound } from "../errors";
import { getTrade, listTrades } from "../queries/trades";
import { defineRoute, listResult, type RouteDef } from "../route";
import { address, chainId, checkTimeRange, hex32, pageQuery, right, uint256Id, uintString, venue } from "../validation";
import { requireDerivedTables } from "../derived-ready";

const list = defineRoute({
  method: "get",
  path: "/trades",
  tag: "trades",
  summary: "Trades, newest first, with linked trades resolved",
  query: z.strictObject({
    asset: hex32.optional(),
    party: address.optional().describe("seller or buyer"),
    seller: address.optional(),
    buyer: address.optional(),
    exchange: address.optional().describe("recording exchange"),
    venue: venue.optional(),
    right: right.optional(),
    linked: z.enum(["true", "false"]).transform((s) => s === "true").optional().describe("only trades in a link, either way"),
    from: uintString.optional().describe("block time >= from (unix seconds)"),
    to: uintString.optional().describe("block time < to (unix seconds)"),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    checkTimeRange(query);
    if (query.linked === true) requireDerivedTables(ctx, "linked=true"); // reads linked_trades
    return listResult(await listTrades(ctx.db, query, isFinal));
  },
});

const byId = defineRoute({
  method: "get",
  path: "/trades/{tradeId}",
  tag: "trades",
  summary: "One trade by id (decimal or 0x hex), with the trade it links to and the trades linking to it",
  params: z.object({ tradeId: uint256Id }),
  async handler({ params, isFinal }, ctx) {
    const t = await getTrade(ctx.db, params.tradeId, isFinal);
    if (!t) throw notFound("trade", params.tradeId);
    return { data: t };
  },
});

/** Routes of the trades resource. */
export const tradeRoutes: readonly RouteDef[] = [list, byId];
