/**
 * /v1/evidence: an item by digest with its Merkle proof, and batches by root. Only items of batches whose
 * manifest is valid are served.
 */
import { z } from "zod";
import { notFound } from "../errors";
import { getBatch, itemProofs, itemsOfBatch } from "../queries/evidence";
import { defineRoute, listResult, type RouteDef } from "../route";
import { digest32, hex32, pageQuery } from "../validation";

const item = defineRoute({
  method: "get",
  path: "/evidence/items/{digest}",
  tag: "evidence",
  summary: "An evidence item by its SHA-256 digest: every valid batch holding it, with leaf, Merkle proof, root and anchoring transaction",
  params: z.object({ digest: digest32 }),
  async handler({ params, isFinal }, ctx) {
    const found = await itemProofs(ctx, params.digest, isFinal);
    if (found.length === 0) throw notFound("evidence item", params.digest);
    return { data: { itemDigest: params.digest, occurrences: found } };
  },
});

const batch = defineRoute({
  method: "get",
  path: "/evidence/batches/{root}",
  tag: "evidence",
  summary: "A batch by its root: anchoring exchange, leaf count, manifest CID and status, anchoring transaction",
  params: z.object({ root: hex32 }),
  async handler({ params, isFinal }, ctx) {
    const b = await getBatch(ctx.db, params.root, isFinal);
    if (!b) throw notFound("evidence batch", params.root);
    return { data: b };
  },
});

const items = defineRoute({
  method: "get",
  path: "/evidence/batches/{root}/items",
  tag: "evidence",
  summary: "The items of a valid batch, in manifest order (empty for a batch whose manifest is not valid)",
  params: z.object({ root: hex32 }),
  query: z.strictObject({ ...pageQuery }),
  async handler({ params, query }, ctx) {
    const b = await getBatch(ctx.db, params.root, () => false);
    if (!b) throw notFound("evidence batch", params.root);
    return listResult(await itemsOfBatch(ctx.db, params.root, query));
  },
});

/** Routes of the evidence resource. */
export const evidenceRoutes: readonly RouteDef[] = [item, batch, items];
