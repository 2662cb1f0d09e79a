import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { Db, Row, RunResult, SqlValue } from "./db";

/** Options of {@link createSqliteDb}. */
export interface CreateSqliteDbOptions {
  /** Open read-only (API processes beside the indexer). Default false. */
  readonly?: boolean;
}

/**
 * Opens (creating if needed) an SQLite database with WAL, NORMAL sync and a busy timeout.
 * better-sqlite3 is synchronous; transactions are serialised by a queue so that an async `fn` never interleaves
 * with another writer on the same connection.
 * @param file path of the database file, or ":memory:"
 */
export function createSqliteDb(file: string, options: CreateSqliteDbOptions = {}): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new Database(file, { readonly: options.readonly ?? false });
  if (!options.readonly) {
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL"); // WAL + NORMAL: a commit survives a process kill; no fsync per commit
    // Checkpoints (WAL → database file, with fsync) were a quarter to a half of the insert cost of a backfill, on the
    // writing thread (profiled: 40 vs 30 µs CPU per event with and without them). Once the WAL passes
    // CHECKPOINT_AT_BYTES they run on a worker thread with its own connection (PASSIVE: never blocks the writer);
    // this connection's own automatic checkpoint stays as a backstop at ~256 MB. The WAL is truncated back to 64 MB
    // after a checkpoint. Durability is unchanged (WAL + NORMAL).
    raw.pragma(`wal_autocheckpoint = ${file === ":memory:" ? 8192 : 65536}`);
    raw.pragma("journal_size_limit = 67108864");
  }
  raw.pragma("busy_timeout = 5000");
  raw.pragma("foreign_keys = OFF");
  raw.pragma("cache_size = -65536");
  raw.pragma("temp_store = MEMORY");
  raw.defaultSafeIntegers(false);

  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let st = cache.get(sql);
    if (!st) {
      st = raw.prepare(sql);
      if (cache.size > 500) cache.clear();
      cache.set(sql, st);
    }
    return st;
  };
  // better-sqlite3 binds an array argument to the anonymous (?) parameters.
  const bind = (params?: readonly SqlValue[]): SqlValue[][] => (params && params.length ? [params as SqlValue[]] : []);

  const checkpointer = !options.readonly && file !== ":memory:" ? createCheckpointer(path.resolve(file)) : undefined;

  // One transaction at a time; statements outside a transaction wait for it to finish.
  let queue: Promise<unknown> = Promise.resolve();
  let inTx = false;

  const ops = {
    all: async <T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> => prepare(sql).all(...bind(params)) as T[],
    get: async <T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> =>
      prepare(sql).get(...bind(params)) as T | undefined,
    run: async (sql: string, params?: readonly SqlValue[]): Promise<RunResult> => ({
      changes: prepare(sql).run(...bind(params)).changes,
    }),
    exec: async (sql: string): Promise<void> => {
      raw.exec(sql);
    },
  };

  const txDb: Db = {
    dialect: "sqlite",
    ...ops,
    transaction: (fn) => fn(txDb),
    close: async () => undefined,
  };

  const outside = <T>(f: () => Promise<T>): Promise<T> => (inTx ? queue.then(f, f) : f());

  const db: Db = {
    dialect: "sqlite",
    all: <T = Row>(sql: string, params?: readonly SqlValue[]) => outside(() => ops.all<T>(sql, params)),
    get: <T = Row>(sql: string, params?: readonly SqlValue[]) => outside(() => ops.get<T>(sql, params)),
    run: (sql, params) => outside(() => ops.run(sql, params)),
    exec: (sql) => outside(() => ops.exec(sql)),
    transaction: <T>(fn: (tx: Db) => Promise<T>): Promise<T> => {
      const next = queue.then(async () => {
        inTx = true;
        raw.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(txDb);
          raw.exec("COMMIT");
          checkpointer?.afterCommit();
          return result;
        } catch (e) {
          if (raw.inTransaction) raw.exec("ROLLBACK");
          throw e;
        } finally {
          inTx = false;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    close: async () => {
      await queue;
      await checkpointer?.close();
      raw.close();
    },
  };
  return db;
}

/** WAL size from which commits ask the background checkpointer to run. */
const CHECKPOINT_AT_BYTES = 16 * 1024 * 1024;

// The checkpointer thread: plain JS (no TypeScript loader in workers), its own connection, one PASSIVE checkpoint
// per request.
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
parentPort.on("message", (m) => {
  if (m === "close") { db.close(); parentPort.close(); return; }
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (e) { /* the writer's backstop checkpoint covers it */ }
  parentPort.postMessage("done");
});
`;

interface Checkpointer {
  afterCommit(): void;
  close(): Promise<void>;
}

/** Runs checkpoints off the writing thread once the WAL is large (a backfill); started on first need. */
function createCheckpointer(file: string): Checkpointer {
  const wal = `${file}-wal`;
  let worker: Worker | undefined;
  let busy = false;
  let failed = false;
  return {
    afterCommit() {
      if (busy || failed) return;
      let size = 0;
      try {
        size = fs.statSync(wal).size;
      } catch {
        return;
      }
      if (size < CHECKPOINT_AT_BYTES) return;
      if (!worker) {
        try {
          worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { file, module: require.resolve("better-sqlite3") } });
        } catch {
          failed = true; // the backstop checkpoint of the writer still runs
          return;
        }
        worker.unref();
        const w = worker;
        w.once("exit", () => {
          if (worker === w) worker = undefined;
          failed = true;
        });
        worker.on("message", () => (busy = false));
        worker.on("error", () => {
          failed = true;
          busy = false;
        });
      }
      busy = true;
      worker.postMessage("checkpoint");
    },
    async close() {
      const w = worker;
      worker = undefined;
      failed = true;
      if (!w) return;
      const exited = new Promise<void>((res) => w.once("exit", () => res()));
      w.postMessage("close");
      const timer = setTimeout(() => void w.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
