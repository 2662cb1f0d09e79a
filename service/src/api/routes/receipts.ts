/**
 * /v1/receipts and /v1/violations: processing receipts per licence, asset, licensee or batch; receipt batches with
 * their manifest status; violations for licensors and the regulator (docs/regulated-use.md).
 */
import { z } from "zod";
import { notFound } from "../errors";
import { getReceipt, listReceiptBatches, listReceipts, listViolations, receiptsByLeaf, VIOLATION_CODES } from "../queries/receipts";
import { defineRoute, listResult, type RouteDef } from "../route";
import { address, chainId, hex32, pageQuery } from "../validation";


const list = defineRoute({
  method: "get",
  path: "/receipts",
  tag: "receipts",
  summary: "Processing receipts, newest batch first; filter by licence, asset, licensee, batch, violating",
  description:
    "Each receipt carries its Merkle proof and the violations the indexer found against its licence (empty when it is inside it). " +
    "`asset` is the licence's asset as indexed when the batch was anchored.",
  query: z.strictObject({
    licence: hex32.optional().describe("licence id"),
    asset: hex32.optional(),
    licensee: address.optional(),
    batch: hex32.optional().describe("batch root"),
    violating: z.enum(["true", "false"]).transform((v) => v === "true").optional().describe("only receipts with (true) or without (false) violations"),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listReceipts(ctx.db, query, isFinal));
  },
});

const batches = defineRoute({
  method: "get",
  path: "/receipts/batches",
  tag: "receipts",
  summary: "Receipt batches, newest first, with their manifest status (pending, valid, mismatch, unavailable)",
  query: z.strictObject({
    submitter: address.optional(),
    status: z.enum(["pending", "valid", "mismatch", "unavailable"]).optional(),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listReceiptBatches(ctx.db, query, isFinal));
  },
});

const byLeaf = defineRoute({
  method: "get",
  path: "/receipts/leaf/{leafHash}",
  tag: "receipts",
  summary: "Receipts by leaf hash (ReceiptAnchor.leafOf), with proof and violations",
  params: z.object({ leafHash: hex32 }),
  async handler({ params, isFinal }, ctx) {
    const found = await receiptsByLeaf(ctx.db, params.leafHash, isFinal);
    if (found.length === 0) throw notFound("receipt", params.leafHash);
    return { data: found };
  },
});

const one = defineRoute({
  method: "get",
  path: "/receipts/{batchRoot}/{leafIndex}",
  tag: "receipts",
  summary: "One receipt by batch root and leaf index (its position in the manifest)",
  params: z.object({ batchRoot: hex32, leafIndex: z.string().regex(/^[0-9]{1,9}$/, "expected a leaf index").transform(Number) }),
  async handler({ params, isFinal }, ctx) {
    const r = await getReceipt(ctx.db, params.batchRoot, params.leafIndex, isFinal);
    if (!r) throw notFound("receipt", `${params.batchRoot}/${params.leafIndex}`);
    return { data: r };
  },
});

const violations = defineRoute({
  method: "get",
  path: "/violations",
  tag: "receipts",
  summary: "Receipts outside their licences, newest first; a licensor filters by itself, the regulator sees all",
  query: z.strictObject({
    licensor: address.optional(),
    licensee: address.optional(),
    asset: hex32.optional(),
    licence: hex32.optional(),
    code: z.enum(VIOLATION_CODES).optional(),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listViolations(ctx.db, query, isFinal));
  },
});

/** Routes of the receipts resource. */
export const receiptRoutes: readonly RouteDef[] = [list, batches, byLeaf, one, violations];
