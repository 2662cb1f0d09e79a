/**
 * POST /v1/ownership/verify: checks a holder's signed ownership statement against the index.
 */
import { z } from "zod";
import { verifyOwnership } from "../queries/ownership";
import { defineRoute, type RouteDef } from "../route";
import { address, hex32 } from "../validation";

const verify = defineRoute({
  method: "post",
  path: "/ownership/verify",
  tag: "ownership",
  summary: "Verify an ownership proof: the signature recovers the holder, and the holder held the asset at the block",
  description: "Statement text and EIP-712 type are specified in docs/api.md (built by service/src/digest/ownership-statement.ts). Always 200 with { valid, reasons[] } once the body is well formed.",
  body: z.strictObject({
    assetId: hex32,
    holder: address,
    block: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe("block the claim is about; default the indexed head"),
    chainId: z.number().int().min(1).optional().describe("chain of the asset, when it is registered on several"),
    statement: z.string().min(1).max(4096),
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte signature as 0x + 130 hex"),
    scheme: z.enum(["eip191", "eip712"]),
  }),
  async handler({ body, isFinal }, ctx) {
    return { data: await verifyOwnership(ctx.db, ctx.indexerStatus(), body, isFinal) };
  },
});

/** Routes of the ownership resource. */
export const ownershipRoutes: readonly RouteDef[] = [verify];
