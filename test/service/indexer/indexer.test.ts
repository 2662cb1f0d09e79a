import { expect } from "chai";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer, type ChainParams } from "../../../service/src/indexer";
import { INDEXED_TABLES } from "../../../service/src/store";
import { RetryableError } from "../../../service/src/errors";
import { BACKENDS, dumpTables, type OpenedDb } from "../../helpers/backends";
import { createFakeChain, type FakeChain } from "../../helpers/fake-chain";
import { ADDR, CONTRACTS, L, account, mineScenario, word } from "../../helpers/fake-scenario";

const common = { logger: createSilentLogger() };
const COMPARED = INDEXED_TABLES.filter((t) => t !== "block_hashes");
const chainParams = (chain: FakeChain, extra: Partial<ChainParams> = {}): ChainParams => ({
  chainId: chain.chainId,
  transport: chain.transport,
  contracts: CONTRACTS,
  ...extra,
});
const count = async (o: OpenedDb, table: string): Promise<number> =>
  (await o.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
const fastRetry = { retries: 3, baseDelayMs: 1, maxDelayMs: 5 };

for (const backend of BACKENDS) {
  describe(`indexer on a fake chain (${backend.name})`, function () {
    this.timeout(60_000);
    let o: OpenedDb;
    const extra: OpenedDb[] = [];
    beforeEach(async () => {
      o = await backend.open();
    });
    afterEach(async () => {
      await o.cleanup();
      for (const e of extra.splice(0)) await e.cleanup();
    });

    describe("backfill", () => {
      it("should index every followed log once, and none of other addresses", async () => {
        const chain = createFakeChain();
        const logs = mineScenario(chain, 12);
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
        await indexer.catchUp();
        const st = indexer.status().chains[0];
        expect(st.indexedBlock).to.equal(chain.head());
        expect(st.eventsIndexed).to.equal(logs);
        expect(await count(o, "assets")).to.equal(12);
        expect(await count(o, "asset_parents")).to.equal(11);
        expect(await count(o, "trades")).to.equal(4);
        expect(await count(o, "recognitions")).to.equal(0); // the stranger's MerchantRecognised logs are ignored
        expect(await count(o, "other_events")).to.equal(0);
        // a second catch-up finds nothing new and duplicates nothing
        await indexer.catchUp();
        expect(await count(o, "assets")).to.equal(12);
      });

      it("should pair each trade's Transfer with its HoldingTransferred", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 6);
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
        await indexer.catchUp();
        const rows = await o.db.all<{ kind: string; trade_id: string | null; to_address: string }>(
          "SELECT kind, trade_id, to_address FROM holdings ORDER BY block_number, log_index",
        );
        expect(rows.filter((r) => r.kind === "mint")).to.have.length(6);
        const trades = rows.filter((r) => r.kind === "trade");
        expect(trades).to.have.length(2);
        expect(trades[0].trade_id).to.match(/^0x[0-9a-f]{64}$/);
        expect(trades[0].to_address).to.equal(account(0x303));
      });

      it("should store values in the documented encodings", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 3);
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
        await indexer.catchUp();
        const a = await o.db.get<Record<string, unknown>>("SELECT * FROM assets ORDER BY block_number LIMIT 1");
        expect(a).to.include({ chain_id: 31337, contract: ADDR.registry, kind: "resource", source: "enterprise", level: "general", exchange_code: "SHDE", sequence: 1, consent_digest: null, parent_count: 0 });
        expect(a!.asset_id).to.equal(word("asset:0:1"));
        expect(a!.registration_number).to.match(/^SHDE-2026-RE-00000001-[0-9A-Z]$/);
        const t = await o.db.get<Record<string, unknown>>("SELECT * FROM trades");
        expect(t).to.include({ price: "3000", currency: "CNY", confidential: 0, price_commitment: null, linked_trade_id: null, right: "holding", venue: "on-exchange", licence_id: null });
        const e = await o.db.get<Record<string, unknown>>("SELECT * FROM exchanges");
        expect(e).to.include({ code: "SHDE", name: "上海数据交易所" });
      });
    });

    describe("block times and headers", () => {
      it("should read every block's header (its logsBloom is checked) and take block times from the headers, not from the logs' blockTimestamp", async () => {
        const chain = createFakeChain();
        chain.logTimestamps = true;
        for (let i = 0; i < 30; i++) chain.mine([L.onboarded(account(1000 + i), account(5))]);
        chain.mineEmpty(20);
        // a node whose blockTimestamp is wrong: the times written must still be the headers'
        chain.afterCall = (method, _params, result) =>
          method === "eth_getLogs" ? (result as { blockTimestamp?: string }[]).map((l) => ({ ...l, blockTimestamp: "0x1" })) : result;
        const ix = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { initialRange: 10 })] });
        await ix.catchUp();
        expect(ix.status().chains[0].indexedBlock).to.equal(chain.head());
        // every block of every range, the 20 empty ones included (the bloom check), plus the range ends
        expect(chain.calls.eth_getBlockByNumber).to.be.at.least(chain.head());
        expect(await count(o, "merchants")).to.equal(30);
        const times = await o.db.all<{ block_number: number; block_time: number }>("SELECT block_number, block_time FROM merchants");
        for (const t of times) expect(t.block_time).to.equal(1_767_225_600 + t.block_number * 12);
      });

      it("should read a range again when the chain changes while its logs are read, also with timestamps in the logs", async () => {
        const chain = createFakeChain();
        chain.logTimestamps = true;
        mineScenario(chain, 3);
        let swapped = false;
        chain.beforeCall = (method) => {
          // the first getLogs is answered from a branch the node then abandons: the range's last block changes
          if (method === "eth_getLogs" && !swapped) {
            swapped = true;
            const head = chain.head();
            chain.reorgTo(head - 1);
            chain.mineEmpty(1);
          }
        };
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)], rpcRetry: fastRetry });
        await indexer.catchUp();
        expect(indexer.status().chains[0].indexedBlock).to.equal(chain.head());
        expect(await count(o, "assets")).to.equal(3);
      });
    });

    describe("joined commits", () => {
      it("should commit ranges fetched ahead together, and resume exactly after a failed joined write", async () => {
        const chain = createFakeChain();
        for (let i = 0; i < 60; i++) chain.mine([L.onboarded(account(1000 + i), account(5))]);
        let failOnce = true;
        const writes: number[] = [];
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { initialRange: 5, maxRange: 5, rangesInFlight: 4, maxLogsPerCommit: 12 })], rpcRetry: fastRetry });
        const write = indexer.store.writeRange.bind(indexer.store);
        indexer.store.writeRange = async (w) => {
          if (failOnce && w.checkpoint.blockNumber > 30) {
            failOnce = false;
            throw new RetryableError("disk full");
          }
          writes.push(w.checkpoint.blockNumber);
          return write(w);
        };
        indexer.start();
        for (let i = 0; i < 500 && indexer.status().chains[0].indexedBlock < chain.head(); i++) await new Promise((r) => setTimeout(r, 10));
        await indexer.stop();
        expect(failOnce).to.equal(false);
        expect(await count(o, "merchants")).to.equal(60);
        const ids = await o.db.all<{ merchant: string }>("SELECT merchant FROM merchants");
        expect(new Set(ids.map((r) => r.merchant)).size).to.equal(60);
        // some writes held more than one 5-block range, none more than 12 logs
        const spans = writes.map((b, i) => b - (i ? writes[i - 1] : 0));
        expect(Math.max(...spans.slice(1))).to.be.greaterThan(5);
        expect(Math.max(...spans.slice(1))).to.be.at.most(12);
      });
    });

    describe("live following", () => {
      it("should follow new blocks after catching up, and report status", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 3);
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { confirmations: 2 })], pollIntervalMs: 10 });
        indexer.start();
        const waitFor = async (block: number) => {
          for (let i = 0; i < 500 && indexer.status().chains[0].indexedBlock < block; i++) await new Promise((r) => setTimeout(r, 10));
        };
        await waitFor(chain.head());
        chain.mine([L.onboarded(account(4242), account(5))]);
        chain.mineEmpty(3);
        await waitFor(chain.head());
        await indexer.stop();
        const st = indexer.status().chains[0];
        expect(st).to.include({ indexedBlock: chain.head(), chainHead: chain.head(), lag: 0, finalizedBlock: chain.head() - 2, confirmations: 2, state: "stopped", lastError: null });
        expect(st.lastProgressAt).to.be.a("number");
        expect(await o.db.get("SELECT merchant FROM merchants WHERE merchant = ?", [account(4242)])).to.deep.equal({ merchant: account(4242) });
        const cp = await o.db.get<{ block_number: number; head_block: number; finalized_block: number }>("SELECT * FROM checkpoints");
        expect(cp).to.include({ block_number: chain.head(), finalized_block: chain.head() - 2 });
      });
    });

    describe("adaptive ranges", () => {
      it("should shrink when the node refuses too many results, and lose nothing", async () => {
        const chain = createFakeChain();
        for (let i = 0; i < 40; i++) chain.mine([L.onboarded(account(1000 + i), account(5)), L.onboarded(account(2000 + i), account(5)), L.onboarded(account(3000 + i), account(5))]);
        chain.mineEmpty(200);
        chain.maxLogs = 10;
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { initialRange: 100 })] });
        await indexer.catchUp();
        expect(await count(o, "merchants")).to.equal(120);
        const st = indexer.status().chains[0];
        expect(st.indexedBlock).to.equal(chain.head());
        expect(st.rangeSize).to.be.greaterThan(3); // grew again over the empty blocks
      });

      it("should start with a one-block probe and size the next ranges from its density, unrefused (no initialRange)", async () => {
        const chain = createFakeChain();
        // 4 followed logs a block; a node that refuses answers of more than 20 logs (as public nodes refuse large ones)
        for (let i = 0; i < 60; i++) chain.mine([0, 1, 2, 3].map((k) => L.onboarded(account(1000 + 4 * i + k), account(5))));
        chain.maxLogs = 20;
        const asked: [number, number][] = [];
        chain.beforeCall = (method, params) => {
          if (method !== "eth_getLogs") return;
          const f = params[0] as { fromBlock: string; toBlock: string };
          asked.push([Number(f.fromBlock), Number(f.toBlock)]);
        };
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { targetLogsPerRange: 16 })] });
        await indexer.catchUp();
        expect(await count(o, "merchants")).to.equal(240);
        expect(asked[0]).to.deep.equal([1, 1]); // the probe: the start block alone
        // 4 logs in one block: half the 16-log target is 2 blocks
        expect(asked[1]).to.deep.equal([2, 3]);
        // no range was ever refused: none asked for more than 20 logs' worth of blocks (with a fixed first range of
        // 1,000 blocks, eight were refused before the first rows: the whole chain five times, then 31, 15 and 7 blocks)
        for (const [from, to] of asked) expect(4 * (to - from + 1)).to.be.at.most(20);
      });

      it("should stop and report when even one block is refused, never skipping it", async () => {
        const chain = createFakeChain();
        chain.mine([L.onboarded(account(1), account(5))]);
        chain.mine([L.onboarded(account(2), account(5)), L.onboarded(account(3), account(5)), L.onboarded(account(4), account(5))]);
        chain.mine([L.onboarded(account(6), account(5))]);
        chain.maxLogs = 2;
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { initialRange: 1 })] });
        indexer.start();
        for (let i = 0; i < 200 && indexer.status().chains[0].state !== "failed"; i++) await new Promise((r) => setTimeout(r, 10));
        await indexer.stop();
        const st = indexer.status().chains[0];
        expect(st.state).to.equal("failed");
        expect(st.lastError).to.match(/refuses even one block \(2\)/);
        expect(st.indexedBlock).to.equal(1);
        expect(await count(o, "merchants")).to.equal(1);
      });
    });

    describe("retries", () => {
      it("should retry transient RPC faults with backoff", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 4);
        let faults = 0;
        let calls = 0;
        chain.beforeCall = (method) => {
          if ((method === "eth_getLogs" || method === "eth_blockNumber") && faults < 6 && calls++ % 2 === 0) {
            faults++;
            throw new RetryableError("injected: connection reset");
          }
        };
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { initialRange: 2 })], rpcRetry: fastRetry });
        await indexer.catchUp();
        expect(faults).to.be.greaterThan(3);
        expect(await count(o, "assets")).to.equal(4);
      });

      it("should keep retrying a failing range (state retrying) and resume when the fault clears", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 4);
        let broken = true;
        chain.beforeCall = (method) => {
          if (broken && method === "eth_getLogs") throw new RetryableError("injected: node down");
        };
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)], rpcRetry: fastRetry, pollIntervalMs: 10 });
        const startedAt = Date.now();
        indexer.start();
        for (let i = 0; i < 100 && indexer.status().chains[0].state !== "retrying"; i++) await new Promise((r) => setTimeout(r, 10));
        const st = indexer.status().chains[0];
        expect(st.state).to.equal("retrying");
        expect(st.lastError).to.match(/node down/);
        expect(st.indexedBlock).to.equal(0);
        // /health times a retrying spell from stateSince; the head itself was still readable
        expect(st.stateSince).to.be.at.least(startedAt);
        expect(st.headCheckedAt).to.be.a("number").and.at.least(startedAt);
        broken = false;
        for (let i = 0; i < 300 && indexer.status().chains[0].indexedBlock < chain.head(); i++) await new Promise((r) => setTimeout(r, 10));
        await indexer.stop();
        expect(indexer.status().chains[0].indexedBlock).to.equal(chain.head());
        expect(await count(o, "assets")).to.equal(4);
      });
    });

    describe("reorgs", () => {
      async function cleanIndexOf(chain: FakeChain): Promise<Record<string, unknown[]>> {
        const fresh = await backend.open();
        extra.push(fresh);
        const ix = await createIndexer(common, { db: fresh.db, chains: [chainParams(chain)] });
        await ix.catchUp();
        return dumpTables(fresh.db, COMPARED);
      }

      it("should roll back a replaced branch and index the new one, equal to a clean index", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 6, 0);
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { initialRange: 3 })] });
        await indexer.catchUp();
        const before = await count(o, "assets");
        chain.reorgTo(4);
        mineScenario(chain, 5, 1);
        await indexer.catchUp();
        await indexer.catchUp();
        expect(indexer.status().chains[0].reorgs).to.be.greaterThan(0);
        expect(before).to.equal(6);
        expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await cleanIndexOf(chain));
      });

      it("should notice a reorg that shortens the chain below the indexed block", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 6, 0);
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
        await indexer.catchUp();
        chain.reorgTo(3);
        chain.mine([L.onboarded(account(77), account(5))]);
        await indexer.catchUp();
        await indexer.catchUp();
        expect(indexer.status().chains[0].indexedBlock).to.equal(4);
        expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await cleanIndexOf(chain));
      });

      it("should read a range again when the chain reorganises while it is being read", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 6, 0);
        let fired = false;
        chain.beforeCall = (method) => {
          if (method === "eth_getLogs" && !fired) {
            fired = true;
            chain.reorgTo(3); // between the tip check and the logs
            mineScenario(chain, 6, 3);
          }
        };
        const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { initialRange: 1000 })] });
        await indexer.catchUp();
        await indexer.catchUp();
        chain.beforeCall = undefined;
        expect(fired).to.equal(true);
        expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await cleanIndexOf(chain));
      });

      it("should survive a restart after a reorg (new process, same database)", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 5, 0);
        const first = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
        await first.catchUp();
        chain.reorgTo(2);
        mineScenario(chain, 4, 2);
        const db2 = await o.reopen();
        const second = await createIndexer(common, { db: db2, chains: [chainParams(chain)] });
        await second.catchUp();
        await second.catchUp();
        expect(await dumpTables(db2, COMPARED)).to.deep.equal(await cleanIndexOf(chain));
      });
    });
  });
}
