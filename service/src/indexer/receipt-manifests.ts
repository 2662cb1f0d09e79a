/**
 * Receipt manifest verification and the licence check of every receipt (docs/regulated-use.md). For each newly
 * indexed receipt batch: fetch its manifest by CID, rebuild the Merkle root (digest/receipt.ts) and compare root and
 * count with what was anchored; on a match, judge each receipt against its licence as indexed before the batch's
 * log, and store the receipts with their violations in one transaction. A violation is a row, never a dropped
 * receipt. A manifest that does not rebuild the root is `mismatch` (shown with the batch); a fetch failure is
 * `unavailable` and queued for a retry with backoff (`manifest_retry_at`, the evidence verifier's queue:
 * store/manifest-queue.ts); it never holds up the batches after it.
 */
import { buildReceiptTree, inputsRoot, parseReceiptManifest, receiptLeafHash, type ManifestReceipt, type ReceiptManifest } from "../digest";
import type { StoreRow } from "../store/index-store";
import { pendingReceiptBatches, receiptContext, recordReceiptManifest, type PendingReceiptBatch, type ReceiptContext } from "../store/receipt-store";
import type { Db } from "../store/db";
import { nextRetryAt } from "../store/manifest-queue";
import type { Common, ManifestSource } from "./types";

/** Why a receipt falls outside its licence. */
export type ViolationCode =
  | "unknown-licence" // no licence with this id was granted before the batch
  | "wrong-licensee" // the licence's grantee is not the receipt's licensee
  | "unauthorised-submitter" // anchored by neither the licensee nor an operator it had named
  | "purpose-mismatch" // the purpose digest is not the licence's scope digest
  | "outside-window" // the job's [start, end] is not inside any grant's [start, end)
  | "after-revocation" // the job ran on past the licence's revocation
  | "ends-after-anchoring"; // the job claims to end after the batch was anchored

/** A violation of one receipt. */
export interface Violation {
  code: ViolationCode;
  detail: string;
}

/** Outcome of parsing a manifest against its anchored batch. */
export type ReceiptManifestCheck = { status: "valid"; manifest: ReceiptManifest } | { status: "mismatch" | "unavailable"; error: string };

/** Checks manifest bytes against the anchored root and count, and each receipt's inputs against its inputs root. */
export function checkReceiptManifest(batch: Pick<PendingReceiptBatch, "root" | "leafCount">, bytes: Uint8Array): ReceiptManifestCheck {
  let manifest: ReceiptManifest;
  try {
    manifest = parseReceiptManifest(bytes);
  } catch (e) {
    return { status: "mismatch", error: (e as Error).message };
  }
  if (manifest.leafCount !== batch.leafCount) {
    return { status: "mismatch", error: `manifest lists ${manifest.leafCount} receipts, ${batch.leafCount} anchored` };
  }
  for (const [i, r] of manifest.receipts.entries()) {
    if (inputsRoot(r.inputs) !== r.inputsRoot) return { status: "mismatch", error: `receipt ${i}: its inputs do not rebuild its inputsRoot` };
  }
  const root = buildReceiptTree(manifest.receipts).root.toLowerCase();
  if (root !== batch.root) return { status: "mismatch", error: `receipts rebuild root ${root}, ${batch.root} anchored` };
  return { status: "valid", manifest };
}

/** The violations of one receipt of a batch anchored by `submitter` at `anchoredAt`, judged against `ctx`. */
export function judgeReceipt(r: ManifestReceipt, submitter: string, anchoredAt: number, ctx: ReceiptContext): Violation[] {
  const out: Violation[] = [];
  if (r.licensee !== submitter && !ctx.operatorOf.has(r.licensee)) {
    out.push({ code: "unauthorised-submitter", detail: `anchored by ${submitter}, neither the licensee nor an operator it named` });
  }
  if (r.end > anchoredAt) out.push({ code: "ends-after-anchoring", detail: `ends at ${r.end}, after the batch was anchored at ${anchoredAt}` });
  const grants = ctx.grants.get(r.licenceId) ?? [];
  if (grants.length === 0) {
    out.push({ code: "unknown-licence", detail: `no licence ${r.licenceId} was granted before the batch` });
    return out;
  }
  const last = grants[grants.length - 1];
  if (last.grantee !== r.licensee) out.push({ code: "wrong-licensee", detail: `the licence was granted to ${last.grantee}` });
  const revocations = ctx.revocations.get(r.licenceId) ?? [];
  // the grant whose window holds the job, and the revocation (if any) that ended that grant
  let covering: { grant: (typeof grants)[number]; revokedAt: number | null } | undefined;
  for (let i = 0; i < grants.length; i++) {
    const g = grants[i];
    if (!(g.start <= r.start && r.end <= g.end)) continue;
    const next = grants[i + 1];
    const after = (x: { blockNumber: number; logIndex: number }, y: { blockNumber: number; logIndex: number }) =>
      x.blockNumber > y.blockNumber || (x.blockNumber === y.blockNumber && x.logIndex > y.logIndex);
    const rev = revocations.find((v) => after(v, g) && (!next || after(next, v)));
    covering = { grant: g, revokedAt: rev ? rev.revokedAt : null };
  }
  if (!covering) {
    const windows = grants.map((g) => `[${g.start}, ${g.end})`).join(", ");
    out.push({ code: "outside-window", detail: `job [${r.start}, ${r.end}] is outside the licence's window ${windows}` });
  } else {
    if (covering.revokedAt !== null && r.end > covering.revokedAt) {
      out.push({ code: "after-revocation", detail: `job ends at ${r.end}, after the licence was revoked at ${covering.revokedAt}` });
    }
    if (covering.grant.scopeDigest !== r.purposeDigest) {
      out.push({ code: "purpose-mismatch", detail: `purpose ${r.purposeDigest} is not the licence's scope ${covering.grant.scopeDigest}` });
    }
  }
  if (!covering && last.scopeDigest !== r.purposeDigest) {
    out.push({ code: "purpose-mismatch", detail: `purpose ${r.purposeDigest} is not the licence's scope ${last.scopeDigest}` });
  }
  return out;
}

