/**
 * Processing receipts (可用不可见, 行为留痕) and their violations: receipts by licence, asset, licensee or batch; the
 * anchored batches with their manifest status; violations for licensors and the regulator (docs/regulated-use.md).
 */
import type { StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { paginate, eventPositionKeys, type KeyColumn, type Page } from "../pagination";
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

const receiptKeys = (alias: string): KeyColumn[] => [
  { sql: `${alias}.block_number`, field: "block_number" },
  { sql: `${alias}.log_index`, field: "log_index" },
  { sql: `${alias}.leaf_index`, field: "leaf_index" },
  { sql: `${alias}.chain_id`, field: "chain_id" },
];

/** Receipts, newest batch first (then by leaf). */
export async function listReceipts(db: ReadDb, f: ReceiptFilters, isFinal: FinalityCheck): Promise<Page<ReceiptView>> {
  const { where, params, eq } = conditions();
  eq("r.licence_id", f.licence);
  eq("r.asset_id", f.asset);
  eq("r.licensee", f.licensee);
  eq("r.batch_root", f.batch);
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
  eq("b.submitter", f.submitter);
  eq("b.manifest_status", f.status);
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
  eq("v.licensor", f.licensor);
  eq("v.licensee", f.licensee);
  eq("v.asset_id", f.asset);
  eq("v.licence_id", f.licence);
  eq("v.code", f.code);
  eq("v.chain_id", f.chainId);
  return paginate<ViolationRow, ViolationView>({
    db,
    select: `SELECT v.* FROM receipt_violations v`,
    where,
    params,
    keys: [...receiptKeys("v").slice(0, 3), { sql: "v.code", field: "code" }, { sql: "v.chain_id", field: "chain_id" }],
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
