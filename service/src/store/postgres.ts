import pg from "pg";
import { DatabaseUnavailableError } from "../errors";
import { createStatementNames, isStalePreparedStatement } from "./statement-names";
import { toNumberedPlaceholders, type Db, type Row, type RunResult, type SqlParam, type SqlValue } from "./db";

/** Options of {@link createPostgresDb}. */
export interface CreatePostgresDbOptions {
  /** Schema to use (created if missing) — each test run gets its own. Default: the server's search_path. */
  schema?: string;
  /** Pool size. Default 5. */
  max?: number;
  /** Every transaction read-only (API processes beside the indexer); the schema is not created. Default false. */
  readOnly?: boolean;
  /**
   * Reads outside a transaction that recur run as named prepared statements, parsed and planned once per connection
   * (see {@link createStatementNames}). Default true; false behind a pooler that does not keep a session per client
   * (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// BIGINT columns hold block numbers and unix times (safe integers); read them as numbers so that both backends
// return the same row shapes. Amounts are TEXT, never BIGINT.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as "text");
  }) as typeof pg.types.getTypeParser,
};

/** Node socket errors and SQLSTATE classes that mean "the server is not there (now)", not "the query is wrong". */
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "57P01", "57P02", "57P03", "53300"]);
const UNAVAILABLE_MESSAGE = /connection terminated|terminating connection|connection (is )?closed|server closed the connection|client has encountered a connection error|timeout exceeded when trying to connect|Client was closed|the database system is (starting up|shutting down|in recovery)/i;

/** True when `e` says the server went away or cannot be reached (rather than that a statement failed). */
function isConnectionFault(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== "object") return false;
  if (typeof err.code === "string" && (UNAVAILABLE_CODES.has(err.code) || err.code.startsWith("08"))) return true;
  return typeof err.message === "string" && UNAVAILABLE_MESSAGE.test(err.message);
}

/** Rethrows a connection fault as {@link DatabaseUnavailableError}, anything else as is. */
function classify(e: unknown): never {
  if (e instanceof DatabaseUnavailableError || !isConnectionFault(e)) throw e;
  throw new DatabaseUnavailableError(`the database is unavailable: ${(e as Error).message}`, { cause: e });
}

/**
 * For a read-only pool (the API beside a separate indexer): a table its queries name that the schema does not have
 * yet means the writer has not migrated the store to this code's version (an upgrade or a first start in progress):
 * "not available yet", answered 503 with Retry-After, not an internal error.
 */
function classifyRead(e: unknown): never {
  if ((e as { code?: unknown } | null)?.code === "42P01") {
    throw new DatabaseUnavailableError(`the database is not ready: its schema is not migrated to this version yet (${(e as Error).message})`, { cause: e });
  }
  return classify(e);
}

/** Valid unquoted schema name. */
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connects a pool to PostgreSQL. With `schema`, the schema is created if missing and put first on every
 * connection's search_path.
 * @param url postgres://user@host:port/db
 */
export async function createPostgresDb(url: string, options: CreatePostgresDbOptions = {}): Promise<Db> {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_RE.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  if (schema && !options.readOnly) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (e) {
      // Two processes creating the same schema at once: the loser sees a duplicate (the schema is there).
      const code = (e as { code?: string }).code;
      if (code !== "23505" && code !== "42P06") throw e;
    } finally {
      await c.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    types,
    ...(schema || options.readOnly
      ? { options: [schema ? `-c search_path=${schema}` : "", options.readOnly ? "-c default_transaction_read_only=on" : ""].filter(Boolean).join(" ") }
      : {}),
  });
  // An idle client whose server went away (restart, immediate stop): the pool drops it; the next query reconnects
  // or fails with DatabaseUnavailableError. Without a listener the error would end the process.
  pool.on("error", () => undefined);

  const sqlCache = new Map<string, string>();
  const rewrite = (sql: string): string => {
    let s = sqlCache.get(sql);
    if (s === undefined) {
      s = toNumberedPlaceholders(sql);
      if (sqlCache.size > 1000) sqlCache.clear();
      sqlCache.set(sql, s);
    }
    return s;
  };
  const norm = (params?: readonly SqlParam[]): unknown[] =>
    params ? params.map((p) => (typeof p === "bigint" ? p.toString() : p)) : [];

  const readFault = options.readOnly ? classifyRead : classify;
  const names = options.preparedStatements === false ? undefined : createStatementNames();
  /**
   * A read on the pool: named once it recurs, so each connection parses and plans it once (PostgreSQL re-plans a
   * named statement itself when a table it reads changes, or after ANALYZE). A named statement a migration made
   * stale ("cached plan must not change result type") runs again unnamed, and the statement gets a new name.
   */
  const read = async (sql: string, params?: readonly SqlValue[]): Promise<pg.QueryResult> => {
    const text = rewrite(sql);
    const values = norm(params);
    const name = names?.nameOf(text);
    if (name === undefined) return pool.query(text, values).catch(readFault);
    try {
      return await pool.query({ name, text, values });
    } catch (e) {
      if (!isStalePreparedStatement(e)) return readFault(e);
      names!.renew();
      return pool.query(text, values).catch(readFault);
    }
  };
  type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;
  const make = (q: Queryable, inTx: boolean): Db => {
    const query = inTx ? (sql: string, params?: readonly SqlValue[]) => q.query(rewrite(sql), norm(params)).catch(readFault) : read;
    const self: Db = {
      dialect: "postgres",
      all: async <T = Row>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows as T[],
      get: async <T = Row>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows[0] as T | undefined,
      run: async (sql: string, params?: readonly SqlParam[]): Promise<RunResult> => ({
        changes: (await q.query(rewrite(sql), norm(params)).catch(classify)).rowCount ?? 0,
      }),
      exec: async (sql: string) => {
        await q.query(sql).catch(classify);
      },
      transaction: async <T>(fn: (tx: Db) => Promise<T>): Promise<T> => {
        if (inTx) return fn(self);
        const client = await pool.connect().catch(classify);
        // A checked-out client is not the pool's to watch: a server going away mid-transaction emits `error` on it,
        // which would end the process without this listener. The client is then destroyed, not reused.
        let broken: unknown;
        const onError = (e: unknown): void => {
          broken = e;
        };
        client.on("error", onError);
        try {
          await client.query("BEGIN").catch(classify);
          const result = await fn(make(client, true));
          await client.query("COMMIT").catch(classify);
          return result;
        } catch (e) {
          if (broken === undefined) await client.query("ROLLBACK").catch(() => undefined);
          throw broken !== undefined && !(e instanceof DatabaseUnavailableError) && isConnectionFault(broken)
            ? new DatabaseUnavailableError(`the database is unavailable: ${(broken as Error).message}`, { cause: e })
            : e;
        } finally {
          if (broken === undefined) client.removeListener("error", onError); // a broken client keeps it: it may emit again
          client.release(broken !== undefined ? (broken as Error) : undefined);
        }
      },
      close: async () => {
        if (!inTx) await pool.end();
      },
    };
    return self;
  };
  return make(pool, false);
}

/** Drops a schema and everything in it (test cleanup). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_RE.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}
