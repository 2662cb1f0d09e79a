/**
 * /v1/stats/prices: price disclosure (信息披露和价格公示) per asset kind, exchange or period, per currency.
 */
import { z } from "zod";
import { priceStats, QUANTILE_RELATIVE_ACCURACY } from "../queries/stats";
import { defineRoute, type RouteDef } from "../route";
import { address, assetKind, chainId, checkTimeRange, right, uintString, venue } from "../validation";
import { requireDerivedTables } from "../derived-ready";

const prices = defineRoute({
  method: "get",
  path: "/stats/prices",
  tag: "stats",
  summary: "Trade counts, volume, min, quartiles, median and max per group and currency; confidential prices counted, never priced",
  description:
    "Amounts are uint128 decimal strings in the currency's minor unit. `count`, `volume` (sum), `min` and `max` are exact. " +
    "`q1`, `median` and `q3` estimate the quartiles by linear interpolation between closest ranks (R-7) from mergeable per-day log-bucket sketches (DDSketch's mapping): " +
    `each is within a relative error of \`quantileRelativeAccuracy\` (${QUANTILE_RELATIVE_ACCURACY}, i.e. ${QUANTILE_RELATIVE_ACCURACY * 100} %) of the exact value, printed to 6 significant digits (may have decimals). ` +
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
    requireDerivedTables(ctx, "the price report"); // reads price_days
    return {
      data: {
        groupBy: query.groupBy,
        scope: query.scope ?? "domestic",
        period: query.groupBy === "period" ? (query.period ?? "month") : null,
        quantileRelativeAccuracy: QUANTILE_RELATIVE_ACCURACY,
        groups: await priceStats(ctx.db, query),
      },
    };
  },
});

/** Routes of the stats resource. */
export const statsRoutes: readonly RouteDef[] = [prices];
