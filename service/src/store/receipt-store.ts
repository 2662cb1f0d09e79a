/**
 * The receipt verifier's reads and writes (indexer/receipt-manifests.ts): receipt batches still to check, the
 * licence history and operator grants a batch is judged against (as indexed up to the batch's own log), and the
 * outcome of a check in one transaction.
 */
import type { Db, SqlValue } from "./db";
import { insertRows, type StoreRow } from "./index-store";
import { markManifest, queuedBatches, type QueuedBatch } from "./manifest-queue";

/** A receipt batch whose manifest is still to be checked: the shared queue's columns and its submitter. */
export interface PendingReceiptBatch extends QueuedBatch {
  submitter: string;
}

/** A licence grant as indexed. */
export interface LicenceGrant {
  licenceId: string;
  assetId: string;
  grantee: string;
  grantor: string;
  scopeDigest: string;
  start: number;
  end: number;
  blockNumber: number;
  logIndex: number;
}

/** A licence revocation as indexed. */
export interface LicenceRevocation {
  licenceId: string;
  revokedAt: number;
  blockNumber: number;
  logIndex: number;
}

/** What a batch's receipts are judged against: everything indexed before the batch's log. */
export interface ReceiptContext {
  grants: Map<string, LicenceGrant[]>;
  revocations: Map<string, LicenceRevocation[]>;
  /** Licensees that had authorised the batch's submitter as their operator when it anchored. */
  operatorOf: Set<string>;
}

const CHUNK = 500;
const BEFORE = "(block_number < ? OR (block_number = ? AND log_index < ?))";

/**
 * Receipt batches to check: `pending` ones oldest first, then `unavailable` ones due again at `nowMs` (the retry
 * queue evidence batches use, manifest-queue.ts): a missing receipt manifest never holds up the batches after it.
 */
export async function pendingReceiptBatches(db: Db, chainId: number, limit: number, nowMs = Date.now()): Promise<PendingReceiptBatch[]> {
  return queuedBatches(db, "receipt_batches", chainId, limit, nowMs, ["submitter"], (base, r) => ({ ...base, submitter: String(r.submitter) }));
}

/** The licences named by `licenceIds` and the submitter's operator grants, as indexed before `batch`'s log. */
export async function receiptContext(db: Db, batch: PendingReceiptBatch, licenceIds: readonly string[]): Promise<ReceiptContext> {
  const at: SqlValue[] = [batch.blockNumber, batch.blockNumber, batch.logIndex];
  const grants = new Map<string, LicenceGrant[]>();
  const revocations = new Map<string, LicenceRevocation[]>();
  const ids = [...new Set(licenceIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const marks = part.map(() => "?").join(", ");
    const g = await db.all<Record<string, unknown>>(
      `SELECT licence_id, asset_id, grantee, grantor, scope_digest, start_time, end_time, block_number, log_index FROM licences
       WHERE chain_id = ? AND licence_id IN (${marks}) AND ${BEFORE} ORDER BY block_number, log_index`,
      [batch.chainId, ...part, ...at],
    );
    for (const r of g) {
      const id = String(r.licence_id);
      const list = grants.get(id) ?? [];
      list.push({
        licenceId: id,
        assetId: String(r.asset_id),
        grantee: String(r.grantee),
        grantor: String(r.grantor),
        scopeDigest: String(r.scope_digest),
        start: Number(r.start_time),
        end: Number(r.end_time),
        blockNumber: Number(r.block_number),
        logIndex: Number(r.log_index),
      });
      grants.set(id, list);
    }
    const v = await db.all<Record<string, unknown>>(
      `SELECT licence_id, revoked_at, block_number, log_index FROM licence_revocations
       WHERE chain_id = ? AND licence_id IN (${marks}) AND ${BEFORE} ORDER BY block_number, log_index`,
      [batch.chainId, ...part, ...at],
    );
    for (const r of v) {
      const id = String(r.licence_id);
      const list = revocations.get(id) ?? [];
      list.push({ licenceId: id, revokedAt: Number(r.revoked_at), blockNumber: Number(r.block_number), logIndex: Number(r.log_index) });
      revocations.set(id, list);
    }
  }
  // the latest setting of each (licensee, submitter) pair before the batch
  const ops = await db.all<{ licensee: string; authorised: number }>(
    `SELECT licensee, authorised FROM receipt_operators
     WHERE chain_id = ? AND operator = ? AND ${BEFORE} ORDER BY block_number, log_index`,
    [batch.chainId, batch.submitter, ...at],
  );
  const operatorOf = new Set<string>();
  for (const o of ops) {
    if (Number(o.authorised) === 1) operatorOf.add(o.licensee);
    else operatorOf.delete(o.licensee);
  }
  return { grants, revocations, operatorOf };
}

/**
 * Stores the outcome of a check in one transaction: status and error, and for `valid` the receipts and their
 * violations. Returns false when the batch no longer exists (rolled back meanwhile) or was stored already.
 */
export async function recordReceiptManifest(
  db: Db,
  batch: PendingReceiptBatch,
  status: "valid" | "mismatch" | "unavailable",
  error: string | null,
  receipts: readonly StoreRow[],
  violations: readonly StoreRow[],
  /** For `unavailable`: when to try again (ms since the epoch, manifest-queue.ts `nextRetryAt`). */
  retryAt: number | null = null,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await markManifest(tx, "receipt_batches", batch, status, error, retryAt))) return false;
    if (status === "valid") {
      await insertRows(tx, "receipts", receipts);
      await insertRows(tx, "receipt_violations", violations);
    }
    return true;
  });
}
