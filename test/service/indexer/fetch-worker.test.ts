import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer, type ChainParams } from "../../../service/src/indexer";
import { createWorkerFetch } from "../../../service/src/indexer/fetch-worker";
import { RangeChangedError, ReorgDetectedError } from "../../../service/src/indexer/fetch-range";
import { IncompleteLogsError } from "../../../service/src/indexer/range-check";
import { INDEXED_TABLES } from "../../../service/src/store";
import { BACKENDS, dumpTables, type OpenedDb } from "../../helpers/backends";
import { createFakeChain, recordHeaderReads, type FakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";

const common = { logger: createSilentLogger() };
const COMPARED = INDEXED_TABLES.filter((t) => t !== "block_hashes");
/** The whole range in the reorg window: every header read. */
const IN_WINDOW = { through: -1, anchorEvery: 64 };

/** The fake chain behind a real HTTP JSON-RPC endpoint (the worker reads it over HTTP, like a node). */
async function serveChain(chain: FakeChain): Promise<{ url: string; close: () => void }> {
  type Req = { id: number; method: string; params: unknown[] };
  const answer = async (r: Req): Promise<unknown> => {
    try {
      return { jsonrpc: "2.0", id: r.id, result: await chain.transport.request(r.method, r.params) };
    } catch (e) {
      const err = e as { code?: number; message: string };
      return { jsonrpc: "2.0", id: r.id, error: { code: err.code ?? -32603, message: err.message } };
    }
  };
  const server = http.createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => {
      const body = JSON.parse(b) as Req | Req[];
      void (Array.isArray(body) ? Promise.all(body.map(answer)) : answer(body)).then((out) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(out));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe("indexer/fetch-worker (ranges read, decoded and mapped in a worker thread)", function () {
  this.timeout(60_000);

  it("should rebuild the fetch errors as their classes, with their fields", async () => {
    const chain = createFakeChain();
    mineScenario(chain, 3);
    const node = await serveChain(chain);
    const w = createWorkerFetch({ chainId: chain.chainId, rpcUrl: node.url, addresses: CONTRACTS.map((c) => c.address), retry: { retries: 0 } });
    try {
      await w.ready();
      const r = await w.fetch(undefined, 0, chain.head(), IN_WINDOW);
      expect(r.logCount).to.be.greaterThan(0);
      expect(r.events).to.deep.equal([]);
      expect([...r.rows!.keys()]).to.include("assets");
      let e: unknown;
      await w.fetch({ blockNumber: 1, blockHash: "0x" + "ab".repeat(32) }, 2, chain.head(), IN_WINDOW).catch((x: unknown) => (e = x));
      expect(e).to.be.instanceOf(ReorgDetectedError);
      expect(e).to.include({ blockNumber: 1, expected: "0x" + "ab".repeat(32), actual: chain.hashOf(1) });
      e = undefined;
      await w.fetch(undefined, chain.head() + 5, chain.head() + 6, IN_WINDOW).catch((x: unknown) => (e = x));
      expect(e).to.be.instanceOf(RangeChangedError);
      // a node answering eth_getLogs empty: the worker checks the blooms too, and the refusal crosses with its blocks
      chain.afterCall = (method, _p, result) => (method === "eth_getLogs" ? [] : result);
      e = undefined;
      await w.fetch(undefined, 0, chain.head(), IN_WINDOW).catch((x: unknown) => (e = x));
      expect(e).to.be.instanceOf(IncompleteLogsError);
      expect((e as IncompleteLogsError).from).to.equal(0);
      expect((e as IncompleteLogsError).blocks.length).to.be.greaterThan(0);
      chain.afterCall = undefined;
      // below the reorg window the worker reads only the headers the answer needs: the genesis block (no logs) and
      // the last block, before and after the logs
      chain.logTimestamps = true;
      const asked = recordHeaderReads(chain);
      const settled = await w.fetch(undefined, 0, chain.head(), { through: chain.head(), anchorEvery: 64 });
      expect(settled.logCount).to.equal(r.logCount);
      expect(asked.sort((x, y) => x - y)).to.deep.equal([0, chain.head(), chain.head()]);
    } finally {
      await w.close();
      node.close();
    }
  });

  for (const backend of BACKENDS) {
    describe(`on ${backend.name}`, () => {
      let a: OpenedDb;
      let b: OpenedDb;
      beforeEach(async () => {
        a = await backend.open();
        b = await backend.open();
      });
      afterEach(async () => {
        await a.cleanup();
        await b.cleanup();
      });

      it("should write exactly what the main thread writes, also across a reorg", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 8);
        const node = await serveChain(chain);
        const params = (fetchInWorker: boolean): ChainParams => ({ chainId: chain.chainId, rpcUrl: node.url, contracts: CONTRACTS, initialRange: 3, fetchInWorker });
        const inWorker = await createIndexer(common, { db: a.db, chains: [params(true)] });
        const onMain = await createIndexer(common, { db: b.db, chains: [params(false)] });
        try {
          await inWorker.catchUp();
          // replace the last blocks: the worker's range on top of the old tip must come back as a reorg
          chain.reorgTo(chain.head() - 3);
          mineScenario(chain, 2, 100);
          await inWorker.catchUp();
          await onMain.catchUp();
          expect(inWorker.status().chains[0].reorgs).to.equal(1);
          expect(inWorker.status().chains[0].indexedBlock).to.equal(chain.head());
          expect(await dumpTables(a.db, COMPARED)).to.deep.equal(await dumpTables(b.db, COMPARED));
        } finally {
          await inWorker.stop();
          await onMain.stop();
          node.close();
        }
      });
    });
  }
});
