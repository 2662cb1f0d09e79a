/**
 * Processing receipts (可用不可见, 行为留痕) and their violations: receipts by licence, asset, licensee or batch; the
 * anchored batches with their manifest status; violations for licensors and the regulator (docs/regulated-use.md).
 */
import type { StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { leadingFilter, listCodec, paginate, eventPositionKeys, type KeyColumn, type Page } from "../pagination";
import type { ReadDb } from "../types";
import { conditions, eventCols, eventRef, num, placeholders, type EventRef } from "./rows";

/** One violation of a receipt. */
export interface ViolationView {
  code: string;
  detail: string;
  batchRoot: string;
  leafIndex: number;
  licenceId: string;
  assetId: string | null;
  licensor: string | null;
  licensee: string;
  submitter: string;
  anchored: EventRef;
}

/** A receipt as the API returns it. */
export interface ReceiptView {
  batchRoot: string;
  leafIndex: number;
  licenceId: string;
  licensee: string;
  submitter: string;
  /** The licence's asset and grantor, as indexed when the batch was anchored (null for an unknown licence). */
  assetId: string | null;
  licensor: string | null;
  purposeDigest: string;
  inputsRoot: string;
  inputs: string[];
  outputDigest: string;
  parametersDigest: string;
  start: number;
  end: number;
  leafHash: string;
  /** Sibling hashes from the leaf up (OpenZeppelin MerkleProof order). */
  proof: string[];
  /** Empty when the receipt is inside its licence. */
  violations: { code: string; detail: string }[];
  anchored: EventRef;
}

/** A receipt batch. */
export interface ReceiptBatchView {
  root: string;
  submitter: string;
  leafCount: number;
  manifestCid: string;
  manifestStatus: string;
  manifestError: string | null;
  anchored: EventRef;
}

type ReceiptRow = StoredRow<"receipts">;
type ViolationRow = StoredRow<"receipt_violations">;
type BatchRow = StoredRow<"receipt_batches">;

const splitProof = (p: string): string[] => {
  const out: string[] = [];
  for (let i = 2; i + 64 <= p.length; i += 64) out.push("0x" + p.slice(i, i + 64));
  return out;
};

const positionKey = (r: { chain_id: number; block_number: number; log_index: number; leaf_index: number }): string =>
  `${r.chain_id}:${r.block_number}:${r.log_index}:${r.leaf_index}`;

async function withViolations(db: ReadDb, rows: ReceiptRow[], isFinal: FinalityCheck): Promise<ReceiptView[]> {
  const flagged = rows.filter((r) => num(r.violation_count) > 0);
  const byReceipt = new Map<string, { code: string; detail: string }[]>();
  if (flagged.length) {
    const roots = [...new Set(flagged.map((r) => r.batch_root))];
    const vs = await db.all<ViolationRow>(
      `SELECT * FROM receipt_violations WHERE batch_root IN (${placeholders(roots.length)}) ORDER BY leaf_index, code`,
      roots,
    );
    for (const v of vs) {
      const k = positionKey(v);
      const list = byReceipt.get(k) ?? [];
      list.push({ code: v.code, detail: v.detail });
      byReceipt.set(k, list);
    }
  }
  return rows.map((r) => ({
    batchRoot: r.batch_root,
    leafIndex: num(r.leaf_index),
    licenceId: r.licence_id,
    licensee: r.licensee,
    submitter: r.submitter,
    assetId: r.asset_id,
    licensor: r.licensor,
    purposeDigest: r.purpose_digest,
    inputsRoot: r.inputs_root,
    inputs: r.inputs === "" ? [] : r.inputs.split(","),
    outputDigest: r.output_digest,
    parametersDigest: r.parameters_digest,
    start: num(r.start_time),
    end: num(r.end_time),
    leafHash: r.leaf_hash,
    proof: splitProof(r.proof),
    violations: byReceipt.get(positionKey(r)) ?? [],
    anchored: eventRef(r, isFinal),
  }));
}

/** Filters of {@link listReceipts}. */
export interface ReceiptFilters {
  licence?: string;
  asset?: string;
  licensee?: string;
  batch?: string;
  /** Only receipts with (true) or without (false) violations. */
  violating?: boolean;
  chainId?: number;
  limit?: number;
  cursor?: string;
}

/** The receipts' key order (chain, block, log, leaf): the primary key and the key-ordered indexes serve the page. */
const receiptKeys = (alias: string): KeyColumn[] => [
  ...eventPositionKeys(alias),
  { sql: `${alias}.leaf_index`, field: "leaf_index" },
];


/** Receipts, newest batch first (then by leaf). */
export async function listReceipts(db: ReadDb, f: ReceiptFilters, isFinal: FinalityCheck): Promise<Page<ReceiptView>> {
  const { where, params, eq } = conditions();
  const { fixed, rest } = leadingFilter([
    ["r.batch_root", f.batch],
    ["r.licence_id", f.licence],
    ["r.asset_id", f.asset],
    ["r.licensee", f.licensee],
  ]);
  for (const [col, v] of rest) eq(col, v);
  eq("r.chain_id", f.chainId);
  if (f.violating !== undefined) where.push(f.violating ? "r.violation_count > 0" : "r.violation_count = 0");
  const page = await paginate<ReceiptRow, ReceiptRow>({
    db,
    select: `SELECT r.* FROM receipts r`,
    where,
    params,
    keys: receiptKeys("r"),
    direction: "desc",
    limit: f.limit,
    cursor: f.cursor,
    map: (r) => r,
    fixed,
  });
  return { ...page, items: await withViolations(db, page.items, isFinal) };
}

/** One receipt by batch root and leaf index, or undefined. */
export async function getReceipt(db: ReadDb, batchRoot: string, leafIndex: number, isFinal: FinalityCheck): Promise<ReceiptView | undefined> {
  const rows = await db.all<ReceiptRow>("SELECT * FROM receipts WHERE batch_root = ? AND leaf_index = ? LIMIT 1", [batchRoot, leafIndex]);
  return (await withViolations(db, rows, isFinal))[0];
}

/** Receipts whose leaf hash is `leafHash` (normally one). */
export async function receiptsByLeaf(db: ReadDb, leafHash: string, isFinal: FinalityCheck): Promise<ReceiptView[]> {
  const rows = await db.all<ReceiptRow>("SELECT * FROM receipts WHERE leaf_hash = ? ORDER BY block_number, log_index LIMIT 20", [leafHash]);
  return withViolations(db, rows, isFinal);
}

/** Filters of {@link listReceiptBatches}. */
export interface ReceiptBatchFilters {
  submitter?: string;
  status?: string;
  chainId?: number;
  limit?: number;
  cursor?: string;
}

/** Receipt batches, newest first, with their manifest status (a mismatch or unavailable manifest stays listed). */
export async function listReceiptBatches(db: ReadDb, f: ReceiptBatchFilters, isFinal: FinalityCheck): Promise<Page<ReceiptBatchView>> {
  const { where, params, eq } = conditions();
  const { fixed, rest } = leadingFilter([
    ["b.submitter", f.submitter],
    ["b.manifest_status", f.status],
  ]);
  for (const [col, v] of rest) eq(col, v);
  eq("b.chain_id", f.chainId);
  return paginate<BatchRow, ReceiptBatchView>({
    db,
    select: `SELECT ${eventCols("b")}, b.root, b.submitter, b.leaf_count, b.manifest_cid, b.manifest_status, b.manifest_error FROM receipt_batches b`,
    where,
    params,
    keys: eventPositionKeys("b"),
    direction: "desc",
    limit: f.limit,
    cursor: f.cursor,
    fixed,
    map: (b) => ({
      root: b.root,
      submitter: b.submitter,
      leafCount: num(b.leaf_count),
      manifestCid: b.manifest_cid,
      manifestStatus: b.manifest_status,
      manifestError: b.manifest_error,
      anchored: eventRef(b, isFinal),
    }),
  });
}

/** The violation codes (indexer/receipt-manifests.ts `ViolationCode`). */
export const VIOLATION_CODES = [
  "unknown-licence",
  "wrong-licensee",
  "unauthorised-submitter",
  "purpose-mismatch",
  "outside-window",
  "after-revocation",
  "ends-after-anchoring",
] as const;

/** Filters of {@link listViolations}. */
export interface ViolationFilters {
  licensor?: string;
  licensee?: string;
  asset?: string;
  licence?: string;
  code?: string;
  chainId?: number;
  limit?: number;
  cursor?: string;
}

/** Violations, newest first: what a licensor sees of its licences (`licensor`), or the regulator of all. */
export async function listViolations(db: ReadDb, f: ViolationFilters, isFinal: FinalityCheck): Promise<Page<ViolationView>> {
  const { where, params, eq } = conditions();
  const { fixed, rest } = leadingFilter([
    ["v.licence_id", f.licence],
    ["v.asset_id", f.asset],
    ["v.licensee", f.licensee],
    ["v.licensor", f.licensor],
    ["v.code", f.code],
  ]);
  for (const [col, v] of rest) eq(col, v);
  eq("v.chain_id", f.chainId);
  return paginate<ViolationRow, ViolationView>({
    db,
    select: `SELECT v.* FROM receipt_violations v`,
    where,
    params,
    // the code makes the key unique (one receipt, several findings); the cursor carries its place in VIOLATION_CODES
    keys: [...receiptKeys("v"), { sql: "v.code", field: "code", codec: listCodec(VIOLATION_CODES) }],
    fixed,
    direction: "desc",
    limit: f.limit,
    cursor: f.cursor,
    map: (v) => ({
      code: v.code,
      detail: v.detail,
      batchRoot: v.batch_root,
      leafIndex: num(v.leaf_index),
      licenceId: v.licence_id,
      assetId: v.asset_id,
      licensor: v.licensor,
      licensee: v.licensee,
      submitter: v.submitter,
      anchored: eventRef(v, isFinal),
    }),
  });
}
