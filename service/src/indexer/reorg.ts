/**
 * Reorg detection and the ancestor search. Only a differing block hash is a reorg: a node whose head is below the
 * indexed block, but whose blocks agree with the kept hashes, is behind (a lagging node) and is waited for.
 * After a reorg, the kept block hashes are walked down (dense near the head) until one is still on the chain; below
 * the kept window, the sparse anchors kept every {@link BLOCK_ANCHOR_INTERVAL} blocks are binary-searched, so a reorg
 * deeper than the window rolls back to a verified ancestor, not to the start.
 */
import type { Rpc } from "../chain/rpc";
import type { Logger } from "../logger";
import { BLOCK_ANCHOR_INTERVAL, type IndexStore, type KeptBlock } from "../store/index-store";

export { BLOCK_ANCHOR_INTERVAL };

/** Parameters of {@link findCommonAncestor}. */
export interface FindCommonAncestorParameters {
  store: IndexStore;
  rpc: Rpc;
  chainId: number;
  /** First block of the chain's contracts. */
  startBlock: number;
  /** Kept headers, in blocks below the head (the dense window walked before the binary search). */
  keep: number;
  log: Logger;
}

/** Kept headers compared per request. */
const BATCH = 32;

/**
 * The newest kept block at or below `below` whose hash the chain still has, or null when none has (re-index from
 * the start block: slow but never wrong).
 */
export async function findCommonAncestor(p: FindCommonAncestorParameters, below: number): Promise<KeptBlock | null> {
  const denseFloor = below - p.keep;
  for (;;) {
    const kept = await p.store.keptBlocks(p.chainId, below, BATCH);
    if (kept.length === 0) return null;
    const onChain = await p.rpc.eth_getBlocksOrNull(kept.map((k) => k.blockNumber));
    for (let i = 0; i < kept.length; i++) if (onChain[i]?.hash === kept[i].blockHash) return kept[i];
    below = kept[kept.length - 1].blockNumber - 1;
    if (below < denseFloor) break;
  }
  const found = await searchAnchors(p, below);
  p.log.error(
    { keep: p.keep, ancestor: found?.blockNumber ?? null },
    found
      ? `reorg deeper than the ${p.keep} kept block hashes: rolling back to block ${found.blockNumber}, the newest kept anchor the chain still has`
      : "reorg deeper than every kept block hash: re-indexing from the start",
  );
  return found;
}

/**
 * Binary search over the kept hashes at or below `below` (sparse: one every BLOCK_ANCHOR_INTERVAL blocks): the chain
 * is a hash chain, so the kept blocks it still has are a prefix. O(log blocks) header requests.
 */
async function searchAnchors(p: FindCommonAncestorParameters, below: number): Promise<KeptBlock | null> {
  let best: KeptBlock | null = null;
  let lo = p.startBlock;
  let hi = below;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const [a] = await p.store.keptBlocks(p.chainId, mid, 1);
    if (!a || a.blockNumber < lo) {
      lo = mid + 1;
      continue;
    }
    const [onChain] = await p.rpc.eth_getBlocksOrNull([a.blockNumber]);
    if (onChain?.hash === a.blockHash) {
      best = a;
      lo = mid + 1;
    } else {
      hi = a.blockNumber - 1;
    }
  }
  return best;
}

/** What the node says about the indexed tip. */
export type TipVerdict =
  | { kind: "canonical" }
  /** The node's head is below the indexed block and its blocks agree with ours: wait for it. */
  | { kind: "behind"; nodeHead: number }
  /** The node has another block at `at`. */
  | { kind: "reorg"; at: number; expected: string; actual: string };

/**
 * Judges the indexed tip against a node whose head is `nodeHead`: compared at the tip when the node has it, else at
 * the newest kept block at or below the node's head. A block the node lacks is never taken for a reorg.
 */
export async function judgeTip(
  p: { store: IndexStore; rpc: Rpc; chainId: number },
  tip: { blockNumber: number; blockHash: string },
  nodeHead: number,
): Promise<TipVerdict> {
  let at = tip.blockNumber;
  let expected = tip.blockHash;
  if (nodeHead < tip.blockNumber) {
    const [k] = await p.store.keptBlocks(p.chainId, nodeHead, 1);
    if (!k) return { kind: "behind", nodeHead };
    at = k.blockNumber;
    expected = k.blockHash;
  }
  const [b] = await p.rpc.eth_getBlocksOrNull([at]);
  if (!b) return { kind: "behind", nodeHead: Math.min(nodeHead, at - 1) };
  if (b.hash !== expected) return { kind: "reorg", at, expected, actual: b.hash };
  return nodeHead < tip.blockNumber ? { kind: "behind", nodeHead } : { kind: "canonical" };
}
