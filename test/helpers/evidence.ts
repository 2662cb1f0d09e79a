/**
 * Evidence-batch helpers for contract tests: trees in the OpenZeppelin standard format over
 * ["bytes32", "uint256"] = (SHA-256 of the item, referenced asset id or 0), as docs/architecture.md specifies.
 */
import { createHash } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

/** The evidence leaf encoding. */
const EVIDENCE_LEAF_TYPES = ["bytes32", "uint256"];

/** SHA-256 of a UTF-8 string (or bytes), as 0x-prefixed hex. */
export function sha256Of(data: string | Uint8Array): string {
  return "0x" + createHash("sha256").update(data).digest("hex");
}

/** A standard Merkle tree over (item digest, asset id) pairs. */
export function evidenceTree(items: [string, bigint][]): StandardMerkleTree<[string, bigint]> {
  return StandardMerkleTree.of(items, EVIDENCE_LEAF_TYPES);
}
