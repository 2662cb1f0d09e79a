/**
 * Keyset (cursor) pagination. A cursor is the base64url JSON of the sort key of the last row of the previous
 * page; pages are stable while rows are appended, and the page size is bounded by {@link MAX_PAGE_SIZE}. Every sort
 * key is a position (chain id, block, log index, leaf index): a non-negative safe integer, checked before it reaches
 * SQL (PostgreSQL refuses a string or an out-of-range number where an integer column is compared).
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

type KeyValue = number;

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
  if (!Array.isArray(key) || key.length !== arity || !key.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) {
    throw badRequest("query.cursor", "not a cursor of this list");
  }
  return key as KeyValue[];
}

/** A sort-key column: the SQL expression, and the result column it comes back as. */
export interface KeyColumn {
  sql: string;
  field: string;
  /**
   * For a text column (a cursor holds integers only): its value as a cursor integer, and back. `fromKey` throws for
   * an integer no value maps to (a 400 on `query.cursor`).
   */
  codec?: { toKey(v: unknown): number; fromKey(n: number): SqlValue };
}

/**
 * The sort key of event rows: the tables' own key (chain id, block, log index), so that the primary key, or an index
 * on a filter column followed by the key (store/schema.ts), hands the page over in order and a later page costs what
 * the first does. Within a chain this is chain order; chains follow each other. `alias` is the table's.
 */
export function eventPositionKeys(alias: string): KeyColumn[] {
  return [
    { sql: `${alias}.chain_id`, field: "chain_id" },
    { sql: `${alias}.block_number`, field: "block_number" },
    { sql: `${alias}.log_index`, field: "log_index" },
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
  /**
   * Alternatives OR-ed together (e.g. seller = ? or buyer = ?): each is read as its own indexed, ordered page and the
   * pages are merged, instead of one OR that neither index serves in order.
   */
  anyOf?: { where?: string; params?: SqlValue[]; fixed?: Fixed[] }[];
  /**
   * An equality filter on a column that leads a key-ordered index (store/schema.ts `<table>_<column>_key`), given
   * here rather than in `where`: it becomes `col >= ? AND col <= ?` and the column leads the ORDER BY. The answer is
   * the same, but the planner is left one way to hand the page over in order: that index. Written as `col = ?`,
   * PostgreSQL drops the constant column from the order and may walk the primary key backwards, filtering — cheap on
   * average, ruinous when the rows are all at the far end (1.2 s for an asset whose 100,000 trades are the oldest).
   */
  fixed?: Fixed[];
}

/** A column fixed to one value by the filter (see {@link PaginateParameters.fixed}). */
export interface Fixed {
  sql: string;
  value: SqlValue;
}

/**
 * Of equality filters (column, value or undefined) each served by a key-ordered index, the first given leads the
 * read (`fixed`); the rest are plain conditions on what that index hands over.
 */
export function leadingFilter(filters: readonly (readonly [string, SqlValue | undefined])[]): { fixed: Fixed[]; rest: (readonly [string, SqlValue | undefined])[] } {
  const first = filters.findIndex(([, v]) => v !== undefined);
  if (first < 0) return { fixed: [], rest: [] };
  const [sql, value] = filters[first]!;
  return { fixed: [{ sql, value: value as SqlValue }], rest: filters.filter((_, i) => i !== first) };
}

/** Runs a keyset-paginated query and maps its rows. */
export async function paginate<R extends object, T>(p: PaginateParameters<R, T>): Promise<Page<T>> {
  const limit = Math.min(p.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const key = p.cursor !== undefined ? decodeCursor(p.cursor, p.keys.length) : undefined;
  const sqlKey: SqlValue[] = key ? key.map((v, i) => (p.keys[i]!.codec ? p.keys[i]!.codec!.fromKey(v) : v)) : [];
  const dir = p.direction.toUpperCase();
  const op = p.direction === "desc" ? "<" : ">";
  const read = (w: readonly string[], ps: readonly SqlValue[], fixed: readonly Fixed[]): Promise<R[]> => {
    const conds = [...fixed.map((f) => `${f.sql} >= ? AND ${f.sql} <= ?`), ...w];
    const params: SqlValue[] = [...fixed.flatMap((f) => [f.value, f.value]), ...ps];
    if (key) {
      // the fixed columns lead the row comparison too, so that it bounds the index read rather than filtering it
      const cols = [...fixed.map((f) => f.sql), ...p.keys.map((k) => k.sql)];
      conds.push(`(${cols.join(", ")}) ${op} (${cols.map(() => "?").join(", ")})`);
      params.push(...fixed.map((f) => f.value), ...sqlKey);
    }
    const order = [...fixed.map((f) => `${f.sql} ${dir}`), ...p.keys.map((k) => `${k.sql} ${dir}`)].join(", ");
    return p.db.all<R>(`${p.select}${conds.length ? ` WHERE ${conds.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ?`, [...params, limit + 1]);
  };
  const rows = p.anyOf?.length
    ? mergePages(
        await Promise.all(
          p.anyOf.map((a) => read([...p.where, ...(a.where ? [a.where] : [])], [...p.params, ...(a.params ?? [])], [...(p.fixed ?? []), ...(a.fixed ?? [])])),
        ),
        p.keys,
        p.direction,
        limit + 1,
      )
    : await read(p.where, p.params, p.fixed ?? []);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const nextCursor =
    more && last ? encodeCursor(p.keys.map((k) => keyOf(k, (last as Record<string, unknown>)[k.field]))) : null;
  return { items: page.map(p.map), nextCursor, limit };
}

/** Arguments of {@link newestEvents}: a {@link paginate} over event rows aliased `x`, newest first. */
export type NewestEventsParameters<R, T> = Omit<PaginateParameters<R, T>, "keys" | "direction">;

/**
 * A page of one event table's rows (aliased `x` in `select`), newest first: by chain, block and log index
 * descending — the order of every event list (the cursor holds that position).
 */
export function newestEvents<R extends object, T>(p: NewestEventsParameters<R, T>): Promise<Page<T>> {
  return paginate({ ...p, keys: eventPositionKeys("x"), direction: "desc" });
}

/** The rows as they are (the `map` of a list whose rows are its items, or are turned into them after the page). */
export const asRead = <R>(row: R): R => row;

/** Merges pages sorted by `keys` into one, each row once, the first `n`. */
function mergePages<R extends object>(pages: R[][], keys: KeyColumn[], direction: "asc" | "desc", n: number): R[] {
  const rowKey = (r: R): KeyValue[] => keys.map((k) => keyOf(k, (r as Record<string, unknown>)[k.field]));
  const sign = direction === "asc" ? 1 : -1;
  const compare = (a: R, b: R): number => {
    const ka = rowKey(a);
    const kb = rowKey(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] < kb[i] ? -1 : 1) * sign;
    return 0;
  };
  const all = pages.flat().sort(compare);
  return all.filter((r, i) => i === 0 || compare(all[i - 1], r) !== 0).slice(0, n);
}

function normaliseKey(v: unknown): KeyValue {
  return Number(v);
}

function keyOf(k: KeyColumn, v: unknown): KeyValue {
  return k.codec ? k.codec.toKey(v) : normaliseKey(v);
}

/** A {@link KeyColumn} codec for a text column whose values are the members of `values` (cursor: the index). */
export function listCodec(values: readonly string[]): NonNullable<KeyColumn["codec"]> {
  return {
    toKey: (v) => values.indexOf(String(v)),
    fromKey: (n) => {
      const v = values[n];
      if (v === undefined) throw badRequest("query.cursor", "not a cursor of this list");
      return v;
    },
  };
}
