/**
 * Reads a large result in key-ordered chunks, yielding to the event loop between them. The aggregate reports
 * (price statistics, activity) read every row of their window; on SQLite one statement over a million rows runs
 * for seconds on the event loop, where nothing — /health, other requests, the request's own time limit — can run
 * (issue 14). In chunks, the process stays responsive and the report gives up (503 `timeout`) at its time limit.
 */
import { ApiError } from "../errors";
import { DEFAULT_REQUEST_TIME_LIMIT_MS } from "../limits";
import type { ReadDb, SqlValue } from "../types";

/** Rows per chunk. */
const CHUNK = 5000;

/** Arguments of {@link forEachChunk}. */
export interface ChunkedRead {
  /** `SELECT …, <alias>.chain_id, <alias>.block_number, <alias>.log_index FROM …` without WHERE/ORDER/LIMIT. */
  select: string;
  /** The table whose key orders the chunks. */
  alias: string;
  where: string[];
  params: SqlValue[];
  /** Give up after this many ms (default: the request time limit). */
  limitMs?: number;
  /**
   * Order the chunks by the alias's block_time first (for a time window: the `<table>_time_key` index on
   * (block_time, chain, block, log) then hands each chunk over in order). Default: by the key alone.
   */
  byTime?: boolean;
}

type Keyed = { chain_id: number | string; block_number: number | string; log_index: number | string; block_time?: number | string };

/** Calls `each` with successive chunks of the rows, in key order. */
export async function forEachChunk<R extends Keyed>(db: ReadDb, p: ChunkedRead, each: (rows: R[]) => void): Promise<void> {
  const a = p.alias;
  const order = `${p.byTime ? `${a}.block_time, ` : ""}${a}.chain_id, ${a}.block_number, ${a}.log_index`;
  const deadline = Date.now() + (p.limitMs ?? DEFAULT_REQUEST_TIME_LIMIT_MS);
  let after: SqlValue[] | undefined;
  for (;;) {
    const where = [...p.where, ...(after ? [`(${order}) > (${after.map(() => "?").join(", ")})`] : [])];
    const rows = await db.all<R>(
      `${p.select}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ${CHUNK}`,
      [...p.params, ...(after ?? [])],
    );
    each(rows);
    if (rows.length < CHUNK) return;
    const last = rows[rows.length - 1] as R;
    after = [...(p.byTime ? [Number(last.block_time)] : []), Number(last.chain_id), Number(last.block_number), Number(last.log_index)];
    await new Promise((resolve) => setImmediate(resolve));
    if (Date.now() > deadline) throw new ApiError(503, "timeout", "the report reads more rows than the server's time limit allows; narrow it with from/to or a filter");
  }
}
