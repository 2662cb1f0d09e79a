/**
 * /v1/stats/prices: price disclosure (信息披露和价格公示) per asset kind, exchange or period, per currency.
 */
import { z } from "zod";
import { priceStats } from "../queries/stats";
import { defineRoute, type RouteDef } from "../route";
import { address, assetKind, chainId, checkTimeRange, right, uintString, venue } from "../validation";

const prices = defineRoute({
  method: "get",
  path: "/stats/prices",
  tag: "stats",
  summary: "Trade counts, volume, min, quartiles, median and max per group and currency; confidential prices counted, never priced",
  description:
    "Amounts are uint128 decimal strings in the currency's minor unit. Quartiles use linear interpolation between closest ranks (R-7) and are exact decimals (may end in .25, .5, .75). " +
    "Cross-border trades are kept apart: `scope` is domestic by default; `scope=cross-border` (with `groupBy=destination` per jurisdiction) or `scope=all`.",
  query: z.strictObject({
    groupBy: z.enum(["kind", "exchange", "period", "destination"]),
    period: z.enum(["day", "week", "month", "quarter", "year"]).optional().describe("with groupBy=period; default month (UTC)"),
    from: uintString.optional().describe("block time >= from (unix seconds)"),
    to: uintString.optional().describe("block time < to (unix seconds)"),
    right: right.optional(),
    venue: venue.optional(),
    exchange: address.optional(),
    kind: assetKind.optional(),
    chainId: chainId.optional(),
    scope: z.enum(["domestic", "cross-border", "all"]).optional().describe("which trades: domestic (default), cross-border, or all"),
  }),
  async handler({ query }, ctx) {
    checkTimeRange(query);
    return { data: { groupBy: query.groupBy, scope: query.scope ?? "domestic", period: query.groupBy === "period" ? (query.period ?? "month") : null, groups: await priceStats(ctx.db, query) } };
  },
});

/** Routes of the stats resource. */
export const statsRoutes: readonly RouteDef[] = [prices];
