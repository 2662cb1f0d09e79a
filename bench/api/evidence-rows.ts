/**
 * The rows of one anchored evidence batch at bulk-load speed: the `evidence_items` rows the indexer's manifest check
 * writes (indexer/manifests.ts `checkManifest`: leaf hash, tree index, the stored proof) and the `evidence_batches`
 * row as the EvidenceAnchored handler writes it and `recordManifest` leaves it (status `valid`, one attempt).
 *
 * The tree is OpenZeppelin's StandardMerkleTree layout (what `buildEvidenceTree` builds: leaf =
 * keccak256(keccak256(abi.encode(bytes32 digest, uint256 assetId))), leaves sorted by hash into the array's tail,
 * tree index 2n-2-rank, each node the keccak of its sorted children), built level by level in one typed array with
 * hash-wasm's keccak-256 (WASM; ~12× ethers' pure-JS keccak256 per 64-byte hash on this machine, the same digest —
 * `keccakMatchesEthers` checks it). populate.ts's cross-check runs the first batch through the real path
 * (buildManifest → checkManifest) and compares every column.
 *
 * Item i of the data set is the same as populate.ts's: digest sha256("shuquan-bench-item:<i>"), one in ten naming
 * one of 16 assets, label `exports/<block>/record-<k>.json`.
 */
import { createHash } from "node:crypto";
import { createKeccak, type IHasher } from "hash-wasm";
import { keccak256 } from "ethers";

export const CHAIN_ID = 31337;
export const ANCHOR = "0x5fbdb2315678afecb367f032d93f642f64180aa3"; // EvidenceAnchor address (Hardhat's first deployment)
const EXCHANGES = ["0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"];
const ZERO_ID = "0x" + "0".repeat(64);
/** The assets items reference (one item in ten references one): `0x` + sha256("asset:<n>"), as the synthetic market names them. */
const ASSETS = Array.from({ length: 16 }, (_, i) => "0x" + createHash("sha256").update(`asset:${i}`).digest("hex"));
const ASSET_BYTES = ASSETS.map((a) => Buffer.from(a.slice(2), "hex"));
const ZERO_BYTES = Buffer.alloc(32);

/** Digest of item `i` of the data set (deterministic, so the load generator can also derive misses). */
export function itemDigest(i: number): string {
  return "0x" + createHash("sha256").update(`shuquan-bench-item:${i}`).digest("hex");
}

/** Asset id item `i` references (the zero id for none). */
export function itemAsset(i: number): string {
  return i % 10 === 3 ? (ASSETS[i % ASSETS.length] as string) : ZERO_ID;
}

/** The `evidence_items` columns in table order (what `checkManifest` returns, event columns first). */
export const ITEM_COLUMNS = [
  "chain_id", "contract", "block_number", "log_index", "tx_hash", "block_time",
  "batch_root", "leaf_index", "tree_index", "item_digest", "asset_id", "label", "leaf_hash", "proof",
] as const;

/** The `evidence_batches` columns written: the handler's, then what `recordManifest` sets for a valid manifest. */
export const BATCH_COLUMNS = [
  "chain_id", "contract", "block_number", "log_index", "tx_hash", "block_time",
  "root", "exchange", "asset_id", "leaf_count", "manifest_cid",
  "manifest_status", "manifest_error", "manifest_attempts", "manifest_checked_at", "manifest_retry_at",
] as const;

/** One batch's rows, column by column (item k is the manifest's k-th item). */
export interface BatchColumns {
  block: number;
  /** Values of {@link BATCH_COLUMNS}. */
  batch: (string | number | null)[];
  root: string;
  txHash: string;
  blockTime: number;
  digests: string[];
  assets: string[];
  labels: string[];
  leaves: string[];
  treeIndex: Int32Array;
  /** Every item's proof text ("0x" + 64 hex per sibling) as ASCII: item k's is `proofBuf[proofStart[k], proofEnd[k])`. */
  proofBuf: Buffer;
  proofStart: Int32Array;
  proofEnd: Int32Array;
}

/** A keccak-256 over hash-wasm (one instance per thread; not re-entrant). */
export async function createKeccak256(): Promise<IHasher> {
  return createKeccak(256);
}

/** True when hash-wasm's keccak-256 gives ethers' keccak256 for a few inputs (lengths 0, 32, 64, 100). */
export function keccakMatchesEthers(h: IHasher): boolean {
  for (const len of [0, 32, 64, 100]) {
    const input = createHash("sha256").update(`probe:${len}`).digest();
    const data = Buffer.alloc(len);
    for (let i = 0; i < len; i++) data[i] = input[i % 32] as number;
    h.init();
    h.update(data);
    if ("0x" + Buffer.from(h.digest("binary")).toString("hex") !== keccak256(data)) return false;
  }
  return true;
}

