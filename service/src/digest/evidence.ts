import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { z } from "zod";
import { canonicalJsonBytes } from "./canonical";
import type { Hex } from "./hash";
import { formatAssetId } from "./ids";
import { standardLeafBytes32Uint256, standardTreeBytes32Uint256 } from "./merkle";

/** Leaf encoding of an evidence tree: (item digest, referenced asset id or 0). */
export const EVIDENCE_LEAF_ENCODING = ["bytes32", "uint256"] as const;
/** The manifest's `type` field. */
export const MANIFEST_TYPE = "shuquan/evidence-manifest";
/** The manifest format version this code writes and reads. */
export const MANIFEST_VERSION = 1;

/** One evidence item: its SHA-256 digest, the asset it references (or zero), and an optional label. */
export interface EvidenceItem {
  digest: Hex;
  /** `0x` + 64 hex, a decimal string, a bigint, or omitted for "no asset" (zero). */
  assetId?: string | bigint;
  label?: string;
}

/** A manifest item as stored: digest and asset id normalised to `0x` + 64 lower-case hex. */
export interface ManifestItem {
  digest: Hex;
  assetId: Hex;
  label?: string;
}

/** The evidence manifest (see docs/architecture.md, "Evidence manifest"). */
export interface EvidenceManifest {
  type: typeof MANIFEST_TYPE;
  version: typeof MANIFEST_VERSION;
  leafEncoding: ["bytes32", "uint256"];
  root: Hex;
  leafCount: number;
  items: ManifestItem[];
}

/** A manifest with its canonical bytes (what is stored by CID) and its tree (for proofs). */
export interface BuiltManifest {
  manifest: EvidenceManifest;
  bytes: Uint8Array;
  tree: StandardMerkleTree<[string, string]>;
}

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x + 64 lower-case hex");

/** zod schema of the manifest; `leafCount` must equal the number of items. */
export const evidenceManifestSchema = z
  .object({
    type: z.literal(MANIFEST_TYPE),
    version: z.literal(MANIFEST_VERSION),
    leafEncoding: z.tuple([z.literal("bytes32"), z.literal("uint256")]),
    root: hex32,
    leafCount: z.number().int().positive(),
    items: z.array(z.object({ digest: hex32, assetId: hex32, label: z.string().optional() }).strict()).min(1),
  })
  .strict()
  .refine((m) => m.leafCount === m.items.length, { message: "leafCount does not equal the number of items", path: ["leafCount"] });

function normaliseItem(item: EvidenceItem): ManifestItem {
  const digest = item.digest.toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(digest)) throw new Error(`invalid item digest ${item.digest}: expected 0x + 64 hex`);
  const out: ManifestItem = { digest, assetId: formatAssetId(item.assetId ?? 0n) };
  if (item.label !== undefined) out.label = item.label;
  return out;
}

/**
 * The leaf hash of an evidence item as `EvidenceAnchor.leafOf` / `verify` expect it:
 * `keccak256(bytes.concat(keccak256(abi.encode(bytes32 itemDigest, uint256 assetId))))`.
 */
export function evidenceLeafHash(itemDigest: Hex, assetId: string | bigint = 0n): Hex {
  const digest = itemDigest.toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(digest)) throw new Error(`invalid item digest ${itemDigest}: expected 0x + 64 hex`);
  return standardLeafBytes32Uint256(digest, formatAssetId(assetId));
}

/**
 * The OpenZeppelin `StandardMerkleTree` over `["bytes32","uint256"]` of (digest, assetId) of `items`, with the
 * library's default sorted leaves (built by the fast builder in merkle.ts; identical to `StandardMerkleTree.of`).
 * Value index i is `items[i]` (use `tree.getProof(i)`, fast for an index). Throws on no items.
 */
export function buildEvidenceTree(items: readonly EvidenceItem[]): StandardMerkleTree<[string, string]> {
  if (items.length === 0) throw new Error("an evidence batch needs at least one item");
  const values = items.map((i) => {
    const n = normaliseItem(i);
    return [n.digest, n.assetId] as [string, string];
  });
  return standardTreeBytes32Uint256(values);
}

/**
 * Builds the manifest of a batch: items in the given order (normalised), its root and count, and its canonical
 * JSON bytes (RFC 8785) — the bytes to store by CID. Throws on duplicate (digest, assetId) pairs: a batch lists
 * each leaf once.
 */
export function buildManifest(items: readonly EvidenceItem[]): BuiltManifest {
  const normalised = items.map(normaliseItem);
  const seen = new Set<string>();
  for (const n of normalised) {
    const key = `${n.digest}:${n.assetId}`;
    if (seen.has(key)) throw new Error(`duplicate evidence item ${n.digest} (asset ${n.assetId}): list each item once`);
    seen.add(key);
  }
  const tree = buildEvidenceTree(normalised);
  const manifest: EvidenceManifest = {
    type: MANIFEST_TYPE,
    version: MANIFEST_VERSION,
    leafEncoding: [...EVIDENCE_LEAF_ENCODING],
    root: tree.root.toLowerCase(),
    leafCount: normalised.length,
    items: normalised,
  };
  return { manifest, bytes: canonicalJsonBytes(manifest), tree };
}

/**
 * Parses and validates manifest bytes (UTF-8 JSON; canonical form is not required to read). Throws a message
 * naming the offending field. Does not check the root: call `rebuildManifestRoot` and compare.
 */
export function parseManifest(bytes: Uint8Array | string): EvidenceManifest {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === "string" ? bytes : new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new Error(`evidence manifest is not UTF-8 JSON: ${(e as Error).message}`);
  }
  const r = evidenceManifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`invalid evidence manifest at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return r.data as EvidenceManifest;
}

/** Rebuilds the tree from a manifest's items and returns its root (compare with `manifest.root` and the chain). */
export function rebuildManifestRoot(manifest: Pick<EvidenceManifest, "items">): Hex {
  return buildEvidenceTree(manifest.items).root.toLowerCase();
}