/** The receipts and violation rows of a valid manifest. */
function receiptRows(batch: PendingReceiptBatch, manifest: ReceiptManifest, ctx: ReceiptContext): { receipts: StoreRow[]; violations: StoreRow[] } {
  const tree = buildReceiptTree(manifest.receipts);
  const event = {
    chain_id: batch.chainId,
    contract: batch.contract,
    block_number: batch.blockNumber,
    log_index: batch.logIndex,
    tx_hash: batch.txHash,
    block_time: batch.blockTime,
  };
  const receipts: StoreRow[] = [];
  const violations: StoreRow[] = [];
  manifest.receipts.forEach((r, i) => {
    const grants = ctx.grants.get(r.licenceId);
    const grant = grants?.[grants.length - 1];
    const assetId = grant?.assetId ?? null;
    const licensor = grant?.grantor ?? null;
    const found = judgeReceipt(r, batch.submitter, batch.blockTime, ctx);
    receipts.push({
      ...event,
      batch_root: batch.root,
      leaf_index: i,
      licence_id: r.licenceId,
      licensee: r.licensee,
      submitter: batch.submitter,
      asset_id: assetId,
      licensor,
      purpose_digest: r.purposeDigest,
      inputs_root: r.inputsRoot,
      inputs: r.inputs.join(","),
      output_digest: r.outputDigest,
      parameters_digest: r.parametersDigest,
      start_time: r.start,
      end_time: r.end,
      leaf_hash: receiptLeafHash(r).toLowerCase(),
      proof: "0x" + tree.getProof(i).map((h) => h.slice(2).toLowerCase()).join(""),
      violation_count: found.length,
    });
    for (const v of found) {
      violations.push({
        ...event,
        batch_root: batch.root,
        leaf_index: i,
        code: v.code,
        detail: v.detail,
        licence_id: r.licenceId,
        asset_id: assetId,
        licensor,
        licensee: r.licensee,
        submitter: batch.submitter,
      });
    }
  });
  return { receipts, violations };
}

/** Counts from one pass. */
export interface ReceiptPassResult {
  valid: number;
  mismatch: number;
  unavailable: number;
  violations: number;
}

/** Parameters of {@link createReceiptVerifier}. */
export interface CreateReceiptVerifierParameters {
  db: Db;
  content: ManifestSource;
  /** First retry delay for an unavailable manifest; doubles per attempt up to 1 h. Default 5 s. */
  retryBaseMs?: number;
  /** Batches per pass. Default 50. */
  batchLimit?: number;
}

/** The verifier. */
export interface ReceiptVerifier {
  runOnce(chainId: number): Promise<ReceiptPassResult>;
}

/** Creates the receipt verifier. */
export function createReceiptVerifier(common: Common, p: CreateReceiptVerifierParameters): ReceiptVerifier {
  const log = common.logger.child({ module: "receipts" });
  const base = p.retryBaseMs ?? 5000;
  const limit = p.batchLimit ?? 50;
  return {
    async runOnce(chainId) {
      const res: ReceiptPassResult = { valid: 0, mismatch: 0, unavailable: 0, violations: 0 };
      for (const b of await pendingReceiptBatches(p.db, chainId, limit)) {
        let check: ReceiptManifestCheck;
        try {
          const bytes = await p.content.get(b.manifestCid);
          check = bytes ? checkReceiptManifest(b, bytes) : { status: "unavailable", error: `manifest ${b.manifestCid} not found` };
        } catch (e) {
          check = { status: "unavailable", error: `cannot fetch manifest ${b.manifestCid}: ${(e as Error).message}` };
        }
        let rows: { receipts: StoreRow[]; violations: StoreRow[] } = { receipts: [], violations: [] };
        if (check.status === "valid") {
          const ctx = await receiptContext(p.db, b, check.manifest.receipts.map((r) => r.licenceId));
          rows = receiptRows(b, check.manifest, ctx);
        }
        const retryAt = check.status === "unavailable" ? nextRetryAt(b.manifestAttempts, base) : null;
        const error = check.status === "valid" ? null : check.error;
        const ok = await recordReceiptManifest(p.db, b, check.status, error, rows.receipts, rows.violations, retryAt);
        if (!ok) continue;
        res[check.status]++;
        res.violations += rows.violations.length;
        if (check.status !== "valid") log.warn({ root: b.root, cid: b.manifestCid, status: check.status, error: check.error }, "receipt manifest not indexed");
        else if (rows.violations.length) log.info({ root: b.root, violations: rows.violations.length }, "receipts outside their licences recorded as violations");
      }
      return res;
    },
  };
}
