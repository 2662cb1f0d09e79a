/**
 * Evidence (存证): items by digest with their Merkle proofs, batches by root. Proofs come from a cached batch tree
 * rebuilt once from the batch's indexed items (see evidence-tree-cache.ts). Only batches whose manifest is
 * `valid` have items; an item is never served from another batch.
 */
import type { ColumnsOf, RowOf } from "../../store/schema";
import type { ApiContext, FinalityCheck } from "../context";
import { paginate, type Page } from "../pagination";
import type { ReadDb } from "../types";
import { buildTreeFromLeaves, processProof, treeProof, treeRoot, type CachedTree } from "./evidence-tree-cache";
import { eventCols, eventRef, ZERO_ID, type EventRef } from "./rows";

/** An anchored batch. */
export interface BatchView {
  root: string;
  exchange: string;
  /**
   * Asset the whole batch concerns, or null. (Unlike an item's, never a verifyItem input and not in the manifest:
   * it is the anchoring event's optional asset, 0 on chain when none.)
   */
  assetId: string | null;
  leafCount: number;
  manifestCid: string;
  /** pending, valid, mismatch or unavailable. */
  manifestStatus: string;
  manifestError: string | null;
  anchored: EventRef;
}

/** An evidence item found in a valid batch, with its proof. */
export interface ItemProofView {
  itemDigest: string;
  /**
   * Referenced asset as `0x` + 64 hex, exactly the leaf's second value: `0x00…00` when the item names no asset, as in
   * the manifest and proofs files, so it can be passed to verifyItem / StandardMerkleTree.verify as is.
   */
  assetId: string;
  /** False when the item names no asset (assetId is 0x00…00). */
  hasAsset: boolean;
  label: string | null;
  /** Position in the manifest's items (StandardMerkleTree value index). */
  leafIndex: number;
  /** keccak256(bytes.concat(keccak256(abi.encode(itemDigest, assetId)))), as EvidenceAnchor.verify expects. */
  leaf: string;
  /** Sibling hashes from the leaf up (OpenZeppelin MerkleProof format). */
  proof: string[];
  batch: BatchView;
  /**
   * True: the batch's manifest rebuilt the anchored root and the indexer derived this proof from that tree (checked at
   * index time; the lookup does no hashing). Auditors fold the proof to the anchored root themselves.
   */
  valid: boolean;
}

/** A batch row as the API reads it. */
export type BatchRow = RowOf<"evidence_batches", "root" | "exchange" | "asset_id" | "leaf_count" | "manifest_cid" | "manifest_status" | "manifest_error">;
/** An item row as the API reads it. */
export type ItemRow = RowOf<"evidence_items", "batch_root" | "leaf_index" | "tree_index" | "item_digest" | "asset_id" | "label" | "leaf_hash">;

/** An item of a batch, in manifest order (no proof). */
export interface BatchItemView {
  leafIndex: number;
  itemDigest: string;
  /** `0x` + 64 hex; `0x00…00` when the item names no asset (see {@link ItemProofView.assetId}). */
  assetId: string;
  hasAsset: boolean;
  label: string | null;
  leaf: string;
}

/** An item's asset in the leaf's form (0x00…00 for none) and whether it names one. */
function itemAsset(r: { asset_id: string | null }): { assetId: string; hasAsset: boolean } {
  const assetId = r.asset_id ? r.asset_id.toLowerCase() : ZERO_ID;
  return { assetId, hasAsset: assetId !== ZERO_ID };
}

/** Columns of a batch row (alias `b`). */
export const BATCH_COLS = `${eventCols("b")}, b.root, b.exchange, b.asset_id, b.leaf_count, b.manifest_cid, b.manifest_status, b.manifest_error`;
/** Columns of an item row (alias `i`). */
export const ITEM_COLS = `${eventCols("i")}, i.batch_root, i.leaf_index, i.tree_index, i.item_digest, i.asset_id, i.label, i.leaf_hash`;

/** A batch row as the API returns it. */
export function batchView(r: BatchRow, isFinal: FinalityCheck): BatchView {
  return {
    root: r.root,
    exchange: r.exchange,
    assetId: r.asset_id && r.asset_id !== ZERO_ID ? r.asset_id : null,
    leafCount: Number(r.leaf_count),
    manifestCid: r.manifest_cid,
    manifestStatus: r.manifest_status,
    manifestError: r.manifest_error ?? null,
    anchored: eventRef(r, isFinal),
  };
}

