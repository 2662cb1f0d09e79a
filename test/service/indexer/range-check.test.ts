import { expect } from "chai";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer, type ChainParams } from "../../../service/src/indexer";
import type { BlockHeader, Rpc } from "../../../service/src/chain/rpc";
import { addressBloom, IncompleteLogsError, RangeChangedError, verifyRange } from "../../../service/src/indexer/range-check";
import { INDEXED_TABLES } from "../../../service/src/store";
import { BACKENDS, dumpTables, type OpenedDb } from "../../helpers/backends";
import { createFakeChain, logsBloomOf, type FakeChain } from "../../helpers/fake-chain";
import { ADDR, CONTRACTS, L, account, mineScenario } from "../../helpers/fake-scenario";

const common = { logger: createSilentLogger() };
const COMPARED = INDEXED_TABLES.filter((t) => t !== "block_hashes");
const params = (chain: FakeChain, extra: Partial<ChainParams> = {}): ChainParams => ({
  chainId: chain.chainId,
  transport: chain.transport,
  contracts: CONTRACTS,
  initialRange: 4,
  maxRange: 4,
  ...extra,
});
const count = async (o: OpenedDb, table: string): Promise<number> => (await o.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;

describe("indexer/range-check", () => {
  describe("addressBloom", () => {
    it("should match a bloom built from a log of the address and not one built from other addresses only", () => {
      const bloom = addressBloom([ADDR.registry]);
      expect(bloom.mayContain(logsBloomOf([L.onboarded(account(1), account(2))].map((l) => ({ ...l, address: ADDR.registry }))))).to.equal(true);
      expect(bloom.mayContain(logsBloomOf([]))).to.equal(false);
      expect(bloom.mayContain(logsBloomOf([L.stranger()]))).to.equal(false);
    });

    it("should treat a missing or malformed bloom as a possible match", () => {
      expect(addressBloom([ADDR.registry]).mayContain("")).to.equal(true);
      expect(addressBloom([ADDR.registry]).mayContain("0x1234")).to.equal(true);
    });
  });

  describe("verifyRange", () => {
    // block 7's bloom names the registry, the answer has no log there: a suspect, settled by its receipts
    const suspectBloom = logsBloomOf([{ ...L.onboarded(account(1), account(2)), address: ADDR.registry }]);
    const header = (n: number, hash: string): BlockHeader => ({ number: n, hash, parentHash: "0x" + "0".repeat(64), timestamp: 0, logsBloom: suspectBloom });
    const rpcAnswering = (receipts: unknown): Rpc =>
      ({ transport: { request: async () => receipts, batch: async () => [] } }) as unknown as Rpc;
    const hashA = "0x" + "a".repeat(64);
    const hashB = "0x" + "b".repeat(64);
    const run = (receipts: unknown): Promise<void> =>
      verifyRange(rpcAnswering(receipts), new Set([ADDR.registry]), addressBloom([ADDR.registry]), 7, 7, new Map([[7, header(7, hashA)]]), []);

    it("should take a suspect's receipts without a followed log as a bloom false positive", async () => {
      await run([{ blockHash: hashA, logs: [] }]);
    });

    it("should refuse the answer when a suspect's receipts hold a followed log", async () => {
      const e = await run([{ blockHash: hashA, logs: [{ address: ADDR.registry }] }]).then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(IncompleteLogsError);
    });

    it("should read the range again when a suspect's receipts are another block's than the header checked", async () => {
      // the headers and the logs are read at once: a block replaced in between must not pass as a false positive
      const e = await run([{ blockHash: hashB, logs: [] }]).then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(RangeChangedError);
    });
  });

  for (const backend of BACKENDS) {
    describe(`empty or short eth_getLogs answers (${backend.name})`, function () {
      this.timeout(60_000);
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

      // below the reorg window a range reads the headers of the blocks without logs only (fetch-range.ts)
      for (const below of [false, true]) {
        it(`should refetch a range answered empty and index exactly what an honest node gives (${below ? "below" : "in"} the reorg window)`, async () => {
          const chain = createFakeChain();
          mineScenario(chain, 30);
          if (below) {
            chain.mineEmpty(300);
            chain.logTimestamps = true;
          }
          const honest = await createIndexer(common, { db: ref.db, chains: [params(chain)] });
          await honest.catchUp();
          let n = 0;
          chain.afterCall = (method, _p, result) => (method === "eth_getLogs" && n++ % 3 === 0 ? [] : result);
          const lied = await createIndexer(common, { db: o.db, chains: [params(chain)] });
          await lied.catchUp();
          expect(n).to.be.greaterThan(5);
          expect(lied.status().chains[0].indexedBlock).to.equal(chain.head());
          expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await dumpTables(ref.db, COMPARED));
        });
      }

      it("should refetch a short answer (the logs of the range's last blocks cut off)", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 30);
        const honest = await createIndexer(common, { db: ref.db, chains: [params(chain)] });
        await honest.catchUp();
        // every other answer for the same range is cut (counted per range: several ranges are in flight at once)
        const asked = new Map<string, number>();
        const firstBlockOnly = (logs: { blockNumber: string }[]): unknown[] => logs.filter((l) => l.blockNumber === logs[0].blockNumber);
        chain.afterCall = (method, p, result) => {
          if (method !== "eth_getLogs") return result;
          const f = p[0] as { fromBlock: string; toBlock: string };
          const key = `${f.fromBlock}-${f.toBlock}`;
          const n = asked.get(key) ?? 0;
          asked.set(key, n + 1);
          return n % 2 === 0 ? firstBlockOnly(result as { blockNumber: string }[]) : result;
        };
        const lied = await createIndexer(common, { db: o.db, chains: [params(chain)] });
        await lied.catchUp();
        expect([...asked.values()].some((n) => n > 1)).to.equal(true); // some range was cut and asked again
        expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await dumpTables(ref.db, COMPARED));
      });

      it("should never advance past a range a node keeps answering empty, and say so on the status", async () => {
        const chain = createFakeChain();
        chain.mine([L.onboarded(account(1), account(5))]);
        chain.mine([L.onboarded(account(2), account(5))]);
        chain.mineEmpty(3);
        chain.afterCall = (method, p, result) => {
          const f = (p[0] ?? {}) as { fromBlock?: string };
          return method === "eth_getLogs" && Number(f.fromBlock) <= 2 && Number(f.fromBlock) >= 1 && (result as unknown[]).length > 0 ? [] : result;
        };
        const indexer = await createIndexer(common, { db: o.db, chains: [params(chain, { initialRange: 1 })] });
        let err: unknown;
        try {
          await indexer.catchUp();
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(IncompleteLogsError);
        expect((err as IncompleteLogsError).blocks).to.deep.equal([1]);
        expect(await o.db.get("SELECT block_number FROM checkpoints")).to.equal(undefined);
        expect(await count(o, "merchants")).to.equal(0);

        indexer.start();
        for (let i = 0; i < 300 && indexer.status().chains[0].problem === null; i++) await new Promise((r) => setTimeout(r, 10));
        await indexer.stop();
        const st = indexer.status().chains[0];
        expect(st.problem).to.match(/range 1-1 not written/);
        expect(st.lastError).to.match(/answered empty or short/);
        expect(st.indexedBlock).to.equal(0);

        chain.afterCall = undefined; // the node recovers: everything is indexed
        await indexer.catchUp();
        expect(await count(o, "merchants")).to.equal(2);
        expect(indexer.status().chains[0].problem).to.equal(null);
      });

      it("should accept a bloom false positive once the block's receipts show no followed log", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 6);
        const full = "0x" + "ff".repeat(256);
        chain.afterCall = (method, _p, result) =>
          method === "eth_getBlockByNumber" && result ? { ...(result as object), logsBloom: full } : result;
        chain.mineEmpty(5);
        const indexer = await createIndexer(common, { db: o.db, chains: [params(chain)] });
        await indexer.catchUp();
        expect(indexer.status().chains[0].indexedBlock).to.equal(chain.head());
        expect(chain.calls.eth_getBlockReceipts).to.be.greaterThanOrEqual(5);
        expect(await count(o, "assets")).to.equal(6);
      });
    });
  }
});
