/**
 * The registration lifecycle: an asset's status history (/v1/assets/{id}/status-history) and objections
 * (/v1/objections).
 */
import { z } from "zod";
import { notFound } from "../errors";
import { listObjections, statusHistory } from "../queries/lifecycle";
import { defineRoute, listResult, type RouteDef } from "../route";
import { address, chainId, hex32, pageQuery } from "../validation";

const history = defineRoute({
  method: "get",
  path: "/assets/{id}/status-history",
  tag: "assets",
  summary: "The asset's registration history, oldest first: registration, notice, objections, in force, renewals, changes, cancellation",
  params: z.object({ id: hex32 }),
  async handler({ params, isFinal }, ctx) {
    const entries = await statusHistory(ctx.db, params.id, isFinal);
    if (!entries) throw notFound("asset", params.id);
    return { data: entries };
  },
});

const objections = defineRoute({
  method: "get",
  path: "/objections",
  tag: "assets",
  summary: "Objections (异议) lodged during public notices, newest first, with their resolution",
  query: z.strictObject({
    asset: hex32.optional(),
    objector: address.optional(),
    state: z.enum(["open", "upheld", "dismissed", "moot"]).optional().describe("moot: never resolved, the registration refused or cancelled meanwhile"),
    ownEarlierRight: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional()
      .describe("only objections that claim (true) or do not claim (false) the objector's own earlier right"),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listObjections(ctx.db, query, isFinal));
  },
});

/** Routes of the registration lifecycle. */
export const lifecycleRoutes: readonly RouteDef[] = [history, objections];
