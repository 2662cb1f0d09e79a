import pg from "pg";
import { toNumberedPlaceholders, type Db, type Row, type RunResult, type SqlValue } from "./db";

/** Options of {@link createPostgresDb}. */
export interface CreatePostgresDbOptions {
  /** Schema to use (created if missing) — each test run gets its own. Default: the server's search_path. */
  schema?: string;
  /** Pool size. Default 5. */
  max?: number;
  /** Every transaction read-only (API processes beside the indexer); the schema is not created. Default false. */
  readOnly?: boolean;
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
  pool.on("error", () => undefined); // idle client errors surface on the next query

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
  const norm = (params?: readonly SqlValue[]): unknown[] =>
    params ? params.map((p) => (typeof p === "bigint" ? p.toString() : p)) : [];

  type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;
  const make = (q: Queryable, inTx: boolean): Db => {
    const self: Db = {
      dialect: "postgres",
      all: async <T = Row>(sql: string, params?: readonly SqlValue[]) =>
        (await q.query(rewrite(sql), norm(params))).rows as T[],
      get: async <T = Row>(sql: string, params?: readonly SqlValue[]) =>
        (await q.query(rewrite(sql), norm(params))).rows[0] as T | undefined,
      run: async (sql: string, params?: readonly SqlValue[]): Promise<RunResult> => ({
        changes: (await q.query(rewrite(sql), norm(params))).rowCount ?? 0,
      }),
      exec: async (sql: string) => {
        await q.query(sql);
      },
      transaction: async <T>(fn: (tx: Db) => Promise<T>): Promise<T> => {
        if (inTx) return fn(self);
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const result = await fn(make(client, true));
          await client.query("COMMIT");
          return result;
        } catch (e) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw e;
        } finally {
          client.release();
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
