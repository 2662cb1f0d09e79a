/**
 * Evidence manifest verification: fetch the manifest of each newly indexed batch by CID, rebuild its Merkle root
 * (service/src/digest), and compare root and leaf count with what was anchored. Only a match indexes the items
 * (with the batch's status `valid`, in one transaction); otherwise `mismatch`. A fetch failure is `unavailable`
 * and queued for a retry with backoff (`manifest_retry_at`); it never holds up the batches after it. One warning
 * line per pass names how many are missing.
 */
import { buildEvidenceTree, parseManifest } from "../digest";
import type { IndexStore, PendingBatch } from "../store/index-store";
import { nextRetryAt } from "../store/manifest-queue";
import type { StoredRow } from "../store/schema";
import type { Common, ManifestSource } from "./types";

/** Parameters of {@link createManifestVerifier}. */
export interface CreateManifestVerifierParameters {
  store: IndexStore;
  content: ManifestSource;
  /** First retry delay for an unavailable manifest; doubles per attempt up to 1 h. Default 5 s. */
  retryBaseMs?: number;
  /** Batches per pass. Default 50. */
  batchLimit?: number;
}

/** Counts from one pass. */
export interface ManifestPassResult {
  valid: number;
  mismatch: number;
  unavailable: number;
}

/** The verifier. */
export interface ManifestVerifier {
  /** Checks the pending (and due unavailable) batches of `chainId` once. */
  runOnce(chainId: number): Promise<ManifestPassResult>;
}

/** Outcome of checking one manifest. */
export type ManifestCheck =
  | { status: "valid"; items: StoredRow<"evidence_items">[] }
  | { status: "mismatch" | "unavailable"; error: string };

/** Checks one batch's manifest bytes against the anchored root and count; builds the item rows on a match. */
export function checkManifest(batch: PendingBatch, bytes: Uint8Array): ManifestCheck {
  let manifest;
  try {
    manifest = parseManifest(bytes);
  } catch (e) {
    return { status: "mismatch", error: (e as Error).message };
  }
  if (manifest.leafCount !== batch.leafCount) {
    return { status: "mismatch", error: `manifest lists ${manifest.leafCount} leaves, ${batch.leafCount} anchored` };
  }
  if (manifest.root.toLowerCase() !== batch.root) {
    return { status: "mismatch", error: `manifest names root ${manifest.root}, ${batch.root} anchored` };
  }
  let tree;
  try {
    tree = buildEvidenceTree(manifest.items);
  } catch (e) {
    return { status: "mismatch", error: (e as Error).message };
  }
  const root = tree.root.toLowerCase();
  if (root !== batch.root) return { status: "mismatch", error: `items rebuild root ${root}, ${batch.root} anchored` };
  const dumped = tree.dump().values; // in value order: dumped[i] is items[i]
  const items = manifest.items.map((it, i): StoredRow<"evidence_items"> => ({
    chain_id: batch.chainId,
    contract: batch.contract,
    block_number: batch.blockNumber,
    log_index: batch.logIndex,
    tx_hash: batch.txHash,
    block_time: batch.blockTime,
    batch_root: batch.root,
    leaf_index: i,
    tree_index: dumped[i].treeIndex,
    item_digest: it.digest,
    asset_id: it.assetId,
    label: it.label ?? null,
    leaf_hash: tree.leafHash([it.digest, it.assetId]).toLowerCase(),
    proof: "0x" + tree.getProof(i).map((h) => h.slice(2).toLowerCase()).join(""),
  }));
  return { status: "valid", items };
}

/** Creates the verifier. */
export function createManifestVerifier(common: Common, p: CreateManifestVerifierParameters): ManifestVerifier {
  const log = common.logger.child({ module: "manifests" });
  const base = p.retryBaseMs ?? 5000;
  const limit = p.batchLimit ?? 50;
  return {
    async runOnce(chainId) {
      const res: ManifestPassResult = { valid: 0, mismatch: 0, unavailable: 0 };
      const missing: string[] = [];
      for (const b of await p.store.pendingBatches(chainId, limit)) {
        let check: ManifestCheck;
        try {
          const bytes = await p.content.get(b.manifestCid);
          check = bytes ? checkManifest(b, bytes) : { status: "unavailable", error: `manifest ${b.manifestCid} not found` };
        } catch (e) {
          check = { status: "unavailable", error: `cannot fetch manifest ${b.manifestCid}: ${(e as Error).message}` };
        }
        // attempts so far + this one: the wait doubles per attempt, up to an hour
        const retryAt = check.status === "unavailable" ? nextRetryAt(b.manifestAttempts, base) : null;
        const ok = await p.store.recordManifest(
          b,
          check.status,
          check.status === "valid" ? null : check.error,
          check.status === "valid" ? check.items : [],
          retryAt,
        );
        if (!ok) continue; // rolled back by a reorg meanwhile
        res[check.status]++;
        if (check.status === "mismatch") log.warn({ root: b.root, cid: b.manifestCid, error: check.error }, "evidence manifest does not match the anchored batch; its items are not indexed");
        if (check.status === "unavailable") {
          missing.push(b.manifestCid);
          log.debug({ root: b.root, cid: b.manifestCid, attempt: b.manifestAttempts + 1, retryAt, error: check.error }, "evidence manifest unavailable");
        }
      }
      if (missing.length > 0) {
        log.warn(
          { chainId, unavailable: missing.length, first: missing[0] },
          `${missing.length} evidence manifest(s) unavailable (first ${missing[0]}); retried with backoff, later batches go on`,
        );
      }
      return res;
    },
  };
}
