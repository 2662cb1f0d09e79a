/**
 * Evidence batch trees for proofs. A batch's tree is rebuilt once from its indexed leaf hashes in OpenZeppelin's
 * StandardMerkleTree layout (node i has children 2i+1 and 2i+2, pairs hashed sorted, leaf at its stored
 * `tree_index`), checked against the anchored root, and kept in one Buffer (32 bytes per node). A proof is then
 * a walk of log2(n) sibling reads. The cache is bounded by the total number of leaves held; least recently used
 * batches go first; concurrent misses for one batch share one build.
 */
import { keccak256 } from "ethers";

/** A batch tree: `2n - 1` nodes of 32 bytes, root first. */
export interface CachedTree {
  nodes: Buffer;
  leaves: number;
}

/** The cache's interface. */
export interface EvidenceTreeCache {
  /** The cached tree for `key`, building it with `build` on a miss. */
  get(key: string, build: () => Promise<CachedTree>): Promise<CachedTree>;
  /** Number of batches held. */
  size(): number;
}

function hashPair(a: Buffer, b: Buffer): Buffer {
  const pair = Buffer.compare(a, b) <= 0 ? Buffer.concat([a, b]) : Buffer.concat([b, a]);
  return Buffer.from(keccak256(pair).slice(2), "hex");
}

const node = (nodes: Buffer, i: number): Buffer => nodes.subarray(i * 32, i * 32 + 32);

/**
 * Builds the tree from leaves given as (tree index, leaf hash), as the indexer stores them. Throws when the
 * indices do not fill the leaf positions of a tree of that size.
 */
export function buildTreeFromLeaves(leaves: readonly { treeIndex: number; leafHash: string }[]): CachedTree {
  const n = leaves.length;
  if (n === 0) throw new Error("empty batch");
  const size = 2 * n - 1;
  const nodes = Buffer.alloc(size * 32);
  const filled = new Uint8Array(size);
  for (const l of leaves) {
    if (l.treeIndex < n - 1 || l.treeIndex >= size || filled[l.treeIndex]) throw new Error(`bad tree index ${l.treeIndex} for ${n} leaves`);
    filled[l.treeIndex] = 1;
    Buffer.from(l.leafHash.slice(2), "hex").copy(nodes, l.treeIndex * 32);
  }
  for (let i = n - 2; i >= 0; i--) hashPair(node(nodes, 2 * i + 1), node(nodes, 2 * i + 2)).copy(nodes, i * 32);
  return { nodes, leaves: n };
}

/** The root of a tree, `0x` hex. */
export function treeRoot(t: CachedTree): string {
  return `0x${node(t.nodes, 0).toString("hex")}`;
}

/** The proof of the leaf at `treeIndex`: sibling hashes from the leaf up (OpenZeppelin MerkleProof order). */
export function treeProof(t: CachedTree, treeIndex: number): string[] {
  const proof: string[] = [];
  for (let i = treeIndex; i > 0; i = Math.floor((i - 1) / 2)) {
    const sibling = i % 2 === 1 ? i + 1 : i - 1;
    proof.push(`0x${node(t.nodes, sibling).toString("hex")}`);
  }
  return proof;
}

/** Folds a proof over a leaf (MerkleProof.processProof): the root it implies. */
export function processProof(leaf: string, proof: readonly string[]): string {
  let h: Buffer = Buffer.from(leaf.slice(2), "hex");
  for (const p of proof) h = hashPair(h, Buffer.from(p.slice(2), "hex"));
  return `0x${h.toString("hex")}`;
}

/** Creates a cache holding at most `maxLeaves` leaves in total (a larger batch is built but not kept). */
export function createEvidenceTreeCache(maxLeaves: number): EvidenceTreeCache {
  const entries = new Map<string, CachedTree>();
  const pending = new Map<string, Promise<CachedTree>>();
  let held = 0;
  return {
    async get(key, build) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit); // most recently used last
        return hit;
      }
      const inflight = pending.get(key);
      if (inflight) return inflight;
      const p = build().finally(() => pending.delete(key));
      pending.set(key, p);
      const built = await p;
      if (built.leaves <= maxLeaves && !entries.has(key)) {
        entries.set(key, built);
        held += built.leaves;
        for (const [k, v] of entries) {
          if (held <= maxLeaves) break;
          entries.delete(k);
          held -= v.leaves;
        }
      }
      return built;
    },
    size: () => entries.size,
  };
}
