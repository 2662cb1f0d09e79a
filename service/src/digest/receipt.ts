/**
 * Processing receipts (docs/regulated-use.md): the leaf encoding shared by ReceiptAnchor, the CLI, the indexer and the
 * API, the inputs root, and the receipt manifest stored by CID.
 *
 * Leaf = OpenZeppelin standard-tree leaf over
 *   ["bytes32","address","bytes32","bytes32","bytes32","bytes32","uint64","uint64"] =
 *   (licenceId, licensee, purposeDigest, inputsRoot, outputDigest, parametersDigest, start, end)
 * i.e. keccak256(bytes.concat(keccak256(abi.encode(...)))), what `ReceiptAnchor.leafOf` computes.
 */
import type { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress } from "ethers";
import { z } from "zod";
import { canonicalJsonBytes } from "./canonical";
import type { Hex } from "./hash";
import { standardLeafStaticWords, standardTreeStaticWords } from "./merkle";

/** The leaf encoding of a receipt tree. */
export const RECEIPT_LEAF_ENCODING = ["bytes32", "address", "bytes32", "bytes32", "bytes32", "bytes32", "uint64", "uint64"] as const;
/** The leaf encoding of an inputs tree: one input digest a leaf. */
export const INPUTS_LEAF_ENCODING = ["bytes32"] as const;
/** The manifest's `type` field. */
export const RECEIPT_MANIFEST_TYPE = "shuquan/receipt-manifest";
/** The manifest format version this code writes and reads. */
export const RECEIPT_MANIFEST_VERSION = 1;

/** One processing receipt (all hex lower-case, times unix seconds). */
export interface ProcessingReceipt {
  licenceId: Hex;
  licensee: string;
  purposeDigest: Hex;
  inputsRoot: Hex;
  outputDigest: Hex;
  parametersDigest: Hex;
  start: number;
  end: number;
}

/** A receipt as a manifest lists it: the leaf's values, and the input digests the inputs root is built from. */
export interface ManifestReceipt extends ProcessingReceipt {
  inputs: Hex[];
}

/** The receipt manifest. */
export interface ReceiptManifest {
  type: typeof RECEIPT_MANIFEST_TYPE;
  version: typeof RECEIPT_MANIFEST_VERSION;
  leafEncoding: string[];
  root: Hex;
  leafCount: number;
  receipts: ManifestReceipt[];
}

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x + 64 lower-case hex");
const time = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const receiptSchema = z
  .object({
    licenceId: hex32,
    licensee: z.string().regex(/^0x[0-9a-f]{40}$/, "must be a lower-case 0x address"),
    purposeDigest: hex32,
    inputsRoot: hex32,
    outputDigest: hex32,
    parametersDigest: hex32,
    start: time,
    end: time,
    inputs: z.array(hex32).min(1),
  })
  .strict()
  .refine((r) => r.end >= r.start, { message: "end is before start", path: ["end"] });

/** zod schema of the manifest; `leafCount` must equal the number of receipts. */
export const receiptManifestSchema = z
  .object({
    type: z.literal(RECEIPT_MANIFEST_TYPE),
    version: z.literal(RECEIPT_MANIFEST_VERSION),
    leafEncoding: z.array(z.string()),
    root: hex32,
    leafCount: z.number().int().positive(),
    receipts: z.array(receiptSchema).min(1),
  })
  .strict()
  .refine((m) => m.leafCount === m.receipts.length, { message: "leafCount does not equal the number of receipts", path: ["leafCount"] });

const word = (n: bigint): string => "0x" + n.toString(16).padStart(64, "0");
const hexWord = (h: string, what: string): string => {
  if (!/^0x[0-9a-fA-F]{64}$/.test(h)) throw new Error(`invalid ${what} ${h}: expected 0x + 64 hex`);
  return h.toLowerCase();
};

/** A receipt normalised: hex lower-case, the licensee checked, times checked (uint64, end ≥ start). */
export function normaliseReceipt(r: ProcessingReceipt): ProcessingReceipt {
  let licensee: string;
  try {
    licensee = getAddress(r.licensee).toLowerCase();
  } catch {
    throw new Error(`invalid licensee ${r.licensee}: expected a 0x address`);
  }
  for (const t of [r.start, r.end]) {
    if (!Number.isSafeInteger(t) || t < 0) throw new Error(`invalid receipt time ${t}: expected unix seconds`);
  }
  if (r.end < r.start) throw new Error(`receipt ends (${r.end}) before it starts (${r.start})`);
  return {
    licenceId: hexWord(r.licenceId, "licence id"),
    licensee,
    purposeDigest: hexWord(r.purposeDigest, "purpose digest"),
    inputsRoot: hexWord(r.inputsRoot, "inputs root"),
    outputDigest: hexWord(r.outputDigest, "output digest"),
    parametersDigest: hexWord(r.parametersDigest, "parameters digest"),
    start: r.start,
    end: r.end,
  };
}

