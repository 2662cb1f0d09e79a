/**
 * /v1/cross-border-trades: trades recorded across the border with their legal mechanism (docs/regulated-use.md).
 * Their prices are kept out of the domestic statistics (/v1/stats/prices, `scope`).
 */
import { z } from "zod";
import { CROSS_BORDER_MECHANISM } from "../../digest";
import { listCrossBorderTrades } from "../queries/cross-border";
import { defineRoute, listResult, type RouteDef } from "../route";
import { chainId, hex32, pageQuery } from "../validation";

const list = defineRoute({
  method: "get",
  path: "/cross-border-trades",
  tag: "trades",
  summary: "Cross-border trades, newest first, with mechanism, filing digest and destination; filter by asset, destination, mechanism",
  query: z.strictObject({
    asset: hex32.optional(),
    destination: z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code").optional(),
    mechanism: z.enum(CROSS_BORDER_MECHANISM).optional(),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listCrossBorderTrades(ctx.db, query, isFinal));
  },
});

/** Routes of the cross-border trades resource. */
export const crossBorderRoutes: readonly RouteDef[] = [list];
