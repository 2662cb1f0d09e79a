/** Block timestamps the store knows without asking the chain. */
import type { SqlValue } from "./db";
import { INDEXED_TABLES } from "./schema";

/** What {@link blockTimeAt} reads through (a `Db`, or the API's read-only view of it). */
export interface BlockTimeReader {
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
}

/** Where a block's time may be: the kept block hashes, the checkpoints, then a row of any indexed table in that block. */
const SOURCES = ["block_hashes", "checkpoints", ...INDEXED_TABLES.filter((t) => t !== "block_hashes")];

/**
 * One statement over every source, each a probe of its (chain_id, block_number) key that stops at its first row, the
 * whole stopping at the first row found: one round trip instead of one per table (35 in turn for a block only an
 * event table near the end of the list has, the case of every bulk-filled store). Every source holds the block's
 * own timestamp, so whichever answers first is the answer.
 */
const SQL = SOURCES.map((t, i) => `SELECT t FROM (SELECT block_time AS t FROM ${t} WHERE chain_id = ? AND block_number = ? LIMIT 1) s${i}`).join(
  " UNION ALL ",
) + " LIMIT 1";

/** The timestamp of block `block` if known: a kept block hash, the checkpoint, or any indexed row in that block. */
export async function blockTimeAt(db: BlockTimeReader, chainId: number, block: number): Promise<number | undefined> {
  const r = await db.get<{ t: number | string }>(SQL, SOURCES.flatMap(() => [chainId, block]));
  return r ? Number(r.t) : undefined;
}
