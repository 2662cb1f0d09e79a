import { expect } from "chai";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { DatabaseUnavailableError } from "../../../service/src/errors";
import { createIndexer } from "../../../service/src/indexer";
import { ConcurrentWriterError, reconcileFailedWrite } from "../../../service/src/indexer/write-reconcile";
import { createSilentLogger } from "../../../service/src/logger";
import { createPostgresDb, createSqliteDb, dropPostgresSchema, migrate, migrations, type Db, type SqlValue } from "../../../service/src/store";
import type { Checkpoint, IndexStore, RangeWrite } from "../../../service/src/store/index-store";
import { BACKENDS, PG_URL, type OpenedDb } from "../../helpers/backends";
import { createFakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Ends every server connection of `schema`'s pool the way `pg_ctl stop -m fast` / a restart does (57P01). */
async function terminateBackends(pids: number[]): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1::int[])", [pids]);
  } finally {
    await c.end();
  }
}

/**
 * A read of a table the store lacks: "not ready" (DatabaseUnavailableError) to the read-only `reader`, its own error
 * to the `writer`, which is returned.
 */
async function expectNotReadyToReaderOnly(reader: Db, writer: Db): Promise<unknown> {
  const err = await reader.all("SELECT * FROM current_holders").then(() => undefined, (e: unknown) => e);
  expect(err).to.be.instanceOf(DatabaseUnavailableError);
  expect((err as Error).message).to.match(/^the database is not ready: .*current_holders/);
  const writerErr = await writer.all("SELECT * FROM current_holders").then(() => undefined, (e: unknown) => e);
  expect(writerErr).to.not.equal(undefined);
  expect(writerErr).to.not.be.instanceOf(DatabaseUnavailableError);
  return writerErr;
}

