/**
 * The reorg search: after the indexed tip stopped being canonical, walk the kept block hashes down until one is
 * still on the chain — the common ancestor to roll back to.
 */
import type { Rpc } from "../chain/rpc";
import type { Logger } from "../logger";
import type { IndexStore, KeptBlock } from "../store/index-store";

/** Parameters of {@link findCommonAncestor}. */
export interface FindCommonAncestorParameters {
  store: IndexStore;
  rpc: Rpc;
  chainId: number;
  /** First block of the chain's contracts. */
  startBlock: number;
  /** Kept headers, in blocks below the head (named in the error logged when none matches). */
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
  for (;;) {
    const kept = await p.store.keptBlocks(p.chainId, below, BATCH);
    if (kept.length === 0) {
      if (below >= p.startBlock) p.log.error({ below, keep: p.keep }, "reorg deeper than the kept block hashes; re-indexing from the start");
      return null;
    }
    const onChain = await p.rpc.eth_getBlocksOrNull(kept.map((k) => k.blockNumber));
    for (let i = 0; i < kept.length; i++) if (onChain[i]?.hash === kept[i].blockHash) return kept[i];
    below = kept[kept.length - 1].blockNumber - 1;
  }
}
