/**
 * /v1/assets/{id}/lineage: the lineage graph several levels each way, with what authorised each derivation.
 */
import { z } from "zod";
import { notFound } from "../errors";
import { lineageGraph } from "../queries/lineage-graph";
import { defineRoute, type RouteDef } from "../route";
import { hex32, uintString } from "../validation";
import { MAX_LINEAGE_DEPTH } from "./provenance";

const graph = defineRoute({
  method: "get",
  path: "/assets/{id}/lineage",
  tag: "assets",
  summary: "Lineage graph: ancestors and descendants with their facts, each derivation with the holding or processing licence that authorised it",
  description:
    "Node `depth` is negative for ancestors and positive for descendants. Edge `basis`: `holder` (the registrant held the parent), `licence` (it held the processing licence, named with its grant), `unknown` (not derivable from the index). At most 500 nodes per side; `truncated` says when more exist.",
  params: z.object({ id: hex32 }),
  query: z.strictObject({
    depth: uintString
      .pipe(z.number().int().min(0).max(MAX_LINEAGE_DEPTH))
      .optional()
      .describe(`levels each way, 0..${MAX_LINEAGE_DEPTH}, default 5`),
  }),
  async handler({ params, query, isFinal }, ctx) {
    const g = await lineageGraph(ctx.db, params.id, query.depth ?? 5, isFinal);
    if (!g) throw notFound("asset", params.id);
    return { data: g };
  },
});

/** Routes of the lineage graph. */
export const lineageRoutes: readonly RouteDef[] = [graph];
