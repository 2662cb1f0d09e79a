/**
 * /v1/assets: search, by id, by registration number, by content digest, and the asset's metadata document.
 */
import { z } from "zod";
import { parseRegistrationNumber } from "../../digest";
import { ApiError, notFound } from "../errors";
import { getAsset, getAssetByRegistration, listAssets } from "../queries/assets";
import { defineRoute, listResult, type RouteDef } from "../route";
import { address, assetKind, assetSource, assetStatus, chainId, dataLevel, digest32, hex32, pageQuery } from "../validation";
import { requireDerivedTables } from "../derived-ready";

const registrationNumber = z
  .string()
  .max(40)
  .transform((s) => s.trim().toUpperCase())
  .superRefine((s, ctx) => {
    try {
      parseRegistrationNumber(s);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: e instanceof Error ? e.message : "invalid registration number" });
    }
  })
  .meta({ example: "SHDE-2026-RE-00000012-K" });

const list = defineRoute({
  method: "get",
  path: "/assets",
  tag: "assets",
  summary: "Search assets (newest registration first)",
  query: z.strictObject({
    kind: assetKind.optional(),
    source: assetSource.optional(),
    level: dataLevel.optional(),
    holder: address.optional().describe("current holder"),
    exchange: address.optional().describe("registering exchange"),
    status: assetStatus.optional().describe("registered = neither frozen nor pledged"),
    q: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,40}$/, "expected a registration-number prefix (letters, digits, '-')")
      .optional()
      .describe("registration-number prefix, e.g. SHDE-2026-RE"),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    // the holder and lock filters read current_holders and asset_locks
    if (query.holder !== undefined) requireDerivedTables(ctx, "the holder filter");
    if (query.status === "frozen" || query.status === "pledged") requireDerivedTables(ctx, `status=${query.status}`);
    return listResult(await listAssets(ctx.db, query, isFinal));
  },
});

const byId = defineRoute({
  method: "get",
  path: "/assets/{id}",
  tag: "assets",
  summary: "One asset by id (0x + 64 hex, the uint256 content digest)",
  params: z.object({ id: hex32 }),
  async handler({ params, isFinal }, ctx) {
    const asset = await getAsset(ctx.db, params.id, isFinal);
    if (!asset) throw notFound("asset", params.id);
    return { data: asset };
  },
});

const byRegistration = defineRoute({
  method: "get",
  path: "/assets/by-registration/{registrationNumber}",
  tag: "assets",
  summary: "One asset by its registration number (check character verified)",
  params: z.object({ registrationNumber }),
  async handler({ params, isFinal }, ctx) {
    const asset = await getAssetByRegistration(ctx.db, params.registrationNumber, isFinal);
    if (!asset) throw notFound("asset with registration number", params.registrationNumber);
    return { data: asset };
  },
});

const byDigest = defineRoute({
  method: "get",
  path: "/assets/by-digest/{digest}",
  tag: "assets",
  summary: "One asset by content digest (SHA-256 or dataset root; with or without 0x)",
  params: z.object({ digest: digest32 }),
  async handler({ params, isFinal }, ctx) {
    const asset = await getAsset(ctx.db, params.digest, isFinal);
    if (!asset) throw notFound("asset with content digest", params.digest);
    return { data: asset };
  },
});

const metadata = defineRoute({
  method: "get",
  path: "/assets/{id}/metadata",
  tag: "assets",
  summary: "The asset's metadata document, fetched by CID from the content store (when one is configured)",
  params: z.object({ id: hex32 }),
  async handler({ params, isFinal }, ctx) {
    const asset = await getAsset(ctx.db, params.id, isFinal);
    if (!asset) throw notFound("asset", params.id);
    if (!ctx.contentStore) throw new ApiError(404, "not_found", "no content store is configured");
    const bytes = await ctx.contentStore.get(asset.metadataCid).catch(() => undefined);
    if (!bytes) throw new ApiError(404, "not_found", `metadata ${asset.metadataCid} is not available`);
    const text = Buffer.from(bytes).toString("utf8");
    let document: unknown = text;
    try {
      document = JSON.parse(text);
    } catch {
      // not JSON: returned as text
    }
    return { data: { cid: asset.metadataCid, digest: asset.metadataDigest, document } };
  },
});

/** Routes of the assets resource (provenance and rights are in their own routers). */
export const assetRoutes: readonly RouteDef[] = [list, byRegistration, byDigest, byId, metadata];
