/**
 * Pledges (数据资产质押): registration rows plus the latest status change (released / lifted / defaulted / back to
 * active on the regulator's objection / enforced) of each.
 */
import type { RowOf, StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { type Page, newestEvents, asRead } from "../pagination";
import type { ReadDb } from "../types";
import { eventCols, eventRef, type EventRef, conditions } from "./rows";

/** A pledge as the API returns it. */
export interface PledgeView {
  pledgeId: string;
  assetId: string;
  lender: string;
  holder: string;
  /** Secured amount, uint128 decimal in the currency's minor unit. */
  amount: string;
  currency: string;
  start: number;
  end: number;
  agreementDigest: string;
  status: "active" | "released" | "lifted" | "defaulted" | "enforced";
  registered: EventRef;
  /** The latest status change (release, lift, default, objection or enforcement), if any. */
  closed: { status: string; by: string; reason: string; event: EventRef } | null;
}

/** Filters of {@link listPledges}. */
export interface PledgeFilters {
  asset?: string;
  lender?: string;
  holder?: string;
  status?: "active" | "released" | "lifted" | "defaulted" | "enforced";
  chainId?: number;
  limit?: number;
  cursor?: string;
}

type PledgeRow = StoredRow<"pledges"> & { status: string | null };
type CloseRow = RowOf<"pledge_status_changes", "pledge_id" | "status" | "by_account" | "reason">;

const STATUS_SQL = `COALESCE((SELECT s.status FROM pledge_status_changes s WHERE s.chain_id = p.chain_id AND s.contract = p.contract AND s.pledge_id = p.pledge_id ORDER BY s.block_number DESC, s.log_index DESC LIMIT 1), 'active')`;
const SELECT = `SELECT * FROM (SELECT ${eventCols("p")}, p.pledge_id, p.asset_id, p.lender, p.holder, p.amount, p.currency,
  p.start_time, p.end_time, p.agreement_digest, ${STATUS_SQL} AS status FROM pledges p) x`;

async function toViews(db: ReadDb, rows: PledgeRow[], isFinal: FinalityCheck): Promise<PledgeView[]> {
  const closedIds = rows.filter((r) => r.status !== "active").map((r) => r.pledge_id);
  const closes = closedIds.length
    ? await db.all<CloseRow>(
        `SELECT ${eventCols("s")}, s.pledge_id, s.status, s.by_account, s.reason FROM pledge_status_changes s
         WHERE s.pledge_id IN (${closedIds.map(() => "?").join(", ")}) ORDER BY s.block_number, s.log_index`,
        closedIds,
      )
    : [];
  const closeOf = new Map(closes.map((c) => [c.pledge_id, c]));
  return rows.map((r) => {
    const c = closeOf.get(r.pledge_id);
    return {
      pledgeId: r.pledge_id,
      assetId: r.asset_id,
      lender: r.lender,
      holder: r.holder,
      amount: r.amount,
      currency: r.currency,
      start: Number(r.start_time),
      end: Number(r.end_time),
      agreementDigest: r.agreement_digest,
      status: (r.status ?? "active") as PledgeView["status"],
      registered: eventRef(r, isFinal),
      closed: c ? { status: c.status, by: c.by_account, reason: c.reason, event: eventRef(c, isFinal) } : null,
    };
  });
}

/** Lists pledges, newest first. */
export async function listPledges(db: ReadDb, f: PledgeFilters, isFinal: FinalityCheck): Promise<Page<PledgeView>> {
  const { where, params, eq } = conditions();
  eq("x.asset_id", f.asset);
  eq("x.lender", f.lender);
  eq("x.status", f.status);
  eq("x.chain_id", f.chainId);
  const page = await newestEvents<PledgeRow, PledgeRow>({
    db,
    select: SELECT,
    where,
    params,
    limit: f.limit,
    cursor: f.cursor,
    map: asRead,
    fixed: f.holder !== undefined ? [{ sql: "x.holder", value: f.holder }] : [],
  });
  return { ...page, items: await toViews(db, page.items, isFinal) };
}

/** One pledge by id, or undefined. */
export async function getPledge(db: ReadDb, pledgeId: string, isFinal: FinalityCheck): Promise<PledgeView | undefined> {
  const rows = await db.all<PledgeRow>(`${SELECT} WHERE x.pledge_id = ? LIMIT 1`, [pledgeId]);
  return (await toViews(db, rows, isFinal))[0];
}

/** The pledges of an asset, oldest first (at most `limit`). */
export async function pledgesOfAsset(db: ReadDb, assetId: string, isFinal: FinalityCheck, limit = 1000): Promise<PledgeView[]> {
  const rows = await db.all<PledgeRow>(`${SELECT} WHERE x.asset_id = ? ORDER BY x.chain_id, x.block_number, x.log_index LIMIT ?`, [assetId, limit]);
  return toViews(db, rows, isFinal);
}
