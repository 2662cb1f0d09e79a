/**
 * Keyset (cursor) pagination. A cursor is the base64url JSON of the sort key of the last row of the previous
 * page; pages are stable while rows are appended, and the page size is bounded by {@link MAX_PAGE_SIZE}.
 */
import { badRequest } from "./errors";
import type { ReadDb, SqlValue } from "./types";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./validation";

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
  /** The page size used. */
  limit: number;
}

type KeyValue = string | number;

/** Encodes a sort key as an opaque cursor. */
export function encodeCursor(key: readonly KeyValue[]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** Decodes a cursor into a sort key of `arity` values; 400 naming `query.cursor` when malformed. */
export function decodeCursor(cursor: string, arity: number): KeyValue[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badRequest("query.cursor", "not a cursor of this list");
  }
  if (
    !Array.isArray(key) ||
    key.length !== arity ||
    !key.every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))
  ) {
    throw badRequest("query.cursor", "not a cursor of this list");
  }
  return key as KeyValue[];
}

/** A sort-key column: the SQL expression, and the result column it comes back as. */
export interface KeyColumn {
  sql: string;
  field: string;
}

/** The sort key of event rows: their position on the chain (block, log index), then chain id; `alias` is the table's. */
export function eventPositionKeys(alias: string): KeyColumn[] {
  return [
    { sql: `${alias}.block_number`, field: "block_number" },
    { sql: `${alias}.log_index`, field: "log_index" },
    { sql: `${alias}.chain_id`, field: "chain_id" },
  ];
}

/** Arguments of {@link paginate}. */
export interface PaginateParameters<R, T> {
  db: ReadDb;
  /** `SELECT … FROM …` without WHERE/ORDER/LIMIT; must select every key `field`. */
  select: string;
  /** AND-ed conditions with `?` placeholders. */
  where: string[];
  params: SqlValue[];
  /** Sort key, most significant first; the last columns must make it unique. */
  keys: KeyColumn[];
  direction: "asc" | "desc";
  limit?: number;
  cursor?: string;
  map: (row: R) => T;
}

/** Runs a keyset-paginated query and maps its rows. */
export async function paginate<R extends object, T>(p: PaginateParameters<R, T>): Promise<Page<T>> {
  const limit = Math.min(p.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const where = [...p.where];
  const params = [...p.params];
  if (p.cursor !== undefined) {
    const key = decodeCursor(p.cursor, p.keys.length);
    const op = p.direction === "desc" ? "<" : ">";
    where.push(`(${p.keys.map((k) => k.sql).join(", ")}) ${op} (${p.keys.map(() => "?").join(", ")})`);
    params.push(...key);
  }
  const order = p.keys.map((k) => `${k.sql} ${p.direction.toUpperCase()}`).join(", ");
  const sql = `${p.select}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ?`;
  const rows = await p.db.all<R>(sql, [...params, limit + 1]);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const nextCursor =
    more && last ? encodeCursor(p.keys.map((k) => normaliseKey((last as Record<string, unknown>)[k.field]))) : null;
  return { items: page.map(p.map), nextCursor, limit };
}

function normaliseKey(v: unknown): KeyValue {
  if (typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "bigint") return Number(v);
  return String(v);
}
