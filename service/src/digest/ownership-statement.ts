/**
 * The ownership statement a holder signs to prove it holds an asset ("I hold asset X"), in the two schemes
 * POST /v1/ownership/verify accepts. The CLI builds statements with these functions; docs/api.md specifies them.
 */
import { TypedDataEncoder, hashMessage, verifyMessage, verifyTypedData } from "ethers";
import { z } from "zod";

/** First line of every statement. */
export const OWNERSHIP_STATEMENT_HEADER = "Shuquan ownership statement";

/** Fields of a statement. */
export interface OwnershipStatementFields {
  /** 0x + 64 hex. */
  assetId: string;
  /** 0x + 40 hex. */
  holder: string;
  chainId: number;
  /** The block the claim is about; undefined means "latest" (the indexed head when verified). */
  block?: number;
  /** When the statement was made (ISO 8601, UTC). */
  issuedAt: string;
  /** Optional challenge from the verifier, so a statement cannot be replayed to another verifier. */
  nonce?: string;
}

/**
 * The statement text (UTF-8, lines joined by "\n", no trailing newline):
 * ```
 * Shuquan ownership statement
 * I hold data asset 0x<64 hex>.
 * Asset: 0x<64 hex, lower case>
 * Holder: 0x<40 hex, lower case>
 * Chain: <chain id>
 * Block: <decimal block number, or "latest">
 * Issued: <ISO 8601 UTC>
 * Nonce: <text>            (only when given)
 * ```
 */
export function buildOwnershipStatement(f: OwnershipStatementFields): string {
  const assetId = f.assetId.toLowerCase();
  const lines = [
    OWNERSHIP_STATEMENT_HEADER,
    `I hold data asset ${assetId}.`,
    `Asset: ${assetId}`,
    `Holder: ${f.holder.toLowerCase()}`,
    `Chain: ${f.chainId}`,
    `Block: ${f.block === undefined ? "latest" : String(f.block)}`,
    `Issued: ${f.issuedAt}`,
  ];
  if (f.nonce !== undefined) lines.push(`Nonce: ${f.nonce}`);
  return lines.join("\n");
}

/** Parses statement text into its `Key: value` lines; undefined when the header is missing. */
export function parseOwnershipStatement(text: string): Record<string, string> | undefined {
  const lines = text.split("\n");
  if (lines[0] !== OWNERSHIP_STATEMENT_HEADER) return undefined;
  const out: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z]+): (.*)$/.exec(line);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

/** EIP-712 domain of ownership statements: not bound to a contract, only to the chain. */
export function ownershipDomain(chainId: number): { name: string; version: string; chainId: number } {
  return { name: "Shuquan", version: "1", chainId };
}

/** EIP-712 types: `OwnershipStatement(uint256 assetId,address holder,uint256 blockNumber,string statement)`. */
export const OWNERSHIP_TYPES = {
  OwnershipStatement: [
    { name: "assetId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "blockNumber", type: "uint256" },
    { name: "statement", type: "string" },
  ],
} as const;

/** The EIP-712 message for a statement; `blockNumber` 0 means "latest". */
export function ownershipTypedMessage(f: { assetId: string; holder: string; block?: number; statement: string }): {
  assetId: bigint;
  holder: string;
  blockNumber: bigint;
  statement: string;
} {
  return { assetId: BigInt(f.assetId), holder: f.holder, blockNumber: BigInt(f.block ?? 0), statement: f.statement };
}

/** The digest a wallet signs, per scheme (for tests and the CLI). */
export function ownershipDigest(
  scheme: "eip191" | "eip712",
  f: { assetId: string; holder: string; block?: number; statement: string; chainId: number },
): string {
  if (scheme === "eip191") return hashMessage(f.statement);
  const types = { OwnershipStatement: [...OWNERSHIP_TYPES.OwnershipStatement] };
  return TypedDataEncoder.hash(ownershipDomain(f.chainId), types, ownershipTypedMessage(f));
}

/** A statement file as `shuquan ownership prove` writes it (and `ownership verify` and the web page read it). */
export const ownershipStatementFileSchema = z.object({
  type: z.literal("shuquan/ownership-statement"),
  version: z.literal(1),
  scheme: z.enum(["eip191", "eip712"]),
  chainId: z.number().int().positive(),
  assetId: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  holder: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  block: z.number().int().nonnegative().optional(),
  issuedAt: z.string(),
  nonce: z.string().optional(),
  statement: z.string(),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
});

/** A parsed statement file. */
export type OwnershipStatementFile = z.infer<typeof ownershipStatementFileSchema>;

/**
 * The checks that need no chain: the text is exactly the one its fields give, and the signature (per its scheme)
 * recovers the claimed holder. Returns the recovered signer ("" when the signature is malformed) and the problems.
 */
export function checkOwnershipSignature(s: OwnershipStatementFile): { signer: string; problems: string[] } {
  const problems: string[] = [];
  const rebuilt = buildOwnershipStatement({ assetId: s.assetId, holder: s.holder, chainId: s.chainId, block: s.block, issuedAt: s.issuedAt, nonce: s.nonce });
  if (rebuilt !== s.statement) problems.push("the statement text does not match its fields");
  let signer = "";
  try {
    const types = { OwnershipStatement: [...OWNERSHIP_TYPES.OwnershipStatement] };
    signer =
      s.scheme === "eip191"
        ? verifyMessage(s.statement, s.signature)
        : verifyTypedData(ownershipDomain(s.chainId), types, ownershipTypedMessage({ ...s, statement: s.statement }), s.signature);
  } catch {
    problems.push("the signature is malformed");
  }
  if (signer && signer.toLowerCase() !== s.holder.toLowerCase()) problems.push(`signed by ${signer}, not by the claimed holder ${s.holder}`);
  return { signer, problems };
}