/** Items `first` … `first + n - 1` of the data set as the batch anchored in `block` (one batch per block, log 0). */
export function buildBatchColumns(h: IHasher, first: number, n: number, block: number): BatchColumns {
  const digests = new Array<string>(n);
  const assets = new Array<string>(n);
  const labels = new Array<string>(n);
  const leafBytes = new Uint8Array(n * 32);
  const pair = new Uint8Array(64);
  for (let k = 0; k < n; k++) {
    const i = first + k;
    const d = createHash("sha256").update(`shuquan-bench-item:${i}`).digest();
    const a = i % 10 === 3 ? (ASSET_BYTES[i % ASSETS.length] as Buffer) : ZERO_BYTES;
    digests[k] = "0x" + d.toString("hex");
    assets[k] = i % 10 === 3 ? (ASSETS[i % ASSETS.length] as string) : ZERO_ID;
    labels[k] = `exports/${block}/record-${k}.json`;
    pair.set(d, 0);
    pair.set(a, 32);
    h.init();
    h.update(pair);
    const inner = h.digest("binary");
    h.init();
    h.update(inner);
    leafBytes.set(h.digest("binary"), k * 32);
  }
  const leafHex = Buffer.from(leafBytes.buffer, leafBytes.byteOffset, leafBytes.length).toString("hex");
  const leaves = new Array<string>(n);
  for (let k = 0; k < n; k++) leaves[k] = "0x" + leafHex.slice(k * 64, k * 64 + 64);

  // leaves sorted by hash fill the tail of the node array, the first in sort order last (StandardMerkleTree)
  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => {
    const a = leaves[x] as string;
    const b = leaves[y] as string;
    return a < b ? -1 : a > b ? 1 : x - y;
  });
  const size = 2 * n - 1;
  const nodes = new Uint8Array(size * 32);
  const treeIndex = new Int32Array(n);
  for (let rank = 0; rank < n; rank++) {
    const k = order[rank] as number;
    const ti = size - 1 - rank;
    treeIndex[k] = ti;
    nodes.set(leafBytes.subarray(k * 32, k * 32 + 32), ti * 32);
  }
  for (let i = size - 1 - n; i >= 0; i--) {
    const l = nodes.subarray((2 * i + 1) * 32, (2 * i + 2) * 32);
    const r = nodes.subarray((2 * i + 2) * 32, (2 * i + 3) * 32);
    h.init();
    if (Buffer.compare(l, r) <= 0) {
      h.update(l);
      h.update(r);
    } else {
      h.update(r);
      h.update(l);
    }
    nodes.set(h.digest("binary"), i * 32);
  }
  // each proof "0x" + the sibling hashes from the leaf up, as ASCII bytes in one buffer (no string per sibling)
  const hexText = Buffer.from(nodes.buffer, nodes.byteOffset, nodes.length).toString("hex");
  const nodeHex = Buffer.from(new ArrayBuffer(hexText.length)); // its own, 4-byte aligned memory (not the pool's)
  nodeHex.write(hexText, 0, "latin1");
  const root = "0x" + nodeHex.toString("latin1", 0, 64);
  const depthMax = Math.ceil(Math.log2(Math.max(1, size))) + 1;
  // every proof starts 2 bytes before a 4-byte boundary, so that its siblings are copied as 16 aligned 32-bit words
  const proofBuf = Buffer.from(new ArrayBuffer(n * (4 + 64 * depthMax)));
  const hex32 = new Uint32Array(nodeHex.buffer, nodeHex.byteOffset, nodeHex.length >> 2);
  const proof32 = new Uint32Array(proofBuf.buffer, 0, proofBuf.length >> 2);
  const proofStart = new Int32Array(n);
  const proofEnd = new Int32Array(n);
  let o = 2;
  for (let k = 0; k < n; k++) {
    let i = treeIndex[k] as number;
    proofStart[k] = o;
    proofBuf[o] = 0x30; // "0"
    proofBuf[o + 1] = 0x78; // "x"
    let w = (o + 2) >> 2;
    while (i > 0) {
      const s = i % 2 === 1 ? i + 1 : i - 1;
      for (let j = s * 16, end = j + 16; j < end; j++) proof32[w++] = hex32[j] as number;
      i = (i - 1) >> 1;
    }
    proofEnd[k] = w << 2;
    o = (w << 2) + 2;
  }
  const txHash = keccak256(Buffer.from(`tx:${block}`));
  const blockTime = 1_767_225_600 + block * 12;
  const batch = [
    CHAIN_ID, ANCHOR, block, 0, txHash, blockTime,
    root, EXCHANGES[block % EXCHANGES.length] as string, null, n, `bafkrei${keccak256(Buffer.from(root)).slice(2, 54)}`,
    "valid", null, 1, blockTime + 30, null,
  ];
  return { block, batch, root, txHash, blockTime, digests, assets, labels, leaves, treeIndex, proofBuf, proofStart, proofEnd };
}

/** Item k's stored proof text. */
export function proofOf(c: BatchColumns, k: number): string {
  return c.proofBuf.toString("latin1", c.proofStart[k] as number, c.proofEnd[k] as number);
}

/** The items of `c` as rows of {@link ITEM_COLUMNS}. */
export function itemRows(c: BatchColumns): (string | number)[][] {
  return c.digests.map((d, k) => [
    CHAIN_ID, ANCHOR, c.block, 0, c.txHash, c.blockTime, c.root, k, c.treeIndex[k] as number, d, c.assets[k] as string, c.labels[k] as string,
    c.leaves[k] as string, proofOf(c, k),
  ]);
}

/**
 * The batch's item rows as PostgreSQL COPY text (tab-separated, `\N` null) in bytes, written straight into one
 * buffer (the proofs copied from `proofBuf`). No value of these rows holds a tab, newline or backslash (hex,
 * decimal, the fixed labels), so none needs escaping.
 */
export function itemsCopyText(c: BatchColumns): Buffer {
  const n = c.digests.length;
  const head = `${CHAIN_ID}\t${ANCHOR}\t${c.block}\t0\t${c.txHash}\t${c.blockTime}\t${c.root}\t`;
  const out = Buffer.from(new ArrayBuffer(c.proofBuf.length + n * (head.length + 400)));
  let o = 0;
  for (let k = 0; k < n; k++) {
    o += out.write(head, o, "latin1");
    o += out.write(`${k}\t${c.treeIndex[k]}\t${c.digests[k]}\t${c.assets[k]}\t${c.labels[k]}\t${c.leaves[k]}\t`, o, "latin1");
    o += c.proofBuf.copy(out, o, c.proofStart[k] as number, c.proofEnd[k] as number);
    out[o++] = 0x0a;
  }
  return out.subarray(0, o);
}
