/**
 * The database abstraction both backends implement (docs/architecture.md, "Store rules").
 * SQL is written once with `?` placeholders; the PostgreSQL backend rewrites them to `$1, $2 …`.
 */

/** Which backend a {@link Db} talks to. */
export type Dialect = "sqlite" | "postgres";

/** A value bound to a placeholder. Booleans are stored as 0/1 by the callers (INTEGER columns). */
export type SqlValue = string | number | bigint | null;

/** A statement's parameter: a value, or bytes (PostgreSQL sends them in the binary format: store/pg-binary-array.ts). */
export type SqlParam = SqlValue | Uint8Array;

/** A result row: column name to value (TEXT → string, INTEGER/BIGINT → number). */
export type Row = Record<string, unknown>;

/** Outcome of a statement that returns no rows. */
export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** A connection (or pool) with `?` placeholders, the same on SQLite and PostgreSQL. */
export interface Db {
  /** The backend. */
  readonly dialect: Dialect;
  /** Every row of a query. */
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement. */
  run(sql: string, params?: readonly SqlParam[]): Promise<RunResult>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Nested calls reuse it. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Runs several statements separated by `;` with no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Releases the connection(s). */
  close(): Promise<void>;
}

/**
 * Rewrites `?` placeholders to `$1 … $n`, leaving quoted strings, quoted identifiers and comments alone.
 * @param sql SQL with `?` placeholders
 * @returns SQL with numbered placeholders
 */
export function toNumberedPlaceholders(sql: string): string {
  let out = "";
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "?") {
      out += `$${++n}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
