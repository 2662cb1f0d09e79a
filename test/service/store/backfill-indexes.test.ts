import { expect } from "chai";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { evaluateHealth, FIRST_BACKFILL_PROBLEM } from "../../../service/src/api/health";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer, type Indexer } from "../../../service/src/indexer";
import { INDEXED_TABLES, type Db } from "../../../service/src/store";
import type { IndexedTable } from "../../../service/src/store/schema";
import {
  buildDeferredIndexes,
  DEFERRED_INDEXES_KEY,
  deferIndexesIfEmpty,
  deferrableIndexes,
  dropDeferrableIndexes,
  indexesDeferred,
  WRITER_INDEXES,
} from "../../../service/src/store/backfill-indexes";
import { createIndexStore, toRowSet, type IndexStore, type StoreRow } from "../../../service/src/store/index-store";
import { currentIndexes } from "../../../service/src/store/migrations";
import { DERIVED_TABLES } from "../../../service/src/store/schema";
import { SQLITE_BACKFILL_CACHE_KIB, SQLITE_CACHE_KIB } from "../../../service/src/store/sqlite";
import { BACKENDS, dumpTables, openPerTest } from "../../helpers/backends";
import { catalogue } from "../../helpers/catalogue";
import { createFakeChain, type FakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";
import { quietLogger } from "../api/fixture";

/** Names of the store's secondary indexes (primary keys and SQLite's automatic indexes left out). */
async function indexNames(db: Db): Promise<Set<string>> {
  const rows =
    db.dialect === "sqlite"
      ? await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
      : await db.all<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey'");
  return new Set(rows.map((r) => r.name));
}

const TABLES = [...INDEXED_TABLES.filter((t) => t !== "block_hashes"), ...DERIVED_TABLES];

const hex = (n: number, bytes: number): string => "0x" + n.toString(16).padStart(bytes * 2, "0");
/** An `exchanges` row of block `block` (a table no other test here writes by hand). */
const exchangeRow = (block: number): StoreRow => ({
  chain_id: 31337, contract: hex(1, 20), block_number: block, log_index: 0, tx_hash: hex(block, 32), block_time: 1000 + block,
  exchange: hex(100 + block, 20), code: `X${block}`, name: `exchange ${block}`, regulator: hex(2, 20),
});
/** Writes `rows` of `exchanges` as the range ending at `block`. */
function writeExchanges(store: IndexStore, block: number, rows: StoreRow[]): Promise<void> {
  return store.writeRange({
    chainId: 31337,
    rows: new Map([["exchanges", toRowSet(rows)]]),
    blocks: [{ blockNumber: block, blockHash: hex(block, 32), parentHash: hex(block - 1, 32), blockTime: 1000 + block }],
    checkpoint: { chainId: 31337, blockNumber: block, blockHash: hex(block, 32), blockTime: 1000 + block, headBlock: block, finalizedBlock: block, confirmations: 0, updatedAt: 1 },
  });
}

/**
 * Indexes `chain` into `db`, then makes the store what a process killed during its first backfill leaves: rows, a
 * checkpoint, the record, the indexes missing.
 */
async function killDuringFirstBackfill(db: Db, chain: FakeChain): Promise<void> {
  await index(db, chain, false);
  await db.transaction(async (tx) => {
    for (const i of deferrableIndexes()) await tx.exec(`DROP INDEX IF EXISTS ${i.name}`);
    await tx.run("INSERT INTO meta (key, value) VALUES (?, 'test')", [DEFERRED_INDEXES_KEY]);
  });
}

/** An indexer of `chain`'s contracts into `db` (`deferIndexes`: the indexer's option, its default when undefined). */
function indexerOn(db: Db, chain: FakeChain, deferIndexes?: boolean): Promise<Indexer> {
  return createIndexer({ logger: createSilentLogger() }, {
    db,
    chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }],
    ...(deferIndexes === undefined ? {} : { deferIndexes }),
  });
}

async function index(db: Db, chain: FakeChain, deferIndexes?: boolean): Promise<void> {
  await (await indexerOn(db, chain, deferIndexes)).catchUp();
}

