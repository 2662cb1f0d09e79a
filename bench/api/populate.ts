/**
 * Fills a fresh store with N evidence items in anchored batches, as the indexer leaves them after the manifest check:
 * one `evidence_batches` row per batch (the EvidenceAnchored handler's columns) with manifest_status `valid`, and
 * its `evidence_items` rows (manifests.ts `checkManifest` columns), each batch in one transaction through the
 * store's own `insertRows` (prepared multi-row statements).
 *
 * Speed: OpenZeppelin's `StandardMerkleTree.of` (what `buildManifest`/`checkManifest` use) takes seconds per
 * 10 000-item batch on this machine, which makes millions of items impractical. So every batch's rows are built
 * by a fast path — leaf hash = keccak256(keccak256(digest ‖ assetId)), leaves sorted by hash, tree index
 * 2n-2-rank (StandardMerkleTree's layout), root from the API's own `buildTreeFromLeaves` — and the first batch
 * plus every `checkEvery`-th batch is ALSO run through the real path (digest `buildManifest` → indexer
 * `checkManifest`) and the rows are compared field by field; any difference aborts the run.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { keccak256 } from "ethers";
import { buildManifest } from "../../service/src/digest";
import { checkManifest } from "../../service/src/indexer/manifests";
import { buildTreeFromLeaves, treeProof, treeRoot } from "../../service/src/api/queries/evidence-tree-cache";
import type { Db, StoreRow } from "../../service/src/store";
import { insertRows } from "../../service/src/store";
import type { PendingBatch } from "../../service/src/store/index-store";

export const CHAIN_ID = 31337;
export const ANCHOR = "0x5fbdb2315678afecb367f032d93f642f64180aa3"; // EvidenceAnchor address (Hardhat's first deployment)
const EXCHANGES = ["0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"];
const ZERO_ID = "0x" + "0".repeat(64);
/** A handful of assets that items reference (one item in ten references one). */
const ASSETS = Array.from({ length: 16 }, (_, i) => "0x" + createHash("sha256").update(`asset:${i}`).digest("hex"));

/** Digest of item `i` of the data set (deterministic, so the load generator can also derive misses). */
export function itemDigest(i: number): string {
  return "0x" + createHash("sha256").update(`shuquan-bench-item:${i}`).digest("hex");
}

export interface PopulateOptions {
  items: number;
  batchSize: number;
  /** Where to write a uniform sample of existing items ("digest root" lines) for the load generator. */
  sampleFile: string;
  sampleSize: number;
  /** Cross-check every n-th batch against buildManifest + checkManifest (first batch always). */
  checkEvery: number;
  /**
   * The schema has `evidence_items.proof` (migration 2): write each item's proof as manifests.ts does ("0x" + the
   * sibling hashes from the leaf up, 64 hex each). `storedProofs: false` leaves it NULL, so the API falls back to
   * its tree cache (the design before migration 2).
   */
  proofColumn: boolean;
  storedProofs: boolean;
  log: (msg: string) => void;
}

export interface PopulateResult {
  items: number;
  batches: number;
  lastBlock: number;
  seconds: number;
  itemsPerSecond: number;
  checkedBatches: number;
}

interface Built {
  batch: StoreRow;
  items: StoreRow[];
  root: string;
}

function leafHashOf(digest: string, assetId: string): string {
  // abi.encode(bytes32, uint256) is the two 32-byte words side by side; the leaf is hashed twice (StandardMerkleTree)
  return keccak256(keccak256(Buffer.from(digest.slice(2) + assetId.slice(2), "hex")));
}

