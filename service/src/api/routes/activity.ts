/**
 * /v1/stats/activity: registrations, trades, pledges and evidence per period, for the regulator's market page.
 */
import { z } from "zod";
import { activity } from "../queries/activity";
import { defineRoute, type RouteDef } from "../route";
import { address, chainId, checkTimeRange, uintString } from "../validation";
import { requireDerivedTables } from "../derived-ready";

const activityRoute = defineRoute({
  method: "get",
  path: "/stats/activity",
  tag: "stats",
  summary: "Counts of registrations, trades (confidential ones among them), pledges, evidence batches and items per UTC period",
  query: z.strictObject({
    period: z.enum(["day", "week", "month", "quarter", "year"]).optional().describe("default month (UTC; ISO weeks)"),
    from: uintString.optional().describe("block time >= from (unix seconds)"),
    to: uintString.optional().describe("block time < to (unix seconds)"),
    exchange: address.optional().describe("registering, recording or anchoring exchange (pledges name none and are left out)"),
    chainId: chainId.optional(),
  }),
  async handler({ query }, ctx) {
    checkTimeRange(query);
    requireDerivedTables(ctx, "the activity report"); // reads activity_days
    return { data: { period: query.period ?? "month", periods: await activity(ctx.db, query) } };
  },
});

/** Routes of activity statistics. */
export const activityRoutes: readonly RouteDef[] = [activityRoute];
