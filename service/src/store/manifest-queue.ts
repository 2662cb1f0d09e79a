/**
 * The manifest retry queue, shared by the two verifiers that fetch a batch's manifest after the batch is indexed:
 * evidence (`evidence_batches`, indexer/manifests.ts) and processing receipts (`receipt_batches`,
 * indexer/receipt-manifests.ts). One reader, one outcome writer and one backoff for both, so that what issue 14 fixed
 * for evidence holds for receipts too: `pending` batches are read first, then `unavailable` ones whose
 * `manifest_retry_at` is due, so however many manifests stay missing they never hold up the batches after them.
 */
import type { Db, SqlValue } from "./db";

/** The tables whose rows are manifest-checked batches (both carry the same manifest_* columns). */
export type ManifestBatchTable = "evidence_batches" | "receipt_batches";

/** What a manifest check concludes. */
export type ManifestStatus = "valid" | "mismatch" | "unavailable";

/** The columns every queued batch is read with. */
export interface QueuedBatch {
  chainId: number;
  blockNumber: number;
  logIndex: number;
  contract: string;
  txHash: string;
  blockTime: number;
  root: string;
  leafCount: number;
  manifestCid: string;
  manifestStatus: string;
  manifestAttempts: number;
  manifestCheckedAt: number | null;
}

/** Longest wait between two attempts at an unavailable manifest. */
const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * When an unavailable manifest is due again (ms since the epoch): the wait starts at `baseMs` and doubles per attempt
 * made so far (`attempts`, the one just made not counted), up to an hour.
 */
export function nextRetryAt(attempts: number, baseMs: number, nowMs = Date.now()): number {
  return nowMs + Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempts));
}

const COLUMNS = `chain_id, block_number, log_index, contract, tx_hash, block_time, root, leaf_count, manifest_cid,
  manifest_status, manifest_attempts, manifest_checked_at`;

const toQueued = (r: Record<string, unknown>): QueuedBatch => ({
  chainId: Number(r.chain_id),
  blockNumber: Number(r.block_number),
  logIndex: Number(r.log_index),
  contract: String(r.contract),
  txHash: String(r.tx_hash),
  blockTime: Number(r.block_time),
  root: String(r.root),
  leafCount: Number(r.leaf_count),
  manifestCid: String(r.manifest_cid),
  manifestStatus: String(r.manifest_status),
  manifestAttempts: Number(r.manifest_attempts),
  manifestCheckedAt: r.manifest_checked_at === null ? null : Number(r.manifest_checked_at),
});

/**
 * Up to `limit` batches of `table` to check: `pending` ones oldest first, then `unavailable` ones due at `nowMs` (a
 * null `manifest_retry_at`, as rows checked before the column existed have, is due at once). `extra` columns are
 * read too and handed to `map` with the row.
 */
export async function queuedBatches<B extends QueuedBatch = QueuedBatch>(
  db: Db,
  table: ManifestBatchTable,
  chainId: number,
  limit: number,
  nowMs: number,
  extra: readonly string[] = [],
  map: (base: QueuedBatch, row: Record<string, unknown>) => B = (base) => base as B,
): Promise<B[]> {
  const cols = [COLUMNS, ...extra].join(", ");
  const rows = await db.all<Record<string, unknown>>(
    `SELECT ${cols} FROM ${table} WHERE chain_id = ? AND manifest_status = 'pending' ORDER BY block_number, log_index LIMIT ?`,
    [chainId, limit],
  );
  if (rows.length < limit) {
    rows.push(
      ...(await db.all<Record<string, unknown>>(
        `SELECT ${cols} FROM ${table}
         WHERE chain_id = ? AND manifest_status = 'unavailable' AND (manifest_retry_at IS NULL OR manifest_retry_at <= ?)
         ORDER BY block_number, log_index LIMIT ?`,
        [chainId, nowMs, limit - rows.length],
      )),
    );
  }
  return rows.map((r) => map(toQueued(r), r));
}

/**
 * Records the outcome of one check on its batch row (status, error, attempts, when, and for `unavailable` when to
 * try again), inside the caller's transaction `tx`. Returns false when the batch is gone (rolled back by a reorg
 * meanwhile) or was valid already, so that the caller writes nothing more.
 */
export async function markManifest(
  tx: Db,
  table: ManifestBatchTable,
  batch: Pick<QueuedBatch, "chainId" | "blockNumber" | "logIndex" | "root">,
  status: ManifestStatus,
  error: string | null,
  retryAt: number | null,
): Promise<boolean> {
  const params: SqlValue[] = [status, error, Math.floor(Date.now() / 1000), status === "unavailable" ? retryAt : null];
  const res = await tx.run(
    `UPDATE ${table} SET manifest_status = ?, manifest_error = ?, manifest_attempts = manifest_attempts + 1,
       manifest_checked_at = ?, manifest_retry_at = ?
     WHERE chain_id = ? AND block_number = ? AND log_index = ? AND root = ? AND manifest_status <> 'valid'`,
    [...params, batch.chainId, batch.blockNumber, batch.logIndex, batch.root],
  );
  return res.changes > 0;
}