describe("store/backfill-indexes", () => {
  it("should keep the writer's indexes, each one the schema declares, and defer only indexes of handler tables", () => {
    const all = new Set(currentIndexes().map((i) => i.name));
    for (const name of WRITER_INDEXES) expect(all.has(name), `${name} is not an index of the schema`).to.equal(true);
    const deferred = deferrableIndexes();
    expect(deferred.length).to.be.greaterThan(40);
    expect(deferred.some((i) => WRITER_INDEXES.has(i.name))).to.equal(false);
    const names = deferred.map((i) => i.name);
    expect(names).to.include.members(["assets_tx", "assets_holder", "trades_seller_key", "holdings_to"]);
    expect(names.some((n) => n.startsWith("evidence_items_") || n.startsWith("receipts_") || n.startsWith("block_hashes"))).to.equal(false);
  });

  context("sqlite page cache", function () {
    this.timeout(60_000);
    const open = openPerTest(BACKENDS.find((b) => b.name === "sqlite")!);
    const cacheKib = async (db: Db): Promise<number> => -(await db.get<{ cache_size: number }>("PRAGMA cache_size"))!.cache_size;

    it("should keep the writer's page cache small during a first backfill and give the full cache back for the build", async () => {
      const { db } = await open();
      expect(await cacheKib(db)).to.equal(SQLITE_CACHE_KIB);
      expect(await deferIndexesIfEmpty(db)).to.equal(true);
      expect(await cacheKib(db)).to.equal(SQLITE_BACKFILL_CACHE_KIB);
      expect(SQLITE_BACKFILL_CACHE_KIB).to.be.lessThan(SQLITE_CACHE_KIB);
      await buildDeferredIndexes(db);
      expect(await cacheKib(db)).to.equal(SQLITE_CACHE_KIB);
    });

    it("should keep it small again after a restart during the first backfill, and leave a store that serves alone", async () => {
      const o = await open();
      await deferIndexesIfEmpty(o.db);
      const restarted = await o.reopen();
      expect(await cacheKib(restarted)).to.equal(SQLITE_CACHE_KIB);
      expect(await deferIndexesIfEmpty(restarted)).to.equal(true);
      expect(await cacheKib(restarted)).to.equal(SQLITE_BACKFILL_CACHE_KIB);

      const serving = await open();
      const chain = createFakeChain();
      mineScenario(chain, 3);
      await index(serving.db, chain, false);
      expect(await deferIndexesIfEmpty(serving.db)).to.equal(false);
      expect(await cacheKib(serving.db)).to.equal(SQLITE_CACHE_KIB);
    });

    it("should end a first backfill through the indexer with the full cache", async () => {
      const { db } = await open();
      const chain = createFakeChain();
      mineScenario(chain, 4);
      const indexer = await indexerOn(db, chain);
      expect(await cacheKib(db)).to.equal(SQLITE_BACKFILL_CACHE_KIB);
      await indexer.catchUp();
      expect(await indexesDeferred(db)).to.equal(false);
      expect(await cacheKib(db)).to.equal(SQLITE_CACHE_KIB);
    });
  });

  for (const backend of BACKENDS) {
    context(backend.name, function () {
      this.timeout(120_000);
      const open = openPerTest(backend);

      it("should record the first backfill of an empty store and keep every index until a table gets rows", async () => {
        const { db } = await open();
        expect(await deferIndexesIfEmpty(db)).to.equal(true);
        const names = await indexNames(db);
        for (const i of currentIndexes()) expect(names.has(i.name), i.name).to.equal(true);
        expect(await indexesDeferred(db)).to.equal(true);
        // asked again (a restart): still deferred, nothing else changes
        expect(await deferIndexesIfEmpty(db)).to.equal(true);
        expect(await indexNames(db)).to.deep.equal(names);
      });

      it("should drop a table's deferrable indexes with its first rows, in their transaction, and no other table's", async () => {
        const { db } = await open();
        const fresh = await catalogue(db);
        await deferIndexesIfEmpty(db);
        const store = createIndexStore(db);
        store.startDeferredBackfill();
        const own = deferrableIndexes().filter((i) => i.table === "exchanges").map((i) => i.name);
        expect(own.length).to.be.greaterThan(1);

        // a first write that fails: its rows and the drop are rolled back together
        let failed: unknown;
        await writeExchanges(store, 5, [{ ...exchangeRow(5), no_such_column: 1 }]).catch((e: unknown) => (failed = e));
        expect(String(failed)).to.contain("no_such_column");
        let names = await indexNames(db);
        for (const n of own) expect(names.has(n), n).to.equal(true);

        await writeExchanges(store, 5, [exchangeRow(5)]);
        names = await indexNames(db);
        for (const n of own) expect(names.has(n), n).to.equal(false);
        for (const w of WRITER_INDEXES) expect(names.has(w), w).to.equal(true);
        const others = deferrableIndexes().filter((i) => i.table !== "exchanges");
        expect(others.filter((i) => !names.has(i.name)).map((i) => i.name)).to.deep.equal([]);

        // at the head: only what is missing is built, and a table written from then on keeps its indexes
        expect(await store.finishDeferredBackfill()).to.equal(own.length);
        expect(await indexesDeferred(db)).to.equal(false);
        await writeExchanges(store, 6, [exchangeRow(6)]);
        expect(await catalogue(db)).to.deep.equal(fresh);
        expect(await db.all("SELECT * FROM exchanges")).to.have.length(2);
      });

      it("should hold the planner statistics during a first backfill and refresh them once the indexes are built", async () => {
        const { db } = await open();
        /** Whether the planner has column statistics of `exchanges` (made by ANALYZE only). */
        const analysed = async (): Promise<boolean> =>
          db.dialect === "sqlite"
            ? (await db.get("SELECT 1 AS x FROM sqlite_master WHERE name = 'sqlite_stat1'")) !== undefined &&
              (await db.get("SELECT 1 AS x FROM sqlite_stat1 WHERE tbl = 'exchanges'")) !== undefined
            : (await db.get("SELECT 1 AS x FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'exchanges'")) !== undefined;
        await deferIndexesIfEmpty(db);
        const store = createIndexStore(db);
        store.startDeferredBackfill();
        // 6,000 rows: past the growth that refreshes the statistics outside a first backfill (PostgreSQL's runs beside the writer)
        await writeExchanges(store, 5, Array.from({ length: 6000 }, (_, i) => ({ ...exchangeRow(5), log_index: i, exchange: hex(1000 + i, 20) })));
        await new Promise((r) => setTimeout(r, 500));
        expect(await analysed(), "held").to.equal(false);
        await store.finishDeferredBackfill();
        for (let i = 0; i < 50 && !(await analysed()); i++) await new Promise((r) => setTimeout(r, 100));
        expect(await analysed(), "refreshed after the build").to.equal(true);
      });

      it("should end a first backfill that a reorg rolled back during it with the rows and derived tables of a backfill with every index", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 9);
        const o = await open();
        await killDuringFirstBackfill(o.db, chain);
        // then the chain reorganises below its checkpoint, and grows
        chain.reorgTo(chain.head() - 8);
        mineScenario(chain, 5, 2);
        await index(o.db, chain);
        expect(await indexesDeferred(o.db)).to.equal(false);
        const full = await open();
        await index(full.db, chain, false);
        const rows = await dumpTables(o.db, TABLES);
        expect(rows.trade_days.length).to.be.greaterThan(0);
        expect(rows.current_holders.length).to.be.greaterThan(5);
        expect(rows).to.deep.equal(await dumpTables(full.db, TABLES));
      });

      it("should leave the derived tables to the head of a first backfill, answer their pages 503 until then, and fill them there as kept range by range", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 12);
        const o = await open();
        const indexer = await createIndexer({ logger: createSilentLogger() }, {
          db: o.db,
          chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS, initialRange: 4, maxRange: 4, rangesInFlight: 1 }],
          rpcRetry: { retries: 0 },
        });
        // the node fails past the middle of the chain: the backfill stops there, its first ranges committed
        const middle = Math.floor(chain.head() / 2);
        chain.beforeCall = (method, params) => {
          if (method === "eth_getLogs" && Number((params[0] as { toBlock: string }).toBlock) > middle) throw new Error("node went away");
        };
        let failed: unknown;
        await indexer.catchUp().catch((e: unknown) => (failed = e));
        expect(String(failed)).to.contain("node went away");
        const during = await dumpTables(o.db, TABLES);
        expect(during.assets.length).to.be.within(1, 11);
        expect(during.trades.length).to.be.greaterThan(0);
        for (const t of DERIVED_TABLES) expect(during[t], t).to.deep.equal([]);
        expect(indexer.status().firstBackfill).to.equal(true);

        const app = createApi({ db: o.db, indexerStatus: () => indexer.status(), logger: quietLogger });
        const holder = (during.assets[0] as { holder: string }).holder;
        for (const path of [`/v1/assets?holder=${holder}`, "/v1/assets?status=frozen", "/v1/assets?status=pledged", "/v1/trades?linked=true", "/v1/stats/activity", "/v1/stats/prices?groupBy=kind"]) {
          const res = await request(app).get(path).expect(503);
          expect(res.headers["retry-after"], path).to.match(/^\d+$/);
          expect(res.body.error.code, path).to.equal("unavailable");
          expect(res.body.error.message, path).to.contain("first backfill under way");
        }
        // the lists that read the event tables answer the rows already indexed
        expect((await request(app).get("/v1/assets").expect(200)).body.data).to.have.length(during.assets.length);
        expect((await request(app).get("/v1/trades?linked=false").expect(200)).body.data.length).to.be.greaterThan(0);

        // a reorg below the indexed block while the tables wait: the rollback leaves them alone (nothing to take back)
        chain.beforeCall = undefined;
        chain.reorgTo(middle - 3);
        mineScenario(chain, 4, 2);
        await indexer.catchUp();
        expect(indexer.status().firstBackfill).to.equal(false);
        const full = await open();
        await index(full.db, chain, false);
        const rows = await dumpTables(o.db, TABLES);
        expect(rows.current_holders.length).to.be.greaterThan(5);
        expect(rows.trade_days.length).to.be.greaterThan(0);
        expect(rows.activity_days.length).to.be.greaterThan(0);
        expect(rows).to.deep.equal(await dumpTables(full.db, TABLES));
        await request(app).get(`/v1/assets?holder=${holder}`).expect(200);
        expect((await request(app).get("/v1/stats/activity?period=year").expect(200)).body.data.periods.length).to.be.greaterThan(0);
      });

      it("should fill the derived tables at the head with every range written before the fill and none half-written, ranges after it keeping them", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 10);
        // the same events as two ranges of rows, read from a store that indexed them
        const source = await open();
        await index(source.db, chain, false);
        const all = await dumpTables(source.db, INDEXED_TABLES.filter((t) => t !== "block_hashes"));
        const split = Math.floor(chain.head() / 2);
        const rangeOf = (lo: number, hi: number) => {
          const rows = new Map<IndexedTable, ReturnType<typeof toRowSet>>();
          for (const [t, list] of Object.entries(all)) {
            const part = (list as StoreRow[]).filter((r) => Number(r.block_number) >= lo && Number(r.block_number) <= hi);
            if (part.length) rows.set(t as IndexedTable, toRowSet(part));
          }
          return rows;
        };
        const write = (store: IndexStore, lo: number, hi: number) =>
          store.writeRange({
            chainId: chain.chainId,
            rows: rangeOf(lo, hi),
            blocks: [{ blockNumber: hi, blockHash: chain.hashOf(hi), parentHash: chain.hashOf(hi - 1), blockTime: 1 }],
            checkpoint: { chainId: chain.chainId, blockNumber: hi, blockHash: chain.hashOf(hi), blockTime: 1, headBlock: hi, finalizedBlock: hi, confirmations: 0, updatedAt: 1 },
          });
        const o = await open();
        await deferIndexesIfEmpty(o.db);
        const store = createIndexStore(o.db);
        store.startDeferredBackfill();
        await write(store, 0, split - 2);
        // a range still being written when the head is reached, one asked for during the fill, one after it
        const ranges = [write(store, split - 1, split), store.finishDeferredBackfill(), write(store, split + 1, split + 2)];
        await Promise.all(ranges);
        await write(store, split + 3, chain.head());
        const derived = async (db: Db) => dumpTables(db, DERIVED_TABLES);
        expect((await derived(o.db)).trade_days.length).to.be.greaterThan(0);
        expect(await derived(o.db)).to.deep.equal(await derived(source.db));
      });

      it("should report the first backfill in the indexer's status until its indexes are built, and /health say so", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 3);
        const o = await open();
        const first = await indexerOn(o.db, chain);
        expect(first.status().firstBackfill).to.equal(true);
        const during = evaluateHealth(first.status(), {}, Date.now());
        expect(during.status).to.equal("unhealthy");
        expect(during.problems).to.include(FIRST_BACKFILL_PROBLEM);
        await first.catchUp();
        expect(first.status().firstBackfill).to.equal(false);
        expect(evaluateHealth(first.status(), {}, Date.now()).problems).to.not.include(FIRST_BACKFILL_PROBLEM);
        // an indexer told to keep every index has no first backfill to report
        const keeping = await open();
        const kept = await indexerOn(keeping.db, chain, false);
        expect(kept.status().firstBackfill).to.equal(false);
      });

      it("should leave a store that holds indexed rows alone", async () => {
        const { db } = await open();
        const chain = createFakeChain();
        mineScenario(chain, 3);
        await index(db, chain, false);
        const before = await catalogue(db);
        expect(await deferIndexesIfEmpty(db)).to.equal(false);
        expect(await indexesDeferred(db)).to.equal(false);
        expect(await catalogue(db)).to.deep.equal(before);
      });

      it("should end a first backfill with the schema of a fresh store and the rows of a backfill with every index", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 12);
        const deferred = await open();
        const indexer = await indexerOn(deferred.db, chain);
        // dropped with the assets' first rows, not before
        expect((await indexNames(deferred.db)).has("assets_tx")).to.equal(true);
        await indexer.catchUp();
        expect(await indexesDeferred(deferred.db)).to.equal(false);
        const full = await open();
        const fresh = await catalogue(full.db);
        await index(full.db, chain, false);
        expect(await catalogue(deferred.db)).to.deep.equal(fresh);
        const rows = await dumpTables(deferred.db, TABLES);
        expect(rows.assets).to.have.length(12);
        expect(rows).to.deep.equal(await dumpTables(full.db, TABLES));
      });

      it("should go on without them after a restart during the first backfill, and build them at the head", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 6);
        const o = await open();
        await killDuringFirstBackfill(o.db, chain);
        mineScenario(chain, 4, 1);
        const restarted = await indexerOn(o.db, chain);
        expect((await indexNames(o.db)).has("trades_buyer_key")).to.equal(false);
        await restarted.catchUp();
        const fresh = await open();
        expect(await catalogue(o.db)).to.deep.equal(await catalogue(fresh.db));
        expect(await indexesDeferred(o.db)).to.equal(false);
      });

      it("should finish a first backfill an earlier process recorded even when told to keep every index", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 6);
        const o = await open();
        await killDuringFirstBackfill(o.db, chain);
        // the earlier process had left the derived tables to the head
        for (const t of DERIVED_TABLES) await o.db.run(`DELETE FROM ${t}`);
        mineScenario(chain, 3, 1);
        const restarted = await indexerOn(o.db, chain, false);
        expect(restarted.status().firstBackfill).to.equal(true);
        await restarted.catchUp();
        expect(await indexesDeferred(o.db)).to.equal(false);
        const full = await open();
        await index(full.db, chain, false);
        expect(await catalogue(o.db)).to.deep.equal(await catalogue(full.db));
        expect(await dumpTables(o.db, TABLES)).to.deep.equal(await dumpTables(full.db, TABLES));
      });

      it("should keep the record when the work beside the builds fails, finish the builds all the same, and end the next time", async () => {
        const { db } = await open();
        await deferIndexesIfEmpty(db);
        await db.transaction((tx) => dropDeferrableIndexes(tx, new Set(deferrableIndexes().map((i) => i.table))));
        let ran = 0;
        let error: unknown;
        await buildDeferredIndexes(db, {
          beside: async () => {
            ran++;
            throw new Error("fill failed");
          },
        }).catch((e: unknown) => (error = e));
        expect((error as Error).message).to.equal("fill failed");
        expect(ran).to.equal(1);
        expect(await indexesDeferred(db), "the record stays").to.equal(true);
        const names = await indexNames(db);
        const built = deferrableIndexes().filter((i) => names.has(i.name));
        // PostgreSQL builds beside it, and waits for every build before throwing; SQLite runs it first, and builds nothing
        if (db.dialect === "postgres") expect(built.length).to.equal(deferrableIndexes().length);
        else expect(built).to.deep.equal([]);
        expect(await buildDeferredIndexes(db, { beside: async () => void ran++ })).to.equal(deferrableIndexes().length - built.length);
        expect(ran).to.equal(2);
        expect(await indexesDeferred(db)).to.equal(false);
      });

      it("should keep the record when a build fails, and complete the build the next time", async () => {
        const { db } = await open();
        await deferIndexesIfEmpty(db);
        // a backfill that wrote every table
        await db.transaction((tx) => dropDeferrableIndexes(tx, new Set(deferrableIndexes().map((i) => i.table))));
        const doomed = deferrableIndexes()[4].name;
        const failing: Db = {
          ...db,
          transaction: (fn) =>
            db.transaction((tx) =>
              fn({
                ...tx,
                exec: async (sql) => {
                  if (sql.includes(` ${doomed} `)) throw new Error("disk full");
                  return tx.exec(sql);
                },
              }),
            ),
        };
        let error: unknown;
        await buildDeferredIndexes(failing).catch((e: unknown) => (error = e));
        expect((error as Error).message).to.equal("disk full");
        expect(await indexesDeferred(db)).to.equal(true);
        const names = await indexNames(db);
        expect(names.has(doomed)).to.equal(false);
        // SQLite builds in one transaction: none of them
        if (db.dialect === "sqlite") expect(deferrableIndexes().filter((i) => names.has(i.name))).to.deep.equal([]);
        // the next build makes what is missing, and only that
        expect(await buildDeferredIndexes(db)).to.equal(deferrableIndexes().filter((i) => !names.has(i.name)).length);
        expect(await indexesDeferred(db)).to.equal(false);
        const fresh = await open();
        expect(await catalogue(db)).to.deep.equal(await catalogue(fresh.db));
      });
    });
  }
});
