/**
 * /v1/assets/{id}/provenance and /v1/assets/{id}/rights: an asset's history and its rights at a point in time.
 */
import { z } from "zod";
import { badRequest, notFound } from "../errors";
import { getAsset } from "../queries/assets";
import {
  batchesPage,
  holdersPage,
  itemsPage,
  licencesPage,
  provenance,
  PROVENANCE_SECTIONS,
  reportTime,
  tradesPage,
} from "../queries/provenance";
import { indexedChainTime } from "../queries/rights";
import { rightsAt } from "../queries/rights-at";
import { defineRoute, listResult, type RouteDef } from "../route";
import { hex32, pageQuery, uintString } from "../validation";

/** Deepest lineage walk a request may ask for. */
export const MAX_LINEAGE_DEPTH = 20;

const report = defineRoute({
  method: "get",
  path: "/assets/{id}/provenance",
  tag: "assets",
  summary: "Provenance report: lineage up and down, holders, licences, trades, pledges, freezes, evidence",
  description:
    "Trades, holders, licences, evidence items and evidence batches hold their first page (`limit`, default 50); " +
    "`pages.<section>` is the cursor of the next page of that section at `/v1/assets/{id}/provenance/{section}`, " +
    "null when the report holds the whole section.",
  params: z.object({ id: hex32 }),
  query: z.strictObject({
    depth: uintString
      .pipe(z.number().int().min(0).max(MAX_LINEAGE_DEPTH))
      .optional()
      .describe(`lineage depth each way, 0..${MAX_LINEAGE_DEPTH}, default 5`),
    limit: pageQuery.limit,
  }),
  async handler({ params, query, isFinal }, ctx) {
    const r = await provenance(ctx.db, params.id, query.depth ?? 5, isFinal, ctx.now(), query.limit);
    if (!r) throw notFound("asset", params.id);
    return { data: r };
  },
});

const section = defineRoute({
  method: "get",
  path: "/assets/{id}/provenance/{section}",
  tag: "assets",
  summary: "One section of the provenance report, a page at a time, oldest first",
  description:
    "`trades`, `holders` (holding changes, each with the end of the holder period it starts), `licences` (with " +
    "revocation and state at the indexed head's chain time), `evidence` (items that reference the asset) or " +
    "`batches` (evidence batches anchored for the asset as a whole).",
  params: z.object({ id: hex32, section: z.enum(PROVENANCE_SECTIONS) }),
  query: z.strictObject({ ...pageQuery }),
  async handler({ params, query, isFinal }, ctx) {
    const asset = await getAsset(ctx.db, params.id, isFinal);
    if (!asset) throw notFound("asset", params.id);
    const p = { limit: query.limit, cursor: query.cursor };
    switch (params.section) {
      case "trades":
        return listResult(await tradesPage(ctx.db, params.id, p, isFinal));
      case "holders":
        return listResult(await holdersPage(ctx.db, params.id, p, isFinal));
      case "licences":
        return listResult(await licencesPage(ctx.db, params.id, p, await reportTime(ctx.db, asset, ctx.now()), isFinal));
      case "evidence":
        return listResult(await itemsPage(ctx.db, params.id, p, isFinal));
      case "batches":
        return listResult(await batchesPage(ctx.db, params.id, p, isFinal));
    }
  },
});

const rights = defineRoute({
  method: "get",
  path: "/assets/{id}/rights",
  tag: "assets",
  summary: "Holder and licences in force at a unix time (?at=) or a block (?block=); default the indexed head",
  params: z.object({ id: hex32 }),
  query: z.strictObject({
    at: uintString.optional().describe("unix seconds, at or before the indexed head's block time"),
    block: uintString.optional().describe("block number (on the asset's chain), at or below the indexed head"),
  }),
  async handler({ params, query, isFinal }, ctx) {
    if (query.at !== undefined && query.block !== undefined) throw badRequest("query.at", "give either at or block, not both");
    const asset = await getAsset(ctx.db, params.id, isFinal);
    if (!asset) throw notFound("asset", params.id);
    const chainId = asset.registered.chainId;
    const chain = ctx.indexerStatus().chains.find((c) => c.chainId === chainId);
    const head = chain?.indexedBlock;
    if (query.block !== undefined && head !== undefined && query.block > head)
      throw badRequest("query.block", `block ${query.block} is beyond the indexed head ${head}`);
    if (query.at !== undefined) {
      // Past the indexed head the index cannot know the state yet (later blocks may change it): refuse, as for block.
      const headTime = chain?.indexedBlockTime ?? (await indexedChainTime(ctx.db, chainId));
      if (headTime !== undefined && query.at > headTime)
        throw badRequest("query.at", `at ${query.at} is after the indexed head's time ${headTime}${head !== undefined ? ` (block ${head})` : ""}; ask for a time at or before it`);
    }
    const point = query.at !== undefined ? { at: query.at } : { block: query.block ?? head ?? asset.registered.blockNumber };
    return { data: await rightsAt(ctx.db, params.id, chainId, point, isFinal) };
  },
});

/** Routes of the provenance resource. */
export const provenanceRoutes: readonly RouteDef[] = [report, section, rights];
