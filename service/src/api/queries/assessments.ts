/**
 * Third-party assessments (第三方评估): assessments with their responses and withdrawal, judged current or not at the
 * indexed chain time; assessor grants; exchange policies and whether an asset meets one (docs/regulated-use.md).
 */
import { assessmentKindsOf } from "../../digest";
import type { StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { leadingFilter, type Page, newestEvents, asRead } from "../pagination";
import type { ReadDb } from "../types";
import { bool, conditions, eventRef, num, placeholders, type EventRef } from "./rows";
import { indexedChainTime } from "./rights";

/** Whether an assessment counts now. `superseded`: a later assessment of the same kind on the asset decides. */
export type AssessmentStatus = "current" | "failed" | "expired" | "withdrawn" | "superseded";

/** An assessment as the API returns it. */
export interface AssessmentView {
  assessmentId: string;
  assetId: string;
  assessor: string;
  kind: string;
  result: string;
  /** Valuations: uint128 decimal in the currency's minor unit. */
  value: string | null;
  currency: string | null;
  reportDigest: string;
  reportCid: string;
  validUntil: number;
  status: AssessmentStatus;
  attached: EventRef;
  responses: { holder: string; responseDigest: string; responseCid: string; event: EventRef }[];
  withdrawal: { by: string; byRegulator: boolean; reason: string; event: EventRef } | null;
}

type Row = StoredRow<"assessments"> & { withdrawn: number | string; superseded: number | string };

const LATER = `EXISTS (SELECT 1 FROM assessments b WHERE b.chain_id = a.chain_id AND b.contract = a.contract AND b.asset_id = a.asset_id
  AND b.kind = a.kind AND (b.block_number > a.block_number OR (b.block_number = a.block_number AND b.log_index > a.log_index)))`;
const WITHDRAWN = `EXISTS (SELECT 1 FROM assessment_withdrawals w WHERE w.chain_id = a.chain_id AND w.contract = a.contract
  AND w.assessment_id = a.assessment_id)`;
const SELECT = `SELECT * FROM (SELECT a.*, CASE WHEN ${WITHDRAWN} THEN 1 ELSE 0 END AS withdrawn,
  CASE WHEN ${LATER} THEN 1 ELSE 0 END AS superseded FROM assessments a) x`;

function statusOf(r: Row, asOf: number): AssessmentStatus {
  if (bool(r.withdrawn)) return "withdrawn";
  if (bool(r.superseded)) return "superseded";
  if (num(r.valid_until) <= asOf) return "expired";
  return r.result === "fail" ? "failed" : "current";
}

async function toViews(db: ReadDb, rows: Row[], isFinal: FinalityCheck, asOf: number): Promise<AssessmentView[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.assessment_id))];
  const [responses, withdrawals] = await Promise.all([
    db.all<StoredRow<"assessment_responses">>(
      `SELECT * FROM assessment_responses WHERE assessment_id IN (${placeholders(ids.length)}) ORDER BY block_number, log_index`,
      ids,
    ),
    db.all<StoredRow<"assessment_withdrawals">>(
      `SELECT * FROM assessment_withdrawals WHERE assessment_id IN (${placeholders(ids.length)}) ORDER BY block_number, log_index`,
      ids,
    ),
  ]);
  const same = (a: { chain_id: number; contract: string; assessment_id: string }, b: typeof a) =>
    num(a.chain_id) === num(b.chain_id) && a.contract === b.contract && a.assessment_id === b.assessment_id;
  return rows.map((r) => {
    const w = withdrawals.find((x) => same(x, r));
    return {
      assessmentId: r.assessment_id,
      assetId: r.asset_id,
      assessor: r.assessor,
      kind: r.kind,
      result: r.result,
      value: r.value,
      currency: r.currency,
      reportDigest: r.report_digest,
      reportCid: r.report_cid,
      validUntil: num(r.valid_until),
      status: statusOf(r, asOf),
      attached: eventRef(r, isFinal),
      responses: responses
        .filter((x) => same(x, r))
        .map((x) => ({ holder: x.holder, responseDigest: x.response_digest, responseCid: x.response_cid, event: eventRef(x, isFinal) })),
      withdrawal: w ? { by: w.by_account, byRegulator: bool(w.by_regulator), reason: w.reason, event: eventRef(w, isFinal) } : null,
    };
  });
}

/** Filters of {@link listAssessments}. */
export interface AssessmentFilters {
  asset?: string;
  assessor?: string;
  kind?: string;
  chainId?: number;
  limit?: number;
  cursor?: string;
}