function buildBatch(first: number, n: number, block: number, o: PopulateOptions): Built {
  const digests: string[] = [];
  const assets: string[] = [];
  const labels: string[] = [];
  const leaves: string[] = [];
  for (let k = 0; k < n; k++) {
    const i = first + k;
    const d = itemDigest(i);
    const a = i % 10 === 3 ? ASSETS[i % ASSETS.length] : ZERO_ID;
    digests.push(d);
    assets.push(a);
    labels.push(`exports/${block}/record-${k}.json`);
    leaves.push(leafHashOf(d, a));
  }
  const order = leaves.map((_, k) => k).sort((x, y) => (leaves[x] < leaves[y] ? -1 : leaves[x] > leaves[y] ? 1 : 0));
  const treeIndex = new Array<number>(n);
  order.forEach((k, rank) => (treeIndex[k] = 2 * n - 2 - rank));
  const tree = buildTreeFromLeaves(leaves.map((h, k) => ({ treeIndex: treeIndex[k], leafHash: h })));
  const root = treeRoot(tree);
  const txHash = keccak256(Buffer.from(`tx:${block}`));
  const blockTime = 1_767_225_600 + block * 12;
  const ev = { chain_id: CHAIN_ID, contract: ANCHOR, block_number: block, log_index: 0, tx_hash: txHash, block_time: blockTime };
  const batch: StoreRow = {
    ...ev,
    root,
    exchange: EXCHANGES[block % EXCHANGES.length],
    asset_id: null,
    leaf_count: n,
    manifest_cid: `bafkrei${keccak256(Buffer.from(root)).slice(2, 54)}`,
    manifest_status: "valid",
    manifest_error: null,
    manifest_attempts: 1,
    manifest_checked_at: blockTime + 30,
  };
  const items: StoreRow[] = digests.map((d, k) => ({
    ...ev,
    batch_root: root,
    leaf_index: k,
    tree_index: treeIndex[k],
    item_digest: d,
    asset_id: assets[k],
    label: labels[k],
    leaf_hash: leaves[k],
    ...(o.proofColumn ? { proof: o.storedProofs ? "0x" + treeProof(tree, treeIndex[k]).map((h) => h.slice(2)).join("") : null } : {}),
  }));
  return { batch, items, root };
}

/** Rebuilds the batch through the digest module and the indexer's checkManifest and compares the rows. */
function crossCheck(b: Built, o: PopulateOptions): void {
  const built = buildManifest(b.items.map((r) => ({ digest: String(r.item_digest), assetId: String(r.asset_id), label: String(r.label) })));
  if (built.manifest.root !== b.root) throw new Error(`fast root ${b.root} != buildManifest root ${built.manifest.root}`);
  const e = b.batch;
  const pending: PendingBatch = {
    chainId: Number(e.chain_id), blockNumber: Number(e.block_number), logIndex: 0, contract: String(e.contract), txHash: String(e.tx_hash),
    blockTime: Number(e.block_time), root: b.root, leafCount: b.items.length, manifestCid: String(e.manifest_cid),
    manifestStatus: "pending", manifestAttempts: 0, manifestCheckedAt: null,
  };
  const check = checkManifest(pending, built.bytes);
  if (check.status !== "valid") throw new Error(`checkManifest: ${check.status} ${check.error}`);
  check.items.forEach((real, k) => {
    for (const [col, v] of Object.entries(real)) {
      if (col === "proof" && !o.storedProofs) continue; // deliberately NULL in this mode
      if (b.items[k][col] !== v) throw new Error(`row ${k} column ${col}: bench ${String(b.items[k][col])} != indexer ${String(v)}`);
    }
    if (Object.keys(real).length !== Object.keys(b.items[k]).length) throw new Error("column sets differ");
  });
}

/** Populates `db` (migrated, empty). */
export async function populate(db: Db, o: PopulateOptions): Promise<PopulateResult> {
  const batches = Math.ceil(o.items / o.batchSize);
  const perBatch = Math.max(1, Math.ceil(o.sampleSize / batches));
  const sample = fs.openSync(o.sampleFile, "w");
  const t0 = performance.now();
  let checked = 0;
  let lastLog = t0;
  for (let b = 0; b < batches; b++) {
    const first = b * o.batchSize;
    const n = Math.min(o.batchSize, o.items - first);
    const block = b + 1;
    const built = buildBatch(first, n, block, o);
    if (b === 0 || (o.checkEvery > 0 && b % o.checkEvery === 0)) {
      crossCheck(built, o);
      checked++;
    }
    await db.transaction(async (tx) => {
      await insertRows(tx, "evidence_batches", [built.batch]);
      await insertRows(tx, "evidence_items", built.items);
    });
    const lines: string[] = [];
    for (let s = 0; s < Math.min(perBatch, n); s++) {
      const k = Math.floor(Math.random() * n);
      lines.push(`${built.items[k].item_digest} ${built.root}\n`);
    }
    fs.writeSync(sample, lines.join(""));
    const now = performance.now();
    if (now - lastLog > 10_000) {
      lastLog = now;
      o.log(`  ${first + n}/${o.items} items, ${((first + n) / ((now - t0) / 1000)).toFixed(0)} items/s`);
    }
  }
  fs.closeSync(sample);
  const seconds = (performance.now() - t0) / 1000;
  return { items: o.items, batches, lastBlock: batches, seconds, itemsPerSecond: o.items / seconds, checkedBatches: checked };
}
