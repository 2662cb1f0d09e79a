/**
 * Checks a statement from `shuquan ownership prove` the way `shuquan ownership verify` does, with the same shared
 * code (service/src/digest/ownership-statement.ts): the text matches its fields, the signature recovers the holder,
 * the node is the statement's chain, and ownerOf at the statement's block is the holder — read from the chain. When
 * the chain cannot be reached, the service's POST /v1/ownership/verify answers and the result says so.
 */
import { checkOwnershipSignature, ownershipStatementFileSchema, type OwnershipStatementFile } from "../../../src/digest/ownership-statement";
import { post } from "../api";
import { connectChain } from "./chain";
import { publicChains, rpcUrlOf } from "./settings";

/** The result. */
export interface OwnershipResult {
  valid: boolean;
  statement: OwnershipStatementFile;
  signer: string;
  problems: string[];
  holderAtBlock: string | null;
  /** Where the holder check came from. */
  source: { kind: "chain"; url: string; head: number } | { kind: "api"; url: string; error: string };
}

/** Parses a statement file's text; throws a clear message when it is not one. */
export function parseStatement(text: string): OwnershipStatementFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("not JSON: paste the file `shuquan ownership prove` wrote");
  }
  const r = ownershipStatementFileSchema.safeParse(json);
  if (!r.success) throw new Error(`not an ownership statement: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`);
  return r.data;
}

/** Checks a statement. */
export async function checkOwnership(text: string): Promise<OwnershipResult> {
  const s = parseStatement(text);
  const { signer, problems } = checkOwnershipSignature(s);
  const chain = (await publicChains().catch(() => []))[0];
  const url = rpcUrlOf(chain);
  let holderAtBlock: string | null = null;
  try {
    if (!chain) throw new Error("the service did not describe its chain");
    const reader = await connectChain(url, chain);
    if (reader.chainId !== s.chainId) problems.push(`the statement is about chain ${s.chainId}, but the node is chain ${reader.chainId}`);
    if (problems.length === 0) {
      holderAtBlock = await reader.ownerAt(s.assetId, s.block ?? "latest");
      if (holderAtBlock === null) problems.push(`asset ${s.assetId} did not exist at block ${s.block ?? "latest"} (or the node has no state for that block)`);
      else if (holderAtBlock !== s.holder.toLowerCase()) problems.push(`at block ${s.block ?? "latest"} the holder was ${holderAtBlock}, not ${s.holder}`);
    }
    return { valid: problems.length === 0, statement: s, signer, problems, holderAtBlock, source: { kind: "chain", url, head: reader.head } };
  } catch (e) {
    const api = await post<{ valid: boolean; reasons: { code: string; message: string }[]; holderAtBlock: string | null }>("/v1/ownership/verify", {
      assetId: s.assetId,
      holder: s.holder,
      block: s.block,
      chainId: s.chainId,
      statement: s.statement,
      signature: s.signature,
      scheme: s.scheme,
    });
    for (const r of api.reasons) if (!problems.includes(r.message)) problems.push(r.message);
    return {
      valid: api.valid && problems.length === 0,
      statement: s,
      signer,
      problems,
      holderAtBlock: api.holderAtBlock ?? null,
      source: { kind: "api", url, error: (e as Error).message },
    };
  }
}
