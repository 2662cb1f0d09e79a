import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DatabaseUnavailableError } from "../errors";
import type { Db, Row, RunResult, SqlParam, SqlValue } from "./db";

/** The page cache of a connection, in KiB (the API's figures, docs/benchmarks-api.md, are measured with it). */
export const SQLITE_CACHE_KIB = 65_536;
/**
 * The writer's page cache during a first backfill (store/backfill-indexes.ts), in KiB. The cache fills as the file
 * grows and stays full: at 300,000 events it was 30–50 MB of a backfill's peak RSS, for no measurable speed (the
 * pages a backfill writes are new, and the indexes it keeps are few). The full cache comes back before the build.
 */
export const SQLITE_BACKFILL_CACHE_KIB = 16_384;
/**
 * The page size of a new database file, in bytes (SQLite's default is 4096; an existing file keeps its own, as SQLite
 * cannot change it in WAL mode). A commit appends every page it dirtied to the WAL, two writes per page: with 4 KB
 * pages the commits were a quarter of a 300,000-event backfill on SQLite (profiled); with 16 KB pages the backfill
 * took 14 % less time and 17 % less CPU, at the same memory and file size (docs/indexer-benchmark-history.md,
 * "SQLite pages of 16 KB").
 */
export const SQLITE_PAGE_SIZE = 16_384;
/** The WAL size at which a commit copies it into the database file (SQLite's automatic checkpoint). */
const WAL_CHECKPOINT_BYTES = 256 * 1024 * 1024;

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
    raw.pragma(`page_size = ${SQLITE_PAGE_SIZE}`); // takes effect only while the file is still empty
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL"); // WAL + NORMAL: a commit survives a process kill; no fsync per commit
    // Checkpoints (WAL → database file, with fsync) were a quarter to a half of the insert cost of a backfill at 8192
    // pages (profiled: 40 vs 30 µs CPU per event with and without them): random-keyed secondary indexes dirty the
    // same pages in every range, and each checkpoint copies every page dirtied since the last one. At ~256 MB of WAL
    // a checkpoint copies each page once for many ranges. (A background checkpointer thread did as well for speed but
    // cost ~80 MB of RSS.) The WAL is truncated back to 64 MB after a checkpoint. Durability is unchanged (WAL + NORMAL).
    // The threshold is in pages: 256 MB whatever the file's page size.
    raw.pragma(`wal_autocheckpoint = ${Math.round(WAL_CHECKPOINT_BYTES / Number(raw.pragma("page_size", { simple: true })))}`);
    raw.pragma("journal_size_limit = 67108864");
  }
  raw.pragma("busy_timeout = 5000");
  raw.pragma("foreign_keys = OFF");
  raw.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  // Sorts and temporary b-trees keep up to about the page cache in memory and spill the rest to a temporary file
  // (SQLITE_TMPDIR, else /var/tmp or /tmp). At temp_store = MEMORY the sorter never spills: a sort over a whole table
  // (a first backfill's index builds and derived fills, a migration's index on a store with rows) held the table in
  // memory, growing with the store: one CREATE INDEX over 2,000,000 rows of 200 bytes took +459 MB there and 12.5 s,
  // against +17 MB and 7.0 s on file (+116 and +16 MB at 500,000 rows).
  raw.pragma("temp_store = FILE");
  raw.defaultSafeIntegers(false);

  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let st = cache.get(sql);
    if (!st) {
      try {
        st = raw.prepare(sql);
      } catch (e) {
        // A reader (an API process beside the indexer) that names a table the file lacks: the writer has not migrated
        // the store to this code's version yet (a first start, an upgrade). Not ready, answered 503; not a 500.
        if (options.readonly && /^no such table/.test((e as Error).message)) {
          throw new DatabaseUnavailableError(`the database is not ready: its schema is not migrated to this version yet (${(e as Error).message})`, { cause: e });
        }
        throw e;
      }
      if (cache.size > 500) cache.clear();
      cache.set(sql, st);
    }
    return st;
  };
  // better-sqlite3 binds an array argument to the anonymous (?) parameters.
  const bind = (params?: readonly SqlParam[]): SqlParam[][] => (params && params.length ? [params as SqlParam[]] : []);

  // One transaction at a time; statements outside a transaction wait for it to finish.
  let queue: Promise<unknown> = Promise.resolve();
  let inTx = false;

  const ops = {
    all: async <T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> => prepare(sql).all(...bind(params)) as T[],
    get: async <T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> =>
      prepare(sql).get(...bind(params)) as T | undefined,
    run: async (sql: string, params?: readonly SqlParam[]): Promise<RunResult> => ({
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
      raw.close();
    },
  };
  return db;
}