/** One batch by root, or undefined. */
export async function getBatch(db: ReadDb, root: string, isFinal: FinalityCheck): Promise<BatchView | undefined> {
  const r = await db.get<BatchRow>(`SELECT ${BATCH_COLS} FROM evidence_batches b WHERE b.root = ? ORDER BY b.block_number LIMIT 1`, [root]);
  return r ? batchView(r, isFinal) : undefined;
}

/** The items of a (valid) batch, in manifest order. */
export async function itemsOfBatch(
  db: ReadDb,
  root: string,
  page: { limit?: number; cursor?: string },
): Promise<Page<BatchItemView>> {
  // items are only written for a valid batch (indexer/manifests.ts), and a valid batch stays valid: no join needed
  return paginate<ItemRow, BatchItemView>({
    db,
    select: `SELECT ${ITEM_COLS} FROM evidence_items i`,
    where: ["i.batch_root = ?"],
    params: [root],
    keys: [{ sql: "i.leaf_index", field: "leaf_index" }],
    direction: "asc",
    limit: page.limit,
    cursor: page.cursor,
    map: (r) => ({
      leafIndex: Number(r.leaf_index),
      itemDigest: r.item_digest,
      ...itemAsset(r),
      label: r.label ?? null,
      leaf: r.leaf_hash,
    }),
  });
}

async function treeOf(ctx: ApiContext, chainId: number, root: string): Promise<CachedTree> {
  return ctx.evidenceTrees.get(`${chainId}:${root}`, async () => {
    const rows = await ctx.db.all<ColumnsOf<"evidence_items", "tree_index" | "leaf_hash">>(
      "SELECT tree_index, leaf_hash FROM evidence_items WHERE chain_id = ? AND batch_root = ?",
      [chainId, root],
    );
    const tree = buildTreeFromLeaves(rows.map((r) => ({ treeIndex: Number(r.tree_index), leafHash: r.leaf_hash })));
    if (treeRoot(tree) !== root) throw new Error(`evidence batch ${root}: indexed leaves rebuild root ${treeRoot(tree)}`);
    return tree;
  });
}

const storedProofs = new WeakMap<ReadDb, Promise<boolean>>();

/**
 * Whether the schema has `evidence_items.proof` (proofs written at index time: store migration 2,
 * docs/indexer.md). Probed once per database; without it proofs come from the cached tree.
 */
function hasStoredProofs(db: ReadDb): Promise<boolean> {
  let p = storedProofs.get(db);
  if (!p) {
    p = db.all("SELECT proof FROM evidence_items WHERE 1 = 0").then(() => true, () => false);
    storedProofs.set(db, p);
  }
  return p;
}

/** A stored proof: sibling hashes concatenated as one 0x hex string (64 hex each), or a JSON array of them. */
export function parseStoredProof(text: string): string[] {
  if (text.startsWith("[")) return (JSON.parse(text) as string[]).map((h) => h.toLowerCase());
  const body = text.startsWith("0x") ? text.slice(2) : text;
  const out: string[] = [];
  for (let i = 0; i < body.length; i += 64) out.push(`0x${body.slice(i, i + 64).toLowerCase()}`);
  return out;
}

/** Every occurrence of an item digest in valid batches, with proofs (oldest anchoring first). */
export async function itemProofs(ctx: ApiContext, digest: string, isFinal: FinalityCheck): Promise<ItemProofView[]> {
  const stored = await hasStoredProofs(ctx.db);
  // two indexed lookups instead of a join: the planner cannot pick a scan of a large batch's items
  const rows = await ctx.db.all<ItemRow & Partial<ColumnsOf<"evidence_items", "proof">>>(
    `SELECT ${ITEM_COLS}${stored ? ", i.proof" : ""} FROM evidence_items i WHERE i.item_digest = ?
     ORDER BY i.block_number, i.log_index, i.leaf_index LIMIT 100`,
    [digest],
  );
  const out: ItemProofView[] = [];
  for (const r of rows) {
    const batch = await getBatch(ctx.db, r.batch_root, isFinal);
    if (!batch || batch.manifestStatus !== "valid" || batch.anchored.chainId !== Number(r.chain_id)) continue;
    const proof = r.proof
      ? parseStoredProof(r.proof)
      : treeProof(await treeOf(ctx, Number(r.chain_id), r.batch_root), Number(r.tree_index));
    // leaf_hash was computed by the indexer with the digest module's evidenceLeafHash when it checked the manifest
    const leaf = r.leaf_hash;
    out.push({
      itemDigest: r.item_digest,
      ...itemAsset(r),
      label: r.label ?? null,
      leafIndex: Number(r.leaf_index),
      leaf,
      proof,
      batch,
      valid: processProof(leaf, proof) === r.batch_root,
    });
  }
  return out;
}