/** Assessments, newest first. */
export async function listAssessments(db: ReadDb, f: AssessmentFilters, isFinal: FinalityCheck, now: number): Promise<Page<AssessmentView>> {
  const { where, params, eq } = conditions();
  const { fixed, rest } = leadingFilter([
    ["x.asset_id", f.asset],
    ["x.assessor", f.assessor],
    ["x.kind", f.kind],
  ]);
  for (const [col, v] of rest) eq(col, v);
  eq("x.chain_id", f.chainId);
  const page = await newestEvents<Row, Row>({
    db,
    select: SELECT,
    where,
    params,
    limit: f.limit,
    cursor: f.cursor,
    map: asRead,
    fixed,
  });
  const asOf = (await indexedChainTime(db, f.chainId)) ?? Math.floor(now / 1000);
  return { ...page, items: await toViews(db, page.items, isFinal, asOf) };
}

/** One assessment by id, or undefined. */
export async function getAssessment(db: ReadDb, assessmentId: string, isFinal: FinalityCheck, now: number): Promise<AssessmentView | undefined> {
  const rows = await db.all<Row>(`${SELECT} WHERE x.assessment_id = ? ORDER BY x.block_number DESC LIMIT 1`, [assessmentId]);
  const asOf = (await indexedChainTime(db, rows[0] ? num(rows[0].chain_id) : undefined)) ?? Math.floor(now / 1000);
  return (await toViews(db, rows, isFinal, asOf))[0];
}

/** Every assessment of an asset, oldest first, judged at `asOf` (the provenance report). */
export async function assessmentsOfAsset(db: ReadDb, assetId: string, isFinal: FinalityCheck, asOf: number): Promise<AssessmentView[]> {
  const rows = await db.all<Row>(`${SELECT} WHERE x.asset_id = ? ORDER BY x.block_number, x.log_index`, [assetId]);
  return toViews(db, rows, isFinal, asOf);
}

/** An exchange's assessment policy, and (when asked for an asset) whether the asset meets it. */
export interface PolicyView {
  exchange: string;
  listingKinds: string[];
  pledgeKinds: string[];
  /** The event that set it; null when the exchange never set one (nothing required). */
  set: EventRef | null;
  /** For `asset`: per purpose, whether every required kind is current, and which are missing. */
  check?: { assetId: string; asOf: number; listing: { met: boolean; missing: string[] }; pledge: { met: boolean; missing: string[] } };
}

/** The latest policy of `exchange`, checked against `assetId` when given (as `AssessmentRegistry.meetsPolicy` would). */
export async function policyOf(db: ReadDb, exchange: string, assetId: string | undefined, isFinal: FinalityCheck, now: number): Promise<PolicyView> {
  const row = await db.get<StoredRow<"assessment_policies">>(
    "SELECT * FROM assessment_policies WHERE exchange = ? ORDER BY block_number DESC, log_index DESC LIMIT 1",
    [exchange],
  );
  const listingKinds = assessmentKindsOf(row ? num(row.listing_kinds) : 0);
  const pledgeKinds = assessmentKindsOf(row ? num(row.pledge_kinds) : 0);
  const view: PolicyView = { exchange, listingKinds, pledgeKinds, set: row ? eventRef(row, isFinal) : null };
  if (assetId !== undefined) {
    const asOf = (await indexedChainTime(db, row ? num(row.chain_id) : undefined)) ?? Math.floor(now / 1000);
    const all = await assessmentsOfAsset(db, assetId, isFinal, asOf);
    const current = new Set(all.filter((a) => a.status === "current").map((a) => a.kind));
    const missing = (kinds: string[]) => kinds.filter((k) => !current.has(k));
    const l = missing(listingKinds);
    const p = missing(pledgeKinds);
    view.check = { assetId, asOf, listing: { met: l.length === 0, missing: l }, pledge: { met: p.length === 0, missing: p } };
  }
  return view;
}

/** A merchant's assessor categories as last set. */
export interface AssessorView {
  merchant: string;
  categories: string[];
  setBy: string;
  byRegulator: boolean;
  set: EventRef;
}

/** Merchants whose assessor categories were ever set, with the latest setting (empty categories: revoked). */
export async function listAssessors(db: ReadDb, isFinal: FinalityCheck): Promise<AssessorView[]> {
  const rows = await db.all<StoredRow<"assessor_grants">>(
    `SELECT g.* FROM assessor_grants g WHERE NOT EXISTS (SELECT 1 FROM assessor_grants h WHERE h.chain_id = g.chain_id
       AND h.contract = g.contract AND h.merchant = g.merchant
       AND (h.block_number > g.block_number OR (h.block_number = g.block_number AND h.log_index > g.log_index)))
     ORDER BY g.block_number DESC, g.log_index DESC LIMIT 500`,
  );
  return rows.map((g) => ({
    merchant: g.merchant,
    categories: assessmentKindsOf(num(g.categories)),
    setBy: g.by_account,
    byRegulator: bool(g.by_regulator),
    set: eventRef(g, isFinal),
  }));
}
