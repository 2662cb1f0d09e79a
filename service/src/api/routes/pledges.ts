/**
 * /v1/pledges: active and past pledges (数据资产质押) by asset, lender or holder.
 */
import { z } from "zod";
import { notFound } from "../errors";
import { getPledge, listPledges } from "../queries/pledges";
import { defineRoute, listResult, type RouteDef } from "../route";
import { address, chainId, hex32, pageQuery, pledgeStatus, uint256Id } from "../validation";

const list = defineRoute({
  method: "get",
  path: "/pledges",
  tag: "pledges",
  summary: "Pledges, newest first; filter by asset, lender, holder, status",
  query: z.strictObject({
    asset: hex32.optional(),
    lender: address.optional(),
    holder: address.optional(),
    status: pledgeStatus.optional(),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listPledges(ctx.db, query, isFinal));
  },
});

const byId = defineRoute({
  method: "get",
  path: "/pledges/{pledgeId}",
  tag: "pledges",
  summary: "One pledge by id (decimal or 0x hex)",
  params: z.object({ pledgeId: uint256Id }),
  async handler({ params, isFinal }, ctx) {
    const p = await getPledge(ctx.db, params.pledgeId, isFinal);
    if (!p) throw notFound("pledge", params.pledgeId);
    return { data: p };
  },
});

/** Routes of the pledges resource. */
export const pledgeRoutes: readonly RouteDef[] = [list, byId];
