import { expect } from "chai";
import { createSilentLogger } from "../../../service/src/logger";
import type { ChainSync } from "../../../service/src/indexer/chain-sync";
import { createIndexer } from "../../../service/src/indexer";
import { createIndexStore, type KeptBlock } from "../../../service/src/store/index-store";
import { INDEXED_TABLES } from "../../../service/src/store";
import { BACKENDS, dumpTables, type OpenedDb } from "../../helpers/backends";
import { followerOn, stepUntilIdle } from "../../helpers/chain-sync";
import { createFakeChain, type FakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";

const common = { logger: createSilentLogger() };
const COMPARED = INDEXED_TABLES.filter((t) => t !== "block_hashes");
const count = async (o: OpenedDb, table: string): Promise<number> => (await o.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;

/** The follower these tests step by hand: ranges of 16 blocks, so that a backfill takes several. */
const syncOn = (chain: FakeChain, o: OpenedDb, keepBlocks?: number): ChainSync => followerOn(chain, createIndexStore(o.db), { initialRange: 16, keepBlocks });

for (const backend of BACKENDS) {
  describe(`indexer: lagging nodes and deep reorgs (${backend.name})`, function () {
    this.timeout(120_000);
    let o: OpenedDb;
    let ref: OpenedDb;
    beforeEach(async () => {
      o = await backend.open();
      ref = await backend.open();
    });
    afterEach(async () => {
      await o.cleanup();
      await ref.cleanup();
    });

    it("should wait for a node behind the indexed block, keep every row and report it, then resume", async () => {
      const chain = createFakeChain();
      mineScenario(chain, 30);
      const s = syncOn(chain, o);
      await s.init();
      await stepUntilIdle(s);
      const indexed = s.status().indexedBlock;
      const assets = await count(o, "assets");
      chain.visibleHead = indexed - 30;
      for (let i = 0; i < 3; i++) expect(await s.step()).to.equal("idle");
      expect(await count(o, "assets")).to.equal(assets);
      expect(s.status()).to.include({ indexedBlock: indexed, reorgs: 0 });
      expect(s.status().problem).to.match(/30 behind the indexed block .*lagging node, not a reorg/);
      chain.visibleHead = undefined;
      mineScenario(chain, 3, 1);
      await stepUntilIdle(s);
      expect(s.status()).to.include({ indexedBlock: chain.head(), reorgs: 0, problem: null });
      expect(await count(o, "assets")).to.equal(assets + 3);
    });

    it("should still see a reorg below a node's lower head (a differing hash), and roll back to it", async () => {
      const chain = createFakeChain();
      mineScenario(chain, 30);
      const s = syncOn(chain, o);
      await s.init();
      await stepUntilIdle(s);
      const fork = chain.head() - 10;
      chain.reorgTo(fork);
      mineScenario(chain, 2, 7); // a shorter branch: its head is below the indexed block
      expect(chain.head()).to.be.lessThan(s.status().indexedBlock);
      expect(await s.step()).to.equal("reorg");
      expect(s.status().indexedBlock).to.be.at.most(fork);
      await stepUntilIdle(s);
      const honest = await createIndexer(common, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
      await honest.catchUp();
      expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await dumpTables(ref.db, COMPARED));
    });

    it("should roll a reorg deeper than the kept window back to a verified anchor, not to the start, and serve the rows below it meanwhile", async () => {
      const chain = createFakeChain();
      mineScenario(chain, 200); // ~270 blocks
      const s = syncOn(chain, o, 16);
      await s.init();
      await stepUntilIdle(s);
      const fork = chain.head() - 100;
      const kept = await o.db.all<{ block_number: number }>("SELECT block_number FROM block_hashes ORDER BY block_number");
      expect(kept.length).to.be.lessThan(40); // pruned to the window and the anchors
      chain.reorgTo(fork);
      mineScenario(chain, 80, 3);
      expect(await s.step()).to.equal("reorg");
      const after = s.status().indexedBlock;
      expect(after).to.be.at.most(fork);
      expect(after).to.be.greaterThan(fork - 64 - 1);
      expect(after % 64).to.equal(0);
      const below = await o.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM assets WHERE block_number <= ?", [after]);
      expect(below!.n).to.be.greaterThan(80);
      await stepUntilIdle(s);
      const honest = await createIndexer(common, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
      await honest.catchUp();
      expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await dumpTables(ref.db, COMPARED));
    });
  });
}

describe("indexer/reorg anchors", () => {
  it("should binary-search the anchors below the kept window in O(log n) header requests", async () => {
    const { findCommonAncestor } = await import("../../../service/src/indexer/reorg");
    const H = (n: number, b: string): string => `0x${b.repeat(2)}${n.toString(16).padStart(62, "0")}`;
    const kept: KeptBlock[] = [];
    for (let n = 64; n < 100_000; n += 64) kept.push({ blockNumber: n, blockHash: H(n, "a"), parentHash: "", blockTime: n });
    for (let n = 100_000; n <= 100_100; n++) kept.push({ blockNumber: n, blockHash: H(n, "a"), parentHash: "", blockTime: n });
    const forkAt = 31_000;
    let requests = 0;
    const store = {
      keptBlocks: async (_c: number, atOrBelow: number, limit: number) => kept.filter((k) => k.blockNumber <= atOrBelow).reverse().slice(0, limit),
    };
    const rpc = {
      eth_getBlocksOrNull: async (ns: readonly number[]) => {
        requests++;
        return ns.map((n) => ({ number: n, hash: H(n, n <= forkAt ? "a" : "b"), parentHash: "", timestamp: 0, logsBloom: "" }));
      },
    };
    const found = await findCommonAncestor(
      { store: store as never, rpc: rpc as never, chainId: 1, startBlock: 1, keep: 128, log: createSilentLogger() },
      100_099,
    );
    expect(found?.blockNumber).to.equal(Math.floor(forkAt / 64) * 64);
    expect(requests).to.be.lessThan(30);
  });
});
