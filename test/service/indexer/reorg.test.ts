import { expect } from "chai";
import type { BlockHeader, Rpc } from "../../../service/src/chain/rpc";
import { createSilentLogger } from "../../../service/src/logger";
import { findCommonAncestor } from "../../../service/src/indexer/reorg";
import type { IndexStore, KeptBlock } from "../../../service/src/store/index-store";

const H = (n: number, branch = "a"): string => `0x${branch.repeat(2)}${n.toString(16).padStart(62, "0")}`;

describe("indexer/reorg", () => {
  /** Kept blocks 1..n of branch a; the chain has branch a up to `forkAt`, branch b above. */
  function setup(kept: number, forkAt: number) {
    const blocks: KeptBlock[] = Array.from({ length: kept }, (_, i) => ({ blockNumber: i + 1, blockHash: H(i + 1), parentHash: H(i), blockTime: i }));
    const store = {
      keptBlocks: async (_chainId: number, atOrBelow: number, limit: number) =>
        blocks.filter((b) => b.blockNumber <= atOrBelow).reverse().slice(0, limit),
    } as unknown as IndexStore;
    const requests: number[][] = [];
    const rpc = {
      eth_getBlocksOrNull: async (ns: readonly number[]) => {
        requests.push([...ns]);
        return ns.map((n) => ({ number: n, hash: H(n, n <= forkAt ? "a" : "b") }) as BlockHeader);
      },
    } as unknown as Rpc;
    return { params: { store, rpc, chainId: 31337, startBlock: 1, keep: 128, log: createSilentLogger() }, requests };
  }

  it("should find the newest kept block the chain still has, 32 headers a request", async () => {
    const { params, requests } = setup(100, 40);
    expect((await findCommonAncestor(params, 99))?.blockNumber).to.equal(40);
    expect(requests.map((r) => [r[0], r.length])).to.deep.equal([[99, 32], [67, 32]]);
  });

  it("should answer null when no kept block is on the chain (re-index from the start)", async () => {
    const { params } = setup(20, 0);
    expect(await findCommonAncestor(params, 20)).to.equal(null);
  });
});
