import { expect } from "chai";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer, type ChainParams } from "../../../service/src/indexer";
import { createDecoder } from "../../../service/src/chain/decoder";
import { createRpc, type RawLog } from "../../../service/src/chain/rpc";
import { fetchRange, RangeChangedError, type SettledPart } from "../../../service/src/indexer/fetch-range";
import { HANDLED_EVENTS } from "../../../service/src/indexer/handlers";
import { INDEXED_TABLES } from "../../../service/src/store";
import { BACKENDS, dumpTables, openPerTest } from "../../helpers/backends";
import { createFakeChain, recordHeaderReads, type FakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";

const common = { logger: createSilentLogger() };
const ADDRESSES = [...new Set(CONTRACTS.map((c) => c.address.toLowerCase()))];
const RANGE = 10;
const params = (chain: FakeChain): ChainParams => ({ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS, initialRange: RANGE, maxRange: RANGE });

/** A chain whose events (with empty blocks between them) lie below the reorg window: 300 empty blocks on top. */
function settledChain(logTimestamps: boolean): FakeChain {
  const chain = createFakeChain();
  chain.logTimestamps = logTimestamps;
  mineScenario(chain, 20);
  chain.mineEmpty(5);
  mineScenario(chain, 12, 1);
  chain.mineEmpty(300);
  return chain;
}

/** Blocks holding a followed contract's log, read from the node. */
async function blocksWithLogs(chain: FakeChain): Promise<Set<number>> {
  const logs = await chain.transport.request<RawLog[]>("eth_getLogs", [{ address: ADDRESSES, fromBlock: "0x0", toBlock: "0x" + chain.head().toString(16) }]);
  return new Set(logs.map((l) => Number(l.blockNumber)));
}

describe("indexer/fetch-range", () => {
  describe("below the reorg window", () => {
    const rpcOf = (chain: FakeChain) => createRpc(chain.transport, { retries: 0 });
    const decoder = createDecoder(HANDLED_EVENTS);
    const settled = (chain: FakeChain): SettledPart => ({ through: chain.head(), anchorEvery: 64 });
    const read = (chain: FakeChain, from: number, to: number) =>
      fetchRange(rpcOf(chain), decoder, ADDRESSES, new Set(ADDRESSES), from > 0 ? { blockNumber: from - 1, blockHash: chain.hashOf(from - 1) } : undefined, from, to, { settled: settled(chain) });

    it("should read the ends, the anchors and the blocks without logs, and take the others' hash and time from their logs", async () => {
      const chain = settledChain(true);
      const withLogs = await blocksWithLogs(chain);
      const asked = recordHeaderReads(chain);
      const r = await read(chain, 1, 70);
      const expected = new Set([0, 64, 70]); // the base, the anchor, the last block (read twice)
      for (let n = 1; n <= 70; n++) if (!withLogs.has(n)) expected.add(n);
      expect(new Set(asked)).to.deep.equal(expected);
      expect(asked.filter((n) => n === 70)).to.have.length(2);
      expect(r.logCount).to.be.greaterThan(40);
      // every block with logs has its time, as the chain has it (the fake chain's blocks are 12 s apart)
      for (const n of withLogs) if (n <= 70) expect(r.blockTimes.get(n)).to.equal(1_767_225_600 + n * 12);
      expect([...r.headers.keys()].every((n) => expected.has(n))).to.equal(true);
    });

    it("should read every header in the reorg window, and the headers of blocks whose logs carry no time", async () => {
      const chain = settledChain(false);
      const asked = recordHeaderReads(chain);
      await read(chain, 1, 70);
      for (let n = 0; n <= 70; n++) expect(asked).to.include(n);
      const inWindow = createFakeChain();
      inWindow.logTimestamps = true;
      mineScenario(inWindow, 20);
      const asked2 = recordHeaderReads(inWindow);
      await fetchRange(rpcOf(inWindow), decoder, ADDRESSES, new Set(ADDRESSES), undefined, 0, 20, { settled: { through: 19, anchorEvery: 64 } });
      expect(new Set(asked2)).to.deep.equal(new Set(Array.from({ length: 21 }, (_, n) => n)));
    });

    it("should read the range again when its last block changed while the logs were read", async () => {
      const chain = settledChain(true);
      let reads = 0;
      chain.afterCall = (method, p, result) =>
        method === "eth_getBlockByNumber" && Number(p[0]) === 70 && ++reads === 2 ? { ...(result as object), hash: "0x" + "cd".repeat(32) } : result;
      const e = await read(chain, 1, 70).then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(RangeChangedError);
      expect((e as Error).message).to.match(/block 70 changed while the logs of 1-70 were read/);
    });

    it("should refuse logs of one block that name two block hashes, and a log whose block header disagrees", async () => {
      const chain = settledChain(true);
      const withLogs = [...(await blocksWithLogs(chain))].filter((n) => n % 64 !== 0 && n < 70);
      const forged = "0x" + "ee".repeat(32);
      // the second log of a block with several: another hash
      chain.afterCall = (method, _p, result) => {
        if (method !== "eth_getLogs") return result;
        const logs = result as RawLog[];
        const i = logs.findIndex((l, k) => k > 0 && logs[k - 1].blockNumber === l.blockNumber && Number(l.blockNumber) === withLogs[3]);
        return logs.map((l, k) => (k === i ? { ...l, blockHash: forged } : l));
      };
      const e = await read(chain, 1, 70).then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(RangeChangedError);
      expect((e as Error).message).to.match(new RegExp(`the logs of block ${withLogs[3]} name two block hashes`));

      // no time on a block's logs: its header is read, and must hold the logs' hash
      chain.afterCall = (method, _p, result) =>
        method === "eth_getLogs"
          ? (result as RawLog[]).map((l) => (Number(l.blockNumber) === withLogs[5] ? { ...l, blockTimestamp: undefined, blockHash: forged } : l))
          : result;
      const e2 = await read(chain, 1, 70).then(() => undefined, (x: unknown) => x);
      expect(e2).to.be.instanceOf(RangeChangedError);
      expect((e2 as Error).message).to.match(new RegExp(`log ${withLogs[5]}/\\d+ is not in the canonical block`));
    });

    it("should take a block's time from its header when its logs disagree on it", async () => {
      const chain = settledChain(true);
      const withLogs = [...(await blocksWithLogs(chain))].filter((n) => n > 0 && n < 70 && n % 64 !== 0);
      const target = withLogs[2];
      chain.afterCall = (method, _p, result) =>
        method === "eth_getLogs"
          ? (result as RawLog[]).map((l, k) => (Number(l.blockNumber) === target && k % 2 === 0 ? { ...l, blockTimestamp: "0x1" } : l))
          : result;
      const asked = recordHeaderReads(chain);
      const r = await read(chain, 1, 70);
      expect(asked).to.include(target);
      expect(r.blockTimes.get(target)).to.equal(1_767_225_600 + target * 12);
    });

    it("should refuse a log outside the range asked for", async () => {
      const chain = settledChain(true);
      const outside = 75; // on the chain, not in the range
      chain.afterCall = (method, _p, result) => {
        if (method !== "eth_getLogs") return result;
        const logs = result as RawLog[];
        return [...logs, { ...logs[logs.length - 1], blockNumber: "0x" + outside.toString(16) }];
      };
      const e = await read(chain, 1, 70).then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(RangeChangedError);
      expect((e as Error).message).to.match(new RegExp(`log ${outside}/\\d+ is outside the range 1-70`));
    });
  });

  for (const backend of BACKENDS) {
    describe(`a backfill below the reorg window (${backend.name})`, function () {
      this.timeout(60_000);
      const open = openPerTest(backend);

      it("should write exactly what reading every header writes, with every anchor and the window kept, reading fewer headers", async () => {
        const [o, ref] = [await open(), await open()];
        const chain = settledChain(true);
        const asked = recordHeaderReads(chain);
        const indexer = await createIndexer(common, { db: o.db, chains: [params(chain)] });
        await indexer.catchUp();
        const askedBelow = [...asked];
        // the same chain with every block in the window: every header read
        asked.length = 0;
        const reference = await createIndexer(common, { db: ref.db, chains: [{ ...params(chain), keepBlocks: 100_000 }] });
        await reference.catchUp();
        expect(asked.length).to.be.greaterThan(chain.head());
        const withLogs = await blocksWithLogs(chain);
        expect(withLogs.size).to.be.greaterThan(40);
        // below the window no header of a block with logs is read but the ranges' ends (from block 1, 10 blocks
        // each) and the anchors
        const window = chain.head() - 128;
        const needless = askedBelow.filter((n) => n <= window && withLogs.has(n) && n % RANGE !== 0 && n % 64 !== 0);
        expect(needless).to.deep.equal([]);
        expect(askedBelow.length).to.be.lessThan(asked.length);
        const tables = INDEXED_TABLES.filter((t) => t !== "block_hashes");
        expect(await dumpTables(o.db, tables)).to.deep.equal(await dumpTables(ref.db, tables));
        // the kept hashes a reorg search needs: every block of the window and every anchor, as the chain has them
        const kept = (await o.db.all<{ block_number: number; block_hash: string }>("SELECT block_number, block_hash FROM block_hashes")).map(
          (b) => [Number(b.block_number), b.block_hash] as const,
        );
        for (const [n, hash] of kept) expect(hash).to.equal(chain.hashOf(n));
        const numbers = new Set(kept.map(([n]) => n));
        for (let n = 64; n <= chain.head(); n += 64) expect(numbers.has(n), `anchor ${n}`).to.equal(true);
        for (let n = window + 1; n <= chain.head(); n++) expect(numbers.has(n), `block ${n}`).to.equal(true);
        expect(indexer.status().chains[0].indexedBlock).to.equal(chain.head());
      });
    });
  }
});