/** The eight ABI words of a receipt, in leaf order. */
export function receiptWords(r: ProcessingReceipt): string[] {
  const n = normaliseReceipt(r);
  return [n.licenceId, word(BigInt(n.licensee)), n.purposeDigest, n.inputsRoot, n.outputDigest, n.parametersDigest, word(BigInt(n.start)), word(BigInt(n.end))];
}

/** A receipt as the standard tree's value tuple (the order of {@link RECEIPT_LEAF_ENCODING}). */
export type ReceiptValue = [string, string, string, string, string, string, string, string];

/** The tuple of a receipt for `StandardMerkleTree` (times as decimal strings). */
export function receiptValue(r: ProcessingReceipt): ReceiptValue {
  const n = normaliseReceipt(r);
  return [n.licenceId, n.licensee, n.purposeDigest, n.inputsRoot, n.outputDigest, n.parametersDigest, String(n.start), String(n.end)];
}

/** The leaf hash of a receipt, as `ReceiptAnchor.leafOf` computes it. */
export function receiptLeafHash(r: ProcessingReceipt): Hex {
  return standardLeafStaticWords(receiptWords(r));
}

/** The standard tree over receipts; value index i is `receipts[i]`. Throws on none. */
export function buildReceiptTree(receipts: readonly ProcessingReceipt[]): StandardMerkleTree<ReceiptValue> {
  if (receipts.length === 0) throw new Error("a receipt batch needs at least one receipt");
  const values = receipts.map(receiptValue);
  return standardTreeStaticWords(values, (v) => receiptWords(valueToReceipt(v)), [...RECEIPT_LEAF_ENCODING]);
}

function valueToReceipt(v: ReceiptValue): ProcessingReceipt {
  return {
    licenceId: v[0],
    licensee: v[1],
    purposeDigest: v[2],
    inputsRoot: v[3],
    outputDigest: v[4],
    parametersDigest: v[5],
    start: Number(v[6]),
    end: Number(v[7]),
  };
}

/** The inputs root: the standard tree over ["bytes32"] of the input digests (order does not matter). */
export function inputsRoot(inputs: readonly Hex[]): Hex {
  if (inputs.length === 0) throw new Error("a receipt needs at least one input digest");
  const values = inputs.map((d) => [hexWord(d, "input digest")] as [string]);
  return standardTreeStaticWords(values, (v) => v, [...INPUTS_LEAF_ENCODING]).root.toLowerCase();
}

/** A built manifest: the document, its canonical bytes (stored by CID) and the tree (for proofs). */
export interface BuiltReceiptManifest {
  manifest: ReceiptManifest;
  bytes: Uint8Array;
  tree: StandardMerkleTree<ReceiptValue>;
}

/**
 * Builds a receipt batch's manifest. Each receipt names its input digests; its `inputsRoot` is computed from them
 * (a given `inputsRoot` must match). Throws on a duplicate receipt.
 */
export function buildReceiptManifest(receipts: readonly (Omit<ProcessingReceipt, "inputsRoot"> & { inputsRoot?: Hex; inputs: Hex[] })[]): BuiltReceiptManifest {
  const seen = new Set<string>();
  const listed: ManifestReceipt[] = receipts.map((r, i) => {
    const inputs = r.inputs.map((d) => hexWord(d, "input digest"));
    const root = inputsRoot(inputs);
    if (r.inputsRoot !== undefined && r.inputsRoot.toLowerCase() !== root) {
      throw new Error(`receipt ${i}: inputsRoot ${r.inputsRoot} is not the root of its inputs (${root})`);
    }
    const n = normaliseReceipt({ ...r, inputsRoot: root });
    const leaf = receiptLeafHash(n);
    if (seen.has(leaf)) throw new Error(`receipt ${i} is listed twice`);
    seen.add(leaf);
    return { ...n, inputs };
  });
  const tree = buildReceiptTree(listed);
  const manifest: ReceiptManifest = {
    type: RECEIPT_MANIFEST_TYPE,
    version: RECEIPT_MANIFEST_VERSION,
    leafEncoding: [...RECEIPT_LEAF_ENCODING],
    root: tree.root.toLowerCase(),
    leafCount: listed.length,
    receipts: listed,
  };
  return { manifest, bytes: canonicalJsonBytes(manifest), tree };
}

/** Parses and validates manifest bytes; throws a message naming the offending field. Does not check the root. */
export function parseReceiptManifest(bytes: Uint8Array | string): ReceiptManifest {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === "string" ? bytes : new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new Error(`receipt manifest is not UTF-8 JSON: ${(e as Error).message}`);
  }
  const r = receiptManifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`invalid receipt manifest at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return r.data as ReceiptManifest;
}
