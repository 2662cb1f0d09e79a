/** Block timestamps the store knows without asking the chain. */
import type { SqlValue } from "./db";
import { INDEXED_TABLES } from "./schema";

/** What {@link blockTimeAt} reads through (a `Db`, or the API's read-only view of it). */
export interface BlockTimeReader {
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
}

/** The timestamp of block `block` if known: a kept block hash, the checkpoint, or any indexed row in that block. */
export async function blockTimeAt(db: BlockTimeReader, chainId: number, block: number): Promise<number | undefined> {
  const kept = await db.get<{ t: number }>("SELECT block_time AS t FROM block_hashes WHERE chain_id = ? AND block_number = ?", [chainId, block]);
  if (kept) return Number(kept.t);
  const cp = await db.get<{ t: number }>("SELECT block_time AS t FROM checkpoints WHERE chain_id = ? AND block_number = ?", [chainId, block]);
  if (cp) return Number(cp.t);
  for (const table of INDEXED_TABLES) {
    if (table === "block_hashes") continue;
    const r = await db.get<{ t: number }>(`SELECT block_time AS t FROM ${table} WHERE chain_id = ? AND block_number = ? LIMIT 1`, [chainId, block]);
    if (r) return Number(r.t);
  }
  return undefined;
}