describe("database faults", function () {
  this.timeout(60_000);

  describe("PostgreSQL connections ended by the server", () => {
    let schema: string;
    let db: Db;
    beforeEach(async () => {
      schema = `t_dbf_${randomBytes(4).toString("hex")}`;
      db = await createPostgresDb(PG_URL, { schema });
      await migrate(db);
    });
    afterEach(async () => {
      await db.close().catch(() => undefined);
      await dropPostgresSchema(PG_URL, schema);
    });

    it("should reject a transaction whose connection is terminated mid-way with DatabaseUnavailableError, and not die", async () => {
      const uncaught: unknown[] = [];
      const onUncaught = (e: unknown): void => void uncaught.push(e);
      process.prependListener("uncaughtException", onUncaught);
      try {
        let err: unknown;
        try {
          await db.transaction(async (tx) => {
            const me = await tx.get<{ pid: number }>("SELECT pg_backend_pid() AS pid");
            await terminateBackends([me!.pid]);
            await sleep(200); // idle in transaction: the client's socket is closed under it
            await tx.run("SELECT 1");
          });
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(DatabaseUnavailableError);
        expect((err as Error).message).to.match(/database is unavailable/);
        await sleep(100);
        expect(uncaught).to.deep.equal([]);
        // the pool connects again by itself
        expect(await db.get("SELECT 1 AS one")).to.deep.equal({ one: 1 });
      } finally {
        process.removeListener("uncaughtException", onUncaught);
      }
    });

    it("should survive idle pool connections being terminated", async () => {
      const pids = await Promise.all([1, 2, 3].map(() => db.get<{ pid: number }>("SELECT pg_backend_pid() AS pid")));
      await terminateBackends(pids.map((p) => p!.pid));
      await sleep(200);
      let ok = 0;
      for (let i = 0; i < 5; i++) {
        try {
          await db.get("SELECT 1 AS one");
          ok++;
        } catch (e) {
          expect(e).to.be.instanceOf(DatabaseUnavailableError);
        }
      }
      expect(ok).to.be.greaterThan(0);
    });

    it("should answer DatabaseUnavailableError when the server cannot be reached at all", async () => {
      const down = await createPostgresDb("postgres://postgres@127.0.0.1:1/test");
      try {
        await down.get("SELECT 1");
        expect.fail("no error");
      } catch (e) {
        expect(e).to.be.instanceOf(DatabaseUnavailableError);
      } finally {
        await down.close();
      }
    });

    it("should call a table the schema lacks 'not ready' on a read-only pool (a writer still migrating), an error on a writer's", async () => {
      const fresh = `t_dbr_${randomBytes(4).toString("hex")}`;
      const writer = await createPostgresDb(PG_URL, { schema: fresh });
      const reader = await createPostgresDb(PG_URL, { schema: fresh, readOnly: true });
      try {
        // the schema exists, its tables do not yet: what an API beside an indexer sees before the migrations ran
        const writerErr = await expectNotReadyToReaderOnly(reader, writer);
        expect((writerErr as { code?: string }).code).to.equal("42P01");
        // once migrated, the same read answers
        await migrate(writer);
        expect(await reader.all("SELECT * FROM current_holders")).to.deep.equal([]);
      } finally {
        await reader.close();
        await writer.close();
        await dropPostgresSchema(PG_URL, fresh);
      }
    });

    it("should call a table an SQLite file lacks 'not ready' to a read-only reader, an error to the writer", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-notready-"));
      const file = path.join(dir, "index.sqlite");
      const writer = createSqliteDb(file);
      await writer.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)");
      const reader = createSqliteDb(file, { readonly: true });
      try {
        const writerErr = await expectNotReadyToReaderOnly(reader, writer);
        expect((writerErr as Error).message).to.match(/no such table/);
        await writer.exec("DROP TABLE meta");
        await migrate(writer);
        expect(await reader.all("SELECT * FROM current_holders")).to.deep.equal([]);
        // the API answers 503 with Retry-After while the reader's file is not migrated
        const bare = createSqliteDb(path.join(dir, "bare.sqlite"));
        await bare.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)");
        await bare.close();
        const early = createSqliteDb(path.join(dir, "bare.sqlite"), { readonly: true });
        try {
          const app = createApi({ db: early, indexerStatus: () => ({ chains: [] }), logger: quiet });
          const res = await request(app).get("/v1/assets");
          expect(res.status).to.equal(503);
          expect(res.headers["retry-after"]).to.equal("5");
          expect(res.body.error.code).to.equal("unavailable");
        } finally {
          await early.close();
        }
      } finally {
        await reader.close();
        await writer.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("should let several processes migrate a fresh schema at once", async () => {
      const fresh = `t_dbm_${randomBytes(4).toString("hex")}`;
      const dbs = await Promise.all(Array.from({ length: 6 }, () => createPostgresDb(PG_URL, { schema: fresh })));
      try {
        const applied = await Promise.all(dbs.map((d) => migrate(d)));
        // each version applied exactly once, by whichever process took the lock first
        expect(applied.flat().sort((a, b) => a - b)).to.deep.equal(migrations("postgres").map((m) => m.version));
      } finally {
        for (const d of dbs) await d.close();
        await dropPostgresSchema(PG_URL, fresh);
      }
    });
  });

  describe("the API while the database is down", () => {
    it("should answer 503 with Retry-After naming the database, never 500", async () => {
      const fail = async (): Promise<never> => {
        throw new DatabaseUnavailableError("the database is unavailable: connect ECONNREFUSED 127.0.0.1:5432");
      };
      const db = { dialect: "postgres" as const, all: fail, get: fail };
      const app = createApi({ db, indexerStatus: () => ({ chains: [] }), logger: quiet });
      for (const path of ["/v1/assets", "/v1/exchanges", "/v1/trades"]) {
        const res = await request(app).get(path);
        expect(res.status, path).to.equal(503);
        expect(res.headers["retry-after"]).to.equal("5");
        expect(res.body.error.code).to.equal("unavailable");
        expect(res.body.error.message).to.match(/^the database unavailable/);
      }
    });
  });

  describe("a failed range write, judged from the store", () => {
    const cp = (n: number): Checkpoint => ({ chainId: 1, blockNumber: n, blockHash: `0x${n}`, blockTime: n, headBlock: n, finalizedBlock: n, confirmations: 0, updatedAt: 0 });
    const write = { chainId: 1, rows: new Map(), blocks: [], checkpoint: cp(20) } as RangeWrite;
    const storeAt = (c: Checkpoint | undefined): IndexStore => ({ getCheckpoint: async () => c }) as unknown as IndexStore;
    const boom = new Error("write failed");

    it("should adopt a write whose commit landed although its answer was lost", async () => {
      expect(await reconcileFailedWrite(storeAt(cp(20)), write, cp(10), boom)).to.equal("landed");
    });
    it("should keep the error when the store is where this writer left it", async () => {
      expect(await reconcileFailedWrite(storeAt(cp(10)), write, cp(10), boom)).to.equal("failed");
    });
    it("should rethrow the write's error when the store cannot be read either", async () => {
      const down = { getCheckpoint: async () => Promise.reject(new Error("down")) } as unknown as IndexStore;
      await reconcileFailedWrite(down, write, cp(10), boom).then(
        () => expect.fail("resolved"),
        (e) => expect(e).to.equal(boom),
      );
    });
    it("should stop with ConcurrentWriterError when the checkpoint moved elsewhere", async () => {
      await reconcileFailedWrite(storeAt(cp(55)), write, cp(10), boom).then(
        () => expect.fail("resolved"),
        (e) => expect(e).to.be.instanceOf(ConcurrentWriterError),
      );
    });
  });

  describe("the indexer while the database is down and no block arrives", () => {
    it("should report the database on /health's status at once, and clear it when the database is back", async () => {
      const o = await BACKENDS[0].open();
      try {
        let down = false;
        const check = (): void => {
          if (down) throw new DatabaseUnavailableError("the database is unavailable: connect ECONNREFUSED");
        };
        const flaky: Db = {
          dialect: o.db.dialect,
          all: async <T>(sql: string, params?: readonly SqlValue[]) => (check(), o.db.all<T>(sql, params)),
          get: async <T>(sql: string, params?: readonly SqlValue[]) => (check(), o.db.get<T>(sql, params)),
          run: async (sql, params) => (check(), o.db.run(sql, params)),
          exec: async (sql) => (check(), o.db.exec(sql)),
          transaction: async <T>(fn: (tx: Db) => Promise<T>) => (check(), o.db.transaction(fn)),
          close: () => o.db.close(),
        };
        const chain = createFakeChain();
        mineScenario(chain, 5);
        const indexer = await createIndexer({ logger: createSilentLogger() }, { db: flaky, pollIntervalMs: 10, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
        indexer.start();
        for (let i = 0; i < 500 && indexer.status().chains[0].indexedBlock < chain.head(); i++) await sleep(10);
        down = true;
        for (let i = 0; i < 500 && indexer.status().chains[0].problem === null; i++) await sleep(10);
        expect(indexer.status().chains[0].problem).to.match(/database is unavailable/);
        down = false;
        for (let i = 0; i < 1000 && indexer.status().chains[0].problem !== null; i++) await sleep(10);
        await indexer.stop();
        expect(indexer.status().chains[0].problem).to.equal(null);
      } finally {
        await o.cleanup();
      }
    });
  });

  for (const backend of BACKENDS) {
    describe(`two writers on one store (${backend.name})`, () => {
      let o: OpenedDb;
      beforeEach(async () => (o = await backend.open()));
      afterEach(async () => o.cleanup());

      it("should stop the second writer with one clear error instead of retrying UNIQUE violations forever", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 20);
        const params = { chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS, initialRange: 2, maxRange: 2 };
        const other = await o.reopen();
        const second = await createIndexer({ logger: createSilentLogger() }, { db: other, chains: [params], pollIntervalMs: 10 });
        const first = await createIndexer({ logger: createSilentLogger() }, { db: o.db, chains: [params] });
        await first.catchUp();
        second.start();
        for (let i = 0; i < 500 && second.status().chains[0].state !== "failed"; i++) await sleep(10);
        await second.stop();
        const st = second.status().chains[0];
        expect(st.state).to.equal("failed");
        expect(st.lastError).to.match(/another indexer writes to this database/);
      });

      it("should notice another writer while idle", async () => {
        const chain = createFakeChain();
        mineScenario(chain, 5);
        const params = { chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS };
        const idle = await createIndexer({ logger: createSilentLogger() }, { db: o.db, chains: [params], pollIntervalMs: 10 });
        idle.start();
        for (let i = 0; i < 500 && idle.status().chains[0].state !== "live"; i++) await sleep(10);
        const other = await o.reopen();
        await other.run("UPDATE checkpoints SET block_number = block_number - 1, block_hash = ?", ["0x" + "ab".repeat(32)]);
        for (let i = 0; i < 500 && idle.status().chains[0].state !== "failed"; i++) await sleep(10);
        await idle.stop();
        expect(idle.status().chains[0].lastError).to.match(/another indexer writes to this database/);
      });
    });
  }
});
