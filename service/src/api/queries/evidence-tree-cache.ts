/**
 * Cache of evidence batch trees, so a proof costs a map lookup and a path walk instead of a tree rebuild.
 * Bounded by the total number of leaves held; least recently used batches are dropped first. Concurrent misses
 * for the same batch share one build.
 */
import type { StandardMerkleTree } from "@openzeppelin/merkle-tree";

/** A batch tree and the value index of each (digest, assetId) leaf. */
export interface CachedTree {
  tree: StandardMerkleTree<[string, string]>;
  /** `${digest}:${assetId}` → value index for getProof. */
  indexOf: Map<string, number>;
  leaves: number;
}

/** The cache's interface. */
export interface EvidenceTreeCache {
  /** The cached tree for `key`, building it with `build` on a miss. */
  get(key: string, build: () => Promise<CachedTree>): Promise<CachedTree>;
  /** Number of batches held. */
  size(): number;
}

/** Creates a cache holding at most `maxLeaves` leaves in total (one batch larger than that is built but not kept). */
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
